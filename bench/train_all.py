"""Reproduce the shipped weights on one machine within a time budget (how the GPU weights were made).

Each preset trains in its own process with `enhance5k train` (the Lightning recipe in nbs/04a_train), all at
once; `photo-x4` starts from the new `fast-x4`, so it follows it. Step counts are not guessed: a short
calibration run of every job measures its steps per second on this machine, under the same load, and the
main runs get the steps that fit the budget (`--max-minutes` stops a run that would overrun anyway).

    python bench/train_all.py --budget 480 --out /tmp/w        # then copy /tmp/w/*/NAME.* into weights/
"""
import argparse, json, os, shlex, subprocess, sys, time
from pathlib import Path

# name -> extra CLI arguments (the recipe each shipped preset was trained with)
JOBS = {
    'fast-x2':    ['--batch-size', '64', '--patch', '48', '--lr', '0.002', '--rescale', '1.0', '0.9', '0.8', '0.7', '0.6', '--workers', '4'],
    'fast-x4':    ['--batch-size', '64', '--patch', '32', '--lr', '0.002', '--rescale', '1.0', '0.9', '0.8', '0.7', '0.6', '--workers', '4'],
    'quality-x4': ['--batch-size', '64', '--patch', '32', '--lr', '0.001', '--rescale', '1.0', '0.9', '0.8', '0.7', '0.6', '--workers', '4'],
    'photo-x4':   ['--batch-size', '64', '--patch', '32', '--lr', '0.001', '--workers', '8'],
}
AFTER = {'photo-x4': 'fast-x4'}  # trained from the other's new weights

def launch(name, steps, out, minutes=None):
    "Start `enhance5k train NAME` in its own process, with its own home (checkpoints) and log."
    out.mkdir(parents=True, exist_ok=True)
    env = os.environ | {'OMP_NUM_THREADS': '4', 'ENHANCE5K_HOME': str(out / 'home'), 'ENHANCE5K_WEIGHTS': str(out.parent / AFTER.get(name, name))}
    cmd = [sys.executable, '-c', 'import sys; from enhance5k.cli import main; sys.exit(main())', 'train', name, '--max-steps', str(steps), '--out', str(out), '--no-wandb', *JOBS[name]]
    if minutes: cmd += ['--max-minutes', f'{minutes:.2f}']
    return subprocess.Popen(cmd, env=env, stdout=open(out / 'log.txt', 'w'), stderr=subprocess.STDOUT)

def rate(out, name):
    "(steps per second of optimisation, seconds of set-up before the first step) of a finished run."
    c = json.loads((out / f'{name}.json').read_text())['training']
    r = c['steps_per_second']; return r, c['seconds'] - c['recipe']['steps'] / r

def run(names, deadline, root, cal_steps):
    "Calibrate `names` together, then start their main runs, each sized to end by `deadline[name]` (time.time())."
    procs = {n: launch(n, cal_steps, root / 'cal' / n) for n in names}
    for n, p in procs.items():
        if p.wait(): raise SystemExit(f'{n} calibration failed: see {root / "cal" / n / "log.txt"}')
    rates = {n: rate(root / 'cal' / n, n) for n in names}
    print('calibration (steps/s, set-up s):', {n: (r, round(s)) for n, (r, s) in rates.items()}, flush=True)
    left = {n: deadline[n] - time.time() for n in names}
    steps = {n: max(cal_steps, int(r * (left[n] - s - 15) * 0.92)) for n, (r, s) in rates.items()}
    print('main runs (steps):', steps, flush=True)
    return {n: launch(n, steps[n], root / n, left[n] / 60) for n in names}

def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    a.add_argument('--budget', type=float, default=480, help='seconds of wall time for everything')
    a.add_argument('--out', default='/tmp/train_all', help='output folder')
    a.add_argument('--only', nargs='+', default=list(JOBS), help='presets to train')
    a.add_argument('--cal-steps', type=int, default=300, help='steps of the calibration runs')
    a.add_argument('--args', nargs='*', default=[], metavar='NAME=ARGS', help="extra `enhance5k train` arguments for one preset, e.g. fast-x4='--init w/fast-x4.safetensors --lr 0.001'")
    a.add_argument('--split', type=float, default=0.55, help='share of the budget the first model of a chain gets')
    a = a.parse_args(argv)
    for kv in a.args: n, _, v = kv.partition('='); JOBS[n] = JOBS[n] + shlex.split(v)  # later flags win
    root = Path(a.out); t0 = time.time(); end = t0 + a.budget
    first = [n for n in a.only if n not in AFTER]; later = [n for n in a.only if n in AFTER]
    deadline = {n: end for n in first} | {AFTER[n]: t0 + a.budget * a.split for n in later if AFTER[n] in first}
    procs = run(first, deadline, root, a.cal_steps)
    for n in later:
        if AFTER[n] in procs: procs[AFTER[n]].wait()
        procs |= run([n], {n: end}, root, a.cal_steps // 2)
    for n, p in procs.items():
        rc = p.wait(); card = root / n / f'{n}.json'
        print(n, 'exit', rc, json.loads(card.read_text())['training'] if card.exists() else 'no card', flush=True)
    print(f'total {time.time() - t0:.0f} s')

if __name__ == '__main__': main()
