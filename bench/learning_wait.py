"""How many more answers a learner that is not yet sure needs: what `PreferenceLearner.recommend` tells a person to expect.

    python bench/learning_wait.py [--again | --resume] [--choices | --mixed] [--seeds 3] [--answers 80] [--every 5] [--noise 0 0.8] [--panel panel|blind] [--half design|report] [--raters warmer lazy] [--json bench/learning_wait.json]

Each rater (those who rate) of the panel, per seed and rating noise (`--noise`: each rater's least noise sd, as in
`bench/learning.py`), rates `--answers` proposals on the 4 learner photos of `bench/learning.py`; with `--choices`, every
rater of the panel (the A/B-only one too) instead chooses between `--answers` proposed pairs (`propose_pair`); with
`--mixed`, each rater who rates gives a rating, then a choice, in turn (as a person who switches on the app's tuning page). Every `--every` answers
from the 10th on, the learner's recommendation for its photos (`recommend()`, what the app's tuning page shows) is put in
one of its states: sure; `none` (left-out answers predicted no better than with no preference); `evidence` (better, but by
less than `min_evidence`); `chance` (by more, but no better than by the same ratings shuffled within each photo); `unsure`
(a taste beyond chance, but no change sure enough on these photos). For each state met at 40 answers or fewer: how many more
answers it took to be sure (median, 80th percentile), for raters with a taste and for the raters without one, and how
often the learner's word held: sure within the `more` it said (for runs made before it said one, its word for that state
now, `enhance5k.learn.more_word`: `MORE_ANSWERS`, `MORE_CHOICES` for choices, `MORE_MIXED` for both). Checkpoints are `--every` answers apart, so a wait is rounded up to them.
`--again` summarises the runs of `--json` again (after the learner's word for a state changed) without running anything.
Each run is written to `--json` as it finishes (`complete` false until the last), so a run stopped part way keeps what it did;
`--resume` goes on from such a file with the same settings, running only the runs it lacks.
"""
import argparse, json, os, platform, sys, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import learning as L

def state(c:dict, min_evidence:float=2.0)->str:
    "The state of a checkpoint (`recommend()`'s confident, feedback, evidence and null_evidence): 'sure', 'few', 'chance', 'evidence', 'none' or 'unsure' (the answers show a taste, but no change is sure enough)."
    if c['sure']: return 'sure'
    if c['n'] < 6: return 'few'
    if c['null_evidence'] is not None: return 'chance'
    return 'evidence' if 0 < c['evidence'] < min_evidence else 'none' if c['evidence'] <= 0 else 'unsure'

def run(name:str, seed:int, noise:float, blind:bool, answers:int, every:int, taste:bool, choices:bool=False, mixed:bool=False)->dict:
    "One rater's answers (ratings; A/B choices with `choices`; a rating, then a choice, in turn with `mixed`), and the learner's state at each checkpoint."
    import torch; torch.set_num_threads(1)
    from enhance5k.learn import PreferenceLearner
    L._learn(L.TRAIN, 0, blind, noise)
    views = L._views(); r = L.raters(views, seed=seed, names=[name])[0]; pl = PreferenceLearner(views[:L.TRAIN], seed=seed); trace = []
    for k in range(1, answers + 1):
        if choices or mixed and k % 2 == 0: a, b = pl.propose_pair(); pl.record_choice(a, b, r.choose(a, b))
        else: c = pl.propose(); pl.record(c, r(c))
        if k >= 10 and k % every == 0:
            rec = pl.recommend(); trace.append({'n': k, 'sure': rec['confident'], 'evidence': rec['evidence'], 'null_evidence': rec['null_evidence'], 'more': rec.get('more'),
                                                'noise_sd': pl.model.hyper.get('noise_sd')})
    return {'rater': name, 'taste': taste, 'choices': choices, 'mixed': mixed, 'seed': seed, 'noise': noise, 'rater_sd': r.sd, 'trace': trace}

def waits(rows, taste:bool, upto:int=40)->dict:
    "Per state met at `upto` answers or fewer: how many times, the answers to being sure (None: not by the end), and whether the learner's `more` held."
    from enhance5k.learn import more_word
    out = {}
    for x in rows:
        if x['taste'] != taste: continue
        t = x['trace']
        for i, c in enumerate(t):
            st = state(c)
            if st == 'sure' or c['n'] > upto: continue
            w = next((d['n'] - c['n'] for d in t[i + 1:] if d['sure']), None); o = out.setdefault(st, {'times': 0, 'waits': [], 'said': 0, 'held': 0})
            o['times'] += 1; o['waits'].append(w)
            more = c['more'] if c.get('more') is not None else more_word('choices' if x.get('choices') else 'answers' if x.get('mixed') else 'ratings').get(st)  # what the learner says (runs made before it said it: its word for the state)
            if more: o['said'] += 1; o['held'] += w is not None and w <= more
    return out

def summarise(rows)->dict:
    "Per state, for tastes and for no taste: times met, share sure by the end, median and 80th percentile wait (of all times: not sure by the end counts as longest), the learner's word held."
    s = {}
    for taste in (True, False):
        for st, o in waits(rows, taste).items():
            w = sorted(o['waits'], key=lambda v: float('inf') if v is None else v)  # not sure by the end: the longest
            s.setdefault('taste' if taste else 'no taste', {})[st] = {'times': o['times'], 'sure_by_end': sum(v is not None for v in w) / len(w), 'wait_median': w[len(w) // 2], 'wait_p80': w[round(0.8 * (len(w) - 1))],
                                                                     'said': o['said'], 'held': o['held']}
    return s

def table(s:dict, answers:int)->str:
    f = lambda v: f'not by {answers}' if v is None else f"{v}"
    lines = ['| raters | state (at 10–40 answers) | times | sure by the end | more answers to be sure: median / 80th pct | the learner said "about N more": held |', '|---|---|---|---|---|---|']
    for who, d in s.items():
        for st in ('few', 'none', 'evidence', 'chance', 'unsure'):
            if st in d: v = d[st]; lines.append(f"| {who} | {st} | {v['times']} | {v['sure_by_end']:.0%} | {f(v['wait_median'])} / {f(v['wait_p80'])} | " + (f"{v['held']} of {v['said']}" if v['said'] else '–') + ' |')
    return '\n'.join(lines)

def key(x)->tuple:
    "What tells one run from another: a job's arguments or a row of its results."
    return (x['rater'], x['seed'], x['noise']) if isinstance(x, dict) else (x[0], x[1], x[2])

SAME = ('panel', 'half', 'answer', 'answers', 'every')  # what a run resumed must share with the one it goes on from

def resumed(p:argparse.ArgumentParser, path:str, res:dict)->dict:
    "The runs already in `path` ({key: row}, and `_wall_s`), when it was written with the same settings as `res` (argparse's error otherwise)."
    f = Path(path)
    if not f.exists(): return {}
    try: old = json.loads(f.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e: p.error(f"--resume: {path} is not a JSON this bench wrote ({e}); give another --json, or leave out --resume to run them all afresh")
    if not isinstance(old, dict) or not isinstance(old.get('rows', []), list): p.error(f"--resume: {path} is not a JSON this bench wrote (no runs in it); give another --json, or leave out --resume to run them all afresh")
    diff = [k for k in SAME if old.get(k) != res[k]]
    if diff: p.error(f"--resume: {path} was run with other settings ({', '.join(f'{k} {old.get(k)!r}, not {res[k]!r}' for k in diff)}); give another --json")
    return {key(x): x for x in old.get('rows', [])} | {'_wall_s': old.get('wall_s', 0.0)}

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--seeds', type=int, default=3); p.add_argument('--answers', type=int, default=80); p.add_argument('--every', type=int, default=5)
    p.add_argument('--noise', type=float, nargs='+', default=[0.0, 0.8], help="each rater's least rating noise sd, one run per value (see bench/learning.py --noise)")
    p.add_argument('--panel', choices=['panel', 'blind'], default='panel'); p.add_argument('--raters', nargs='+'); p.add_argument('--half', choices=['design', 'report'])
    p.add_argument('--workers', type=int, default=os.cpu_count()); p.add_argument('--json', default=str(L.ROOT / 'bench' / 'learning_wait.json'))
    k = p.add_mutually_exclusive_group(); k.add_argument('--choices', action='store_true', help='A/B choices between proposed pairs instead of ratings (every rater of the panel chooses)')
    k.add_argument('--mixed', action='store_true', help='a rating, then a choice, in turn (the raters who rate)')
    g = p.add_mutually_exclusive_group()
    g.add_argument('--again', action='store_true', help="no runs: summarise the runs in --json again (after the learner's word for a state changed), and write it back")
    g.add_argument('--resume', action='store_true', help='go on from the runs already in --json (one stopped part way), with the same settings: run only those it lacks')
    a = p.parse_args(argv); blind = a.panel == 'blind'
    if a.again:
        res = json.loads(Path(a.json).read_text()); res['summary'] = summarise(res['rows']); Path(a.json).write_text(json.dumps(res, indent=2) + '\n'); print(table(res['summary'], res['answers'])); return
    for z in a.noise: L.check_noise(p, z)
    if a.answers < 10 or a.every < 1: p.error('--answers must be 10 or more and --every 1 or more')
    L.no_blind_half(p, blind, a.half); L._learn(L.TRAIN, 0, blind); PANEL = L.panel_settings()
    names = [n for n in L.chosen(PANEL, a.raters, a.half) if a.choices or PANEL[n].get('rates', True)]
    if not names: sys.exit(f"no raters who {'choose' if a.choices else 'rate'} match --raters {' '.join(a.raters or [])} --half {a.half}")
    jobs = [(n, s, z, blind, a.answers, a.every, L.has_taste(PANEL[n]), a.choices, a.mixed) for z in a.noise for n in names for s in range(a.seeds)]; t0 = time.time()
    res = {'machine': f"{platform.machine()}, {os.cpu_count()} cores", 'date': time.strftime('%Y-%m-%d'), 'panel': a.panel, 'half': a.half, 'answer': 'choices' if a.choices else 'mixed' if a.mixed else 'ratings', 'noise': a.noise, 'seeds': a.seeds, 'answers': a.answers, 'every': a.every}
    done = resumed(p, a.json, res) if a.resume else {}; res['wall_s_before'] = done.pop('_wall_s', 0.0)
    rows = dict(done)
    def write(complete:bool):
        "The runs so far, in the jobs' order, written whole (a temporary file, then renamed: never half a file)."
        ks = [key(j) for j in jobs]; res.update(wall_s=round(res['wall_s_before'] + time.time() - t0, 1), complete=complete, rows=[rows[k] for k in ks if k in rows] + [x for k, x in rows.items() if k not in ks])  # a resumed file's runs outside these jobs are kept too
        tmp = Path(a.json).with_suffix('.part'); tmp.write_text(json.dumps(res, indent=2) + '\n'); tmp.replace(a.json)
    failed = []
    with ProcessPoolExecutor(a.workers) as ex:
        futures = {ex.submit(run, *j): j for j in jobs if key(j) not in rows}
        for f in as_completed(futures):
            try: x = f.result()
            except Exception as e: failed.append(f"{futures[f][0]} seed {futures[f][1]} noise {futures[f][2]:g}: {e!r}"); continue  # the others go on, and are kept
            rows[key(x)] = x; write(False)
    if failed: write(False); sys.exit(f"{len(failed)} runs failed ({'; '.join(failed)}); the {len(rows)} others are in {a.json}: --resume runs the failed ones again")
    write(True)  # the runs first: a summary that fails loses none of them (--again)
    res['summary'] = summarise(res['rows']); write(True)
    print(table(res['summary'], a.answers))

if __name__ == '__main__':
    main()
