"""Benchmark of the Adjust issue: dry-run speed, plan estimates against measured runs, auto_params on the shared photos,
and the colour-shift guard on every shipped model. Prints a table and writes JSON (default bench/adjust_bench.json).

    python bench/adjust_bench.py [--json PATH] [--threads N]
"""
import argparse, json, os, platform, statistics, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PHOTO = 'plasma_Path_2560x1600.jpg'

def photos():
    from enhance5k.core import data_dir, data_missing_reason
    d = data_dir('photos')
    if d is None: sys.exit(f"skipped: {data_missing_reason('photos')}")
    return sorted(d.glob('*.jpg'))

def u8(x): return (x[0].permute(1, 2, 0).numpy() * 255 + 0.5).astype(np.uint8)

def dry_run_times(path, repeat=5):
    "Seconds for enhance(..., dry_run=True) on a file: the first call in this process, then the median of `repeat`."
    from enhance5k.enhance import enhance
    out = {}
    for params in (None, 'auto'):
        ts = []
        for _ in range(repeat + 1):
            t = time.perf_counter(); enhance(path, dry_run=True, params=params); ts.append(time.perf_counter() - t)
        out['none' if params is None else 'auto'] = {'first_s': round(ts[0], 3), 'median_s': round(statistics.median(ts[1:]), 3)}
    return out

def child(frame, model):
    "One 720p -> 5K enhance() in this (fresh) process: plan estimates against what it measured."
    from enhance5k.enhance import enhance
    from enhance5k.io import read_image
    from enhance5k.metrics import peak_rss_mb
    img = read_image(frame)
    plan = enhance(img, model=model, dry_run=True)
    t = time.perf_counter(); r = enhance(img, model=model, cache=False); wall = time.perf_counter() - t
    print(json.dumps({'model': model, 'expected_time_s': plan.expected_time_s, 'upscale_s': round(r.timings['upscale'], 3), 'total_s': round(wall, 3),
                      'stages_s': {k: round(v, 3) for k, v in r.timings.items()}, 'expected_memory_mib': plan.expected_memory_mb,
                      'peak_rss_mib': round(peak_rss_mb(), 1)}))

def plan_vs_run(frame, models, threads):
    rows = []
    for m in models:
        r = subprocess.run([sys.executable, __file__, '--child', str(frame), m, '--threads', str(threads)], capture_output=True, text=True,
                           env=os.environ | {'PYTHONPATH': str(ROOT)})
        if r.returncode: raise RuntimeError(r.stderr[-2000:])
        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return rows

def auto_params_figures(files):
    "White-balance error removed from a cast (1.25, 1, 0.8) photo, and noise removed from a noisy (σ 8/255) crop, per photo."
    from enhance5k.adjust import apply, auto_params, cast
    from enhance5k.io import read_image, to_tensor
    from enhance5k.ops import imresize
    from enhance5k.metrics import wb_error, noise_sigma, edge_sharpness, colour_cast
    rows = []
    for f in files:
        full = to_tensor(read_image(f)); photo = imresize(full, 0.25).clamp(0, 1)
        bad = cast(photo); fixed = apply(bad, auto_params(bad))
        e0, e1 = wb_error(bad, photo).item(), wb_error(fixed, photo).item()
        H, W = full.shape[-2:]; crop = full[..., H // 2 - 256:H // 2 + 256, W // 2 - 384:W // 2 + 384]
        noisy = (crop + torch.randn(crop.shape, generator=torch.Generator().manual_seed(0)) * 8 / 255).clamp(0, 1)
        q = auto_params(noisy); clean = apply(noisy, q)
        n0, n1 = noise_sigma(noisy).item(), noise_sigma(clean).item()
        s_ref, s_noisy, s1 = edge_sharpness(crop).item(), edge_sharpness(noisy).item(), edge_sharpness(clean).item()
        rows.append({'photo': f.name, 'own_cast_deg': round(colour_cast(photo).item(), 2), 'wb_error_cast_deg': round(e0, 2), 'wb_error_auto_deg': round(e1, 2),
                     'wb_reduction': round(1 - e1 / e0, 3), 'denoise': round(q.denoise, 3), 'noise_255': round(n0 * 255, 2), 'noise_auto_255': round(n1 * 255, 2),
                     'noise_reduction': round(1 - n1 / n0, 3), 'sharpness_vs_clean': round(s1 / s_ref, 3), 'sharpness_vs_noisy': round(s1 / s_noisy, 3)})
    return rows

def guard_figures(files, models, edge=640):
    "Colour consistency (mean ΔE2000 of the low-passes) of each model's x4 output on each photo at `edge` px, and whether the guard acted."
    from enhance5k.enhance import enhance
    from enhance5k.io import Image, read_image, to_tensor
    from enhance5k.ops import imresize
    from enhance5k.metrics import colour_consistency
    out = {}
    for m in models:
        des, acted = [], 0
        for f in files:
            x = to_tensor(read_image(f)); s = edge / max(x.shape[-2:])
            x = imresize(x, size=(round(x.shape[-2] * s), round(x.shape[-1] * s))).clamp(0, 1); img = Image(u8(x))
            r = enhance(img, 'x4', model=m, cache=False)
            des.append(float(colour_consistency(to_tensor(r.image), to_tensor(img)))); acted += r.report.info['guard']['acted']
        out[m] = {'max_delta_e': round(max(des), 3), 'mean_delta_e': round(statistics.mean(des), 3), 'guard_acted': acted, 'photos': len(files)}
    return out

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--json', default=str(ROOT / 'bench' / 'adjust_bench.json'))
    ap.add_argument('--threads', type=int, default=torch.get_num_threads())
    ap.add_argument('--child', nargs=2, metavar=('FRAME', 'MODEL'), help=argparse.SUPPRESS)
    a = ap.parse_args(argv); torch.set_num_threads(a.threads)
    if a.child: return child(*a.child)
    files = photos()
    from enhance5k.models import list_models
    from enhance5k.io import Image, read_image, to_tensor, write_image
    from enhance5k.ops import imresize
    import tempfile
    models = [m for m in ('fast-x4', 'quality-x4', 'photo-x4', 'fast-x2') if m in list_models()]
    src = next(f for f in files if f.name == PHOTO)
    res = {'machine': f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {a.threads} threads; torch {torch.__version__}",
           'date': time.strftime('%Y-%m-%d')}
    res['dry_run_2560x1600'] = dry_run_times(src)
    with tempfile.TemporaryDirectory() as d:
        frame = Path(d) / 'frame720.png'
        write_image(Image(u8(imresize(to_tensor(read_image(src)), size=(720, 1280)).clamp(0, 1))), frame)
        res['plan_vs_run_720p_to_5k'] = plan_vs_run(frame, models, a.threads)
    res['auto_params'] = auto_params_figures(files)
    res['guard_x4_from_640px'] = guard_figures(files, models)
    Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(f"machine: {res['machine']}")
    d = res['dry_run_2560x1600']
    print(f"dry run, 2560x1600 JPEG: params none {d['none']['median_s']} s (first {d['none']['first_s']} s); auto {d['auto']['median_s']} s (first {d['auto']['first_s']} s)")
    print('\n| model | expected s | upscale s | total s | expected MiB | peak RSS MiB |\n|---|---|---|---|---|---|')
    for r in res['plan_vs_run_720p_to_5k']:
        print(f"| {r['model']} | {r['expected_time_s']} | {r['upscale_s']} | {r['total_s']} | {r['expected_memory_mib']} | {r['peak_rss_mib']} |")
    print('\n| photo | own cast ° | WB error cast → auto ° | reduction | noise /255 → auto | reduction | sharpness vs clean | vs noisy |\n|---|---|---|---|---|---|---|---|')
    for r in res['auto_params']:
        print(f"| {r['photo']} | {r['own_cast_deg']} | {r['wb_error_cast_deg']} → {r['wb_error_auto_deg']} | {r['wb_reduction']:.0%} | {r['noise_255']} → {r['noise_auto_255']} | {r['noise_reduction']:.0%} | {r['sharpness_vs_clean']:.1%} | {r['sharpness_vs_noisy']:.1%} |")
    print('\n| model | max ΔE2000 | mean ΔE2000 | guard acted |\n|---|---|---|---|')
    for m, r in res['guard_x4_from_640px'].items(): print(f"| {m} | {r['max_delta_e']} | {r['mean_delta_e']} | {r['guard_acted']}/{r['photos']} |")
    print(f"\nwrote {a.json}")

if __name__ == '__main__': sys.exit(main())
