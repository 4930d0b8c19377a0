"""The preference learner against the rater panel (`enhance5k.raters`): ratings or A/B choices on some shared photos, judged on others.

    python bench/learning.py [--seeds 10] [--ratings 40] [--choices 20] [--ask 6] [--train 4] [--more 0] [--panel panel|blind|blind2] [--noise 0.8] [--raters warmer lazy] [--half design|report] [--learner JSON] [--json bench/learning.json]

Per rater and seed: the rater's mean utility on the held-out photos with the defaults, with the learner's per-photo
`best(image)`, and with the rater's own per-photo optimum within the search space; the share of the gap closed
((best - default) / (optimum - default)); the share any learner could close at best: with the best of the learner's candidates,
and with the best of those its guards allow; the mean |change| of the held-out views in 1/255 (the drift, which must stay
under 1/255 for the no-signal rater); the learner's own confidence; and the time of each propose + record.
Also the gap closed on the learner's own photos (`best(image)` on the photos it was answered about, against the rater's optimum on each):
what a person who rates variants of their photos and then enhances those photos gets; and the same with the photos
treated as new (what was said about each photo itself left out), as the learner did before it knew its own photos.
And the gap closed on the held-out photos when the person also answers a few questions (`--ask`, of the run's kind) about the photo
being enhanced: a learner on that photo alone `resume`s the run's taste, asks, and recommends (the "tune on this photo" flow).
`--train 2` gives the learner only the first two of its four photos (as in the issue's first trial), judged on the same held-out photos.
`--more 8` gives it eight photos of T91 besides (other scenes, the same number of answers spread over more photos), judged on the same held-out photos.
`--panel blind` judges by the raters of bench/blind_raters.py instead, written by someone who had not seen the learner (its code or its features) nor
enhance5k.raters: raters this project did not write, measuring images with code of their own; `--panel blind2` by bench/blind_raters_2.py's, a second
such panel written later by another who had seen neither (nor the first blind panel).
`--noise 0.8` makes every rater rate with a noise sd of at least 0.8 rating points (a less certain person with the same taste; choices as noisy).
Raters whose optimum is within 0.1 of the defaults' utility have no taste to learn: their gap is not defined, only drift.
The same trained learners also recommend under other gates (`GATES`: more or less caution, a higher P(better)), so the
table of gates shows what each buys in median gap against runs made worse, and whether the no-signal rater then moves a pixel.
"""
import argparse, functools, json, os, platform, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from unittest.mock import patch
from enhance5k.raters import Rater, _hwc

ROOT = Path(__file__).resolve().parents[1]
TRAIN, HELD = 4, 3  # photos the learner may see / held out
LEARN = TRAIN  # how many of the TRAIN photos the learner is given (--train; set in each worker by `_learn`)
MORE = 0  # photos of T91 given to the learner beside them (--more)
BLIND_PANELS = {'blind': 'blind_raters.py', 'blind2': 'blind_raters_2.py'}  # --panel: the blind panels' files in bench/
BLIND = ''  # the blind panel judged by (a file of BLIND_PANELS, --panel blind or blind2) instead of enhance5k.raters' panel ('')
NOISE = 0.0  # least rating noise sd of every rater (--noise)

def _learn(n:int, more:int=0, blind:str|bool='', noise:float=0.0):
    "Give the learner the first `n` of its photos and `more` of T91's, pick the panel and the raters' least noise (a worker's initializer, so that it holds under any start method)."
    global LEARN, MORE, BLIND, NOISE; LEARN, MORE, BLIND, NOISE = n, more, BLIND_PANELS['blind'] if blind is True else blind or '', noise

@functools.cache
def _blind(file:str)->dict:
    "A blind panel's raters: {name: (likes, utility, habits)} of bench/`file` (bench/blind_raters.py or blind_raters_2.py)."
    import importlib.util
    spec = importlib.util.spec_from_file_location(Path(file).stem, ROOT / 'bench' / file); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m.BLIND

def no_blind_half(p:argparse.ArgumentParser, blind:bool, half:str|None):
    "Stop (argparse's error) when `--half` is asked of the blind panel: it has no design half, all of it judges."
    if blind and half: p.error('--half is a split of enhance5k.raters.PANEL; the blind panel is kept out of every tuning loop, all of it judges')

def chosen(panel:dict, raters=None, half:str|None=None)->list:
    "The names of `panel` (`panel_settings()`) that `--raters` and `--half` pick."
    return [n for n, kw in panel.items() if (not raters or n in raters) and (half is None or kw.get('design', True) == (half == 'design'))]

def has_taste(kw:dict)->bool:
    "Whether a rater of `panel_settings()` has a taste by its settings: the blind panel's all do; the panel's without targets or penalties (no-signal, random, photo-liker) do not."
    return kw.get('blind', False) or bool(kw.get('targets') or kw.get('penalties'))

def check_noise(p:argparse.ArgumentParser, noise:float):
    "Stop (argparse's error) unless `noise` is a rating noise sd from 0 to 3 (NaN is not)."
    if not 0 <= noise <= 3: p.error(f"--noise must be a rating noise sd from 0 to 3 rating points, got {noise:g}")

def panel_settings()->dict:
    "{name: settings} of the panel judged by: enhance5k.raters.PANEL's (with `design`, `rates`), or the blind panel's (none in the design half, all rate)."
    if BLIND: return {n: {'design': False, 'blind': True} for n in _blind(BLIND)}
    from enhance5k.raters import PANEL
    return {n: kw for n, (_, kw) in PANEL.items()}

def raters(views, seed:int=0, names=None)->list:
    "The raters of the panel judged by, bound to `views`, each rating with a noise sd of at least `NOISE`: enhance5k.raters' panel, or the blind one (each a `Rater` whose utility is the blind rater's own code)."
    from enhance5k.raters import panel
    rs = panel(views, seed=seed, names=names) if not BLIND else [BlindRater(n, likes, fn, views, seed, **habits) for n, (likes, fn, habits) in _blind(BLIND).items() if names is None or n in names]
    for r in rs: r.sd = max(r.sd, NOISE)
    return rs

class BlindRater(Rater):
    "A rater of the blind panel: its utility is its own function of the variant and the original; ratings and choices as `Rater`'s (rounding, scale, noise)."
    def __init__(self, name:str, likes:str, fn, images:list, seed:int, sd:float=0.3, scale:str='full', random_share:float=0.0):
        self.fn = fn; super().__init__(name, likes, {}, images=images, sd=sd, scale=scale, random_share=random_share, seed=seed)
    def bind(self, images, seed=None):
        super().bind(images, seed); self.origs = [_hwc(v) for v in self.views]; return self
    def utility(self, image, index):
        return min(1.0, max(0.0, float(self.fn(_hwc(image), self.origs[index]))))

TASTE_MIN = 0.1  # least mean utility gap (optimum - defaults) for a rater to count as having a taste
GATES = {'caution 0.5': {'caution': 0.5}, 'caution 1': {'caution': 1.0}, 'caution 1.5': {'caution': 1.5}, 'caution 2': {'caution': 2.0}, 'P(better) ≥ 0.95': {'min_confidence': 0.95}}  # recommendation gates compared with the learner's own

def photos():
    from enhance5k.core import data_dir, data_missing_reason
    d = data_dir('photos')
    if d is None: sys.exit(f"bench needs shared data: {data_missing_reason('photos')}")
    return sorted(p for p in d.iterdir() if p.suffix.lower() in ('.jpg', '.png'))[:TRAIN + HELD]

def more_photos():
    "`MORE` photos of T91, spread evenly over it (sorted by name): other scenes to rate variants of."
    if not MORE: return []
    from enhance5k.core import data_dir, data_missing_reason
    d = data_dir('T91')
    if d is None: sys.exit(f"--more needs shared data: {data_missing_reason('T91')}")
    ps = sorted(d.glob('*.png'))
    if len(ps) < MORE: sys.exit(f"--more {MORE}: T91 at {d} has {len(ps)} photos")
    return ps[::len(ps) // MORE][:MORE]

def learner_photos():
    "The photos the learner is given: the first `LEARN` of the shared photos, then `more_photos()`."
    return photos()[:LEARN] + more_photos()

def n_learn()->int: return LEARN + MORE

def _views():
    "Views of the learner's photos, then of the held-out ones (indices from `n_learn()`)."
    from enhance5k.adjust import view_of
    return [view_of(p, 128) for p in learner_photos() + photos()[TRAIN:]]

def optima(name, kw=None):
    """The rater's per-photo optimum utility and default utility on the held-out photos, and what a learner can reach at best:
    the best of its candidate set (seed 0), and the best of those its guards allow (noise, clipping, colour)."""
    import torch; torch.set_num_threads(1)
    from enhance5k.adjust import EnhanceParams, view_of
    from enhance5k.learn import PreferenceLearner
    views = _views(); r = raters(views, names=[name])[0]; held = range(n_learn(), n_learn() + HELD); pl = PreferenceLearner(views[:n_learn()], seed=0, **(kw or {}))
    cands, feasible = [], []
    for i in held:
        u = torch.tensor(r._utilities(pl.U, i)); ok = pl._candidates(view_of(views[i], pl.cand_edge))[1]
        cands.append(float(u.max())); feasible.append(float(u[ok].max()))
    return name, {'default': [r.utility_of(EnhanceParams(), i) for i in held], 'optimum': [r.optimum(i)[1] for i in held], 'candidates': cands, 'feasible': feasible,
                  'own_default': [r.utility_of(EnhanceParams(), i) for i in range(n_learn())], 'own_optimum': [r.optimum(i)[1] for i in range(n_learn())]}

def share(opt, key):
    "The gap share of the held-out mean of `opt[key]` ((key - defaults) / (optimum - defaults)); None without a taste."
    ud, uo = statistics.mean(opt['default']), statistics.mean(opt['optimum'])
    return (statistics.mean(opt[key]) - ud) / (uo - ud) if uo - ud >= TASTE_MIN else None

def ask(pl, r, views, i, k, seed, kw, choices):
    "A learner on photo i alone, going on from `pl`'s taste, after k answers about it (choices if `choices`, else ratings): its recommendation for i, and the time of each answer."
    import dataclasses
    from enhance5k.learn import PreferenceLearner
    q = PreferenceLearner([views[i]], seed=seed + 100 + i, **kw).resume(pl.state()); on = lambda c: dataclasses.replace(c, index=i); steps = []  # the rater knows the photo as its i
    for _ in range(k):
        t = time.perf_counter()
        if choices: a, b = q.propose_pair(); q.record_choice(a, b, r.choose(on(a), on(b)))
        else: c = q.propose(); q.record(c, r(on(c)))
        steps.append(time.perf_counter() - t)
    return q.recommend(views[i]), steps

def one(name, seed, ratings, choices, kw, opt, k_ask=0):
    import torch; torch.set_num_threads(1)
    import numpy as np
    from enhance5k.adjust import apply
    from enhance5k.learn import PreferenceLearner
    views = _views(); r = raters(views, seed=seed, names=[name])[0]
    t0 = time.perf_counter(); pl = PreferenceLearner(views[:n_learn()], seed=seed, **kw); init = time.perf_counter() - t0; steps = []
    for _ in range(ratings):
        t = time.perf_counter(); c = pl.propose(); x = r(c); pl.record(c, x); steps.append(time.perf_counter() - t)
    for _ in range(choices):
        t = time.perf_counter(); a, b = pl.propose_pair(); x = r.choose(a, b); pl.record_choice(a, b, x); steps.append(time.perf_counter() - t)
    held = list(range(n_learn(), n_learn() + HELD)); recs = [pl.recommend(views[i]) for i in held]; own = [pl.recommend(views[i]) for i in range(n_learn())]
    with patch.object(pl, 'signatures', []): as_new = [pl.recommend(views[i]) for i in range(n_learn())]
    own_share = lambda rs: share({'default': opt['own_default'], 'optimum': opt['own_optimum'], 'best': [r.utility_of(rc['params'], i) for i, rc in enumerate(rs)]}, 'best')
    ub = [r.utility_of(rc['params'], i) for rc, i in zip(recs, held)]
    drift = [float((apply(views[i], rc['params']) - views[i]).abs().mean() * 255) for rc, i in zip(recs, held)]
    ud, uo = opt['default'], opt['optimum']; gates = {}; asked = [ask(pl, r, views, i, k_ask, seed, kw, not ratings) for i in held] if k_ask else []
    for g, kw_g in GATES.items():  # the same learner, other gates
        with patch.multiple(pl, **kw_g): rg = [pl.recommend(views[i])['params'] for i in held]
        gates[g] = {'gap_closed': share(dict(opt, best=[r.utility_of(p, i) for p, i in zip(rg, held)]), 'best'), 'changed': any(p.changed() for p in rg)}
    return {'rater': name, 'seed': seed, 'mode': 'ratings' if ratings else 'choices', 'feedback': ratings + choices, 'rater_sd': r.sd,
            'u_default': statistics.mean(ud), 'u_best': statistics.mean(ub), 'u_optimum': statistics.mean(uo),
            'gap_closed': share(dict(opt, best=ub), 'best'),
            'own_gap_closed': own_share(own), 'own_confident': sum(rc['confident'] for rc in own), 'own_as_new_gap_closed': own_share(as_new), 'own_as_new_confident': sum(rc['confident'] for rc in as_new),
            'per_photo': [{'u_default': a, 'u_best': b, 'u_optimum': c, 'confident': rc['confident'], 'p_better': rc['p_better']} for a, b, c, rc in zip(ud, ub, uo, recs)],
            'drift_255': statistics.mean(drift), 'changed': any(rc['params'].changed() for rc in recs), 'gate': {'caution': pl.caution, 'min_confidence': pl.min_confidence}, 'confident': sum(rc['confident'] for rc in recs), 'init_s': init,
            'step_s_median': statistics.median(steps), 'step_s_max': max(steps), 'step_s_at_end': steps[-1], 'gates': gates,
            'ask': k_ask, 'ask_gap_closed': share(dict(opt, best=[r.utility_of(rc['params'], i) for (rc, _), i in zip(asked, held)]), 'best') if asked else None,
            'ask_confident': sum(rc['confident'] for rc, _ in asked), 'ask_drift_255': statistics.mean(float((apply(views[i], rc['params']) - views[i]).abs().mean() * 255) for (rc, _), i in zip(asked, held)) if asked else None,
            'ask_step_s_max': max((t for _, st in asked for t in st), default=None)}

def quantile(v, q):
    v = sorted(v); return v[min(len(v) - 1, max(0, round(q * (len(v) - 1))))] if v else None

def summarise(rows, opt=None):
    out = {}
    for name in dict.fromkeys(r['rater'] for r in rows):
        rs = [r for r in rows if r['rater'] == name]; g = [r['gap_closed'] for r in rs if r['gap_closed'] is not None]
        out[name] = {'runs': len(rs), 'has_taste': bool(g), 'gap_median': statistics.median(g) if g else None, 'gap_worst': min(g) if g else None,
                     'worse_than_defaults': sum(x < 0 for x in g), 'ask_gap_median': _median([r.get('ask_gap_closed') for r in rs]), 'own_gap_median': _median([r.get('own_gap_closed') for r in rs]), 'drift_255_mean': statistics.mean(r['drift_255'] for r in rs),
                     'step_s_max': max(r['step_s_max'] for r in rs), 'step_s_median': statistics.median(r['step_s_median'] for r in rs)}
        if opt and name in opt: out[name].update(candidates=share(opt[name], 'candidates'), feasible=share(opt[name], 'feasible'))
    g = [r['gap_closed'] for r in rows if r['gap_closed'] is not None]
    out['_all'] = {'runs': len(rows), 'gap_median': statistics.median(g) if g else None, 'gap_p10': quantile(g, 0.1), 'share_below_0': sum(x < 0 for x in g) / len(g) if g else None,
                   'step_s_max': max(r['step_s_max'] for r in rows)}
    go = [r['own_gap_closed'] for r in rows if r.get('own_gap_closed') is not None]
    out['_all'].update(own_gap_median=statistics.median(go) if go else None, own_gap_p10=quantile(go, 0.1), own_share_below_0=sum(x < 0 for x in go) / len(go) if go else None)
    gn = [r['own_as_new_gap_closed'] for r in rows if r.get('own_as_new_gap_closed') is not None]
    out['_all'].update(own_as_new_gap_median=statistics.median(gn) if gn else None, own_as_new_gap_p10=quantile(gn, 0.1), own_as_new_share_below_0=sum(x < 0 for x in gn) / len(gn) if gn else None)
    ga = [r['ask_gap_closed'] for r in rows if r.get('ask_gap_closed') is not None]
    out['_all'].update(ask=rows[0].get('ask', 0), ask_gap_median=statistics.median(ga) if ga else None, ask_gap_p10=quantile(ga, 0.1), ask_share_below_0=sum(x < 0 for x in ga) / len(ga) if ga else None,
                       ask_drift_255_no_taste=max((r['ask_drift_255'] for r in rows if r['gap_closed'] is None and r.get('ask_drift_255') is not None), default=None),
                       ask_step_s_max=max((r['ask_step_s_max'] for r in rows if r.get('ask_step_s_max') is not None), default=None))
    return out

def _median(v):
    v = [x for x in v if x is not None]; return statistics.median(v) if v else None

def gate_summary(rows):
    "Per gate (the learner's own first): median, 10th percentile and share below 0 of the gap over runs with a taste; no-signal runs that changed anything."
    def stats(gap, changed):
        g = [gap(r) for r in rows if gap(r) is not None]; ns = [r for r in rows if r['gap_closed'] is None]
        return {'gap_median': statistics.median(g) if g else None, 'gap_p10': quantile(g, 0.1), 'share_below_0': sum(x < 0 for x in g) / len(g) if g else None,
                'no_taste_runs_changed': sum(changed(r) for r in ns), 'no_taste_runs': len(ns)}
    d = rows[0]['gate']  # the learner's own gate, as it ran (--learner may change it)
    out = {f"learner (caution {d['caution']:g}, P(better) ≥ {d['min_confidence']:g})": stats(lambda r: r['gap_closed'], lambda r: r['changed'])}
    for g in dict.fromkeys(k for r in rows for k in r.get('gates', {})):
        out[g] = stats(lambda r: r['gates'][g]['gap_closed'], lambda r: r['gates'][g]['changed'])
    return out

def gate_table(gs):
    f = lambda v: '–' if v is None else f"{v:.0%}"
    lines = ['| gate | gap closed: median | 10th percentile | runs below 0 | no-taste runs changed |', '|---|---|---|---|---|']
    lines += [f"| {g} | {f(s['gap_median'])} | {f(s['gap_p10'])} | {f(s['share_below_0'])} | {s['no_taste_runs_changed']} of {s['no_taste_runs']} |" for g, s in gs.items()]
    return '\n'.join(lines)

def table(summary, half):
    lines = ['| rater | half | runs | gap closed: median | worst | runs worse than defaults | on its own photos: median | reachable: candidates / within the guards | drift (1/255) | propose + record: median / max (s) |', '|---|---|---|---|---|---|---|---|---|---|']
    f = lambda v: '–' if v is None else f"{v:.0%}"
    for n, s in summary.items():
        if n == '_all': continue
        lines.append(f"| {n} | {half.get(n, '')} | {s['runs']} | {f(s['gap_median'])} | {f(s['gap_worst'])} | {s['worse_than_defaults']} | {f(s.get('own_gap_median'))} | {f(s.get('candidates'))} / {f(s.get('feasible'))} | {s['drift_255_mean']:.2f} | {s['step_s_median']:.2f} / {s['step_s_max']:.2f} |")
    a = summary['_all']; lines.append(f"| **all** | | {a['runs']} | {f(a['gap_median'])} | 10th pct {f(a['gap_p10'])} | {f(a['share_below_0'])} below 0 | {f(a.get('own_gap_median'))}; 10th pct {f(a.get('own_gap_p10'))}, {f(a.get('own_share_below_0'))} below 0 | | | max {a['step_s_max']:.2f} |")
    if a.get('ask_gap_median') is not None:
        lines.append(f"\nWith {a['ask']} more answers about the photo being enhanced (tune on this photo): median {f(a['ask_gap_median'])}, 10th pct {f(a['ask_gap_p10'])}, {f(a['ask_share_below_0'])} below 0; "
                     + ', '.join(f"{n} {f(s.get('ask_gap_median'))}" for n, s in summary.items() if n != '_all' and s['has_taste'])
                     + f"; no-taste drift {a['ask_drift_255_no_taste'] or 0:.2f}/255; answer max {a['ask_step_s_max']:.2f} s.")
    if a.get('own_as_new_gap_median') is not None:
        lines.append(f"\nOn its own photos treated as new (what was said about each photo itself left out): median {f(a['own_as_new_gap_median'])}, 10th pct {f(a['own_as_new_gap_p10'])}, {f(a['own_as_new_share_below_0'])} below 0.")
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, default=10); p.add_argument('--first-seed', type=int, default=0)
    p.add_argument('--ratings', type=int, default=40, help='ratings in the rating runs (0: none)'); p.add_argument('--choices', type=int, default=20, help='A/B choices in the separate choice runs (0: none)')
    p.add_argument('--ask', type=int, default=6, help='answers about each held-out photo itself, after the run (0: none)')
    p.add_argument('--train', type=int, default=TRAIN, choices=range(1, TRAIN + 1), help=f'how many of the {TRAIN} learner photos the learner is given (the held-out photos stay the same)')
    p.add_argument('--more', type=int, default=0, help='photos of T91 given to the learner beside its own (other scenes to rate variants of; the held-out photos stay the same)')
    p.add_argument('--panel', choices=['panel', *BLIND_PANELS], default='panel', help="the raters: enhance5k.raters' panel, or bench/blind_raters.py's (blind) or bench/blind_raters_2.py's (blind2), written without seeing the learner")
    p.add_argument('--noise', type=float, default=0.0, help="every rater's least rating noise sd (rating points): the same tastes, rated less surely")
    p.add_argument('--raters', nargs='+'); p.add_argument('--half', choices=['design', 'report']); p.add_argument('--workers', type=int, default=os.cpu_count())
    p.add_argument('--learner', default='{}', help='PreferenceLearner settings as JSON'); p.add_argument('--json', default=str(ROOT / 'bench' / 'learning.json'))
    a = p.parse_args(argv)
    if a.more < 0: p.error(f"--more must be 0 or more photos, got {a.more}")
    check_noise(p, a.noise)
    blind = BLIND_PANELS.get(a.panel, ''); no_blind_half(p, bool(blind), a.half)
    _learn(a.train, a.more, blind, a.noise); PANEL = panel_settings()
    names = chosen(PANEL, a.raters, a.half)
    half = {n: 'blind' if PANEL[n].get('blind') else 'design' if PANEL[n].get('design', True) else 'report' for n in names}; kw = json.loads(a.learner)
    if not names: sys.exit(f"no raters of {'bench/' + blind if blind else 'enhance5k.raters.PANEL'} match --raters {' '.join(a.raters or [])} --half {a.half}")
    t0 = time.time()
    with ProcessPoolExecutor(a.workers, initializer=_learn, initargs=(a.train, a.more, blind, a.noise)) as ex:
        opt = dict(ex.map(optima, names, [kw] * len(names)))
        seeds = range(a.first_seed, a.first_seed + a.seeds)
        jobs = [(n, s, a.ratings, 0, kw, opt[n], a.ask) for n in names if a.ratings and PANEL[n].get('rates', True) for s in seeds]
        if a.choices: jobs += [(n, s, 0, a.choices, kw, opt[n], a.ask) for n in names for s in seeds]
        rows = list(ex.map(one, *zip(*jobs)))
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores", 'date': time.strftime('%Y-%m-%d'), 'learner': kw, 'panel': a.panel, 'noise': a.noise, 'ratings': a.ratings, 'choices': a.choices, 'ask': a.ask,
           'learner_photos': [x.name for x in learner_photos()], 'held_out_photos': [x.name for x in photos()][TRAIN:], 'wall_s': round(time.time() - t0, 1), 'rows': rows,
           'optima': opt, 'summary_ratings': summarise([r for r in rows if r['mode'] == 'ratings'], opt) if a.ratings else None, 'summary_choices': summarise([r for r in rows if r['mode'] == 'choices'], opt) if a.choices else None, 'half': half,
           'gates_ratings': gate_summary([r for r in rows if r['mode'] == 'ratings']) if a.ratings else None, 'gates_choices': gate_summary([r for r in rows if r['mode'] == 'choices']) if a.choices else None}
    Path(a.json).write_text(json.dumps(res, indent=2) + '\n')
    if a.ratings: print(f"{a.ratings} ratings:\n" + table(res['summary_ratings'], half) + "\n\nThe same learners under other gates:\n" + gate_table(res['gates_ratings']))
    if a.choices: print(f"\n{a.choices} A/B choices:\n" + table(res['summary_choices'], half) + "\n\nThe same learners under other gates:\n" + gate_table(res['gates_choices']))

if __name__ == '__main__':
    main()
