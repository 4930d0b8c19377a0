"Shipped weights, loading errors, tiling seams, planning, alpha/16-bit through the model pipeline, the result cache."
import json, shutil
import numpy as np
import pytest
import torch
from enhance5k.core import MissingWeightsError
from enhance5k.models import PRESETS, SRNet, load_model, list_models, find_weights
from enhance5k.enhance import enhance, render, plan_passes, clear_cache
from enhance5k.io import Image
from enhance5k.metrics import psnr

@pytest.mark.parametrize('name', sorted(PRESETS))
def test_shipped_preset_shapes_and_card(name):
    m = load_model(name)
    c = PRESETS[name]
    assert (m.scale, m.channels, m.blocks) == (c['scale'], c['channels'], c['blocks'])
    assert m(torch.rand(1, 3, 11, 13)).shape == (1, 3, 11 * m.scale, 13 * m.scale)
    card = m.card
    for k in ('architecture', 'scale', 'parameters', 'sha256', 'training'):
        assert k in card, k
    assert card['training']['never_trained_on'] == ['Set5', 'Set14'] and card['training']['seconds'] > 0
    assert name in list_models()

def test_self_ensemble_round_trip(tmp_path):
    "A model's self-ensemble is written to its card and read back; an unknown size in a card is a clear error."
    from enhance5k.models import save_model
    m = SRNet(4, 8, 2, ensemble=4); p = save_model(m, tmp_path / 'ens.safetensors', {'training': {}})
    card = json.loads(p.with_suffix('.json').read_text()); assert card['architecture']['ensemble'] == 4
    assert load_model(p, cache=False).ensemble == 4
    assert 'ensemble' not in json.loads(save_model(SRNet(4, 8, 2), tmp_path / 'one.safetensors').with_suffix('.json').read_text())['architecture']
    card['architecture']['ensemble'] = 3; p.with_suffix('.json').write_text(json.dumps(card))
    with pytest.raises(MissingWeightsError, match='ensemble must be one of'): load_model(p, cache=False)

def test_missing_and_corrupt_weights(tmp_path):
    with pytest.raises(MissingWeightsError, match='no weights for model'): load_model('fast-x9')
    with pytest.raises(MissingWeightsError, match='not found'): load_model(tmp_path / 'x.safetensors')
    src = find_weights('fast-x4'); dst = tmp_path / 'copy.safetensors'
    shutil.copy(src, dst); shutil.copy(src.with_suffix('.json'), dst.with_suffix('.json'))
    assert load_model(dst, cache=False).scale == 4
    data = bytearray(dst.read_bytes()); data[-100:] = bytes(100); dst.write_bytes(bytes(data))
    with pytest.raises(MissingWeightsError, match='corrupt'): load_model(dst, cache=False)
    dst.write_bytes(b'not a safetensors file')
    card = json.loads(dst.with_suffix('.json').read_text()); card['sha256'] = __import__('hashlib').sha256(b'not a safetensors file').hexdigest()
    dst.with_suffix('.json').write_text(json.dumps(card))
    with pytest.raises(MissingWeightsError, match='cannot load'): load_model(dst, cache=False)
    dst.with_suffix('.json').unlink()
    with pytest.raises(MissingWeightsError, match='card missing'): load_model(dst, cache=False)

@pytest.mark.parametrize('name', ['fast-x4', 'fast-x2', 'quality-x4'])  # quality-x4 with a self-ensemble of 4
def test_tiled_equals_untiled(name):
    m = load_model(name, cache=False); g = torch.Generator().manual_seed(0)
    if name == 'quality-x4': m.ensemble = 4
    hr = torch.rand(1, 3, 24 * m.scale, 120 * m.scale, generator=g)
    lr = torch.nn.functional.avg_pool2d(hr, m.scale)
    size = (120 * m.scale, 24 * m.scale)
    f = lambda a: torch.from_numpy(a.astype(np.float32)).permute(2, 0, 1)[None] / 255
    whole = f(render(lr, size, [m], tile=1000))
    tiled = f(render(lr, size, [m], tile=8, overlap=2))  # 3-row strips, 48-px tiles across with feathered overlaps
    assert abs(psnr(whole, hr).item() - psnr(tiled, hr).item()) <= 0.01
    assert (whole - tiled).abs().max().item() <= 1 / 255 + 1e-6
    with torch.inference_mode():  # tile_apply itself: tiny 2-D tiles with feathering against one pass
        from enhance5k.ops import tile_apply
        one = m(lr); t2 = tile_apply(m, lr, m.scale, tile=10, overlap=4, context=m.context)
    assert abs(psnr(one, hr).item() - psnr(t2, hr).item()) <= 0.01 and (one - t2).abs().max().item() < 1e-4
    lr8 = (lr * 255).round().to(torch.uint8)  # the 8-bit fast path through tiles
    assert (f(render(lr8, size, [m], tile=1000)) - f(render(lr8, size, [m], tile=8, overlap=2))).abs().max().item() <= 1 / 255 + 1e-6

def test_planning():
    assert plan_passes((1280, 720), (5120, 2880), 'fast-x4') == ['fast-x4']
    assert plan_passes((640, 360), (5120, 2880), 'fast-x4') == ['fast-x4', 'fast-x2']
    assert plan_passes((320, 180), (5120, 2880), 'fast-x4') == ['fast-x4', 'fast-x4']
    assert plan_passes((2560, 1440), (5120, 2880), 'fast-x2') == ['fast-x2']
    assert plan_passes((5120, 2880), (3840, 2160), 'fast-x4') == []
    assert plan_passes((1280, 720), (7680, 4320), 'fast-x4') == ['fast-x4']
    assert plan_passes((100, 100), (200, 200), 'bicubic') == []

def test_alpha_and_16_bit_through_the_model():
    rng = np.random.default_rng(0)
    a = np.zeros((30, 40), np.uint16); a[:, 20:] = 65535
    img = Image(rng.integers(0, 65536, (30, 40, 3), dtype=np.uint16), alpha=a)
    r = enhance(img, 'x4', model='fast-x4', cache=False)
    assert r.image.size == (160, 120) and r.image.bits == 16 and r.image.rgb.dtype == np.uint16
    assert r.passes == ('fast-x4',)
    assert r.image.alpha[:, :70].max() < 2000 and r.image.alpha[:, 90:].min() > 63000
    assert len(np.unique(r.image.rgb)) > 1000  # 16-bit levels, not 8-bit ones

def test_model_beats_bicubic_on_a_shared_image():
    from conftest import shared
    from enhance5k.io import read_image, to_tensor
    from enhance5k.ops import imresize
    hr = to_tensor(read_image(shared('Set5') / 'butterfly.png'))
    lr = imresize(hr, 1 / 4).clamp(0, 1)
    size = (hr.shape[-1], hr.shape[-2])
    f = lambda a: torch.from_numpy(a.astype(np.float32)).permute(2, 0, 1)[None] / 255
    sr, bic = f(render(lr, size, [load_model('fast-x4')])), f(render(lr, size, []))
    assert psnr(sr, hr, crop=4, y_channel=True).item() > psnr(bic, hr, crop=4, y_channel=True).item() + 1.5

def test_result_cache_hit(tmp_path):
    from enhance5k.io import write_image
    clear_cache()
    p = tmp_path / 'a.png'; write_image(Image(np.random.default_rng(2).integers(0, 256, (24, 32, 3), dtype=np.uint8)), p)
    r1 = enhance(p, 'x4'); r2 = enhance(p, 'x4'); r3 = enhance(p, 'x2')
    assert not r1.cached and r2.cached and not r3.cached
    assert 'cache' in r2.timings and (r2.image.rgb == r1.image.rgb).all()
    r1.image.rgb[:] = 0; r2.image.rgb[:] = 1  # a caller's edits never reach the cache (it holds its own copy)
    r4 = enhance(p, 'x4'); assert r4.cached and r4.image.rgb.max() > 1 and not np.shares_memory(r4.image.rgb, r2.image.rgb)
    p.write_bytes(p.read_bytes())  # same bytes, new file time: still a hit
    assert enhance(p, 'x4').cached
