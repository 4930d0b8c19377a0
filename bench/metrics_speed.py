"""Benchmark: time `assess()` on Set5-sized images (CPU, no LPIPS weights) and the bicubic paper rows.

Run: .venv/bin/python bench/metrics_speed.py [--json bench/metrics_speed.json]
Prints a table and writes JSON. Not a test: run on demand.
"""
import argparse, json, platform, statistics, time, os
import torch
from enhance5k.core import data_dir, data_missing_reason
from enhance5k.io import read_image, to_tensor
from enhance5k.ops import imresize, quantize
from enhance5k.metrics import assess, psnr, ssim

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--json', default='bench/metrics_speed.json'); args = ap.parse_args()
    set5 = data_dir('Set5')
    if set5 is None: raise SystemExit(data_missing_reason('Set5'))
    out = {'machine': f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, threads {torch.get_num_threads()}", 'assess_s': {}, 'bicubic': {}}
    imgs = [(f.stem, to_tensor(read_image(f))) for f in sorted(set5.glob('*.png'))]
    assess(imgs[0][1], reference=imgs[0][1], lpips=False)   # warm-up
    for name, hr in imgs:
        H, W = hr.shape[-2:]; hr = hr[..., :H - H % 4, :W - W % 4]
        lr = quantize(imresize(hr, 0.25)); sr = quantize(imresize(lr, 4))
        ts = []
        for _ in range(3):
            t = time.perf_counter(); assess(sr, reference=hr, before=lr, crop=4, y_channel=True); ts.append(time.perf_counter() - t)
        out['assess_s'][f"{name} {W}x{H}"] = round(statistics.median(ts), 3)
    for ds in ('Set5', 'Set14'):
        if data_dir(ds) is None: continue
        for s in (2, 4):
            ps, ss = [], []
            for f in sorted(data_dir(ds).glob('*.png')):
                hr = to_tensor(read_image(f)); H, W = hr.shape[-2:]; hr = hr[..., :H - H % s, :W - W % s]
                sr = quantize(imresize(quantize(imresize(hr, 1 / s)), s))
                ps.append(psnr(sr, hr, crop=s, y_channel=True).item()); ss.append(ssim(sr, hr, crop=s, y_channel=True).item())
            out['bicubic'][f"{ds} x{s}"] = {'psnr': round(statistics.mean(ps), 3), 'ssim': round(statistics.mean(ss), 4)}
    print(f"machine: {out['machine']}")
    print('| image | assess() median of 3 (s) |\n|---|---|'); [print(f"| {k} | {v} |") for k, v in out['assess_s'].items()]
    print('| bicubic | Y-PSNR | SSIM |\n|---|---|---|'); [print(f"| {k} | {v['psnr']} | {v['ssim']} |") for k, v in out['bicubic'].items()]
    with open(args.json, 'w') as f: json.dump(out, f, indent=2)
    print('wrote', args.json)

if __name__ == '__main__': main()
