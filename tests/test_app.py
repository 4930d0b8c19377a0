"""The web app (`enhance5k.app`) driven headless by Streamlit's AppTest: upload -> plan -> enhance -> rate, hostile uploads, per-user isolation, passwords, the shared queue."""
import io, os
from pathlib import Path
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

APP = "from enhance5k.app import main\nmain()\n"

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv('ENHANCE5K_HOME', str(tmp_path / 'home')); monkeypatch.setenv('ENHANCE5K_APP_WORKERS', '0')  # jobs run in the page: deterministic
    monkeypatch.setenv('WANDB_MODE', 'offline'); monkeypatch.delenv('ENHANCE5K_APP_FOLDER', raising=False)
    return tmp_path

def photo(seed=0, w=48, h=32)->bytes:
    from enhance5k.io import Image, encode_image
    a = np.random.default_rng(seed).integers(40, 220, (h, w, 3), dtype=np.uint8); return encode_image(Image(a))

def start(auth='local', token=None):
    os.environ['ENHANCE5K_APP_AUTH'] = auth
    at = AppTest.from_string(APP, default_timeout=120)
    if token: at.query_params['s'] = token
    return at.run()

def texts(at): return '\n'.join([t.value for t in at.text] + [c.value for c in at.caption])
def shown(md:str)->str:
    "What a person reads of Streamlit Markdown (alerts, captions): rendered by a CommonMark renderer, tags dropped."
    import html, re, markdown_it
    return html.unescape(re.sub(r'<[^>]+>', '', markdown_it.MarkdownIt('commonmark').renderInline(md)))

def errors(at): return [shown(e.value) for e in at.error]

def enhance_one(at, name='p.png', data=None):
    at.file_uploader[0].set_value((name, data or photo(), 'image/png')).run()
    at.selectbox(key='target').set_value('x2'); at.selectbox(key='model').set_value('bicubic'); at.radio(key='mode').set_value('none'); at.run()
    return next(b for b in at.button if b.label == 'Enhance').click().run()

def test_upload_plan_enhance_rate_is_stored(home):
    from enhance5k.feedback import FeedbackStore
    at = start(); assert not at.exception, at.exception
    assert 'No password' in texts(at)
    at = enhance_one(at); assert not at.exception and not errors(at), (at.exception, errors(at))
    assert '48x32 -> 96x64' in texts(at)  # the plan, shown before it runs
    assert any('queued as job' in s.value for s in at.success) and 'done' in texts(at)
    at.sidebar.radio[0].set_value('Compare & rate').run(); assert not at.exception, at.exception
    at.radio(key='rating').set_value(4); at.text_input(key='comment').input('crisp'); at.run()
    next(b for b in at.button if b.label == 'Save rating').click().run()
    assert any('Saved: 4 of 5' in s.value for s in at.success), [s.value for s in at.success]
    r = [x for x in FeedbackStore(home / 'home' / 'feedback' / 'feedback.db').ratings() if x['kind'] == 'rating']
    assert [(x['rating'], x['comment'], x['user']) for x in r] == [(4, 'crisp', 'local')]
    at.slider(key='wipe').set_value(30).run(); assert not at.exception
    n = len(at.get('image')); at.toggle(key='zoom_on').set_value(True).run(); assert not at.exception and not errors(at) and len(at.get('image')) == n + 2, (n, len(at.get('image')))  # the two 1:1 crops
    at.sidebar.radio[0].set_value('History').run(); assert not at.exception, at.exception
    assert '#1 ' in texts(at) and 'ratings: 4' in texts(at)
    at.toggle(key='plot_1').set_value(True).run(); assert not at.exception, at.exception  # the report's plot
    at.sidebar.radio[0].set_value('Status').run(); assert not at.exception, at.exception
    at.sidebar.radio[0].set_value('Tune to my taste').run(); assert not at.exception, at.exception
    assert at.radio(key='tune_how').value == 'Rate one version' and 'Round 1: how much do you like' in texts(at)  # a rating first: it tells the learner the most
    next(b for b in at.button if b.label == '4').click().run(); assert not at.exception, at.exception
    at.radio(key='tune_how').set_value('Choose between two').run(); assert 'Round 2: which of the two' in texts(at), texts(at)
    next(b for b in at.button if b.label == 'A').click().run(); assert not at.exception, at.exception
    kept = FeedbackStore(home / 'home' / 'feedback' / 'feedback.db').taste_state('local')  # each round is kept as the user's taste
    assert (kept['ratings'], kept['outcome']) == ([4], [1.0]), kept
    assert 'Round 3' in texts(at)
    at = start(); at.sidebar.radio[0].set_value('Tune to my taste').run(); assert not at.exception, at.exception  # a new session, after a restart
    assert 'Round 3' in texts(at), texts(at)  # it picks up the kept answers: the next round is the third
    at.sidebar.radio[0].set_value('Enhance').run(); at.file_uploader[0].set_value(('q.png', photo(1), 'image/png')).run(); at.radio(key='mode').set_value('my taste').run()
    assert 'q.png: my taste keeps the defaults here: not enough answers yet (2 of 6)' in texts(at), texts(at)  # what 'my taste' would do, before it runs (a rating and a choice: answers)
    at = enhance_one(at, 'q.png', photo(1)); assert not at.exception and not errors(at), (at.exception, errors(at))
    at.sidebar.radio[0].set_value('Tune to my taste').run(); assert not at.exception, at.exception  # a photo enhanced since: tuned on too
    pl = at.session_state['taste_local_tune']; assert (len(pl.views), pl.n) == (2, 2) and 'Round 3' in texts(at), (len(pl.views), pl.n, texts(at))
    assert 'Forget the 2 answers' in texts(at)
    next(b for b in at.button if b.label == 'Forget my taste').click().run(); assert not at.exception, at.exception  # starting over
    assert 'Round 1' in texts(at) and FeedbackStore(home / 'home' / 'feedback' / 'feedback.db').taste_state('local') is None, texts(at)

@pytest.mark.parametrize('grey', [False, True])
def test_a_16_bit_upload_is_previewed_compared_and_tuned_on(home, grey):
    "A 16-bit PNG (RGB or grey): the job's preview, Compare & rate with its zoom, History and the tuning page show it (st.image refused the 16-bit preview, and the jobs panel failed on every page after)."
    from enhance5k.io import Image, encode_image
    a = np.random.default_rng(7).integers(10000, 60000, (32, 48, 3), dtype=np.uint16)
    data = _png16_grey(a[..., 0]) if grey else encode_image(Image(a))
    at = enhance_one(start(), 'deep.png', data); assert not at.exception and not errors(at), (at.exception, errors(at))
    assert 'done' in texts(at) and len(at.get('image')) >= 1  # the preview is shown
    at.sidebar.radio[0].set_value('Compare & rate').run(); assert not at.exception, at.exception
    at.toggle(key='zoom_on').set_value(True).run(); assert not at.exception and not errors(at), (at.exception, errors(at))
    for page in ('History', 'Tune to my taste', 'Enhance'): at.sidebar.radio[0].set_value(page).run(); assert not at.exception, (page, at.exception)

def _png16_grey(a:np.ndarray)->bytes:
    "A 16-bit greyscale PNG of `a` (Pillow's I;16)."
    import PIL.Image
    b = io.BytesIO(); PIL.Image.fromarray(a.astype(np.uint16)).save(b, 'PNG'); return b.getvalue()

def test_my_taste_says_what_it_would_do_to_a_photo(home):
    "With a taste sure of itself, the Enhance page says what 'my taste' will change on the uploaded photo, and the job uses it."
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import PreferenceLearner, save_taste
    from enhance5k.raters import panel
    photos = [np.random.default_rng(s).integers(40, 220, (64, 96, 3), dtype=np.uint8) for s in (2, 3)]  # the pixels photo(s, 96, 64) encodes
    r = panel(photos, names=['warmer'])[0]; pl = PreferenceLearner(photos, seed=0, candidates=64)
    for _ in range(24): c = pl.propose(); pl.record(c, r(c))
    want = pl.recommend(photos[0]); assert want['confident'], want['why']
    at = start(); save_taste(FeedbackStore(home / 'home' / 'feedback' / 'feedback.db'), pl, 'local')
    at.file_uploader[0].set_value(('w.png', photo(2, 96, 64), 'image/png')).run(); at.radio(key='mode').set_value('my taste').run(); assert not at.exception, at.exception
    line = next(t for t in texts(at).splitlines() if t.startswith('w.png: my taste'))
    assert line.startswith(f"w.png: my taste: temperature {want['params'].temperature:+.2f}") and 'expected gain' in line, (line, want)
    at.selectbox(key='target').set_value('x2'); at.selectbox(key='model').set_value('bicubic'); at.run()
    next(b for b in at.button if b.label == 'Enhance').click().run(); assert not at.exception and not errors(at), (at.exception, errors(at))
    e = FeedbackStore(home / 'home' / 'feedback' / 'feedback.db').enhancements()[-1]
    assert e['params']['temperature'] == want['params'].temperature, (e['params'], want['params'])  # the job used what the line said

def test_a_panorama_upload_gets_my_taste_and_can_be_tuned_on(home):
    "A 30:1 panorama: 'my taste' says what it would do and 'Tune on this photo' asks about it (its small views used to be 2 px high, and the noise measure failed on them)."
    import hashlib
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import PreferenceLearner, save_taste
    from enhance5k.raters import panel
    photos = [np.random.default_rng(s).integers(40, 220, (64, 96, 3), dtype=np.uint8) for s in (2, 3)]
    r = panel(photos, names=['warmer'])[0]; pl = PreferenceLearner(photos, seed=0, candidates=64)
    for _ in range(12): c = pl.propose(); pl.record(c, r(c))
    at = start(); save_taste(FeedbackStore(home / 'home' / 'feedback' / 'feedback.db'), pl, 'local')
    data = photo(5, 960, 32); h = hashlib.sha256(data).hexdigest()[:16]
    at.file_uploader[0].set_value(('pano.png', data, 'image/png')).run(); at.radio(key='mode').set_value('my taste').run(); assert not at.exception, at.exception
    assert any(t.startswith('pano.png: my taste') for t in texts(at).splitlines()), texts(at)
    at.toggle(key=f'tp_{h}_on').set_value(True).run(); assert not at.exception, at.exception
    at.button(key=f'tp_{h}_r4').click().run(); assert not at.exception, at.exception
    assert len(FeedbackStore(home / 'home' / 'feedback' / 'feedback.db').taste_state('local')['ratings']) == 13

def test_tuning_on_an_upload_adds_what_is_said_about_that_photo_to_the_kept_taste(home):
    "'Tune on this photo' on the Enhance page asks about that upload, going on from the kept taste: every answer is kept, known as that photo's, 'my taste' on it is worked out again, and the tuning page's learner takes them over."
    import dataclasses, hashlib, torch
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import PreferenceLearner, save_taste
    from enhance5k.raters import panel
    photos = [np.random.default_rng(s).integers(40, 220, (64, 96, 3), dtype=np.uint8) for s in (2, 3, 4)]  # the pixels photo(s, 96, 64) encodes
    r = panel(photos, names=['warmer'])[0]; pl = PreferenceLearner(photos[:2], seed=0, candidates=64)
    for _ in range(8): c = pl.propose(); pl.record(c, r(c))
    store = FeedbackStore(home / 'home' / 'feedback' / 'feedback.db'); save_taste(store, pl, 'local')
    at = enhance_one(start()); at.sidebar.radio[0].set_value('Tune to my taste').run(); assert not at.exception, at.exception
    assert at.session_state['taste_local_tune'].n == 8  # the tuning page's learner, on the kept taste
    at.sidebar.radio[0].set_value('Enhance').run(); data = photo(4, 96, 64); h = hashlib.sha256(data).hexdigest()[:16]
    at.file_uploader[0].set_value(('w.png', data, 'image/png')).run(); at.radio(key='mode').set_value('my taste').run(); assert not at.exception, at.exception
    says = lambda: next(t for t in texts(at).splitlines() if t.startswith('w.png: my taste'))
    before = says(); at.toggle(key=f'tp_{h}_on').set_value(True).run(); assert not at.exception, at.exception
    assert 'Round 9: how much do you like' in texts(at) and '0 ratings of this photo kept in your taste, 8 answers in all.' in texts(at), texts(at)
    for k in range(6):
        c = at.session_state[f'taste_local_photo_{h}_rate']; assert c.index == 0
        at.button(key=f'tp_{h}_r{r(dataclasses.replace(c, index=2))}').click().run(); assert not at.exception, at.exception
    kept = store.taste_state('local'); assert len(kept['ratings']) == 14 and len(kept['signatures']) == 3, kept['signatures']  # none lost; the upload known by its pixels
    known = PreferenceLearner.from_state(kept)._which; w, old = known(torch.tensor(photos[2] / 255.0).permute(2, 0, 1)[None].float()), {known(torch.tensor(p / 255.0).permute(2, 0, 1)[None].float()) for p in photos[:2]}
    assert kept['idx'][-6:] == [w] * 6 and set(kept['idx'][:8]) == old and w not in old, (kept['idx'], w, old)  # the six of this photo, the eight of the others as before
    assert '6 ratings of this photo kept in your taste, 14 answers in all.' in texts(at), texts(at)
    assert says() != before, before  # worked out again from the new answers
    at.sidebar.radio[0].set_value('Tune to my taste').run(); assert not at.exception, at.exception
    assert at.session_state['taste_local_tune'].n == 14 and 'Round 15' in texts(at), texts(at)  # not the learner of before, which would write the older taste back
    next(b for b in at.button if b.label == '3').click().run(); assert len(store.taste_state('local')['ratings']) == 15

def test_an_answer_on_the_tuning_page_keeps_the_shuffles_it_fitted_with_the_taste(home):
    "The tuning page works out its recommendation before it keeps the taste, so the shuffles of the chance test are kept for these answers: each upload's 'my taste' need not fit them again (2.86 s -> 0.25 s at 40 ratings with 19 shuffles, 2026-12-05)."
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import PreferenceLearner, save_taste, load_taste
    from enhance5k.raters import panel
    photos = [np.random.default_rng(s).integers(40, 220, (64, 96, 3), dtype=np.uint8) for s in (2, 3)]
    r = panel(photos, names=['warmer'])[0]; pl = PreferenceLearner(photos, seed=0, candidates=64)
    for _ in range(12): c = pl.propose(); pl.record(c, r(c))
    store = FeedbackStore(home / 'home' / 'feedback' / 'feedback.db'); save_taste(store, pl, 'local')
    at = enhance_one(start()); at.sidebar.radio[0].set_value('Tune to my taste').run(); assert not at.exception, at.exception
    next(b for b in at.button if b.label == '4').click().run(); assert not at.exception, at.exception
    assert 'Sure enough to use' in texts(at), texts(at)  # the chance test was worked out (the quicker one, or the refits): the taste beat it
    kept = store.taste_state('local'); assert len(kept['ratings']) == 13 and kept['null'] is not None and kept['null'][0] == [13, 0, 39, 0.05, 199, 0.01], kept['null']  # for these 13 answers, not the 12 before
    t = load_taste(store, 'local'); assert t.null_evidence() == kept['null'][1]  # read back, not fitted again

def test_hostile_upload_gets_a_message_and_the_app_keeps_running(home):
    at = start()
    at.file_uploader[0].set_value([('**evil** [x](y).png', b'<script>alert(1)</script>' * 10, 'image/png'), ('ok.png', photo(), 'image/png')]).run()
    assert not at.exception, at.exception
    e = errors(at); assert len(e) == 1 and e[0].startswith('**evil** [x](y).png cannot be enhanced'), e  # the name as typed, not bold or a link
    assert '<script>' not in ''.join(m.value for m in at.markdown)  # never rendered as markup
    assert not next(b for b in at.button if b.label == 'Enhance').disabled  # the good one can still go

def test_two_users_cannot_see_each_others_results(home):
    from enhance5k.app import AppDB, mine, AccessError
    from enhance5k.feedback import FeedbackStore
    db = AppDB(); db.add_user('ana', 'ana-password'); db.add_user('ben', 'ben-password')
    at = start('password', db.login('ana', 'ana-password')); at = enhance_one(at, 'ana-photo.png'); assert 'done' in texts(at), texts(at)
    store = FeedbackStore(); eid = store.enhancements()[-1]['id']
    bt = start('password', db.login('ben', 'ben-password'))
    bt.sidebar.radio[0].set_value('History').run(); assert 'ana-photo' not in texts(bt) and any('Nothing enhanced' in i.value for i in bt.info)
    bt.sidebar.radio[0].set_value('Compare & rate').run(); assert not bt.exception and any('Nothing enhanced' in i.value for i in bt.info)
    with pytest.raises(AccessError): mine(store, 'ben', eid)  # ben asking for ana's id directly
    assert mine(store, 'ana', eid)['id'] == eid

def test_wrong_password_is_refused(home):
    from enhance5k.app import AppDB
    AppDB().add_user('ana', 'ana-password')
    at = start('password'); assert not at.sidebar.radio  # no pages before logging in
    at.text_input[0].input('ana'); at.text_input[1].input('not-her-password'); at.button[0].click().run()
    assert any('wrong user name or password' in e for e in errors(at)) and not at.sidebar.radio
    at = start('password', token='made-up-token'); assert not at.sidebar.radio

def test_oidc_login_is_a_user_of_its_own(home, monkeypatch):
    "With OIDC configured the login page offers the provider; the identity it vouches for is a user whose history others cannot see; a password account's name is refused."
    from enhance5k.app import AppDB
    monkeypatch.setenv('ENHANCE5K_APP_OIDC', 'google'); db = AppDB(); db.add_user('ben', 'ben-password')
    at = AppTest.from_string(APP, default_timeout=120); at.user = {'is_logged_in': False}; os.environ['ENHANCE5K_APP_AUTH'] = 'password'; at.run()
    assert [b.label for b in at.button][:1] == ['Log in with google'] and not at.sidebar.radio, [b.label for b in at.button]
    at.user = {'is_logged_in': True, 'email': 'cy@example.org', 'name': 'Cy'}; at.run(); assert not at.exception, at.exception
    assert 'Logged in as cy@example.org' in [t.value for t in at.sidebar.text]
    at = enhance_one(at, 'cy-photo.png'); assert 'done' in texts(at), texts(at)
    tok = at.query_params['s']; assert db.session_user(tok if isinstance(tok, str) else tok[0]) == 'cy@example.org'  # a reload keeps the user
    bt = start('password', db.login('ben', 'ben-password')); bt.sidebar.radio[0].set_value('History').run(); assert 'cy-photo' not in texts(bt)
    ct = AppTest.from_string(APP, default_timeout=120); ct.user = {'is_logged_in': True, 'email': 'ben'}; ct.run()
    assert any('password account' in e for e in errors(ct)) and not ct.sidebar.radio  # the provider cannot claim ben's history

def test_oidc_config_lets_the_app_listen_beyond_this_machine(home, tmp_path, monkeypatch, capsys):
    "`enhance5k app --host 0.0.0.0` is refused without users; an [auth] section in .streamlit/secrets.toml allows it, and a broken one is named."
    from enhance5k import app
    monkeypatch.chdir(tmp_path); (tmp_path / '.streamlit').mkdir(); sec = tmp_path / '.streamlit' / 'secrets.toml'
    for k in ('ENHANCE5K_APP_AUTH', 'ENHANCE5K_APP_OIDC'): monkeypatch.setenv(k, '')  # serve() sets them: restored after the test
    started = []; monkeypatch.setattr(app, 'server', lambda *a, **k: None)
    import streamlit.web.cli as stcli; monkeypatch.setattr(stcli, 'main', lambda: started.append(list(__import__('sys').argv)) or 0)
    monkeypatch.setattr(app, '_secrets_files', lambda: [sec])
    assert app.serve(['--host', '0.0.0.0']) == 2 and 'without users' in capsys.readouterr().err and not started
    sec.write_text('[auth]\nredirect_uri = "http://x:8501/oauth2callback"\n')
    assert app.serve(['--host', '0.0.0.0']) == 2 and 'lacks cookie_secret' in capsys.readouterr().err and not started
    sec.write_text('[auth]\nredirect_uri = "http://x:8501/oauth2callback"\ncookie_secret = "s3cret-s3cret"\nclient_id = "i"\nclient_secret = "c"\nserver_metadata_url = "https://id.example.org/.well-known/openid-configuration"\n')
    assert app.serve(['--host', '0.0.0.0', '--port', '8999']) == 0 and 'OIDC login (default)' in capsys.readouterr().out
    assert started and '0.0.0.0' in started[0] and os.environ['ENHANCE5K_APP_AUTH'] == 'oidc' and os.environ['ENHANCE5K_APP_OIDC'] == 'default'

def test_the_queue_orders_jobs_from_two_sessions(home):
    from enhance5k.app import AppDB, JobQueue
    from enhance5k.feedback import FeedbackStore
    db = AppDB(); q = JobQueue(db, FeedbackStore(), workers=0); s = {'target': 'x2', 'model': 'bicubic', 'params': None}
    a = [q.submit('ana', f'a{i}.png', photo(i), s, session='sa') for i in range(3)]; b = q.submit('ben', 'b.png', photo(9), s, session='sb')
    assert q.order() == [a[0], b, a[1], a[2]] and q.position(b) == 2
    ran = [q.run_next()['id'] for _ in range(4)]; assert ran == [a[0], b, a[1], a[2]]
    assert all(q.job(i)['state'] == 'done' for i in ran)

def test_the_same_photo_from_two_users_keeps_each_input(home):
    "The result cache serves the second upload; the store must still keep that job's own input (the first upload is gone by then)."
    from enhance5k.app import AppDB, JobQueue
    from enhance5k.feedback import FeedbackStore
    q = JobQueue(AppDB(), FeedbackStore(), workers=0); s = {'target': 'x2', 'model': 'bicubic', 'params': None}; data = photo(3)
    ids = [q.submit(u, 'same.png', data, s) for u in ('ana', 'ben')]
    while q.run_next(): pass
    for i in ids:
        e = FeedbackStore().get(q.job(i)['enhancement_id']); assert e['input_file'] is not None and Path(e['input_file']).exists(), e

def test_a_restart_runs_queued_jobs_without_a_visitor(home, tmp_path):
    "Jobs queued when the server stopped (or while it was down) run once it starts again, before anyone opens a page."
    import signal, socket, subprocess, sys, time
    from enhance5k.app import AppDB, JobQueue
    from enhance5k.feedback import FeedbackStore
    q = JobQueue(AppDB(), FeedbackStore(), workers=0); s = {'target': 'x2', 'model': 'bicubic', 'params': None}
    ids = [q.submit('local', f'p{i}.png', photo(i), s) for i in range(2)]; q._claim()  # one was running when it stopped
    with socket.socket() as so: so.bind(('127.0.0.1', 0)); port = so.getsockname()[1]
    env = dict(os.environ, ENHANCE5K_APP_WORKERS='1')
    p = subprocess.Popen([str(Path(sys.executable).parent / 'enhance5k'), 'app', '--port', str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        t = time.time()
        while time.time() - t < 120 and any(q.job(i)['state'] != 'done' for i in ids): time.sleep(0.5)
        assert [q.job(i)['state'] for i in ids] == ['done', 'done'], [q.job(i) for i in ids]
    finally: os.killpg(p.pid, signal.SIGTERM); p.wait(30)
