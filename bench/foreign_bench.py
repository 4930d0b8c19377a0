"""Foreign (spandrel) models at realistic sizes through the `enhance5k` command on the CPU, beside fast-x4.

Architectures, random weights (time and memory depend on the shapes, not the values):
- realesrgan-x4plus: ESRGAN/RRDBNet, 23 blocks, 64 features (Real-ESRGAN x4plus's shape);
- realesr-general-x4v3: Real-ESRGAN Compact (SRVGGNetCompact), 32 convs, 64 features;
- swinir-light-x4: SwinIR lightweight x4 (embed 60, depths 6x4, heads 6, window 8, pixelshuffledirect).
Each is saved as a .pth state dict and registered with `enhance5k models add` in a temporary ENHANCE5K_HOME (the add
time includes spandrel's detection and the tile-context measurement), then every job runs the command in a fresh
process: wall seconds and peak RSS (VmHWM). Jobs: 720p (1280x720) -> 5K and 12 MP (4032x3024) -> 8K; `--quick`:
a 320x180 input -> x4 only. A total time budget (`--budget`, default 840 s) bounds the whole run: each job gets what is
left as its timeout, and jobs after the budget is spent are reported as skipped.

    python bench/foreign_bench.py [--quick] [--budget 840] [--models NAME ...] [--jobs 720p 12mp] [--json bench/foreign_bench.json]
"""
import argparse, json, os, platform, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
EXE = str(Path(sys.executable).parent / 'enhance5k')
HWM = ("import sys; from enhance5k.cli import main; rc = main(sys.argv[1:]); "
       "print('VmHWM', open('/proc/self/status').read().split('VmHWM:')[1].split()[0], file=sys.stderr); sys.exit(rc)")

def networks()->dict:
    "The realistic-size networks, randomly initialised."
    from spandrel.architectures.ESRGAN import ESRGAN
    from spandrel.architectures.Compact import Compact
    from spandrel.architectures.SwinIR import SwinIR
    torch.manual_seed(0)
    return {'realesrgan-x4plus': lambda: ESRGAN(num_filters=64, num_blocks=23, scale=4),
            'realesr-general-x4v3': lambda: Compact(num_feat=64, num_conv=32, upscale=4),
            'swinir-light-x4': lambda: SwinIR(img_size=64, embed_dim=60, depths=[6, 6, 6, 6], num_heads=[6, 6, 6, 6], window_size=8,
                                              mlp_ratio=2., upscale=4, upsampler='pixelshuffledirect', resi_connection='1conv')}

def photo(w:int, h:int, path:Path)->Path:
    "A synthetic photo-like image (smooth gradients, edges, noise), PNG."
    from enhance5k.io import Image, write_image
    g = np.random.default_rng(0); yy, xx = np.mgrid[0:h, 0:w] / max(w, h)
    a = np.stack([0.5 + 0.3 * np.sin(17 * xx), 0.4 + 0.4 * yy, 0.3 + 0.3 * (np.sin(40 * xx * yy) > 0)], -1) + g.normal(0, 4 / 255, (h, w, 3))
    write_image(Image((np.clip(a, 0, 1) * 255 + .5).astype(np.uint8)), path, overwrite=True)
    return path

def cli(args:list, env:dict, timeout:float)->dict:
    "The command in a fresh process: wall seconds, peak RSS (MiB), return code and its last output line."
    t = time.perf_counter()
    try: r = subprocess.run([sys.executable, '-c', HWM, *map(str, args)], capture_output=True, text=True, env=env, timeout=max(1, timeout))
    except subprocess.TimeoutExpired: return {'status': 'timeout', 'wall_s': round(time.perf_counter() - t, 2)}
    wall = time.perf_counter() - t
    hwm = [l for l in r.stderr.splitlines() if l.startswith('VmHWM')]
    out = {'status': 'ok' if r.returncode == 0 else f'exit {r.returncode}', 'wall_s': round(wall, 2),
           'peak_rss_mib': round(int(hwm[-1].split()[1]) / 1024, 1) if hwm else None, 'printed': (r.stdout.strip().splitlines() or [''])[0]}
    if r.returncode: out['error'] = r.stderr.strip().splitlines()[-2 if hwm else -1][:300] if r.stderr.strip() else ''
    return out

def to_markdown(res:dict)->str:
    rows = ['| model | architecture | parameters | tile context (px) | job | output | wall (s) | peak RSS (MiB) | status |', '|---|---|---|---|---|---|---|---|---|']
    for j in res['jobs']:
        m = res['models'][j['model']]
        rows.append(f"| {j['model']} | {m.get('architecture', '')} | {m.get('parameters', '')} | {m.get('context', '')} | {j['job']} | {j.get('output', '')} | "
                    f"{j.get('wall_s', '–')} | {j.get('peak_rss_mib', '–')} | {j['status']} |")
    return '\n'.join(rows)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true', help='one small job per model: 320x180 -> x4')
    ap.add_argument('--budget', type=float, default=840, help='seconds for the whole run (jobs past it are skipped)')
    ap.add_argument('--json', default=str(ROOT / 'bench' / 'foreign_bench.json'), help='where to write the results')
    ap.add_argument('--models', nargs='+', help='only these networks (names as in the table; fast-x4 always runs)')
    ap.add_argument('--jobs', nargs='+', choices=['720p', '12mp'], help='only these jobs (default both; --quick has its own)')
    a = ap.parse_args(argv); t0 = time.perf_counter(); left = lambda: a.budget - (time.perf_counter() - t0)
    work = Path(tempfile.mkdtemp(prefix='foreign_bench_')); env = os.environ | {'ENHANCE5K_HOME': str(work / 'home'), 'ENHANCE5K_CACHE_SIZE': '0'}
    jobs = [('320x180 -> x4', (320, 180), 'x4')] if a.quick else [j for k, j in [('720p', ('720p -> 5k', (1280, 720), '5k')), ('12mp', ('12 MP -> 8k', (4032, 3024), '8k'))] if not a.jobs or k in a.jobs]
    inputs = {j: photo(*size, work / f"in_{size[0]}x{size[1]}.png") for j, size, _ in jobs}
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads",
           'date': time.strftime('%Y-%m-%d'), 'quick': a.quick, 'budget_s': a.budget, 'models': {'fast-x4': {'architecture': 'SRNet (ours, luma, ONNX Runtime)'}}, 'jobs': []}
    from enhance5k.models import find_weights, read_card
    res['models']['fast-x4']['parameters'] = read_card(find_weights('fast-x4'))['parameters']
    for name, make in networks().items():
        if a.models and name not in a.models: continue
        p = work / f'{name}.pth'; torch.save(make().state_dict(), p)
        r = cli(['models', 'add', p, '--name', name], env, left())
        card = work / 'home' / 'models' / name / 'v1' / f'{name}.json'
        c = json.loads(card.read_text()) if card.is_file() else {}
        res['models'][name] = {'architecture': c.get('architecture', {}).get('name'), 'parameters': c.get('parameters'),
                               'context': c.get('architecture', {}).get('context'), 'add_s': r['wall_s'], 'add_status': r['status']}
    for job, size, target in jobs:
        for name in res['models']:
            if res['models'][name].get('add_status', 'ok') != 'ok': continue
            if left() <= 1: res['jobs'].append({'model': name, 'job': job, 'status': 'skipped (time budget)'}); continue
            out = work / 'out' / name
            r = cli(['enhance', inputs[job], '-o', out, '--target', target, '--model', name, '--overwrite'], env, left())
            made = sorted(out.glob('*.png'))
            if made:
                from PIL import Image as P
                r['output'] = 'x'.join(map(str, P.open(made[0]).size)); made[0].unlink()
            res['jobs'].append({'model': name, 'job': job, **r})
    res['total_s'] = round(time.perf_counter() - t0, 1)
    Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(f"{res['machine']}, {res['date']}; total {res['total_s']} s (budget {a.budget} s)\n")
    print(to_markdown(res))
    return 0

if __name__ == '__main__': sys.exit(main())
