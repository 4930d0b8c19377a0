"""CPU inference backends for the shipped networks: is any worth keeping beside torch?

The network's convolutions on luma (SRNet.body: what costs; the bicubic anchor and the pixel shuffle are cheap)
over a 1000x1000 tile, best of 5, on this machine's threads, through:
- torch eager (fp32, NCHW and channels_last) — what enhance5k runs;
- torch.jit.trace + freeze + optimize_for_inference (oneDNN conv+ReLU fusion);
- torch.compile (inductor, when a C++ compiler is there);
- ONNX Runtime (CPU execution provider) and OpenVINO (CPU), when installed (`pip install onnx onnxruntime openvino`);
- torch dynamic int8 is not offered for conv2d; static int8 is checked as an ONNX Runtime QDQ model only if requested.
Each backend's output is compared with torch eager (max abs difference) and on Set5 x2/x4 Y-PSNR through the full
network. The rule (issue 18): keep a backend only if it is >= 15% faster and its outputs agree (PSNR within 0.02 dB).

    python bench/cpu_backends.py [--models fast-x2 fast-x4] [--json bench/cpu_backends.json]
"""
import argparse, json, os, platform, tempfile, time, warnings
from pathlib import Path
import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent

def best(f, n=5)->float:
    f(); ts = []
    for _ in range(n): t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

def backends(body:torch.nn.Module, x:torch.Tensor)->dict:
    "name -> callable(luma tensor) -> residual features, or an error string when it cannot run here."
    out = {'torch eager': lambda t: body(t),
           'torch eager channels_last': lambda t: body(t.contiguous(memory_format=torch.channels_last))}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            tr = torch.jit.optimize_for_inference(torch.jit.freeze(torch.jit.trace(body, x).eval()))
        out['torch.jit freeze + optimize_for_inference'] = lambda t: tr(t)
    except Exception as e: out['torch.jit freeze + optimize_for_inference'] = f"{type(e).__name__}: {e}"[:200]
    try:
        comp = torch.compile(body); comp(x); out['torch.compile (inductor)'] = lambda t: comp(t)
    except Exception as e: out['torch.compile (inductor)'] = f"{type(e).__name__}: {str(e).splitlines()[0]}"[:200]
    onnx_path = Path(tempfile.mkdtemp()) / 'body.onnx'
    try:
        torch.onnx.export(body, (x,), str(onnx_path), input_names=['l'], output_names=['r'], dynamic_axes={'l': {2: 'h', 3: 'w'}, 'r': {2: 'h', 3: 'w'}}, dynamo=False)
    except Exception as e: onnx_path = f"ONNX export failed: {type(e).__name__}: {e}"[:200]
    try:
        import onnxruntime as ort
        if isinstance(onnx_path, str): raise RuntimeError(onnx_path)
        so = ort.SessionOptions(); so.intra_op_num_threads = torch.get_num_threads()
        s = ort.InferenceSession(str(onnx_path), so, providers=['CPUExecutionProvider'])
        out[f'ONNX Runtime {ort.__version__}'] = lambda t: torch.from_numpy(s.run(None, {'l': t.numpy()})[0])
    except Exception as e: out['ONNX Runtime'] = f"{type(e).__name__}: {e}"[:200]
    try:
        import openvino as ov
        if isinstance(onnx_path, str): raise RuntimeError(onnx_path)
        core = ov.Core(); cm = core.compile_model(core.read_model(str(onnx_path)), 'CPU', {'INFERENCE_NUM_THREADS': torch.get_num_threads()})
        req = cm.create_infer_request()
        out[f'OpenVINO {ov.__version__}'] = lambda t: torch.from_numpy(req.infer({0: t.numpy()})[cm.output(0)].copy())
    except Exception as e: out['OpenVINO'] = f"{type(e).__name__}: {e}"[:200]
    return out

def set5_psnr(model, run, scale)->float:
    "Set5 Y-PSNR of the network with its body run by `run`."
    from enhance5k.core import data_dir
    from enhance5k.io import read_image, to_tensor
    from enhance5k.ops import imresize
    from enhance5k.metrics import psnr
    from enhance5k.models import luma
    import torch.nn.functional as F
    ps = []
    for p in sorted(data_dir('Set5').glob('*.png')):
        hr = to_tensor(read_image(p)); H, W = hr.shape[-2:]; hr = hr[..., :H // scale * scale, :W // scale * scale]
        lr = (imresize(hr, 1 / scale).clamp(0, 1) * 255).round() / 255
        with torch.inference_mode(): sr = (model.upsample(lr) + F.pixel_shuffle(run(luma(lr).contiguous()), scale)).clamp(0, 1)
        ps.append(psnr((sr * 255).round() / 255, hr, crop=scale, y_channel=True).item())
    return round(float(np.mean(ps)), 3)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--models', nargs='+', default=['fast-x2', 'fast-x4'])
    p.add_argument('--json', default=str(ROOT / 'bench' / 'cpu_backends.json'))
    a = p.parse_args(argv)
    from enhance5k.models import load_model
    res = {'machine': f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} threads; torch {torch.__version__}",
           'date': time.strftime('%Y-%m-%d'), 'tile': '1000x1000 luma, fp32', 'models': {}}
    for name in a.models:
        m = load_model(name, device='cpu'); body = m.body.eval(); x = torch.rand(1, 1, 1000, 1000)
        rows = {}
        with torch.inference_mode():
            ref = body(x); base = None
            for k, f in backends(body, x).items():
                if isinstance(f, str): rows[k] = {'error': f}; print(name, k, rows[k], flush=True); continue
                t = best(lambda: f(x)); diff = float((f(x).float() - ref).abs().max())
                base = base or t
                rows[k] = {'seconds_per_mp': round(t, 4), 'speedup_vs_eager': round(base / t, 3), 'max_abs_diff': diff, 'set5_psnr': set5_psnr(m, f, m.scale)}
                print(name, k, rows[k], flush=True)
        eager = rows['torch eager']['set5_psnr']
        for k, r in rows.items():
            if 'error' not in r: r['keep'] = bool(r['speedup_vs_eager'] >= 1.15 and abs(r['set5_psnr'] - eager) <= 0.02)
        res['models'][name] = rows
    Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(f"Machine: {res['machine']} ({res['date']})\n\n| model | backend | s per MP | vs torch eager | max |diff| | Set5 Y-PSNR | keep? |\n|---|---|---|---|---|---|---|")
    for name, rows in res['models'].items():
        for k, r in rows.items():
            print(f"| {name} | {k} | " + (f"{r['seconds_per_mp']} | {r['speedup_vs_eager']:.2f}x | {r['max_abs_diff']:.1e} | {r['set5_psnr']} | {'yes' if r['keep'] else 'no'} |" if 'error' not in r else f"– | – | – | – | {r['error'][:90]} |"))

if __name__ == '__main__':
    main()
