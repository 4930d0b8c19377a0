"The SR benchmark on a fresh install: the pinned OpenCV reads the peers, a peer that fails to load is reported (not a crash), labels tell the truth."
import runpy
from pathlib import Path
import pytest
from conftest import shared

BENCH = runpy.run_path(str(Path(__file__).resolve().parent.parent / 'bench' / 'sr_bench.py'))

def test_pinned_opencv_reads_every_peer():
    cv2 = pytest.importorskip('cv2', reason="OpenCV is the bench extra: pip install -e '.[bench]'")
    for pb in sorted(shared('peers_opencv').glob('*.pb')):
        sr = cv2.dnn_superres.DnnSuperResImpl_create(); sr.readModel(str(pb))  # OpenCV 5.1 raises here (no TensorFlow importer)

RES = {'machine': 'm', 'date': 'd', 'real_world_pipeline': 'p', 'peak_rss_mib': {},
       'results': {'bicubic-x4': {'scale': 4, 'Set5_psnr': 28.4, 'Set5_ssim': 0.81, 'time_720p_to_5k_s': 1.0},
                   'ESPCN-x4': {'scale': 4, 'error': 'error: model_proto.has_graph()'}},
       'real_world_set14': {'bicubic-x4': dict(psnr=25.0, ssim=0.6, gmsd=0.1, detail_recovery=0.0, noise_sigma_255=1.0, sharpness_vs_hr=0.5)}}

def test_quick_run_labels_its_real_world_set():
    md = BENCH['to_markdown'](RES | {'real_world_on': 'Set5'})
    assert 'Real-world Set5' in md and 'Real-world Set14' not in md

def test_a_peer_that_failed_to_load_is_a_row_not_a_crash():
    md = BENCH['to_markdown'](RES | {'real_world_on': 'Set14'})
    assert '| ESPCN-x4 | not loaded | error: model_proto.has_graph() |' in md and 'Real-world Set14' in md

def test_learning_bench_no_signal_keeps_the_defaults(tmp_path):
    "bench/learning.py end to end on the shared photos: a rater with no signal moves no pixel of the unseen photos, and the summary says so."
    shared('photos'); import json, subprocess, sys
    out = tmp_path / 'learning.json'
    r = subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / 'bench' / 'learning.py'), '--raters', 'no-signal', 'warmer', '--seeds', '1',
                        '--ratings', '8', '--choices', '0', '--ask', '2', '--workers', '2', '--json', str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    s = json.loads(out.read_text())['summary_ratings']
    assert s['no-signal']['drift_255_mean'] == 0.0 and s['no-signal']['gap_median'] is None and s['warmer']['has_taste']
    assert '| no-signal | design | 1 | – | – | 0 | – | – / – | 0.00 |' in r.stdout
    rows = {x['rater']: x for x in json.loads(out.read_text())['rows']}  # on the learner's own photos too: no signal, no change; a taste has a gap there
    assert rows['no-signal']['own_confident'] == rows['no-signal']['own_as_new_confident'] == 0 and rows['no-signal']['own_gap_closed'] is None
    assert rows['warmer']['own_gap_closed'] is not None and rows['warmer']['own_as_new_gap_closed'] is not None and 'treated as new' in r.stdout
    w = s['warmer']; assert 0 < w['feasible'] <= w['candidates'] <= 1.01, w  # shares of the gap; the guards can only take candidates away
    g = json.loads(out.read_text())['gates_ratings']  # the same learners under other gates: none of them moves the no-signal rater
    assert len(g) == 6 and all(v['no_taste_runs'] == 1 and v['no_taste_runs_changed'] == 0 for v in g.values()), g
    assert '| caution 2 |' in r.stdout and '| 0 of 1 |' in r.stdout
    assert rows['no-signal']['ask_drift_255'] == 0.0 and rows['no-signal']['ask_gap_closed'] is None  # two more answers about each unseen photo: still no change
    assert rows['warmer']['ask_gap_closed'] is not None and rows['warmer']['ask'] == 2 and 'With 2 more answers about the photo being enhanced' in r.stdout

def test_learning_bench_with_fewer_learner_photos(tmp_path):
    "bench/learning.py --train 2: the learner gets the first two of its photos, is judged on the same held-out photos, and its own photos are those two."
    shared('photos'); import json, subprocess, sys
    out, run = tmp_path / 'learning.json', lambda *a: subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / 'bench' / 'learning.py'), '--raters', 'warmer', '--seeds', '1',
                                                                      '--ratings', '6', '--choices', '0', '--ask', '0', '--workers', '1', '--json', str(out), *a], capture_output=True, text=True)
    r = run('--train', '2'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); row = res['rows'][0]
    assert len(res['learner_photos']) == 2 and len(res['held_out_photos']) == 3 and len(res['optima']['warmer']['own_optimum']) == 2, res['learner_photos']
    assert row['own_gap_closed'] is not None and len(row['per_photo']) == 3
    held = res['held_out_photos']; r = run('--train', '4', '--ratings', '0', '--choices', '1'); assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())['held_out_photos'] == held  # the same photos judged either way
    r = run('--train', '5'); assert r.returncode != 0 and 'invalid choice' in r.stderr  # more photos than the learner may have is refused

def test_learning_bench_on_more_photos_and_the_blind_panel(tmp_path):
    "bench/learning.py --more 2 --panel blind: the learner gets two T91 photos besides its four, is judged on the same held-out photos, and by a rater of the blind panel (its own utility, not enhance5k.raters'); --panel blind2 by the second blind panel's."
    shared('photos'); shared('T91'); import json, subprocess, sys
    out, run = tmp_path / 'learning.json', lambda *a: subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / 'bench' / 'learning.py'), '--seeds', '1',
                                                                      '--ratings', '6', '--choices', '0', '--ask', '0', '--workers', '1', '--json', str(out), *a], capture_output=True, text=True)
    r = run('--raters', 'golden_hour', '--panel', 'blind', '--more', '2'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); opt = res['optima']['golden_hour']
    assert res['panel'] == 'blind' and res['half'] == {'golden_hour': 'blind'} and '| golden_hour | blind |' in r.stdout
    assert len(res['learner_photos']) == 6 and all(n.endswith('.png') for n in res['learner_photos'][4:]) and len(res['held_out_photos']) == 3, res['learner_photos']
    assert len(opt['own_optimum']) == 6 and min(o - d for o, d in zip(opt['optimum'], opt['default'])) > 0.1, opt  # a taste on every unseen photo
    held = res['held_out_photos']; r = run('--raters', 'golden_hour'); assert r.returncode != 0 and 'no raters of enhance5k.raters.PANEL match --raters golden_hour' in r.stderr  # not one of enhance5k.raters'
    r = run('--raters', 'punchy', '--panel', 'blind'); assert r.returncode == 0, r.stderr; blind = json.loads(out.read_text())
    r = run('--raters', 'punchy'); assert r.returncode == 0, r.stderr; ours = json.loads(out.read_text())
    assert blind['held_out_photos'] == ours['held_out_photos'] == held and blind['optima']['punchy']['default'] != ours['optima']['punchy']['default']  # same name, another rater
    r = run('--panel', 'blind', '--half', 'report'); assert r.returncode != 0 and 'the blind panel is kept out of every tuning loop' in r.stderr
    r = run('--raters', 'series_matcher', '--panel', 'blind2'); assert r.returncode == 0, r.stderr; res = json.loads(out.read_text())  # the second blind panel's own rater
    assert res['panel'] == 'blind2' and res['half'] == {'series_matcher': 'blind'} and res['held_out_photos'] == held and len(res['rows']) == 1, res['half']
    r = run('--raters', 'golden_hour', '--panel', 'blind2'); assert r.returncode != 0 and 'no raters of bench/blind_raters_2.py match --raters golden_hour' in r.stderr, r.stderr  # the first's is not in it
    r = run('--raters', 'punchy', '--more', '-1'); assert r.returncode != 0 and '--more must be 0 or more' in r.stderr
    r = run('--raters', 'punchy', '--more', '500'); assert r.returncode != 0 and '--more 500: T91 at' in r.stderr

def test_learning_bench_noise_makes_every_rater_noisier(tmp_path):
    "bench/learning.py --noise 0.8: every rater of either panel rates with a noise sd of at least 0.8 (one noisier already keeps its own); the JSON says so; a negative or NaN noise is refused by name."
    shared('photos'); import importlib.util, json, subprocess, sys
    path = Path(__file__).resolve().parent.parent / 'bench' / 'learning.py'; spec = importlib.util.spec_from_file_location('learning_noise', path); L = importlib.util.module_from_spec(spec); spec.loader.exec_module(L)
    views = L._views(); sds = lambda: {r.name: r.sd for r in L.raters(views)}
    own, blind = sds(), (L._learn(L.TRAIN, 0, True), sds())[1]
    assert own['warmer'] == 0.3 and own['noisy-moody'] == 0.8 and blind['cool_clean'] == 0.9 and min(blind.values()) < 0.8, (own, blind)  # as written, without --noise
    L._learn(L.TRAIN, 0, False, 0.8); assert set(sds().values()) == {0.8}, sds()
    L._learn(L.TRAIN, 0, True, 0.8); b = sds(); assert b['cool_clean'] == 0.9 and all(v == 0.8 for n, v in b.items() if n != 'cool_clean'), b
    out, run = tmp_path / 'learning.json', lambda *a: subprocess.run([sys.executable, str(path), '--seeds', '1', '--ratings', '6', '--choices', '0', '--ask', '0', '--workers', '1', '--raters', 'warmer', '--json', str(out), *a], capture_output=True, text=True)
    for noise, sd in (('0', 0.3), ('0.8', 0.8)):  # what the rater in the worker rated with
        r = run('--noise', noise); assert r.returncode == 0, r.stderr; res = json.loads(out.read_text()); assert res['noise'] == float(noise) and [x['rater_sd'] for x in res['rows']] == [sd], res['rows']
    for bad in ('-1', 'nan'): r = run('--noise', bad); assert r.returncode != 0 and '--noise must be a rating noise sd from 0 to 3' in r.stderr, r.stderr

@pytest.mark.parametrize('file', ['blind_raters.py', 'blind_raters_2.py'])
def test_blind_panel_utilities_are_bounded(file):
    "bench/blind_raters.py and blind_raters_2.py: ten raters, each a line on what it likes, habits the benchmark's raters take, a utility in [0, 1] on black, white, grey and noise."
    import numpy as np
    m = runpy.run_path(str(Path(__file__).resolve().parent.parent / 'bench' / file))['BLIND']
    rng = np.random.default_rng(0); imgs = [np.zeros((32, 48, 3)), np.ones((32, 48, 3)), np.full((32, 48, 3), 0.5), rng.random((32, 48, 3))]
    assert len(m) == 10
    for name, (likes, fn, habits) in m.items():
        assert isinstance(likes, str) and likes and set(habits) == {'sd', 'scale', 'random_share'} and habits['scale'] in ('full', 'lazy', 'no5')
        us = [fn(a, b) for a in imgs for b in imgs]; assert all(np.isfinite(u) and 0 <= u <= 1 for u in us), (name, us)

def test_learning_limits_bench_orders_its_shares(tmp_path):
    "bench/learning_limits.py end to end: no gate beats the perfect gate (the learner's own pick, made only where it helps), and no pick among the allowed candidates beats the rater's favourite of them."
    shared('photos'); import json, subprocess, sys
    out = tmp_path / 'limits.json'
    r = subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / 'bench' / 'learning_limits.py'), '--raters', 'highlight-keeper', '--seeds', '2',
                        '--ratings', '40', '--choices', '0', '--workers', '2', '--json', str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); rows = res['rows']
    assert len(rows) == 2 and all(x['mode'] == 'ratings' and x['feedback'] == 40 and x['learner'] > 0 for x in rows), rows  # sure: the script checked its pick against `recommend`'s
    for x in rows: assert x['learner'] <= x['perfect gate'] + 1e-3 and 0 <= x['perfect gate'] <= x['best candidate'] + 1e-3 and x['best candidate'] > 0.5, x
    assert '| highlight-keeper | design |' in r.stdout and '| rater | half | learner | perfect gate | best candidate |' in r.stdout
    assert set(res['summary_ratings']['_all']) == {'learner', 'perfect gate', 'best candidate'} and res['summary_choices'] is None
    r = subprocess.run([sys.executable, str(Path(__file__).resolve().parent.parent / 'bench' / 'learning_limits.py'), '--panel', 'blind', '--half', 'design', '--json', str(out)], capture_output=True, text=True)
    assert r.returncode != 0 and 'the blind panel is kept out of every tuning loop' in r.stderr, r.stderr  # no design half to tune on

def test_learning_wait_bench_counts_waits_and_checks_the_learners_word(tmp_path):
    "bench/learning_wait.py: states as `recommend` has them; a rater's taste from its settings; the wait to being sure and whether `more` held, from a run's own checkpoints; --choices asks the A/B-only rater too, --mixed a rating and a choice in turn; --again summarises a JSON again; bad settings refused by name."
    shared('photos'); import json, subprocess, sys
    from enhance5k.learn import MORE_ANSWERS, MORE_CHOICES, MORE_MIXED
    path = Path(__file__).resolve().parent.parent / 'bench' / 'learning_wait.py'; W = runpy.run_path(str(path))
    c = lambda n, sure=False, ev=0.0, null=None, more=None: {'n': n, 'sure': sure, 'evidence': ev, 'null_evidence': null, 'more': more}
    assert [W['state'](x) for x in (c(5), c(10, ev=-3), c(10, ev=1), c(10, ev=9, null=12), c(10, ev=9), c(10, True))] == ['few', 'none', 'evidence', 'chance', 'unsure', 'sure']
    rows = [{'rater': 'warmer', 'taste': True, 'trace': [c(10, ev=9, null=12, more=25), c(20, ev=1, more=30), c(40, True), c(80)]},  # sure 30 after the first (longer than said), 20 after the second
            {'rater': 'random', 'taste': False, 'trace': [c(10, ev=1, more=30), c(45, ev=1, more=30)]},  # never sure; past 40 answers not counted
            *[{'rater': 'lazy', 'taste': True, 'trace': [c(10, ev=1, more=30)] + ([c(15, True)] if k else [])} for k in range(5)]]  # one of five never sure: the longest wait
    s = W['summarise'](rows)
    assert s['taste']['chance'] == {'times': 1, 'sure_by_end': 1.0, 'wait_median': 30, 'wait_p80': 30, 'said': 1, 'held': 0}, s
    assert s['taste']['evidence'] == {'times': 6, 'sure_by_end': 5 / 6, 'wait_median': 5, 'wait_p80': 20, 'said': 6, 'held': 5} and s['no taste']['evidence'] == {'times': 1, 'sure_by_end': 0.0, 'wait_median': None, 'wait_p80': None, 'said': 1, 'held': 0}, s
    old = [{'rater': 'chooser', 'taste': True, 'choices': True, 'trace': [c(10, ev=1), c(10 + MORE_CHOICES['evidence'] + 5, True)]}]  # a run made before the learner said a word for choices: its word for the state now
    assert W['summarise'](old)['taste']['evidence'] == {'times': 1, 'sure_by_end': 1.0, 'wait_median': MORE_CHOICES['evidence'] + 5, 'wait_p80': MORE_CHOICES['evidence'] + 5, 'said': 1, 'held': 0}
    out, run = tmp_path / 'wait.json', lambda *a: subprocess.run([sys.executable, str(path), '--json', str(out), *a], capture_output=True, text=True)
    r = run('--raters', 'random', '--seeds', '1', '--answers', '15', '--every', '5', '--noise', '0', '--workers', '1'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); t = res['rows'][0]['trace']; assert [x['n'] for x in t] == [10, 15] and res['noise'] == [0.0] and res['rows'][0]['taste'] is False, res  # random: no targets, no taste
    for x in t: assert x['more'] == {'evidence': MORE_ANSWERS['evidence'], 'chance': MORE_ANSWERS['chance']}.get(W['state'](x)), x  # what the learner said, for the state it was in
    r = run('--choices', '--raters', 'chooser', '--seeds', '1', '--answers', '10', '--every', '5', '--noise', '0', '--workers', '1'); assert r.returncode == 0, r.stderr
    ch = json.loads(out.read_text()); x = ch['rows'][0]; assert ch['answer'] == 'choices' and x['rater'] == 'chooser' and x['choices'] and x['taste'], ch  # the A/B-only rater answers with choices
    assert [y['more'] for y in x['trace']] == [MORE_CHOICES.get(W['state'](y)) for y in x['trace']] and x['trace'][0]['n'] == 10, x  # what the learner said for choices
    r = run('--mixed', '--raters', 'warmer', '--seeds', '1', '--answers', '10', '--every', '5', '--noise', '0', '--workers', '1'); assert r.returncode == 0, r.stderr
    mx = json.loads(out.read_text()); y = mx['rows'][0]; assert mx['answer'] == 'mixed' and y['mixed'] and not y['choices'], mx
    assert [z['more'] for z in y['trace']] == [MORE_MIXED.get(W['state'](z)) for z in y['trace']], y  # what the learner said for ratings and choices together
    res['summary'] = None; out.write_text(json.dumps(res)); r = run('--again'); assert r.returncode == 0 and json.loads(out.read_text())['summary'] == W['summarise'](res['rows']), r.stderr
    for bad, msg in ((('--noise', '-1'), '--noise must be'), (('--panel', 'blind', '--half', 'design'), '--half is a split'), (('--answers', '5'), '--answers must be'), (('--raters', 'chooser'), 'no raters who rate match'), (('--choices', '--mixed'), 'not allowed with')):
        r = run(*bad); assert r.returncode != 0 and msg in r.stderr, (bad, r.stderr)

def test_learning_wait_bench_writes_each_run_as_it_finishes_and_resumes(tmp_path):
    "bench/learning_wait.py: the JSON holds the runs done so far (complete false until the last); --resume runs only the runs it lacks and keeps the others as they were; a file of other settings is refused by name."
    shared('photos'); import json, subprocess, sys
    path, out = Path(__file__).resolve().parent.parent / 'bench' / 'learning_wait.py', tmp_path / 'wait.json'
    run = lambda *a: subprocess.run([sys.executable, str(path), '--json', str(out), '--raters', 'random', '--answers', '10', '--every', '5', '--noise', '0', '--workers', '1', *a], capture_output=True, text=True)
    import time
    p, seen = subprocess.Popen([sys.executable, str(path), '--json', str(out), '--raters', 'random', '--answers', '10', '--every', '5', '--noise', '0', '--workers', '1', '--seeds', '2'], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True), []
    while p.poll() is None:  # what the file holds while the bench runs: the first run alone, before the second ends
        if out.exists(): x = json.loads(out.read_text()); seen.append((x['complete'], len(x['rows'])))
        time.sleep(0.05)
    assert p.returncode == 0 and (False, 1) in seen and json.loads(out.read_text())['complete'], (seen[-3:], p.stderr.read())
    out.unlink(); r = run('--seeds', '1'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); assert res['complete'] and [x['seed'] for x in res['rows']] == [0] and res['summary'], res
    res['rows'][0]['kept'] = True; res['complete'] = False; del res['summary']; out.write_text(json.dumps(res))  # as a run stopped after its first
    r = run('--seeds', '2', '--resume'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); assert res['complete'] and [x['seed'] for x in res['rows']] == [0, 1] and res['rows'][0].get('kept') and not res['rows'][1].get('kept'), res  # only seed 1 was run
    assert not list(tmp_path.glob('*.part')), list(tmp_path.iterdir())  # written whole, then renamed
    r = run('--seeds', '2', '--resume', '--answers', '15'); assert r.returncode != 0 and 'other settings (answers 10, not 15)' in r.stderr, r.stderr
    r = run('--again', '--resume'); assert r.returncode != 0 and 'not allowed with' in r.stderr, r.stderr
    bad = tmp_path / 'bad.json'; bad.write_text('{"rows": [')  # a file cut off part way (or not this bench's): a named refusal, not json's traceback, and the file left as it was
    r = run('--seeds', '2', '--resume', '--json', str(bad)); assert r.returncode != 0 and 'is not a JSON this bench wrote' in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert bad.read_text() == '{"rows": ['

def test_learning_screen_refits_kept_learners_as_recommend_does(tmp_path):
    "bench/learning_screen.py end to end: the learners are kept once and reused; the shipped settings refitted give `recommend`'s gaps; a variant's row per run; bad raters refused by name."
    shared('photos'); import json, subprocess, sys
    path, out, cache = Path(__file__).resolve().parent.parent / 'bench' / 'learning_screen.py', tmp_path / 'screen.json', tmp_path / 'kept'
    run = lambda *a: subprocess.run([sys.executable, str(path), '--json', str(out), '--cache', str(cache), '--workers', '1', *a], capture_output=True, text=True)
    r = run('--raters', 'highlight-keeper', 'no-signal', '--seeds', '1', '--variants', 'shipped', 'pick: caution 0', 'photo_sd 0.6', 'a new photo as each learner photo in turn', 'hyperparameters averaged (16 draws)', 'readings must agree', 'readings mixed by their evidence'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); assert res['runs'] == 2 and res['shipped_equals_recommend'] == 2 and sorted(p.name for p in (cache / 'ratings_40').iterdir()) == ['highlight-keeper_0.pt', 'learn.sha256', 'no-signal_0.pt', 'optima.json'], res
    hk = next(x for x in res['rows'] if x['rater'] == 'highlight-keeper'); ns = next(x for x in res['rows'] if x['rater'] == 'no-signal')
    assert hk['shipped']['gap_closed'] > 0.5 and ns['shipped']['gap_closed'] is None and ns['shipped']['confident'] == 0 and hk['shipped']['sure'] == hk['recommended_sure'], res['rows']  # a taste it learns; none where there is none
    assert set(res['summary']) == {'shipped', 'pick: caution 0', 'photo_sd 0.6', 'a new photo as each learner photo in turn', 'hyperparameters averaged (16 draws)', 'readings must agree', 'readings mixed by their evidence'} and res['summary']['shipped']['runs'] == 1 and '| shipped |' in r.stdout, r.stdout
    turn, avg = hk['a new photo as each learner photo in turn'], hk['hyperparameters averaged (16 draws)']
    assert turn['own_gap_closed'] == hk['shipped']['own_gap_closed'] and avg['gap_closed'] is not None, hk  # on its own photos a photo is itself: only new photos are predicted otherwise
    assert all(hk[v]['own_gap_closed'] == hk['shipped']['own_gap_closed'] and hk[v]['gap_closed'] is not None for v in ('readings must agree', 'readings mixed by their evidence')), hk  # other readings weigh new photos only
    import torch; S = runpy.run_path(str(path)); t = lambda *v: torch.tensor(v, dtype=torch.float64)
    m, s = S['mixture']([(t(0., 1.), t(0., 1.)), (t(2., 1.), t(0., 1.))]); assert torch.allclose(m, t(1., 1.)) and torch.allclose(s, t(1., 1.)), (m, s)  # the spread of the means adds to the sds'
    m, s = S['mixture']([(t(0., 1.), t(0., 1.)), (t(2., 1.), t(0., 1.))], [0.75, 0.25]); assert torch.allclose(m, t(0.5, 1.)) and torch.allclose(s, t(0.75 ** 0.5, 1.)), (m, s)  # weighted: the heavier reading leads
    m, s = S['lowest']([(t(1., 0.), t(0.2, 2.)), (t(0., 3.), t(2., 1.))], 0.5); assert torch.allclose(m, t(0., 0.)) and torch.allclose(s, t(2., 2.)), (m, s)  # per candidate the reading least sure of a gain
    r = run('--raters', 'highlight-keeper', '--seeds', '1', '--variants', 'shipped'); assert r.returncode == 0 and json.loads(out.read_text())['answers_s'] < 5 and json.loads(out.read_text())['optima_s'] < 5, r.stderr  # kept: not answered nor measured again
    r = run('--raters', 'chooser'); assert r.returncode != 0 and 'no raters of the design half who rate' in r.stderr, r.stderr
    r = run('--raters', 'no-signal', '--seeds', '1', '--variants', 'shipped'); assert r.returncode == 0 and '| shipped | – | – |' in r.stdout, r.stderr  # no run with a taste: a summary of none, not a crash
    (cache / 'ratings_40' / 'learn.sha256').write_text('0' * 64); r = run('--raters', 'highlight-keeper', '--seeds', '1')
    assert r.returncode != 0 and 'keeps learners of another enhance5k/learn.py' in r.stderr, r.stderr  # learners of another learner are not reused

def test_recommend_time_bench_times_every_answer_and_keeps_what_was_said(tmp_path):
    "bench/recommend_time.py: a recommendation timed after every answer of each kind, what it said kept for comparing versions; the summary's worst is the worst step; bad settings refused by name."
    shared('photos'); import json, subprocess, sys
    path = Path(__file__).resolve().parent.parent / 'bench' / 'recommend_time.py'; T = runpy.run_path(str(path))
    st = lambda n, r: {'n': n, 'answer_s': 0.1 * n, 'recommend_s': r, 'sure': False, 'evidence': 0.0, 'null_evidence': None}
    s = T['summarise']([{'rater': 'w', 'seed': 0, 'kind': 'mixed', 'steps': [st(n, 0.5 if n != 20 else 9.0) for n in range(1, 21)]}, {'rater': 'w', 'seed': 1, 'kind': 'mixed', 'steps': [st(n, 1.0) for n in range(1, 21)]}], 20)
    assert s == {'mixed': {'runs': 2, 'recommend_median_s': 1.0, 'recommend_worst_s': 9.0, 'recommend_worst_at': {10: 1.0, 20: 9.0}, 'answer_median_s': pytest.approx(1.05), 'answer_worst_s': 2.0}}, s  # the worst at the 20th is the one slow step
    out, run = tmp_path / 'rt.json', lambda *a: subprocess.run([sys.executable, str(path), '--json', str(out), *a], capture_output=True, text=True)
    r = run('--raters', 'random', '--seeds', '1', '--answers', '10', '--kinds', 'mixed', '--workers', '1'); assert r.returncode == 0, r.stderr
    res = json.loads(out.read_text()); x = res['rows'][0]; assert x['kind'] == 'mixed' and [y['n'] for y in x['steps']] == list(range(1, 11)), res
    assert res['summary']['mixed']['recommend_worst_s'] == max(y['recommend_s'] for y in x['steps']) > 0 and '| mixed | 1 |' in r.stdout, res
    for bad, msg in ((('--raters', 'nobody'), 'no such rater'), (('--raters', 'chooser'), 'only choose'), (('--answers', '5'), '--answers must be')):
        r = run(*bad); assert r.returncode != 0 and msg in r.stderr, (bad, r.stderr)
