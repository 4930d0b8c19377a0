"The pre/during/post stages of the pipeline: the colour-shift guard on every shipped model, a model that shifts colours, stage checks, dry runs, reports."
import json, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import torch
from conftest import shared

from enhance5k.core import PipelineError, MissingWeightsError
from enhance5k.io import Image, read_image, to_tensor, write_image
from enhance5k.ops import imresize
from enhance5k.metrics import colour_consistency
from enhance5k.models import list_models, load_model, save_model
import importlib
E = importlib.import_module('enhance5k.enhance')  # the module (enhance5k.enhance is the function)

def small_photos(edge=640):
    "The shared photos downscaled to `edge` px long edge, as 8-bit Images."
    for f in sorted(shared('photos').glob('*.jpg')):
        x = to_tensor(read_image(f)); s = edge / max(x.shape[-2:])
        x = imresize(x, size=(round(x.shape[-2] * s), round(x.shape[-1] * s))).clamp(0, 1)
        yield f.name, Image((x[0].permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8))

def out_tensor(r): return to_tensor(r.image)

@pytest.mark.parametrize('model', ['fast-x2', 'fast-x4', 'quality-x4', 'photo-x4'])
def test_guard_keeps_colours_on_shared_photos(model):
    if model not in list_models(): pytest.skip(f'{model} weights are not shipped here')
    for name, img in small_photos():
        r = E.enhance(img, 'x4', model=model, cache=False)
        de = float(colour_consistency(out_tensor(r), to_tensor(img)))
        assert de < 2.0, (model, name, de)
        g = r.report.info['guard']
        assert g is not None and g['delta_e'] >= 0 and ('delta_e_after' in g) == g['acted']

def shifted_model(tmp_path, shift=0.06):
    "fast-x4 with +`shift` on its luma residual: a model that brightens every pixel (a colour shift in ΔE)."
    m = load_model('fast-x4', cache=False); last = [l for l in m.body if isinstance(l, torch.nn.Conv2d)][-1]
    with torch.no_grad(): last.bias += shift
    return save_model(m, tmp_path / 'shifty.safetensors', {'note': 'test model that shifts colours'})

def test_guard_acts_on_a_colour_shifting_model(tmp_path):
    if 'fast-x4' not in list_models(): pytest.skip('fast-x4 weights are not shipped here')
    name, img = next(small_photos(320))
    path = shifted_model(tmp_path)
    raw = E.enhance(img, 'x4', model=str(path), guard=False, cache=False)
    assert float(colour_consistency(out_tensor(raw), to_tensor(img))) > 2.0  # the model really shifts colours
    r = E.enhance(img, 'x4', model=str(path), cache=False)
    g = r.report.info['guard']
    assert g['acted'] and g['delta_e'] > E.GUARD_DE and g['delta_e_after'] < 1.0
    assert float(colour_consistency(out_tensor(r), to_tensor(img))) < 2.0
    assert any('colour-shift guard' in n and 'corrected' in n for n in r.report.info['notes'])
    assert 'corrected' in r.report.to_markdown()

@pytest.mark.parametrize('bits', [8, 16])
def test_overflowing_model_is_a_pipeline_error(tmp_path, bits):
    "Finite weights so large the activations overflow: the check after the model stage names it (8-bit fast path and float path)."
    if 'fast-x4' not in list_models(): pytest.skip('fast-x4 weights are not shipped here')
    m = load_model('fast-x4', cache=False)
    with torch.no_grad():
        for l in [l for l in m.body if isinstance(l, torch.nn.Conv2d)][:2]: l.weight.mul_(1e30)
    p = save_model(m, tmp_path / 'broken.safetensors', {})
    dt = np.uint8 if bits == 8 else np.uint16
    img = Image(np.random.default_rng(0).integers(1, 200, (24, 32, 3)).astype(dt))
    with pytest.raises(PipelineError, match='NaN or infinite'): E.enhance(img, 'x4', model=str(p), cache=False)

def test_nan_weights_are_refused_at_load(tmp_path):
    if 'fast-x4' not in list_models(): pytest.skip('fast-x4 weights are not shipped here')
    m = load_model('fast-x4', cache=False)
    with torch.no_grad(): [l for l in m.body if isinstance(l, torch.nn.Conv2d)][0].weight[0, 0, 0, 0] = float('nan')
    p = save_model(m, tmp_path / 'nan.safetensors', {})
    with pytest.raises(MissingWeightsError, match='NaN or infinite'): load_model(str(p), cache=False)

def test_dry_run_runs_no_model(monkeypatch):
    if 'fast-x4' not in list_models(): pytest.skip('fast-x4 weights are not shipped here')
    real = E.render
    def boom(x, size, models=(), *a, **k):  # the views are resizes through `render`; no model may run
        if models: raise AssertionError('a model ran in a dry run')
        return real(x, size, models, *a, **k)
    monkeypatch.setattr(E, 'render', boom)
    img = Image(np.random.default_rng(0).integers(0, 256, (800, 1280, 3), dtype=np.uint8))
    p = E.enhance(img, '5k', params='auto', dry_run=True)
    assert isinstance(p, E.EnhancePlan) and p.passes == ('fast-x4',) and p.output_size == (5120, 3200)
    assert p.expected_time_s > 0 and p.expected_memory_mb > 0 and p.baseline is not None
    json.dumps(p.to_dict())  # JSON-safe

def test_sixteen_bit_with_params_and_report():
    if 'fast-x4' not in list_models(): pytest.skip('fast-x4 weights are not shipped here')
    rng = np.random.default_rng(3)
    img = Image(rng.integers(10000, 50000, (40, 48, 3), dtype=np.uint16), alpha=np.full((40, 48), 40000, np.uint16))
    r = E.enhance(img, 'x4', params={'saturation': 0.2, 'sharpen': 0.5}, cache=False)
    assert r.image.bits == 16 and r.image.size == (192, 160) and r.image.alpha is not None
    assert r.report.info['params']['saturation'] == 0.2 and r.report.info['checks'][-1] == 'validate'

def test_cli_report_files(tmp_path):
    if 'fast-x4' not in list_models(): pytest.skip('fast-x4 weights are not shipped here')
    name, img = next(small_photos(200))
    write_image(img, tmp_path / 'in.png')
    exe = Path(sys.executable).parent / 'enhance5k'
    r = subprocess.run([str(exe), 'enhance', str(tmp_path / 'in.png'), '-o', str(tmp_path / 'out'), '--target', 'x4', '--params', 'auto', '--report'],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    d = json.loads((tmp_path / 'out' / 'in_x4.report.json').read_text())
    assert d['info']['guard'] is not None and d['info']['params_auto'] and 'baseline' in d
    md = (tmp_path / 'out' / 'in_x4.report.md').read_text()
    assert '## Plan' in md and '| metric | before | after |' in md
