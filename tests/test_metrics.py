"Metrics against the published tables, scikit-image, and known perturbations."
import json, math, subprocess, sys
from pathlib import Path
import pytest, torch, kornia
import numpy as np
from enhance5k.io import read_image, to_tensor
from enhance5k.ops import imresize, quantize, rgb_to_y
from enhance5k.metrics import *
from enhance5k.metrics import PSNR, SSIM, DeltaE, GMSD  # built on first access (PEP 562)
from conftest import shared

def load(folder, n=None):
    files = sorted(f for f in folder.iterdir() if f.suffix in ('.png', '.jpg'))[:n]
    return [(f.name, to_tensor(read_image(f))) for f in files]

def bicubic_row(ds, s):
    ps, ss = [], []
    for _, hr in load(shared(ds)):
        H, W = hr.shape[-2:]; hr = hr[..., :H - H % s, :W - W % s]
        sr = quantize(imresize(quantize(imresize(hr, 1 / s)), s))
        ps.append(psnr(sr, hr, crop=s, y_channel=True).item()); ss.append(ssim(sr, hr, crop=s, y_channel=True).item())
    return np.mean(ps), np.mean(ss)

@pytest.mark.parametrize('ds,s,want_psnr,tol,want_ssim', [
    ('Set5', 2, 33.66, 0.05, 0.9299), ('Set5', 4, 28.42, 0.05, 0.8104),
    ('Set14', 2, 30.24, 0.15, None), ('Set14', 4, 26.00, 0.15, None)])
def test_bicubic_reproduces_paper_rows(ds, s, want_psnr, tol, want_ssim):
    p, q = bicubic_row(ds, s)
    assert abs(p - want_psnr) <= tol, f"{ds} x{s} bicubic {p:.3f} dB vs published {want_psnr}"
    if want_ssim: assert abs(q - want_ssim) <= 0.002, f"{ds} x{s} SSIM {q:.4f} vs {want_ssim}"

def test_psnr_ssim_agree_with_skimage():
    skm = pytest.importorskip('skimage.metrics')
    g = torch.Generator().manual_seed(0)
    a = torch.rand(1, 3, 96, 80, generator=g); b = (a + 0.08 * torch.randn(a.shape, generator=g)).clamp(0, 1)
    for y in (False, True):
        x1, x2 = (rgb_to_y(a), rgb_to_y(b)) if y else (a, b)
        n1, n2 = (t[0].permute(1, 2, 0).double().numpy() for t in (x1, x2))
        assert abs(psnr(b, a, y_channel=y).item() - skm.peak_signal_noise_ratio(n1, n2, data_range=1)) < 1e-3
        want = skm.structural_similarity(n1, n2, channel_axis=2, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)
        assert abs(ssim(b, a, y_channel=y).item() - want) < 1e-3

def test_ciede2000_agrees_with_skimage():
    color = pytest.importorskip('skimage.color')
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(1, 3, 16, 16, generator=g), torch.rand(1, 3, 16, 16, generator=g)
    la, lb = (kornia.color.rgb_to_lab(t)[0].permute(1, 2, 0).double().numpy() for t in (a, b))
    np.testing.assert_allclose(delta_e_map(a, b)[0].numpy(), color.deltaE_ciede2000(la, lb), atol=1e-3)

def test_known_cast_gives_known_angle():
    g = torch.tensor([1.15, 1.0, 0.8])
    grey = torch.full((1, 3, 32, 32), 0.5)
    want = math.degrees(math.acos(g.sum() / (g.norm() * math.sqrt(3))))
    assert abs(wb_error(grey * g.view(1, 3, 1, 1), grey).item() - want) <= 0.5
    assert abs(colour_cast(grey * g.view(1, 3, 1, 1)).item() - want) <= 0.5
    for _, x in load(shared('photos'), 2):
        x = imresize(x, 0.25).clamp(0, 1) * 0.8
        e = illuminant(x); want = math.degrees(math.acos(torch.nn.functional.cosine_similarity(e, e * g).item()))
        assert abs(wb_error((x * g.view(1, 3, 1, 1)).clamp(0, 1), x).item() - want) <= 0.5

def test_lightness_change_gives_expected_delta_e():
    lab = lambda L: kornia.color.lab_to_rgb(torch.tensor([L, 0., 0.]).view(1, 3, 1, 1).expand(1, 3, 8, 8).contiguous())
    for d in (2., 5., 10.):
        assert abs(delta_e(lab(50 - d / 2), lab(50 + d / 2)).item() - d) < 0.05

@pytest.mark.parametrize('sigma', [5, 15])
def test_noise_estimate_within_15_percent(sigma):
    g = torch.Generator().manual_seed(sigma)
    for name, x in load(shared('photos')):
        clean = noise_sigma(x).item() * 255
        noisy = (x + torch.randn(x.shape, generator=g) * sigma / 255).clamp(0, 1)
        est = noise_sigma(noisy).item() * 255
        assert abs(est - sigma) <= 0.15 * sigma, f"{name}: σ={sigma} estimated {est:.2f} (clean photo: {clean:.2f})"

def test_blur_lowers_sharpness_and_detail_recovery_monotonically():
    for name, hr in load(shared('Set5')):
        H, W = hr.shape[-2:]; hr = hr[..., :H - H % 4, :W - W % 4]
        bic = imresize(imresize(hr, 0.25), 4).clamp(0, 1)
        sh, dr = [], []
        for s in (0.5, 1.0, 1.5, 2.0, 3.0):
            k = 2 * math.ceil(3 * s) + 1
            out = kornia.filters.gaussian_blur2d(hr, (k, k), (s, s), border_type='reflect')
            sh.append(edge_sharpness(out).item()); dr.append(detail_recovery(out, hr, bic).item())
        assert all(a > b for a, b in zip(sh, sh[1:])), (name, sh)
        assert all(a > b for a, b in zip(dr, dr[1:])), (name, dr)

def test_assess_self_and_json(tmp_path, monkeypatch):
    monkeypatch.setenv('TORCH_HOME', str(tmp_path))
    x = torch.rand(1, 3, 64, 64)
    d = assess(x, reference=x, before=imresize(x, 0.5).clamp(0, 1)).to_dict()
    json.dumps(d, allow_nan=False)
    assert d['image_quality']['psnr'] == PSNR_CAP and abs(d['image_quality']['ssim'] - 1) < 1e-5
    assert d['colour_accuracy']['delta_e_mean'] < 1e-3
    assert 'alexnet-owt-7be5be79.pth' in d['unavailable']['lpips'] and str(tmp_path) in d['unavailable']['lpips']

def test_wrong_inputs_are_named_errors():
    from enhance5k.core import InvalidImageError
    x = torch.rand(1, 3, 8, 8)
    for bad in (x[0], x.double() * 5, (x * 255).byte(), torch.rand(1, 4, 8, 8)):
        with pytest.raises(InvalidImageError): psnr(bad, x) if bad.ndim != 4 or bad.shape[1] == 3 else edge_sharpness(bad)

def test_metric_classes_accumulate():
    x, y = torch.rand(4, 3, 32, 32), torch.rand(4, 3, 32, 32)
    for cls, f in ((PSNR, psnr), (SSIM, ssim), (DeltaE, delta_e), (GMSD, gmsd)):
        m = cls()
        for i in range(4): m.update(x[i:i + 1], y[i:i + 1])
        assert abs(m.compute().item() - f(x, y).mean().item()) < 1e-4

def test_cli_metrics_json(tmp_path):
    from enhance5k.io import Image, write_image
    a = (np.random.default_rng(0).random((40, 40, 3)) * 255).astype(np.uint8)
    write_image(Image(a), tmp_path/'a.png'); write_image(Image(255 - a), tmp_path/'b.png')
    r = subprocess.run([str(Path(sys.executable).parent/'enhance5k'), 'metrics', tmp_path/'a.png', tmp_path/'b.png', '--json', '--y', '--crop', '2'],
                       capture_output=True, text=True, env={'TORCH_HOME': str(tmp_path), 'PATH': '/usr/bin:/bin'})
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout); assert d['image_quality']['psnr'] < 20 and 'lpips' in d['unavailable']

def test_peak_rss_is_the_processes_own_not_its_parents():
    import subprocess, sys
    ballast = bytearray(1500 * 2**20); ballast[::4096] = b'x' * len(ballast[::4096])  # touch 1.5 GiB
    out = subprocess.run([sys.executable, '-c', 'from enhance5k.metrics import peak_rss_mb; print(peak_rss_mb())'],
                         capture_output=True, text=True, check=True).stdout
    assert float(out) < 1200, f"child reported {out.strip()} MiB: its parent's peak leaked in"
    del ballast
