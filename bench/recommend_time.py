"""How long a person waits for the recommendation after each answer: the app's tuning page and the Tune widget call `recommend()` after every one.

    python bench/recommend_time.py [--raters warmer inconsistent random] [--seeds 2] [--answers 40] [--kinds ratings mixed choices] [--workers 2] [--json bench/recommend_time.json]

Per rater of the panel, seed and kind of answers (`ratings`; `mixed`: a rating, then a choice, in turn; `choices`: A/B
choices between proposed pairs), `--answers` answers on the 4 learner photos of bench/learning.py, and after each the time
of the answer (propose + record) and of `recommend()`, with what it said (sure, left-out evidence, the shuffles' bar), so
that two versions of the learner can be compared answer by answer. Each run on one thread, `--workers` runs at a time.
Per kind: the median and worst recommendation over all answers, the worst at each tenth answer, the median and worst answer.
"""
import argparse, json, os, platform, statistics, sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learning as L

KINDS = ('ratings', 'mixed', 'choices')

def run(name:str, seed:int, kind:str, answers:int)->dict:
    "One rater's answers of one kind, timed: per answer (n, answer s, recommend s, sure, evidence, the shuffles' bar)."
    import torch; torch.set_num_threads(1)
    from enhance5k.learn import PreferenceLearner
    L._learn(L.TRAIN)
    views = L._views(); r = L.raters(views, seed=seed, names=[name])[0]; pl = PreferenceLearner(views[:L.TRAIN], seed=seed); steps = []
    for k in range(1, answers + 1):
        t0 = time.perf_counter()
        if kind == 'choices' or kind == 'mixed' and k % 2 == 0: a, b = pl.propose_pair(); pl.record_choice(a, b, r.choose(a, b))
        else: c = pl.propose(); pl.record(c, r(c))
        t1 = time.perf_counter(); rec = pl.recommend(); t2 = time.perf_counter()
        steps.append({'n': k, 'answer_s': round(t1 - t0, 4), 'recommend_s': round(t2 - t1, 4), 'sure': rec['confident'], 'evidence': rec['evidence'], 'null_evidence': rec['null_evidence']})
    return {'rater': name, 'seed': seed, 'kind': kind, 'steps': steps}

def summarise(rows:list, answers:int)->dict:
    "Per kind: runs, recommend median and worst (s), the worst at every tenth answer, answer median and worst."
    out = {}
    for kind in KINDS:
        rs = [x for x in rows if x['kind'] == kind]
        if not rs: continue
        rec, ans = [s['recommend_s'] for x in rs for s in x['steps']], [s['answer_s'] for x in rs for s in x['steps']]
        at = {n: max(s['recommend_s'] for x in rs for s in x['steps'] if s['n'] == n) for n in range(10, answers + 1, 10)}
        out[kind] = {'runs': len(rs), 'recommend_median_s': statistics.median(rec), 'recommend_worst_s': max(rec), 'recommend_worst_at': at,
                     'answer_median_s': statistics.median(ans), 'answer_worst_s': max(ans)}
    return out

def table(s:dict)->str:
    tens = sorted({n for v in s.values() for n in v['recommend_worst_at']}, key=int)
    lines = ['| answers | runs | recommend: median / worst (s) | worst at the ' + ', '.join(f'{n}th' for n in tens) + ' answer (s) | answer: median / worst (s) |', '|---|---|---|---|---|']
    for kind, v in s.items():
        lines.append(f"| {kind} | {v['runs']} | {v['recommend_median_s']:.2f} / {v['recommend_worst_s']:.2f} | " + ', '.join(f"{v['recommend_worst_at'][n]:.2f}" for n in tens) + f" | {v['answer_median_s']:.2f} / {v['answer_worst_s']:.2f} |")
    return '\n'.join(lines)

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--raters', nargs='+', default=['warmer', 'inconsistent', 'random']); p.add_argument('--seeds', type=int, default=2)
    p.add_argument('--answers', type=int, default=40); p.add_argument('--kinds', nargs='+', choices=KINDS, default=list(KINDS))
    p.add_argument('--workers', type=int, default=os.cpu_count()); p.add_argument('--json', default=str(L.ROOT / 'bench' / 'recommend_time.json'))
    a = p.parse_args(argv)
    if a.answers < 10 or a.seeds < 1 or a.workers < 1: p.error('--answers must be at least 10, --seeds and --workers at least 1')
    panel = L.panel_settings(); bad = [n for n in a.raters if n not in panel]
    if bad: p.error(f"no such rater in enhance5k.raters' panel: {', '.join(bad)} (it has {', '.join(panel)})")
    only = [n for n in a.raters if not panel[n].get('rates', True)]
    if only and set(a.kinds) - {'choices'}: p.error(f"{', '.join(only)} only choose: give them --kinds choices")
    L.photos(); t0 = time.perf_counter(); jobs = [(n, s, k, a.answers) for k in a.kinds for n in a.raters for s in range(a.seeds)]
    with ProcessPoolExecutor(a.workers) as ex: rows = list(ex.map(run, *zip(*jobs)))
    s = summarise(rows, a.answers)
    out = {'machine': f"{platform.machine()}, {os.cpu_count()} cores", 'date': time.strftime('%Y-%m-%d'), 'workers': a.workers, 'answers': a.answers,
           'wall_s': round(time.perf_counter() - t0, 1), 'summary': s, 'rows': rows}
    Path(a.json).write_text(json.dumps(out, indent=1)); print(table(s)); print(f"wall {out['wall_s']} s")

if __name__ == '__main__': main()
