"""Geometric self-ensemble probe: a shipped model's Set5 x4 Y-PSNR (PAPER_TABLES.md protocol) when its outputs for the
8 flips/rotations of the input (or a subgroup of them) are averaged, and on the last 4 BSD68 images (the training
validation set, for choosing among subgroups without looking at Set5), and the 720p -> 5K time through the pipeline's
renderer with SRNet's `ensemble` at 1, 4 and 8 (median of 3, all threads) against the issue's limit, 0.25 x OpenCV
LapSRN x4 from bench/sr_bench.json.

    python bench/self_ensemble.py [--model quality-x4] [--json bench/self_ensemble.json]
"""
import argparse, json, os, platform, statistics, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'bench'))
GROUPS = {'x1': [0], 'x2 {id, T}': [0, 4], 'x4 C4 rotations': [0, 1, 2, 3], 'x4 {id, rot180, T, rot180 T}': [0, 2, 4, 6],
          'x4 {id, rot180, rot90 T, rot270 T}': [0, 2, 5, 7], 'x8 all': list(range(8))}

def scores(model, images, scale=4):
    "Mean Y-PSNR per group: 8-bit LR (MATLAB bicubic), 8-bit SR, border = scale."
    import sr_bench as B
    from enhance5k.ops import imresize
    from enhance5k.metrics import psnr
    from enhance5k.models import dihedral
    out = {g: [] for g in GROUPS}
    for hr in images:
        H, W = hr.shape[-2:]; hr = hr[..., :H // scale * scale, :W // scale * scale]
        lr = B.from_u8(B.to_u8(imresize(hr, 1 / scale)))
        with torch.no_grad(): ys = [dihedral(model(dihedral(lr, k)), k, inverse=True) for k in range(8)]
        for g, ks in GROUPS.items():
            sr = B.from_u8(B.to_u8(torch.stack([ys[k] for k in ks]).mean(0).clamp(0, 1)))
            out[g].append(psnr(sr, hr, crop=scale, y_channel=True).item())
    return {g: round(statistics.mean(v), 3) for g, v in out.items()}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--model', default='quality-x4'); p.add_argument('--json', default=str(ROOT / 'bench' / 'self_ensemble.json'))
    a = p.parse_args(argv)
    import sr_bench as B
    from enhance5k.core import data_dir, data_missing_reason
    from enhance5k.io import read_image, to_tensor
    from enhance5k.models import load_model
    for need in ('Set5', 'BSD68'):
        if data_dir(need) is None: sys.exit(f"bench needs shared data: {data_missing_reason(need)}")
    m = load_model(a.model, device='cpu', cache=False); m.ensemble = 1  # the plain network: the averaging is done here
    val = [to_tensor(read_image(q)) for q in sorted(q for q in data_dir('BSD68').iterdir() if q.suffix.lower() in ('.png', '.jpg', '.jpeg', '.bmp'))[-4:]]
    res = {'model': a.model, 'machine': f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}", 'date': time.strftime('%Y-%m-%d'),
           'protocol': 'PAPER_TABLES.md: modcrop, MATLAB bicubic LR, 8-bit, Y channel, border = scale; outputs averaged before 8-bit rounding',
           'Set5': scores(m, [hr for _, hr in B.hr_images('Set5')]), 'BSD68_validation': scores(m, val)}
    frame = B.test_frame(); times = {}
    from enhance5k.enhance import render
    for n in (1, 4, 8):
        m.ensemble = n; run = lambda x, s=4: render(torch.from_numpy(x).permute(2, 0, 1)[None], (x.shape[1] * s, x.shape[0] * s), [m])
        times[n] = B.wall_time(run, frame, 4, 3)
    lap = json.loads((ROOT / 'bench' / 'sr_bench.json').read_text())['results']['LapSRN-x4'].get('time_720p_to_5k_s')
    res |= {'time_720p_to_5k_s': times, 'limit_s': lap and round(0.25 * lap, 3)}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n')
    print(f"{a.model}: Y-PSNR with the outputs of N flips/rotations averaged\n\n| ensemble | Set5 x4 | BSD68 validation x4 |\n|---|---|---|")
    for g in GROUPS: print(f"| {g} | {res['Set5'][g]} | {res['BSD68_validation'][g]} |")
    print(f"\n720p -> 5K with ensemble 1/4/8: {times[1]} / {times[4]} / {times[8]} s (limit {res['limit_s']} s)")

if __name__ == '__main__':
    main()
