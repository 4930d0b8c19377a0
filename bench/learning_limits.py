"""Where the preference learner's shortfall on unseen photos lies: in its gate (when it changes a photo) or in its pick (which change).

    python bench/learning_limits.py [--seeds 10] [--ratings 40] [--choices 20] [--panel panel|blind|blind2] [--raters warmer lazy] [--half design|report] [--json bench/learning_limits.json]

The same runs as `bench/learning.py` (every panel rater, its seeds, the learner on the 4 learner photos, judged on the 3 it never saw),
and per run three shares of the utility gap closed on the unseen photos ((utility - defaults) / (rater's optimum - defaults), mean over them):
- learner: the learner's own recommendation (`recommend(image)`), as in `bench/learning.py`;
- perfect gate: the change the learner would pick on each photo (its best cautious score among the candidates its guards allow),
  made only where the rater likes it better than the defaults: what any rule for *when* to change could reach at best;
- best candidate: the rater's favourite among those same allowed candidates: what a better *pick* could reach without new candidates.
No rule for when to change beats the perfect gate; so where the perfect gate misses a target, only a better pick (a better model of
the taste, or answers that tell it more) can reach it.
"""
import argparse, json, os, platform, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learning as L

KINDS = ('learner', 'perfect gate', 'best candidate')

def one(name, seed, ratings, choices, opt):
    "One run: the learner's answers, then the three shares of the gap on the unseen photos."
    import torch; torch.set_num_threads(1)
    from enhance5k.learn import PreferenceLearner
    views = L._views(); r = L.raters(views, seed=seed, names=[name])[0]; pl = PreferenceLearner(views[:L.TRAIN], seed=seed)
    for _ in range(ratings): c = pl.propose(); pl.record(c, r(c))
    for _ in range(choices): a, b = pl.propose_pair(); pl.record_choice(a, b, r.choose(a, b))
    u = {k: [] for k in KINDS}
    for i in range(L.TRAIN, L.TRAIN + L.HELD):
        (F, ok), = pl._known(views[i])[0]; m, s = pl.model.gain(F, F[0]); allowed = ok & pl._inside(F)
        j = int(torch.where(allowed, m - pl.caution * s, torch.full_like(m, -1e9)).argmax())  # the learner's pick, as `recommend` makes it
        ut = r._utilities(pl.U, i)  # the rater's utility of every candidate (the defaults first)
        d, b = opt['default'][i - L.TRAIN], float(ut[allowed.numpy()].max())  # the defaults' utility as `share` takes it (the batch above may differ from it in the last float bits)
        rc = pl.recommend(views[i]); u['learner'].append(r.utility_of(rc['params'], i))
        if rc['confident'] and abs(u['learner'][-1] - ut[j]) > 1e-3: raise SystemExit(f"{name} seed {seed}, photo {i}: the pick above is not the one `recommend` made; make it as `recommend` does")  # the pick is a copy of recommend's rule: say so when they part
        u['perfect gate'].append(ut[j] if ut[j] > ut[0] else d); u['best candidate'].append(b if b > ut[0] else d)
    return {'rater': name, 'seed': seed, 'mode': 'ratings' if ratings else 'choices', 'feedback': ratings + choices, **{k: L.share(dict(opt, best=v), 'best') for k, v in u.items()}}

def summarise(rows):
    "Per rater with a taste and over all of them: the median of each share; over all, also its 10th percentile and the share of runs below 0."
    out = {}
    for name in dict.fromkeys(x['rater'] for x in rows):
        rs = [x for x in rows if x['rater'] == name and x['learner'] is not None]
        if rs: out[name] = {k: statistics.median(x[k] for x in rs) for k in KINDS}
    rs = [x for x in rows if x['learner'] is not None]
    out['_all'] = {k: {'median': statistics.median(x[k] for x in rs), 'p10': L.quantile([x[k] for x in rs], 0.1), 'below_0': sum(x[k] < 0 for x in rs) / len(rs)} for k in KINDS} if rs else {}
    return out

def table(s, half):
    f = lambda v: f"{v:.0%}"
    lines = ['| rater | half | learner | perfect gate | best candidate |', '|---|---|---|---|---|']
    lines += [f"| {n} | {half.get(n, '')} | " + ' | '.join(f(v[k]) for k in KINDS) + ' |' for n, v in s.items() if n != '_all']
    if s.get('_all'): lines.append('| **all: median; 10th pct; below 0** | | ' + ' | '.join(f"{f(v['median'])}; {f(v['p10'])}; {f(v['below_0'])}" for v in s['_all'].values()) + ' |')
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, default=10); p.add_argument('--ratings', type=int, default=40, help='ratings in the rating runs (0: none)')
    p.add_argument('--choices', type=int, default=20, help='A/B choices in the separate choice runs (0: none)')
    p.add_argument('--panel', choices=['panel', *L.BLIND_PANELS], default='panel', help="the raters: enhance5k.raters' panel, or a blind panel's (see bench/learning.py)")
    p.add_argument('--raters', nargs='+'); p.add_argument('--half', choices=['design', 'report']); p.add_argument('--workers', type=int, default=os.cpu_count())
    p.add_argument('--json', default=str(L.ROOT / 'bench' / 'learning_limits.json'))
    a = p.parse_args(argv)
    blind = L.BLIND_PANELS.get(a.panel, ''); L._learn(L.TRAIN, 0, blind); PANEL = L.panel_settings()
    names = L.chosen(PANEL, a.raters, a.half)
    L.no_blind_half(p, bool(blind), a.half)
    if not names: sys.exit(f"no raters of {'bench/' + blind if blind else 'enhance5k.raters.PANEL'} match --raters {' '.join(a.raters or [])} --half {a.half}")
    half = {n: 'blind' if blind else 'design' if PANEL[n].get('design', True) else 'report' for n in names}; t0 = time.time()
    with ProcessPoolExecutor(a.workers, initializer=L._learn, initargs=(L.TRAIN, 0, blind)) as ex:
        opt = dict(ex.map(L.optima, names))
        jobs = [(n, s, a.ratings, 0, opt[n]) for n in names if a.ratings and PANEL[n].get('rates', True) for s in range(a.seeds)]
        jobs += [(n, s, 0, a.choices, opt[n]) for n in names if a.choices for s in range(a.seeds)]
        rows = list(ex.map(one, *zip(*jobs)))
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores", 'date': time.strftime('%Y-%m-%d'), 'panel': a.panel, 'ratings': a.ratings, 'choices': a.choices, 'seeds': a.seeds,
           'wall_s': round(time.time() - t0, 1), 'rows': rows, 'half': half,
           'summary_ratings': summarise([x for x in rows if x['mode'] == 'ratings']) if a.ratings else None, 'summary_choices': summarise([x for x in rows if x['mode'] == 'choices']) if a.choices else None}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n')
    if a.ratings: print(f"{a.ratings} ratings, median gap closed on the unseen photos:\n" + table(res['summary_ratings'], half))
    if a.choices: print(f"\n{a.choices} A/B choices, median gap closed on the unseen photos:\n" + table(res['summary_choices'], half))

if __name__ == '__main__':
    main()
