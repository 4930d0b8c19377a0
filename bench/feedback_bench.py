"""Feedback store and W&B sink figures: rating latency, concurrent writers, click latency with W&B up and down.

    python bench/feedback_bench.py [--json bench/feedback_bench.json]
"""
import argparse, json, os, platform, statistics, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WRITER = ("import sys\nfrom enhance5k.feedback import FeedbackStore\ns = FeedbackStore(sys.argv[1])\n"
          "for i in range(int(sys.argv[3])): s.rate(int(sys.argv[2]), 1 + i % 5)\n")

def ms(xs): return {'median_ms': round(1000 * statistics.median(xs), 2), 'p95_ms': round(1000 * float(np.percentile(xs, 95)), 2), 'n': len(xs)}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--json', default=str(ROOT / 'bench' / 'feedback_bench.json'))
    a = p.parse_args(argv)
    os.environ.setdefault('WANDB_MODE', 'offline')
    import torch
    from enhance5k.io import Image, write_image
    from enhance5k.feedback import FeedbackStore, WandbSink
    from enhance5k.widgets import compare
    work = Path(tempfile.mkdtemp(prefix='e5k-fbbench-')); store = FeedbackStore(work / 'fb' / 'feedback.db')
    rng = np.random.default_rng(0); src = work / 'in.png'
    write_image(Image((rng.random((400, 640, 3)) * 255).astype(np.uint8)), src)
    t = time.perf_counter(); eid, r = store.enhance(src, target='x4', model='fast-x4'); t_enh = time.perf_counter() - t
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, sqlite {__import__('sqlite3').sqlite_version}",
           'date': time.strftime('%Y-%m-%d'), 'store': str(work)}
    res['enhance_and_record_640x400_x4_s'] = round(t_enh, 3)
    lat = []
    for i in range(500):
        t = time.perf_counter(); store.rate(eid, 1 + i % 5); lat.append(time.perf_counter() - t)
    res['rate_latency'] = ms(lat)
    t = time.perf_counter()
    ps = [subprocess.Popen([sys.executable, '-c', WRITER, str(store.path), str(eid), '250'], env=os.environ | {'PYTHONPATH': str(ROOT)}) for _ in range(4)]
    codes = [q.wait() for q in ps]
    res['concurrent_4x250'] = {'wall_s_incl_python_start': round(time.perf_counter() - t, 2), 'exit_codes': codes, 'rows': store.count() - 500}
    for name, env, mode in (('offline', {}, 'offline'), ('down', {'WANDB_BASE_URL': 'http://127.0.0.1:9', 'WANDB_API_KEY': 'x' * 40}, 'online')):
        old = {k: os.environ.get(k) for k in env}; os.environ.update(env)
        sink = WandbSink(store, session=f'bench-{name}', mode=mode, dir=work / 'wandb', init_timeout=5)
        c = compare(src, r.image, store, eid, sink=sink); clicks = []
        for i in range(20):
            t = time.perf_counter(); c.rating_buttons[i % 5].click(); clicks.append(time.perf_counter() - t)
        t = time.perf_counter(); sink.finish(); drain = time.perf_counter() - t
        res[f'click_wandb_{name}'] = ms(clicks) | {'drain_s': round(drain, 2), 'logged': sink.logged, 'error': sink.error}
        for k, v in old.items():
            if v is None: os.environ.pop(k, None)
            else: os.environ[k] = v
    res['unsynced_after'] = len(store.unsynced()); res['integrity'] = store.integrity_check()
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n'); print(json.dumps(res, indent=2))

if __name__ == '__main__':
    main()
