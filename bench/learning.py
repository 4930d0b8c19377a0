"""PreferenceLearner against each built-in SimulatedRater taste: 40 ratings, held-out shared photos, 5 seeds.

    python bench/learning.py [--seeds 5] [--first-seed 0] [--ratings 40] [--tastes warm moody] [--learner JSON] [--json bench/learning.json]

Per taste and seed: the rater's mean utility on the held-out photos with the default params, with the learner's
`best()`, and with the taste's optimum; the share of the gap closed ((best - default) / (optimum - default), target
>= 0.30); and each tasted parameter's distance from the optimum as a share of its range (target <= 0.10). Also the
learner's own posterior sd of each tasted parameter (share of range), and the chance by that posterior that every tasted
parameter lands within 0.10: summed over seeds, the number of passing seeds the learner itself expects.
"""
import argparse, json, math, os, platform, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAIN, HELD = 4, 3  # photos the learner sees / held out

def photos():
    from enhance5k.core import data_dir, data_missing_reason
    d = data_dir('photos')
    if d is None: sys.exit(f"bench needs shared data: {data_missing_reason('photos')}")
    return sorted(p for p in d.iterdir() if p.suffix.lower() in ('.jpg', '.png'))[:TRAIN + HELD]

def one(taste, seed, n, kw):
    import torch; torch.set_num_threads(1)
    from enhance5k.io import read_image
    from enhance5k.adjust import EnhanceParams, PARAM_SPECS
    from enhance5k.learn import PreferenceLearner, SimulatedRater, view_of, SEARCH_SPACE
    views = [view_of(read_image(p), 128) for p in photos()]
    rater = SimulatedRater(views, taste, seed=seed)  # rates the learner's images (indices 0..TRAIN-1) and is scored on the rest
    t0 = time.perf_counter(); pl = PreferenceLearner(views[:TRAIN], seed=seed, **kw)
    for _ in range(n):
        c = pl.propose(); pl.record(c, rater(c))
    b = pl.best(); secs = time.perf_counter() - t0
    held = range(TRAIN, TRAIN + HELD); u = lambda p: statistics.mean(rater.utility_of(p, i) for i in held)
    ud, ub, uo = u(EnhanceParams()), u(b), u(rater.optimum)
    err = {p: abs(getattr(b, p) - getattr(rater.optimum, p)) / (PARAM_SPECS[p][1] - PARAM_SPECS[p][0]) for p in rater.tasted}
    sd = {p: float(pl.model.cov[pl.space.index(p), pl.space.index(p)].sqrt()) / 2 for p in rater.tasted}  # the learner's own posterior sd, as a share of the range
    odds = math.prod(math.erf(0.10 / (s * math.sqrt(2))) for s in sd.values())  # chance, by that posterior, that every tasted param is within 0.10
    return {'taste': taste, 'seed': seed, 'u_default': ud, 'u_best': ub, 'u_optimum': uo, 'gap_closed': (ub - ud) / (uo - ud),
            'param_error': err, 'max_param_error': max(err.values()), 'posterior_sd': sd, 'posterior_pass_chance': odds, 'best': {k: round(getattr(b, k), 3) for k in SEARCH_SPACE},
            'mean_rating': statistics.mean(pl.ratings), 'last10_rating': statistics.mean(pl.ratings[-10:]), 'seconds': secs}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, default=5); p.add_argument('--first-seed', type=int, default=0, help='seeds run: first-seed .. first-seed + seeds - 1'); p.add_argument('--ratings', type=int, default=40)
    p.add_argument('--workers', type=int, default=os.cpu_count()); p.add_argument('--tastes', nargs='+', help='only these tastes (default: all)'); p.add_argument('--learner', default='{}', help='PreferenceLearner settings as JSON'); p.add_argument('--json', default=str(ROOT / 'bench' / 'learning.json'))
    a = p.parse_args(argv)
    from enhance5k.learn import TASTES
    names = [x.name for x in photos()]
    tastes = a.tastes or list(TASTES)
    jobs = [(t, s, a.ratings, json.loads(a.learner)) for t in tastes for s in range(a.first_seed, a.first_seed + a.seeds)]
    with ProcessPoolExecutor(a.workers) as ex: rows = list(ex.map(one, *zip(*jobs)))
    for r in rows: r['pass'] = r['gap_closed'] >= 0.30 and r['max_param_error'] <= 0.10
    lines = ['| taste | seed | utility default → best (optimum 1) | gap closed | largest tasted-param error (share of range) | largest posterior sd | pass |', '|---|---|---|---|---|---|---|']
    lines += [f"| {r['taste']} | {r['seed']} | {r['u_default']:.3f} → {r['u_best']:.3f} | {r['gap_closed']:.2f} | {r['max_param_error']:.3f} ({max(r['param_error'], key=r['param_error'].get)}) | {max(r['posterior_sd'].values()):.3f} ({max(r['posterior_sd'], key=r['posterior_sd'].get)}) | {'yes' if r['pass'] else 'no'} |" for r in rows]
    summary = {t: {'gap_closed_mean': statistics.mean(r['gap_closed'] for r in rows if r['taste'] == t),
                   'gap_closed_min': min(r['gap_closed'] for r in rows if r['taste'] == t),
                   'max_param_error_max': max(r['max_param_error'] for r in rows if r['taste'] == t),
                   'seeds_passing': sum(r['pass'] for r in rows if r['taste'] == t),
                   'expected_passing': sum(r['posterior_pass_chance'] for r in rows if r['taste'] == t)} for t in tastes}
    lines += ['', '| taste | mean gap closed | worst gap closed | worst param error | seeds passing | expected by the learner\'s own posterior |', '|---|---|---|---|---|---|']
    lines += [f"| {t} | {v['gap_closed_mean']:.2f} | {v['gap_closed_min']:.2f} | {v['max_param_error_max']:.3f} | {v['seeds_passing']}/{a.seeds} | {v['expected_passing']:.1f}/{a.seeds} |" for t, v in summary.items()]
    import torch
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}", 'date': time.strftime('%Y-%m-%d'),
           'ratings': a.ratings, 'seeds': a.seeds, 'first_seed': a.first_seed, 'learner': json.loads(a.learner), 'learner_photos': names[:TRAIN], 'held_out_photos': names[TRAIN:], 'rows': rows, 'summary': summary}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n'); print('\n'.join(lines))

if __name__ == '__main__':
    main()
