"""SR benchmark: bicubic, the OpenCV dnn_superres peers and every shipped model, side by side in one run.

Columns: Set5/Set14 Y-PSNR/SSIM at x2 and x4 (PAPER_TABLES.md protocol: HR cropped to a multiple of the
scale, LR = MATLAB bicubic, 8-bit LR and SR, Y channel, border = scale), the wall time for
1280x720 -> 5120x2880 (median of N, every method on the same threads) and the peak RSS of a fresh process
doing that once. photo-x4 also runs on "real-world Set14" (enhance5k.ops.degrade: blur 1.2, bicubic 1/4,
noise 5/255, JPEG 75). Prints Markdown tables and writes JSON.

    python bench/sr_bench.py [--quick] [--json PATH] [--update-cards]      (or: enhance5k bench ...)
"""
import argparse, json, os, platform, statistics, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
PEERS = [('ESPCN', 2), ('ESPCN', 4), ('FSRCNN', 2), ('FSRCNN', 4), ('LapSRN', 2), ('LapSRN', 4)]

def hr_images(name):
    from enhance5k.core import data_dir
    from enhance5k.io import read_image, to_tensor
    d = data_dir(name)
    return [(p.stem, to_tensor(read_image(p))) for p in sorted(d.glob('*.png'))]

def q8(x): return (x.clamp(0, 1) * 255).round() / 255

def to_u8(x): return (x[0].permute(1, 2, 0).clamp(0, 1) * 255).round().to(torch.uint8).numpy()
def from_u8(a): return torch.from_numpy(np.ascontiguousarray(a)).permute(2, 0, 1)[None].float() / 255

# --- the methods: each maps an 8-bit RGB array (h,w,3) to an 8-bit RGB array (h*s,w*s,3) -------------------
def ours(name, scale):
    "A shipped model through the pipeline's strip renderer (what `enhance` runs)."
    from enhance5k.models import load_model
    from enhance5k.enhance import render, plan_passes
    def run(a, s=scale):
        x = torch.from_numpy(a).permute(2, 0, 1)[None]  # uint8, as `enhance` passes 8-bit images
        size = (a.shape[1] * s, a.shape[0] * s)
        return render(x, size, [load_model(p, device='cpu') for p in plan_passes(a.shape[1::-1], size, name)])
    return run

def bicubic(scale):
    from enhance5k.enhance import render
    return lambda a, s=scale: render(from_u8(a), (a.shape[1] * s, a.shape[0] * s), ())

def peer(name, scale):
    import cv2
    sr = cv2.dnn_superres.DnnSuperResImpl_create()
    sr.readModel(str(data_root() / 'peers_opencv' / f'{name}_x{scale}.pb')); sr.setModel(name.lower(), scale)
    def run(a, s=scale):
        b = a[:, :, ::-1]
        for _ in range(round(np.log(s) / np.log(scale))): b = sr.upsample(np.ascontiguousarray(b))
        return np.ascontiguousarray(b[:, :, ::-1])
    return run

def data_root():
    from enhance5k.core import settings
    return Path(settings().data)

def method(key):
    "key: 'bicubic-x4', 'ESPCN-x4', 'fast-x4' ..."
    name, s = key.rsplit('-x', 1); s = int(s)
    if name == 'bicubic': return bicubic(s)
    if name in ('ESPCN', 'FSRCNN', 'LapSRN'): return peer(name, s)
    return ours(f'{name}-x{s}', s)

# --- fidelity ------------------------------------------------------------------------------------------------
def fidelity(run, scale, images):
    from enhance5k.metrics import psnr, ssim
    from enhance5k.ops import imresize
    ps, ss = [], []
    for _, hr in images:
        H, W = hr.shape[-2:]; hr = hr[..., :H // scale * scale, :W // scale * scale]
        lr = to_u8(imresize(hr, 1 / scale))
        sr = from_u8(run(lr))
        ps.append(psnr(sr, hr, crop=scale, y_channel=True).item()); ss.append(ssim(sr, hr, crop=scale, y_channel=True).item())
    return round(statistics.mean(ps), 3), round(statistics.mean(ss), 4)

def real_world(keys, images):
    "Set14 through the documented real-world degradation: Y-PSNR, SSIM and LPIPS-free detail metrics."
    from enhance5k.metrics import psnr, ssim, gmsd, detail_recovery, edge_sharpness, noise_sigma
    from enhance5k.ops import degrade, imresize
    out = {}
    lrs = []
    for _, hr in images:
        H, W = hr.shape[-2:]; hr = hr[..., :H // 4 * 4, :W // 4 * 4]; lrs.append((hr, to_u8(degrade(hr, 4))))
    for key in keys:
        run = method(key); rows = []
        for hr, lr in lrs:
            sr = from_u8(run(lr)); bic = from_u8(bicubic(4)(lr))
            rows.append([psnr(sr, hr, crop=4, y_channel=True).item(), ssim(sr, hr, crop=4, y_channel=True).item(), gmsd(sr, hr).item(),
                         detail_recovery(sr, hr, bic).item(), noise_sigma(sr).item() * 255, (edge_sharpness(sr) / edge_sharpness(hr)).item()])
        m = [float(v) for v in np.mean(rows, 0)]
        out[key] = dict(psnr=round(m[0], 3), ssim=round(m[1], 4), gmsd=round(m[2], 4), detail_recovery=round(m[3], 4),
                        noise_sigma_255=round(m[4], 2), sharpness_vs_hr=round(m[5], 3))
    return out

# --- speed and memory -----------------------------------------------------------------------------------------
def test_frame(h=720, w=1280):
    "A real photo cropped to 16:9 and resized to w x h (8-bit RGB)."
    from enhance5k.io import read_image, to_tensor
    from enhance5k.ops import imresize
    p = sorted((data_root() / 'photos').glob('*.jpg'))[0]
    x = to_tensor(read_image(p)); H, W = x.shape[-2:]; ch = round(W * h / w)
    x = x[..., (H - ch) // 2:(H - ch) // 2 + ch, :]
    return to_u8(imresize(x, size=(h, w)).clamp(0, 1))

def wall_time(run, a, s, repeat):
    ts = []
    for _ in range(repeat):
        t = time.perf_counter(); out = run(a, s); ts.append(time.perf_counter() - t)
    assert out.shape[:2] == (a.shape[0] * s, a.shape[1] * s), out.shape
    return round(statistics.median(ts), 3)

def rss_child(key, target, threads, frame):
    "Run one 720p -> target in a fresh process (reading the 720p PNG `frame`); its peak RSS in MiB."
    r = subprocess.run([sys.executable, __file__, '--rss', key, '--target', target, '--threads', str(threads), '--frame', str(frame)],
                       capture_output=True, text=True, env=os.environ | {'PYTHONPATH': str(ROOT)})
    if r.returncode: raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])

def rss_main(key, target, threads, frame):
    from enhance5k.io import read_image
    torch.set_num_threads(threads)
    a = read_image(frame).rgb
    if key.startswith('pipeline:'):  # enhance() end to end on an in-memory image
        from enhance5k.enhance import enhance
        from enhance5k.io import Image
        r = enhance(Image(a), target=target, model=key.split(':', 1)[1], cache=False); size = r.image.size
    else:
        import cv2; cv2.setNumThreads(threads)
        out = method(key)(a, 4); size = out.shape[1::-1]
    from enhance5k.metrics import peak_rss_mb  # VmHWM: a fresh process's own peak
    print(json.dumps({'key': key, 'target': target, 'size': list(size), 'peak_rss_mib': round(peak_rss_mb(), 1)}))

# --- the run --------------------------------------------------------------------------------------------------
def machine(threads):
    import cv2
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.machine()) if Path('/proc/cpuinfo').exists() else platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, {threads} threads; torch {torch.__version__}, OpenCV {cv2.__version__}"

def main(argv=None):
    p = argparse.ArgumentParser(prog='enhance5k bench', description=__doc__.split('\n')[0])
    p.add_argument('--quick', action='store_true', help='Set5 only, one timing run, no LapSRN timing')
    p.add_argument('--json', default=str(ROOT / 'bench' / 'sr_bench.json'), help='where to write the results')
    p.add_argument('--threads', type=int, default=os.cpu_count(), help='threads for torch and OpenCV (default: all cores)')
    p.add_argument('--repeat', type=int, default=3, help='timing runs (median)')
    p.add_argument('--update-cards', action='store_true', help='write the measured figures into weights/*.json')
    p.add_argument('--rss', help=argparse.SUPPRESS); p.add_argument('--target', default='5k', help=argparse.SUPPRESS)
    p.add_argument('--frame', help=argparse.SUPPRESS)
    p.add_argument('--rss-only', action='store_true', help="re-measure only the pipeline's peak RSS (5K, 8K) into the existing --json")
    a = p.parse_args(argv)
    if a.rss: return rss_main(a.rss, a.target, a.threads, a.frame)
    if a.rss_only: return rss_only(a)
    from enhance5k.core import data_dir, data_missing_reason
    from enhance5k.models import list_models
    for need in ('Set5', 'Set14', 'peers_opencv', 'photos'):
        if data_dir(need) is None: sys.exit(f"bench needs shared data: {data_missing_reason(need)}")
    import cv2
    torch.set_num_threads(a.threads); cv2.setNumThreads(a.threads)
    repeat = 1 if a.quick else a.repeat
    sets = {'Set5': hr_images('Set5')} | ({} if a.quick else {'Set14': hr_images('Set14')})
    shipped = sorted(list_models())
    keys = ['bicubic-x2', 'bicubic-x4'] + [f'{n}-x{s}' for n, s in PEERS] + [k for k in shipped if k.rsplit('-x', 1)[-1].isdigit()]
    frame = test_frame(); rows = {}
    for key in keys:
        s = int(key.rsplit('-x', 1)[1]); row = {'scale': s}
        try: run = method(key)
        except Exception as e:  # a peer this OpenCV cannot load (5.1 dropped the TensorFlow importer): say so, go on
            rows[key] = row | {'error': f"{type(e).__name__}: {str(e).strip().splitlines()[-1][:160]}"}; print(key, rows[key], flush=True); continue
        for name, imgs in sets.items(): row[f'{name}_psnr'], row[f'{name}_ssim'] = fidelity(run, s, imgs)
        slow = key.startswith('LapSRN') and (a.quick or s == 2)
        if not slow:
            src = frame if s == 4 else test_frame()
            row['time_720p_to_5k_s'] = wall_time(run, src, 4, repeat)
        rows[key] = row; print(key, row, flush=True)
    mem = {}; import tempfile
    from enhance5k.io import Image, write_image
    fpath = Path(tempfile.mkdtemp()) / 'frame720p.png'; write_image(Image(frame), fpath)
    for key in (['ESPCN-x4'] if a.quick else ['bicubic-x4', 'ESPCN-x4', 'FSRCNN-x4', 'LapSRN-x4']):
        if 'error' in rows.get(key, {}): continue
        r = rss_child(key, '5k', a.threads, fpath); mem[f'{key}@5k'] = r['peak_rss_mib']; print('rss', key, '5k', r, flush=True)
    mem |= pipeline_rss(shipped, a.threads, frame)
    rw_set = 'Set14' if 'Set14' in sets else 'Set5'
    rw = real_world(['bicubic-x4'] + [k for k in ('fast-x4', 'photo-x4') if k in shipped], sets[rw_set])
    res = {'machine': machine(a.threads), 'date': time.strftime('%Y-%m-%d'), 'quick': a.quick, 'repeat': repeat,
           'protocol': 'PAPER_TABLES.md: modcrop, MATLAB bicubic LR, 8-bit, Y channel, border = scale',
           'time': 'median wall time, 8-bit RGB 1280x720 -> 5120x2880 (x2 methods: two passes)',
           'results': rows, 'peak_rss_mib': mem, 'real_world_set14': rw, 'real_world_on': rw_set,
           'real_world_pipeline': 'enhance5k.ops.degrade: Gaussian blur 1.2 px, MATLAB bicubic 1/4, Gaussian noise 5/255 (seed 0), JPEG 75, 8-bit'}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n')
    print(to_markdown(res))
    if a.update_cards: update_cards(res)
    return 0

def pipeline_rss(shipped, threads, frame)->dict:
    "Peak RSS of `enhance` 720p -> 5K and 8K for each shipped x4 model, each in a fresh process."
    import tempfile
    from enhance5k.io import Image, write_image
    fpath = Path(tempfile.mkdtemp()) / 'frame720p.png'; write_image(Image(frame), fpath); mem = {}
    for k in shipped:
        if not k.endswith('x4'): continue
        for target in ('5k', '8k'):
            r = rss_child(f'pipeline:{k}', target, threads, fpath); mem[f'pipeline:{k}@{target}'] = r['peak_rss_mib']
            print('rss', k, target, r, flush=True)
    return mem

def rss_only(a):
    "Update the pipeline entries of an existing results file (and the cards with --update-cards)."
    from enhance5k.models import list_models
    res = json.loads(Path(a.json).read_text())
    res['peak_rss_mib'].update(pipeline_rss(sorted(list_models()), a.threads, test_frame()))
    res['peak_rss_remeasured'] = {'machine': machine(a.threads), 'date': time.strftime('%Y-%m-%d'), 'what': 'pipeline:* entries (--rss-only)'}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n')
    print(to_markdown(res))
    if a.update_cards: update_cards(res)
    return 0

def to_markdown(res):
    sets = [s for s in ('Set5', 'Set14') if any(f'{s}_psnr' in r for r in res['results'].values())]
    head = '| method | ' + ' | '.join(f'{s} Y-PSNR/SSIM' for s in sets) + ' | 720p→5K time (s) |'
    lines = [f"Machine: {res['machine']} ({res['date']})", '', head, '|' + '---|' * (len(sets) + 2)]
    for k, r in res['results'].items():
        if 'error' in r: lines.append(f"| {k} | " + ' | '.join(['not loaded'] * len(sets)) + f" | {r['error']} |"); continue
        cells = [f"{r[f'{s}_psnr']:.2f}/{r[f'{s}_ssim']:.4f}" for s in sets]
        lines.append(f"| {k} | " + ' | '.join(cells) + f" | {r.get('time_720p_to_5k_s', 'skipped')} |")
    lines += ['', '| peak RSS (MiB), fresh process | |', '|---|---|'] + [f'| {k} | {v} |' for k, v in res['peak_rss_mib'].items()]
    lines += ['', f"Real-world {res.get('real_world_on', 'Set14')} (" + res['real_world_pipeline'] + '):', '', '| method | Y-PSNR | SSIM | GMSD ↓ | detail recovery ↑ | noise σ (/255) | sharpness vs HR |', '|---|---|---|---|---|---|---|']
    lines += [f"| {k} | {v['psnr']:.2f} | {v['ssim']:.4f} | {v['gmsd']:.4f} | {v['detail_recovery']:.3f} | {v['noise_sigma_255']:.2f} | {v['sharpness_vs_hr']:.3f} |" for k, v in res['real_world_set14'].items()]
    return '\n'.join(lines)

def update_cards(res):
    "Write each shipped model's measured figures, and the peers' beside them, into its model card."
    for f in sorted((ROOT / 'weights').glob('*.json')):
        card = json.loads(f.read_text()); k = f.stem
        if k not in res['results']: continue
        s = res['results'][k]['scale']; peers = {p: r for p, r in res['results'].items() if r['scale'] == s and p != k and 'error' not in r}
        card['benchmark'] = {'machine': res['machine'], 'date': res['date'], 'protocol': res['protocol'], 'time': res['time'],
                             'figures': res['results'][k], 'peers_same_run': peers,
                             'peak_rss_mib': {m: v for m, v in res['peak_rss_mib'].items() if f':{k}@' in m},
                             'real_world_set14': res['real_world_set14'].get(k), 'command': 'enhance5k bench --update-cards'}
        f.write_text(json.dumps(card, indent=2) + '\n')

if __name__ == '__main__':
    sys.exit(main())
