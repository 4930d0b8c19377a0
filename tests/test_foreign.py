"Bring your own models: spandrel architectures loaded, tiled, registered and run through the command, pickles that would run code refused; fine-tuned from feedback, deployed and rolled back."
import json, os, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import torch
from safetensors.torch import save_file
from conftest import shared, textured_inputs
from enhance5k.core import ModelError, MissingWeightsError, ConfigError
from enhance5k.io import Image, write_image, read_image
from enhance5k.models import load_model, add_model, list_models, models_home, ForeignModel, read_state_dict, sha256_file, current_version, deployed_versions
from enhance5k.enhance import render, enhance
from enhance5k.metrics import psnr
from enhance5k.feedback import FeedbackStore, FeedbackPair
from enhance5k.finetune import finetune, rollback, check_trainable, simulate_choices

def tiny(arch:str):
    "A small, randomly initialised network of one of spandrel's SR architectures."
    torch.manual_seed(0)
    if arch == 'esrgan':
        from spandrel.architectures.ESRGAN import ESRGAN
        return ESRGAN(num_filters=8, num_blocks=1, scale=4)
    if arch == 'compact':
        from spandrel.architectures.Compact import Compact
        return Compact(num_feat=8, num_conv=3, upscale=4)
    if arch == 'swinir':
        from spandrel.architectures.SwinIR import SwinIR
        return SwinIR(img_size=16, embed_dim=12, depths=[2], num_heads=[2], window_size=4, mlp_ratio=2., upscale=2, upsampler='pixelshuffledirect')
    if arch == 'span':
        from spandrel.architectures.SPAN import SPAN
        return SPAN(num_in_ch=3, num_out_ch=3, feature_channels=8, upscale=4)
    if arch == 'hat':
        from spandrel.architectures.HAT import HAT
        return HAT(img_size=16, embed_dim=12, depths=[1], num_heads=[2], window_size=4, compress_ratio=3, squeeze_factor=4, upscale=2, num_feat=8)
    raise ValueError(arch)

ARCHS = {'esrgan': ('ESRGAN', 4), 'compact': ('Compact', 4), 'swinir': ('SwinIR', 2), 'span': ('SPAN', 4), 'hat': ('HAT', 2)}

@pytest.fixture(scope='module')
def files(tmp_path_factory):
    "Each architecture's state dict as .pth and as .safetensors."
    d = tmp_path_factory.mktemp('foreign'); out = {}
    for a in ARCHS:
        sd = {k: v.contiguous().clone() for k, v in tiny(a).state_dict().items()}
        torch.save(sd, d / f'{a}.pth'); save_file(sd, str(d / f'{a}.safetensors'))
        out[a] = d
    return d

def run(*args):
    return subprocess.run([str(Path(sys.executable).parent / 'enhance5k'), *map(str, args)], capture_output=True, text=True, timeout=300)

f32 = lambda a: torch.from_numpy(a.astype(np.float32)).permute(2, 0, 1)[None] / 255

@pytest.mark.parametrize('arch', list(ARCHS))
def test_load_scale_and_tiles(files, arch):
    ref = tiny(arch).eval()
    for suffix in ('.pth', '.safetensors'):
        m = load_model(files / f'{arch}{suffix}', cache=False)
        assert isinstance(m, ForeignModel) and m.arch['id'] == ARCHS[arch][0] and m.scale == ARCHS[arch][1]
        assert m.card['source']['file'] == f'{arch}{suffix}' and m.card['parameters'] == sum(p.numel() for p in ref.parameters())
        x = torch.rand(1, 3, 20, 24)
        with torch.inference_mode(): assert (m(x) - ref(x).clamp(0, 1)).abs().max() < 1e-5  # the same network
    S = m.scale; g = torch.Generator().manual_seed(0)
    hr = torch.rand(1, 3, 80 * S, 96 * S, generator=g); lr = torch.nn.functional.avg_pool2d(hr, S)  # a 96x80 input
    size = (96 * S, 80 * S)
    whole = f32(render(lr, size, [m], tile=1000))
    tiled = f32(render(lr, size, [m], tile=12))  # 12-row strips, tiles of 72 px across: 7 bands of 2 tiles
    assert abs(psnr(whole, hr).item() - psnr(tiled, hr).item()) <= 0.01
    assert (whole - tiled).abs().max().item() <= 2 / 255 + 1e-6
    if arch in ('compact', 'swinir'):  # the 8-bit path through tiles (SPAN re-fuses its weights on every call: kept to one render each)
        lr8 = (lr * 255).round().to(torch.uint8)
        w8, t8 = f32(render(lr8, size, [m], tile=1000)), f32(render(lr8, size, [m], tile=12))
        assert abs(psnr(w8, hr).item() - psnr(t8, hr).item()) <= 0.01

def test_enhance_api_guard_and_report(files):
    img = Image(np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8))
    r = enhance(img, 'x2', model=str(files / 'swinir.pth'), cache=False)
    assert r.image.size == (96, 80) and r.passes == (str(files / 'swinir.pth'),)
    assert r.report is not None and r.report.info['guard'] is not None and 'guard' in r.report.info['checks']

def test_cli_add_list_enhance(files, tmp_path):
    r = run('models', 'add', files / 'esrgan.pth', '--name', 'tiny-esrgan-x4')
    assert r.returncode == 0, r.stderr
    assert 'tiny-esrgan-x4: x4' in r.stdout and 'ESRGAN' in r.stdout
    card = json.loads((models_home() / 'tiny-esrgan-x4' / 'v1' / 'tiny-esrgan-x4.json').read_text())
    assert card['architecture']['name'] == 'ESRGAN' and card['scale'] == 4 and card['source']['file'] == 'esrgan.pth'
    assert len(card['sha256']) == 64 and len(card['source']['sha256']) == 64 and card['parameters'] > 0 and 'licence' in card
    assert card['architecture']['input_channels'] == 3 and 'multiple_of' in card['architecture']['size_requirements']
    assert run('models', 'add', files / 'swinir.safetensors').returncode == 0  # named after the file
    r = run('models'); assert r.returncode == 0
    assert 'fast-x4: x4' in r.stdout and 'tiny-esrgan-x4: x4' in r.stdout and 'swinir: x2' in r.stdout
    write_image(Image(np.random.default_rng(1).integers(0, 256, (30, 40, 3), dtype=np.uint8)), tmp_path / 'x.png')
    r = run('enhance', tmp_path / 'x.png', '-o', tmp_path / 'o4', '--model', 'tiny-esrgan-x4', '--target', '150x120', '--report')
    assert r.returncode == 0, r.stderr
    out = read_image(next((tmp_path / 'o4').glob('x*.png'))); assert out.size == (150, 112)
    rep = json.loads(next((tmp_path / 'o4').glob('*.report.json')).read_text())
    assert rep['info']['plan']['passes'] == ['tiny-esrgan-x4'] and rep['info']['guard'] is not None
    r = run('enhance', tmp_path / 'x.png', '-o', tmp_path / 'o2', '--model', 'swinir', '--target', 'x2')
    assert r.returncode == 0, r.stderr
    assert read_image(next((tmp_path / 'o2').glob('x*.png'))).size == (80, 60)

def evil(path:Path, marker:Path):
    "A .pth whose unpickling would create `marker`."
    class Boom:
        def __reduce__(self): return (os.system, (f'touch {marker}',))
    torch.save({'body.0.weight': Boom(), 'body.1.weight': torch.zeros(1)}, path)

def test_malicious_pickle_refused(tmp_path):
    marker = tmp_path / 'ran'; bad = tmp_path / 'evil.pth'; evil(bad, marker)
    with pytest.raises(ModelError, match='evil.pth: refused'): load_model(bad)
    with pytest.raises(ModelError, match='evil.pth: refused'): read_state_dict(bad)
    with pytest.raises(ModelError, match='evil.pth: refused'): add_model(bad, 'evil')
    r = run('models', 'add', bad, '--name', 'evil')
    assert r.returncode == 2 and 'evil.pth: refused' in r.stderr and 'Traceback' not in r.stderr
    assert not marker.exists()
    assert not models_home().exists() or not any(models_home().iterdir())  # no half-written entry
    assert 'evil' not in list_models()

def test_bad_files_are_named_errors(tmp_path, files):
    (tmp_path / 'junk.pth').write_bytes(b'not a pickle at all')
    with pytest.raises(ModelError, match='junk.pth'): load_model(tmp_path / 'junk.pth')
    save_file({'foo.weight': torch.zeros(3, 3)}, str(tmp_path / 'unknown.safetensors'))
    with pytest.raises(MissingWeightsError, match="not an architecture spandrel knows"): load_model(tmp_path / 'unknown.safetensors')
    torch.jit.save(torch.jit.script(torch.nn.Conv2d(3, 3, 3)), str(tmp_path / 'scripted.pt'))
    with pytest.raises(ModelError, match='TorchScript'): load_model(tmp_path / 'scripted.pt')
    from spandrel.architectures.Compact import Compact
    torch.save(Compact(num_feat=4, num_conv=1, upscale=1).state_dict(), tmp_path / 'restore-x1.pth')
    with pytest.raises(ModelError, match='1x restoration'): load_model(tmp_path / 'restore-x1.pth')
    with pytest.raises(ModelError, match='unsupported weights format'): read_state_dict(tmp_path / 'x.onnx')
    add_model(files / 'compact.pth', 'c4')
    with pytest.raises(ConfigError, match='exists already'): add_model(files / 'compact.pth', 'c4')
    with pytest.raises(ConfigError, match='exists already'): add_model(files / 'compact.pth', 'fast-x4')
    with pytest.raises(ConfigError, match='model name'): add_model(files / 'compact.pth', '../up')
    assert sorted(p.name for p in models_home().iterdir()) == ['c4']

def choices_on(model:str, dest:Path, n:int=4, size:int=64)->FeedbackStore:
    "A store with a sharpness-loving rater's ratings and A/B choices among `model`'s outputs of `n` textured synthetic inputs."
    inputs = textured_inputs(dest, n, size)
    st = FeedbackStore(dest / 'fb.db'); simulate_choices(st, inputs, model=model)
    return st

def test_finetune_a_foreign_model_then_deploy_and_roll_back(tmp_path):
    shared('Set5'); shared('Set14')  # the gate's benchmark
    from spandrel.architectures.Compact import Compact
    torch.manual_seed(0); torch.save(Compact(num_feat=8, num_conv=2, upscale=4).state_dict(), tmp_path / 'c4.pth')
    r = run('models', 'add', tmp_path / 'c4.pth', '--name', 'tiny-c4'); assert r.returncode == 0, r.stderr
    st = choices_on('tiny-c4', tmp_path); assert sum(p.kind == 'choice' for p in st.pairs()) == 12
    res = finetune('tiny-c4', st, max_steps=10, lr=1e-3, batch_size=4, wandb=False)
    g = res['gate']; assert {'passed', 'reasons', 'psnr', 'preference_accuracy'} <= set(g) and g['preference_accuracy']['choices'] == 3
    assert g['passed'], g['reasons']  # random weights: 10 steps of fidelity gain well over a dB on Set5 and Set14
    assert (res['base'], res['steps'], res['deployed'], current_version('tiny-c4'), deployed_versions('tiny-c4')) == ('tiny-c4@v1', 10, 'v2', 'v2', ['v1', 'v2'])
    w1, w2 = (models_home() / 'tiny-c4' / v / 'tiny-c4.safetensors' for v in ('v1', 'v2'))
    c1, c2 = (json.loads(w.with_suffix('.json').read_text()) for w in (w1, w2))
    assert c2['architecture'] == c1['architecture'] and (c2['scale'], c2['speed'], c2['source']) == (c1['scale'], c1['speed'], c1['source'])
    assert (c2['version'], c2['parent'], c2['sha256'], c2['gate']['passed'], c2['training']['steps']) == ('v2', 'v1', sha256_file(w2), True, 10)
    x = torch.rand(1, 3, 20, 24, generator=torch.Generator().manual_seed(3))
    m2, m1 = load_model('tiny-c4', cache=False), load_model('tiny-c4@v1', cache=False)
    assert isinstance(m2, ForeignModel) and m2.card['version'] == 'v2'
    with torch.inference_mode(): y2, y1 = m2(x), m1(x)
    assert (y2 - y1).abs().max() > 1e-3
    r = run('models'); assert 'deployed v2 of v1, v2' in next(l for l in r.stdout.splitlines() if l.startswith('tiny-c4:')), r.stdout  # the list says which version runs
    r = run('models', 'rollback', 'tiny-c4'); assert r.returncode == 0 and 'tiny-c4: v2 -> v1' in r.stdout, r.stdout + r.stderr
    m = load_model('tiny-c4', cache=False)
    with torch.inference_mode(): assert m.card['version'] == 'v1' and torch.equal(m(x), y1)
    with pytest.raises(ConfigError, match='no shipped weights'): rollback('tiny-c4')

def test_untrainable_foreign_model_is_refused(files, tmp_path, monkeypatch):
    add_model(files / 'compact.pth', 'c4')
    pair = FeedbackPair(1, 'choice', tmp_path / 'in.png', tmp_path / 'a.png', rejected=tmp_path / 'b.png')
    monkeypatch.setattr(torch.Tensor, 'backward', lambda *a, **k: None)  # no gradient reaches the weights
    with pytest.raises(ModelError, match=r"c4 \(RealESRGAN Compact\) cannot be fine-tuned here: no parameter received a gradient"):
        finetune('c4', pairs=[pair], wandb=False)
    assert (deployed_versions('c4'), current_version('c4')) == (['v1'], 'v1')

@pytest.mark.parametrize('arch', list(ARCHS))
def test_spandrel_archs_pass_the_trainability_check(files, arch):
    m = load_model(files / f'{arch}.pth', cache=False); check_trainable(m, arch)
    assert not m.training and all(p.grad is None and not p.requires_grad for p in m.parameters())
