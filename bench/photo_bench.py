"""Photos the size people have: 12, 24 and 48 MP to 5K, 8K and x2 through the `enhance5k` command, each in a fresh process.

Inputs are made from a shared photo (plasma_Path_2560x1600.jpg): centre-cropped to 4:3 and Lanczos-upscaled
to 4032x3024 (12 MP, a phone), 6000x4000 (24 MP, 3:2: cropped to 3:2 first) and 8000x6000 (48 MP), saved as
JPEG quality 92. Pixel count is what costs time and memory; their detail is the 2560-px photo's, so they are for
time and memory only (quality is measured on the shared photos themselves, below).

For each job (--repeat fresh-process runs, default 3): the best wall time, compared with the floor as the floor's own parts are
best of 2-3, the worst beside it, and the highest peak RSS (VmHWM) of the command; the floor measured in this run:
- upscales: the chosen network's forward time on a 1 MP crop (1000x1000 uint8, one call, best of 3) scaled to the
  input's pixels, + Pillow decode + torch's uint8 antialiased bicubic from the network's output size to the target
  (timed on a crop, scaled to the output pixels) + Pillow writing the output PNG (compress_level 1, its fastest);
- downscales: Pillow decode + Pillow Lanczos to the target + Pillow writing the output PNG.
The floor uses the standard tools for decode, resize and write; enhance5k's own PNG writer (parallel deflate) is timed
beside it (enhance5k_write_s). Wall time includes starting Python and importing torch (about 2.7 s here), which the
floor does not: the table shows the ratio with and without it.
Targets (issue 18): upscales <= 1.25x the floor, downscales <= 1.5x, peak RSS <= 1.5 GiB for outputs up to 8K.

Plan quality (--quality): every shared photo downscaled by 1/1.27, 1/1.5 and 1/2 (MATLAB bicubic, antialiased) and
brought back to its own size by the plan the planner chooses (need <= 2: fast-x2, then a resize), by fast-x4 then a
downscale, and by bicubic; Y-PSNR / SSIM (border 4) against the original.

    python bench/photo_bench.py [--sizes 12 24 48] [--targets 5k 8k x2] [--repeat 3] [--quality] [--json bench/photo_bench.json]
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
SIZES = {12: (4032, 3024), 24: (6000, 4000), 48: (8000, 6000)}
EXE = str(Path(sys.executable).parent / 'enhance5k')

def make_photo(mp:int, work:Path)->Path:
    "The shared photo cropped to the aspect and Lanczos-upscaled to the size of a `mp` MP camera, JPEG 92."
    from PIL import Image as P
    from enhance5k.core import data_dir
    p = work / f'photo_{mp}mp.jpg'
    if p.exists(): return p
    w, h = SIZES[mp]; im = P.open(data_dir('photos') / 'plasma_Path_2560x1600.jpg').convert('RGB'); W, H = im.size
    cw = min(W, round(H * w / h)); ch = min(H, round(cw * h / w))
    im.crop(((W - cw) // 2, (H - ch) // 2, (W - cw) // 2 + cw, (H - ch) // 2 + ch)).resize((w, h), P.LANCZOS).save(p, quality=92)
    return p

def startup_s()->float:
    "Seconds a fresh process takes to start Python and import what an upscale needs (enhance5k.enhance: torch), best of 3."
    return round(best(lambda: subprocess.run([sys.executable, '-c', 'import enhance5k.enhance'], check=True)), 3)

def best(f, n=3)->float:
    ts = []
    for _ in range(n): t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

# the `enhance5k` console script (enhance5k.cli:main), reporting its own peak RSS (VmHWM) at the end: a child's ru_maxrss
# would start from this (large) process's RSS at fork
HWM = ("import sys; from enhance5k.cli import main; rc = main(sys.argv[1:]); "
       "print('VmHWM', open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr); sys.exit(rc)")

def run_cli(photo:Path, target:str, out:Path)->dict:
    "The command end to end in a fresh process: wall seconds, peak RSS (MiB), what it printed."
    t = time.perf_counter()
    r = subprocess.run([sys.executable, '-c', HWM, 'enhance', str(photo), '-o', str(out), '--target', target, '--overwrite'], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if r.returncode: raise RuntimeError(f"enhance5k failed on {photo.name} -> {target}: {r.stderr[-2000:]}")
    hwm = int(r.stderr.split('VmHWM')[-1].split()[0])
    return {'wall_s': round(wall, 2), 'peak_rss_mib': round(hwm / 1024, 1), 'summary': r.stdout.strip().splitlines()[0]}

def floor(photo:Path, target:str, out_png:Path)->dict:
    "The work itself, measured here: decode, network (1 MP crop, scaled), resize, write."
    from PIL import Image as P
    from enhance5k.core import target_size
    from enhance5k.enhance import plan_passes
    from enhance5k.models import load_model
    from enhance5k.io import read_image, write_image
    f = {'decode_s': round(best(lambda: P.open(photo).convert('RGB').load(), 2), 3)}
    im = P.open(photo).convert('RGB'); size = im.size; out = target_size(size, target); passes = plan_passes(size, out)
    f['passes'] = passes
    if passes:
        crop = torch.from_numpy(np.ascontiguousarray(np.asarray(im)[:1000, :1000])).permute(2, 0, 1)[None]
        S, net, cur = 1, 0.0, crop
        for name in passes:
            m = load_model(name, device='cpu')
            with torch.inference_mode():
                net += best(lambda: m(cur)) * (size[0] * size[1] * S * S) / (crop.shape[-1] * crop.shape[-2]); cur = m(cur)
            S *= m.scale
        f['network_s'] = round(net, 3)
        sr = cur.contiguous(memory_format=torch.channels_last); s = out[0] / (size[0] * S)
        osz = (max(1, round(sr.shape[-2] * s)), max(1, round(sr.shape[-1] * s)))
        f['resize_s'] = round(best(lambda: F.interpolate(sr, size=osz, mode='bicubic', antialias=True)) * out[0] * out[1] / (osz[0] * osz[1]), 3)
    else:
        f['lanczos_s'] = round(best(lambda: im.resize(out, P.LANCZOS), 2), 3)
    img = read_image(out_png, max_pixels=10**9)  # the command's own output, written again: by Pillow (the floor) and by enhance5k
    with tempfile.TemporaryDirectory() as d:
        f['write_s'] = round(best(lambda: img.to_pil().save(Path(d) / 'p.png', compress_level=1), 2), 3)
        f['enhance5k_write_s'] = round(best(lambda: write_image(img, Path(d) / 'w.png', overwrite=True), 2), 3)
    f['floor_s'] = round(f['decode_s'] + f.get('network_s', 0) + f.get('resize_s', 0) + f.get('lanczos_s', 0) + f['write_s'], 3)
    f['kind'] = 'upscale' if passes else 'downscale'
    return f

def quality(factors=(1.27, 1.5, 2.0))->dict:
    "Plan by need against x4-then-downscale and bicubic on the shared photos, downscaled and brought back."
    from enhance5k.core import data_dir
    from enhance5k.io import read_image, to_tensor
    from enhance5k.ops import imresize
    from enhance5k.enhance import render, plan_passes, pixels
    from enhance5k.models import load_model
    from enhance5k.metrics import psnr, ssim
    photos = sorted(data_dir('photos').glob('*.jpg')); out = {}
    for fac in factors:
        rows = {'plan': [], 'fast-x4 then down': [], 'bicubic': []}; chosen = None
        for p in photos:
            hr = to_tensor(read_image(p)); H, W = hr.shape[-2:]
            lr = (imresize(hr, size=(round(H / fac), round(W / fac))).clamp(0, 1) * 255).round().to(torch.uint8)
            size = (W, H); chosen = plan_passes((lr.shape[-1], lr.shape[-2]), size)
            for k, passes in (('plan', chosen), ('fast-x4 then down', ['fast-x4']), ('bicubic', [])):
                sr = pixels(render(lr, size, [load_model(q) for q in passes])).float() / 255
                rows[k].append((psnr(sr, hr, crop=4, y_channel=True).item(), ssim(sr, hr, crop=4, y_channel=True).item()))
        d = np.array(rows['plan'])[:, 0] - np.array(rows['fast-x4 then down'])[:, 0]
        out[str(fac)] = {'plan_passes': chosen, 'photos': len(photos),
                         **{k: {'psnr': round(float(np.mean([r[0] for r in v])), 3), 'ssim': round(float(np.mean([r[1] for r in v])), 4)} for k, v in rows.items()},
                         'plan_minus_x4_psnr_worst': round(float(d.min()), 3), 'plan_minus_x4_psnr_median': round(float(np.median(d)), 3)}
        print('quality', fac, out[str(fac)], flush=True)
    return out

def overhead(photo:Path, target:str='5k', runs:int=3)->dict:
    "Where the time of one enhancement goes (report on), median over `runs` fresh processes; each run's analysis + guard + report kept for the worst case."
    code = (f"import json; from enhance5k.enhance import enhance; r = enhance({str(photo)!r}, {target!r}, cache=False, report=True); "
            "print(json.dumps({k: round(v, 3) for k, v in r.timings.items()}))")
    ts = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True)
        t = json.loads(out.stdout.strip().splitlines()[-1]); t['analysis_guard_report_s'] = round(t['analyse'] + t.get('guard', 0) + t['assess'], 3); ts.append(t)
    med = {k: round(statistics.median(t[k] for t in ts), 3) for k in ts[0]}
    med['runs_analysis_guard_report_s'] = [t['analysis_guard_report_s'] for t in ts]
    return med

def machine()->str:
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.machine()) if Path('/proc/cpuinfo').exists() else platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, {torch.get_num_threads()} threads; torch {torch.__version__}"

def to_markdown(res:dict)->str:
    lines = [f"Machine: {res['machine']} ({res['date']})", '',
             f"Starting Python and importing torch: {res.get('startup_s')} s (in the wall time of upscales, not in the floor).", '',
             '| input | target | output | plan | wall (s): best / worst run | floor (s) | wall / floor | target | worst run / floor | less start-up | peak RSS (MiB) |', '|---|---|---|---|---|---|---|---|---|---|---|']
    for r in res['jobs']:
        lim = 1.25 if r['floor']['kind'] == 'upscale' else 1.5
        less = f"{r['ratio_less_startup']:.2f}" if r['floor']['kind'] == 'upscale' else '– (no torch)'
        walls = r['cli'].get('walls_s', [r['cli']['wall_s']]); worst = r.get('ratio_worst_run', r['ratio'])
        lines.append(f"| {r['input']} | {r['target']} | {r['output']} | {' x '.join(r['floor']['passes']) or 'downscale'} | {min(walls)} / {max(walls)} | {r['floor']['floor_s']} | "
                     f"{r['ratio']:.2f} | <= {lim} {'✓' if r['ratio'] <= lim else '✗'} | {worst:.2f} | {less} | {r['cli']['peak_rss_mib']} |")
    if res.get('overhead_12mp_to_5k'):
        o = res['overhead_12mp_to_5k']
        lines += ['', f"12 MP -> 5K with the report on, stage seconds: " + ', '.join(f"{k} {v}" for k, v in o.items() if not k.startswith(('analysis_guard_report_s', 'network_floor_s', 'share_of_network', 'runs_'))),
                  f"analysis + guard + report {o['analysis_guard_report_s']} s = {o['share_of_network']:.1%} of the network's {o['network_floor_s']} s (target <= 15%)"
                  + (f"; median of {len(o['runs_analysis_guard_report_s'])} fresh processes {o['runs_analysis_guard_report_s']}, worst {o['share_of_network_worst']:.1%}" if 'runs_analysis_guard_report_s' in o else '')]
    if res.get('quality'):
        lines += ['', '| need | plan | plan Y-PSNR/SSIM | fast-x4 then down | bicubic | plan − x4, median / worst photo (dB) |', '|---|---|---|---|---|---|']
        for f, q in res['quality'].items():
            c = lambda k: f"{q[k]['psnr']:.2f}/{q[k]['ssim']:.4f}"
            lines.append(f"| {f} | {' x '.join(q['plan_passes'])} | {c('plan')} | {c('fast-x4 then down')} | {c('bicubic')} | {q['plan_minus_x4_psnr_median']:+.3f} / {q['plan_minus_x4_psnr_worst']:+.3f} |")
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--sizes', type=int, nargs='+', default=[12, 24, 48], choices=sorted(SIZES))
    p.add_argument('--targets', nargs='+', default=['5k', '8k', 'x2'])
    p.add_argument('--quality', action='store_true', help='also the plan-quality table on the shared photos')
    p.add_argument('--from-json', help='re-print the tables of an earlier run')
    p.add_argument('--json', default=str(ROOT / 'bench' / 'photo_bench.json'))
    p.add_argument('--work', help='folder for the made photos and outputs (default: a temporary one)')
    p.add_argument('--repeat', type=int, default=3, help='fresh-process runs of each job: the best is compared with the floor (whose parts are best of 2-3 too), the worst is shown beside it')
    a = p.parse_args(argv)
    if a.from_json: return print(to_markdown(json.loads(Path(a.from_json).read_text())))
    from enhance5k.core import data_dir, data_missing_reason
    if data_dir('photos') is None: sys.exit(f"photo_bench needs the shared photos: {data_missing_reason('photos')}")
    work = Path(a.work or tempfile.mkdtemp(prefix='photo_bench-')); work.mkdir(parents=True, exist_ok=True)
    startup = startup_s(); jobs = []; print('startup', startup, flush=True)
    for mp in a.sizes:
        photo = make_photo(mp, work)
        for t in a.targets:
            out = work / f'out_{mp}_{t}'; runs = [run_cli(photo, t, out) for _ in range(max(1, a.repeat))]; png = next(out.glob('*.png'))
            cli = dict(min(runs, key=lambda c: c['wall_s']), walls_s=[c['wall_s'] for c in runs], peak_rss_mib=max(c['peak_rss_mib'] for c in runs))
            from enhance5k.io import image_size
            fl = floor(photo, t, png); osz = image_size(png, max_pixels=10**9); png.unlink()
            r = {'input': f"{mp} MP {SIZES[mp][0]}x{SIZES[mp][1]}", 'target': t, 'output': f"{osz[0]}x{osz[1]}", 'cli': cli, 'floor': fl,
                 'ratio': round(cli['wall_s'] / fl['floor_s'], 3), 'ratio_worst_run': round(max(cli['walls_s']) / fl['floor_s'], 3), 'ratio_less_startup': round((cli['wall_s'] - startup) / fl['floor_s'], 3)}
            jobs.append(r); print(json.dumps(r), flush=True)
    ov = None
    if 12 in a.sizes:
        ov = overhead(make_photo(12, work)); net = next(j['floor']['network_s'] for j in jobs if j['input'].startswith('12 ') and j['target'] == '5k')
        ov['network_floor_s'] = net; ov['share_of_network'] = round(ov['analysis_guard_report_s'] / net, 3)
        ov['share_of_network_worst'] = round(max(ov['runs_analysis_guard_report_s']) / net, 3); print('overhead', ov, flush=True)
    res = {'machine': machine(), 'date': time.strftime('%Y-%m-%d'), 'startup_s': startup, 'jobs': jobs, 'overhead_12mp_to_5k': ov,
           'inputs': 'plasma_Path_2560x1600.jpg cropped to the aspect, Lanczos-upscaled, JPEG 92',
           'quality': quality() if a.quality else None}
    ups = [j['ratio'] for j in jobs if j['floor']['kind'] == 'upscale']; downs = [j['ratio'] for j in jobs if j['floor']['kind'] == 'downscale']
    rss = [j['cli']['peak_rss_mib'] for j in jobs if max(map(int, j['output'].split('x'))) <= 7680]  # outputs up to 8K (long edge 7680)
    res['summary'] = {'upscale_ratio_median': statistics.median(ups) if ups else None, 'upscale_ratio_worst': max(ups, default=None),
                      'upscale_ratio_worst_run': max((j['ratio_worst_run'] for j in jobs if j['floor']['kind'] == 'upscale'), default=None),
                      'downscale_ratio_median': statistics.median(downs) if downs else None, 'downscale_ratio_worst': max(downs, default=None),
                      'peak_rss_mib_worst_up_to_8k': max(rss, default=None)}
    Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(to_markdown(res)); print(json.dumps(res['summary']))

if __name__ == '__main__':
    main()
