"""Fine-tuning from feedback: a simulated rater who prefers sharper outputs, through `enhance5k.finetune`.

Eight crops of the shared photos, each enhanced x4 by fast-x4 softened / plain / sharpened; the rater
(`simulate_choices`) rates them and picks the sharper of every two. `finetune` then runs with its defaults
for several seeds, and once with a learning rate a thousand times too high; the gate's figures for each
(Set5/Set14 x4 Y-PSNR drop, held-out preference accuracy) are printed as a table and written as JSON.
Nothing is deployed (deploy_if_passed=False); the runs go to a temporary ENHANCE5K_HOME.

    python bench/finetune_bench.py [--seeds 5] [--json bench/finetune.json]
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--seeds', type=int, default=5)
    ap.add_argument('--json', default=str(Path(__file__).with_name('finetune.json')))
    a = ap.parse_args(argv)
    os.environ['ENHANCE5K_HOME'] = home = tempfile.mkdtemp(prefix='e5k-ftbench-')
    import torch
    from enhance5k.core import data_dir, data_missing_reason
    for n in ('photos', 'Set5', 'Set14'):
        if data_dir(n) is None: raise SystemExit(f"skipped: {data_missing_reason(n)}")
    from enhance5k.feedback import FeedbackStore
    from enhance5k.finetune import finetune, simulate_choices, photo_crops
    store = FeedbackStore(Path(home) / 'fb.db'); t0 = time.perf_counter()
    simulate_choices(store, photo_crops(Path(home) / 'in'))
    rows, setup_s = [], round(time.perf_counter() - t0, 1)
    runs = [('default', dict(seed=s)) for s in range(a.seeds)] + [('lr 1e-2 (harmful)', dict(seed=0, lr=1e-2))]
    for label, kw in runs:
        r = finetune('fast-x4', store, wandb=False, deploy_if_passed=False, **kw); g = r['gate']; acc = g['preference_accuracy']
        rows.append(dict(run=label, seed=kw['seed'], lr=r['settings']['lr'], steps=r['steps'], seconds=r['seconds'],
                         set5_drop_db=g['psnr']['drop']['Set5'], set14_drop_db=g['psnr']['drop']['Set14'],
                         moved_toward=acc['moved_toward'], accuracy_base=acc['base'], accuracy_tuned=acc['tuned'],
                         heldout_choices=acc['choices'], passed=g['passed'], reasons=g['reasons']))
    print(f"{len(store.pairs())} feedback pairs from {len(list((Path(home) / 'in').iterdir()))} photo crops ({setup_s} s to enhance and rate)\n")
    print('| run | seed | lr | steps | train s | Set5 drop (dB) | Set14 drop (dB) | moved toward preferred | nearer preferred (base → tuned) | gate |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['run']} | {r['seed']} | {r['lr']:g} | {r['steps']} | {r['seconds']} | {r['set5_drop_db']:.4f} | {r['set14_drop_db']:.4f} | "
              f"{r['moved_toward']:.0%} of {r['heldout_choices']} | {r['accuracy_base']:.2f} → {r['accuracy_tuned']:.2f} | {'pass' if r['passed'] else 'reject'} |")
    out = {'machine': f"{platform.machine()} CPU, {os.cpu_count()} cores, torch {torch.__version__}", 'date': time.strftime('%Y-%m-%d'),
           'pairs': len(store.pairs()), 'runs': rows}
    Path(a.json).write_text(json.dumps(out, indent=1) + '\n'); print(f"\nwrote {a.json}")

if __name__ == '__main__': main()
