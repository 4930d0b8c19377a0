"""Screen the preference learner's settings and pick rules offline, on learners that have already answered.

    python bench/learning_screen.py [--half design] [--raters warmer lazy] [--seeds 10] [--ratings 40] [--cache DIR] [--variants NAME ...] [--json bench/learning_screen.json]

A run of `bench/learning.py` takes minutes to half an hour; most of it is the raters' answers and the candidates' features.
This keeps them, so that a setting or a pick rule can be tried on the same answers in a minute or two:

1. once per `--cache` folder (a folder per number of ratings in it, refused when enhance5k/learn.py has changed since): every rater of the half (those who rate) × seeds answers `--ratings` ratings as in `bench/learning.py`
   (the 4 learner photos); kept for each learner: its `state()`, the features, feasibility and range guard of every candidate on the 3
   unseen photos and on its own 4, and the rater's utility of every candidate;
2. per variant (`VARIANTS`): every learner's answers are refitted with the variant's settings, its left-out evidence and chance test asked
   again, and its recommendation made on each unseen photo by `recommend`'s rule with the variant's pick (and its gains, where it predicts them otherwise); the share of the gap closed
   as in `bench/learning.py` (the same optima, the same rule for a taste).

The same answers for every variant: which questions a setting would itself have asked is not replayed, so a variant that looks better here
must still be run through `bench/learning.py`. `shipped` is each learner as it was and must give `bench/learning.py`'s gaps (it checks that its recommendations are the ones
`recommend` made); every other variant searches the hyperparameters again (`TasteGP.steps` more steps from the learner's, or
`FRESH_STEPS` from the prior where the length scales' prior or the columns changed), so `shipped, searched again` is what a variant is measured against.
"""
import argparse, copy, json, os, platform, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learning as L

# name: (learner settings to refit with (None: none, the learner as it was), pick rule: ('cautious', caution) or ('gated', None): the most expected gain among the candidates the gate would take);
# a pick rule changes which candidate is weighed, not the gate: that stays the learner's (caution 0.5, P(better) >= 0.8), unlike bench/learning.py's GATES
VARIANTS = {'shipped': (None, ('cautious', 0.5)), 'shipped, searched again': ({}, ('cautious', 0.5)),
            'pick: caution 0': ({}, ('cautious', 0.0)), 'pick: caution 0.25': ({}, ('cautious', 0.25)), 'pick: caution 1': ({}, ('cautious', 1.0)),
            'pick: most gain the gate takes': ({}, ('gated', None)),
            'curvature 0.4': ({'curvature': 0.4}, ('cautious', 0.5)), 'curvature 1.6': ({'curvature': 1.6}, ('cautious', 0.5)),
            'photo_sd 0.15': ({'photo_sd': 0.15}, ('cautious', 0.5)), 'photo_sd 0.6': ({'photo_sd': 0.6}, ('cautious', 0.5)),
            'length scale prior 1': ({'gp': {'ls0': 1.0}}, ('cautious', 0.5)), 'length scale prior 4': ({'gp': {'ls0': 4.0}}, ('cautious', 0.5)),
            'search: 100 steps': ({'gp': {'steps': 100}}, ('cautious', 0.5)), 'noise floor 0.4': ({'gp': {'min_noise': 0.4}}, ('cautious', 0.5)),
            'features: no parameters': ({'features': ['look:brightness', 'change:', 'clipped']}, ('cautious', 0.5)),
            'features: and colourfulness': ({'features': ['param:', 'look:brightness', 'look:colourfulness', 'change:', 'clipped']}, ('cautious', 0.5)),
            'hyperparameters averaged (16 draws)': (None, ('cautious', 0.5), ('draws', 16)),
            'a new photo as each learner photo in turn': (None, ('cautious', 0.5), ('as photos', None)),
            'readings mixed by their evidence': (None, ('cautious', 0.5), ('readings', 'evidence')),
            'readings must agree': (None, ('cautious', 0.5), ('readings', 'worst'))}
# a third entry, where there is one, is how the gains are predicted (None: the taste's `gain`): ('draws', K) the mixture of the taste under its own
# hyperparameters and K-1 draws from a Laplace approximation of their posterior; ('as photos', None) on a new photo the mixture of the gains it would
# have as each of the learner's photos in turn (their own deviations and all); ('readings', how) the taste as it is and refitted on READINGS' columns alone
# (what it was rated for read as changes from the photo, or as the looks it ends with), on a new photo 'evidence': their mixture weighted by each one's
# left-out evidence (exp(loo)), 'worst': per candidate the reading whose cautious gain is lowest, so the pick and the gate must hold under every reading

READINGS = {'changes': ['param:', 'change:', 'clipped'], 'looks': ['param:', 'look:', 'clipped']}  # other columns the same answers can be read on

FRESH_STEPS = 300  # hyperparameter steps of a taste whose hyperparameters start afresh (a learner's own took 30 at each of its answers)

def keep(name, seed, ratings, folder):
    "Phase 1 for one rater and seed: the learner after `ratings` ratings and what the screen needs of it, saved in `folder`."
    import torch; torch.set_num_threads(1)
    from enhance5k.learn import PreferenceLearner
    out = Path(folder) / f"{name}_{seed}.pt"
    if out.exists(): return str(out)
    views = L._views(); r = L.raters(views, seed=seed, names=[name])[0]; pl = PreferenceLearner(views[:L.TRAIN], seed=seed)
    for _ in range(ratings): c = pl.propose(); pl.record(c, r(c))
    def photo(F, ok, i): return {'F': F, 'ok': ok, 'inside': pl._inside(F), 'ut': torch.tensor(r._utilities(pl.U, i))}
    unseen = [photo(*pl._known(views[i])[0][0], i) for i in range(L.TRAIN, L.TRAIN + L.HELD)]
    recs = [pl.recommend(views[i]) for i in range(L.TRAIN, L.TRAIN + L.HELD)]
    tmp = out.with_suffix('.part'); torch.save({'state': pl.state(), 'unseen': unseen, 'own': [photo(*pl.cand[i], i) for i in range(L.TRAIN)],
                                               'recommended': [r.utility_of(rc['params'], i) for rc, i in zip(recs, range(L.TRAIN, L.TRAIN + L.HELD))], 'recommended_sure': [rc['confident'] for rc in recs]}, tmp); tmp.replace(out)
    return str(out)

def refit(state:dict, settings:dict|None):
    "A learner from `state` with `settings` changed, its hyperparameters searched again from the learner's (afresh where their prior or columns changed; None: as they were); with its left-out evidence and whether its answers beat chance."
    import torch
    from enhance5k.learn import PreferenceLearner
    st = copy.deepcopy(state); s = dict(settings or {})
    if settings is not None: st['null'] = None  # the shuffles' verdict was for the learner's fit (as it was, it is kept: its shuffles came from the learner's generator)
    feats = s.pop('features', None); st['settings'].update(s)
    pl = PreferenceLearner.from_state(st)
    if feats is not None or 'gp' in s:  # other columns or other settings of the taste: a new TasteGP, its hyperparameters where the learner's were unless their prior or columns changed
        h = None if feats is not None or 'ls0' in s.get('gp', {}) else [x.clone() for x in pl.model._hypers()]
        if feats is not None: pl.features = tuple(feats)
        pl.model = pl._taste_gp(pl.model.mu, pl.model.sd)
        if h: pl.model.log_ls, pl.model.log_sf, pl.model.log_sn, pl.model.log_sj, pl.model.log_sp, pl.model.log_sq = h
    if settings is not None: pl._refit(steps=None if feats is None and 'ls0' not in s.get('gp', {}) else FRESH_STEPS)
    ev = pl.model.loo(); null = pl.null_evidence() if ev >= pl.min_evidence else None
    own = pl._null[2] if null is not None and pl._windowed() else ev
    return pl, ev, pl.n >= pl.min_feedback and ev >= pl.min_evidence and (null is None or own > null)

def pick(m, s, allowed, rule, caution, least_p):
    "The candidate a pick rule takes: recommend's (the best cautious gain among those allowed, `rule`'s caution), or the most expected gain among those the gate (`caution`, `least_p`) would take."
    import torch
    no = torch.full_like(m, -1e9); kind, c = rule
    if kind == 'cautious': return int(torch.where(allowed, m - c * s, no).argmax())
    p = torch.distributions.Normal(0., 1.).cdf(m / s.clamp_min(1e-9)); ok = allowed & (m - caution * s > 0) & (p >= least_p); ok[0] = False
    return int(torch.where(ok, m, no).argmax()) if ok.any() else pick(m, s, allowed, ('cautious', caution), caution, least_p)

PRIOR_SD = 1.0, 0.7  # the log-normal priors' sds in TasteGP._search: every hyperparameter's, the noise's

def draws(pl, K:int, seed:int, floor:float=0.5)->list:
    "The taste under its own hyperparameters and K-1 draws from a Laplace approximation of their posterior (the Hessian's eigenvalues at least `floor`), each refitted."
    import copy, torch
    m = pl.model; args = m._args; h0 = m._hypers(); act = [0, 1, 2, 3, 4] + ([5] if m.sq0 else [])
    def unflat(v):
        out, i = list(h0), 0
        for k in act: out[k] = v[i:i + h0[k].numel()].reshape(h0[k].shape); i += h0[k].numel()
        return out
    v0 = torch.cat([h0[k].reshape(-1) for k in act])
    H = torch.autograd.functional.hessian(lambda v: -m._laplace(*args, *unflat(v))[3], v0)
    H = H + torch.diag(torch.cat([torch.full((h0[k].numel(),), PRIOR_SD[k == 2] ** -2, dtype=torch.float64) for k in act]))
    e, V = torch.linalg.eigh(H); C = V @ torch.diag(e.clamp_min(floor).rsqrt()); g = torch.Generator().manual_seed(seed); out = []
    for k in range(K):
        mk = copy.copy(m); h = unflat(v0 + (C @ torch.randn(len(v0), generator=g, dtype=torch.float64) if k else 0))
        mk.log_ls, mk.log_sf, mk.log_sn, mk.log_sj, mk.log_sp, mk.log_sq = (t.clone() for t in h); pl.model = mk; pl._refit(steps=0); out.append(mk)
    pl.model = m; return out

def mixture(gains:list, w:list|None=None)->tuple:
    "Mean and sd of a mixture of (mean, sd) predictions, with weights `w` (None: equal)."
    import torch
    M, V = torch.stack([a for a, _ in gains]), torch.stack([s for _, s in gains]) ** 2
    W = torch.full((len(gains), 1), 1 / len(gains), dtype=M.dtype) if w is None else torch.tensor(w, dtype=M.dtype)[:, None]; mean = (W * M).sum(0)
    return mean, ((W * (V + M ** 2)).sum(0) - mean ** 2).clamp_min(0).sqrt()

def lowest(gains:list, caution:float)->tuple:
    "Per candidate, the (mean, sd) of the prediction whose cautious gain (mean - caution * sd) is lowest."
    import torch
    M, S = torch.stack([a for a, _ in gains]), torch.stack([s for _, s in gains]); j = (M - caution * S).argmin(0); r = torch.arange(M.shape[1])
    return M[j, r], S[j, r]

def readings(pl, how:str):
    "gain(F, photo) of the taste read on each of READINGS' columns besides its own: on a new photo their mixture by left-out evidence ('evidence'), or per candidate the reading with the lowest cautious gain ('worst'); on a learner photo the taste's own."
    import math
    ms = [pl.model] + [refit(pl.state(), {'features': f})[0].model for f in READINGS.values()]
    ev = [m.loo() for m in ms]; w = [math.exp(e - max(ev)) for e in ev]; w = [x / sum(w) for x in w]
    def gain(F, k):
        if k is not None: return pl.model.gain(F, F[0], k)
        g = [m.gain(F, F[0], None) for m in ms]; return mixture(g, w) if how == 'evidence' else lowest(g, pl.caution)
    return gain

def predictor(pl, how, seed:int):
    "gain(F, photo) -> (mean, sd) of every candidate's gain over the defaults (F[0]) on a photo (`photo`: which learner photo, None: a new one) under `how` (VARIANTS' third entry)."
    if how is None: return lambda F, k: pl.model.gain(F, F[0], k)
    if how[0] == 'as photos': return lambda F, k: pl.model.gain(F, F[0], k) if k is not None else mixture([pl.model.gain(F, F[0], j) for j in range(L.TRAIN)])
    if how[0] == 'readings': return readings(pl, how[1])
    ms = draws(pl, how[1], seed); return lambda F, k: mixture([mk.gain(F, F[0], k) for mk in ms])

def gap(pl, ev, passed, photos, opt, rule, own=False, gain=None):
    "Share of the gap closed on `photos` (unseen, or the learner's own) under `rule`, the gate as `recommend`'s (the gains by `gain`, default the taste's); and on which it was sure."
    import torch
    us, sures, gain = [], [], gain or predictor(pl, None, 0)
    for k, p in enumerate(photos):
        F = p['F']; m, s = gain(F, k if own else None); j = pick(m, s, p['ok'] & p['inside'], rule, pl.caution, pl.min_confidence)
        pb = float(torch.distributions.Normal(0., 1.).cdf(m[j] / s[j].clamp_min(1e-9))) if j else 0.5
        sure = passed and j != 0 and float(m[j] - pl.caution * s[j]) > 0 and pb >= pl.min_confidence; sures.append(sure)
        us.append(float(p['ut'][j]) if sure else opt['default'][k])
    return L.share(dict(opt, best=us), 'best'), sures

def screen(path, opt, variants):
    "Phase 2 for one kept learner: per variant, the gap closed on the unseen photos and on its own, and on how many unseen photos it was sure."
    import torch; torch.set_num_threads(1)
    d = torch.load(path, weights_only=False); name, seed = Path(path).stem.rsplit('_', 1); out = {'rater': name, 'seed': int(seed)}
    own_opt = {'default': opt['own_default'], 'optimum': opt['own_optimum']}; fits = {}
    for v in variants:
        settings, rule, how = (VARIANTS[v] + (None,))[:3]; key = json.dumps(settings, sort_keys=True)
        if key not in fits: fits[key] = refit(d['state'], settings)
        gain = predictor(fits[key][0], how, int(seed))
        g, sures = gap(*fits[key], d['unseen'], opt, rule, gain=gain); go, _ = gap(*fits[key], d['own'], own_opt, rule, own=True, gain=gain)
        out[v] = {'gap_closed': g, 'confident': sum(sures), 'sure': sures, 'own_gap_closed': go}
    out['recommended'], out['recommended_sure'] = L.share(dict(opt, best=d['recommended']), 'best'), d['recommended_sure']
    return out

def summarise(rows, v):
    "Over the runs with a taste: median, mean, 10th percentile, runs below 0 and improved, on unseen photos and on its own (None where there are none); runs with no taste that changed a photo."
    g = [r[v]['gap_closed'] for r in rows if r[v]['gap_closed'] is not None]; go = [r[v]['own_gap_closed'] for r in rows if r[v]['own_gap_closed'] is not None]
    by = {}
    for r in rows:
        if r[v]['gap_closed'] is not None: by.setdefault(r['rater'], []).append(r[v]['gap_closed'])
    m = lambda f, x: f(x) if x else None
    return {'median': m(statistics.median, g), 'mean': m(statistics.mean, g), 'p10': L.quantile(g, 0.1), 'below_0': sum(x < 0 for x in g), 'improved': sum(x > 0 for x in g), 'runs': len(g),
            'own_median': m(statistics.median, go), 'own_mean': m(statistics.mean, go), 'confident': sum(r[v]['confident'] for r in rows if r[v]['gap_closed'] is not None),
            'no_taste_changed': sum(r[v]['confident'] > 0 for r in rows if r[v]['gap_closed'] is None), 'by_rater': {n: statistics.median(x) for n, x in by.items()}}

def table(s):
    f = lambda v: '–' if v is None else f"{v:.1%}"
    lines = ['| variant | median | mean | 10th pct | runs below 0 | improved | sure on | on its own photos: median / mean | no-taste runs changed |', '|---|---|---|---|---|---|---|---|---|']
    lines += [f"| {v} | {f(x['median'])} | {f(x['mean'])} | {f(x['p10'])} | {x['below_0']} of {x['runs']} | {x['improved']} | {x['confident']} | {f(x['own_median'])} / {f(x['own_mean'])} | {x['no_taste_changed']} |" for v, x in s.items()]
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--half', choices=['design', 'report'], default='design', help='which half of enhance5k.raters.PANEL (settings are chosen on the design half)')
    p.add_argument('--raters', nargs='+', help='only these raters of the half')
    p.add_argument('--seeds', type=int, default=10); p.add_argument('--ratings', type=int, default=40); p.add_argument('--workers', type=int, default=os.cpu_count())
    p.add_argument('--cache', default=None, help='folder the kept learners are written to and read from, a folder per --ratings in it (default: a folder under the system temp)')
    p.add_argument('--variants', nargs='+', default=list(VARIANTS), choices=list(VARIANTS)); p.add_argument('--json', default=str(L.ROOT / 'bench' / 'learning_screen.json'))
    a = p.parse_args(argv)
    import tempfile
    if a.ratings < 1 or a.seeds < 1: p.error('--ratings and --seeds must be 1 or more')
    folder = Path(a.cache or Path(tempfile.gettempdir()) / f"enhance5k_screen_{a.half}") / f"ratings_{a.ratings}"; folder.mkdir(parents=True, exist_ok=True)
    import hashlib, enhance5k.learn
    sha, mark = hashlib.sha256(Path(enhance5k.learn.__file__).read_bytes()).hexdigest(), folder / 'learn.sha256'  # learners kept by another learner are not these
    if mark.exists() and mark.read_text().strip() != sha: p.error(f"{folder} keeps learners of another enhance5k/learn.py; give another --cache")
    mark.write_text(sha + '\n')
    PANEL = L.panel_settings(); names = [n for n in L.chosen(PANEL, a.raters, a.half) if PANEL[n].get('rates', True)]
    if not names: p.error(f"no raters of the {a.half} half who rate match --raters {' '.join(a.raters or [])}")
    t0 = time.time()
    with ProcessPoolExecutor(a.workers) as ex:
        kept = folder / 'optima.json'; opt = json.loads(kept.read_text()) if kept.exists() else {}  # the raters' optima, kept with the learners
        opt |= dict(ex.map(L.optima, [n for n in names if n not in opt])); kept.write_text(json.dumps(opt)); ta = time.time()
        paths = list(ex.map(keep, *zip(*[(n, s, a.ratings, str(folder)) for s in range(a.seeds) for n in names])))
        t1 = time.time()
        rows = list(ex.map(screen, paths, [opt[Path(x).stem.rsplit('_', 1)[0]] for x in paths], [a.variants] * len(paths)))
    same = sum(r['shipped']['sure'] == r['recommended_sure'] and (r['shipped']['gap_closed'] is None or abs(r['shipped']['gap_closed'] - r['recommended']) < 1e-3) for r in rows) if 'shipped' in a.variants else None  # sure on the same photos, and as good
    s = {v: summarise(rows, v) for v in a.variants}
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores", 'date': time.strftime('%Y-%m-%d'), 'half': a.half, 'seeds': a.seeds, 'ratings': a.ratings,
           'variants': {v: {'settings': VARIANTS[v][0], 'pick': VARIANTS[v][1], 'gains': (VARIANTS[v] + (None,))[2]} for v in a.variants}, 'optima_s': round(ta - t0, 1), 'answers_s': round(t1 - ta, 1), 'screen_s': round(time.time() - t1, 1),
           'shipped_equals_recommend': same, 'runs': len(rows), 'summary': s, 'rows': rows}
    Path(a.json).write_text(json.dumps(res, indent=1) + '\n')
    print(table(s)); print(f"\nshipped equals recommend in {same} of {len(rows)} runs; answers {res['answers_s']} s, screen {res['screen_s']} s")

if __name__ == '__main__':
    main()
