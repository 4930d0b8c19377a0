"""Reading photos the size people have, in the formats they come in: 48 MP (8000x6000) as JPEG 92, 8-bit PNG, 16-bit PNG
(written by libpng with its adaptive row filters, as photo editors do), and 16-bit TIFF with LZW and with ZIP compression.

Per format: `image_size` (the header only: what the app does on every page run and the planner before a job) and
`read_image` (the full decode, orientation applied), best and worst of --repeat runs; beside them the floor, the bare
decoder (Pillow for JPEG and 8-bit PNG, libpng through imagecodecs for 16-bit PNG, tifffile for TIFF).
The input is made from a shared photo (plasma_Path_2560x1600.jpg), Lanczos-upscaled, so its detail is the 2560-px photo's.

    python bench/read_bench.py [--mp 48] [--repeat 3] [--json bench/read_bench.json]
"""
import argparse, io, json, os, platform, sys, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SIZES = {12: (4032, 3024), 24: (6000, 4000), 48: (8000, 6000)}

def make(mp:int, work:Path)->dict:
    "The shared photo at `mp` MP in each format: {name: path}."
    import imagecodecs, tifffile
    from PIL import Image as P
    from enhance5k.core import data_dir
    d = data_dir('photos')
    if d is None: sys.exit('bench needs the shared photos (ENHANCE5K_DATA)')
    a8 = np.asarray(P.open(d / 'plasma_Path_2560x1600.jpg').convert('RGB').resize(SIZES[mp], P.LANCZOS)); a16 = a8.astype(np.uint16) * 257
    out = {'JPEG 92': work / 'p.jpg', 'PNG 8-bit': work / 'p8.png', 'PNG 16-bit': work / 'p16.png', 'TIFF 16-bit LZW': work / 'lzw.tif', 'TIFF 16-bit ZIP': work / 'zip.tif'}
    P.fromarray(a8).save(out['JPEG 92'], quality=92); P.fromarray(a8).save(out['PNG 8-bit'], compress_level=6)
    out['PNG 16-bit'].write_bytes(imagecodecs.png_encode(a16, level=6))
    tifffile.imwrite(out['TIFF 16-bit LZW'], a16, photometric='rgb', compression='lzw'); tifffile.imwrite(out['TIFF 16-bit ZIP'], a16, photometric='rgb', compression='zlib')
    return out

def floor(name:str, data:bytes):
    "The bare decoder of the format."
    import imagecodecs, tifffile
    from PIL import Image as P
    if name.startswith('TIFF'): return tifffile.imread(io.BytesIO(data))
    if name == 'PNG 16-bit': return imagecodecs.png_decode(data)
    im = P.open(io.BytesIO(data)); im.load(); return im

def timed(f, n:int)->list:
    ts = []
    for _ in range(n): t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return ts

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0]); p.add_argument('--mp', type=int, default=48, choices=list(SIZES))
    p.add_argument('--repeat', type=int, default=3); p.add_argument('--json', default=str(ROOT / 'bench' / 'read_bench.json')); a = p.parse_args(argv)
    from enhance5k.io import image_size, read_image
    rows = []
    with tempfile.TemporaryDirectory() as w:
        for name, path in make(a.mp, Path(w)).items():
            data = path.read_bytes(); img = read_image(data)
            hs, rs, fs = timed(lambda: image_size(data), a.repeat), timed(lambda: read_image(data), a.repeat), timed(lambda: floor(name, data), a.repeat)
            rows.append({'format': name, 'MB': round(len(data) / 1e6, 1), 'size': list(img.size), 'bits': img.bits, 'header_s': [round(min(hs), 4), round(max(hs), 4)],
                         'read_s': [round(min(rs), 2), round(max(rs), 2)], 'floor_s': [round(min(fs), 2), round(max(fs), 2)], 'read_over_floor': round(min(rs) / min(fs), 2)})
            print(f"| {name} | {rows[-1]['MB']} | {img.bits} | {min(hs):.4f} / {max(hs):.4f} | {min(rs):.2f} / {max(rs):.2f} | {min(fs):.2f} | {rows[-1]['read_over_floor']:.2f} |", flush=True)
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores", 'date': time.strftime('%Y-%m-%d'), 'mp': a.mp, 'repeat': a.repeat, 'rows': rows}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n')

if __name__ == '__main__':
    print('| format | MB | bits | header (s): best / worst | read_image (s): best / worst | bare decoder (s) | read / decoder |\n|---|---|---|---|---|---|---|')
    main()
