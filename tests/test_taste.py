"""A learned taste end to end: kept in the store per user, used per photo by `enhance5k enhance --params learned`, across processes."""
import json, os, re, subprocess, sys
from pathlib import Path
import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
CLI = [str(Path(sys.executable).parent / 'enhance5k')]

def _photos(tmp):
    "Two small photos: a dark one and a bright one, with texture."
    from enhance5k.io import Image, write_image
    g = np.random.default_rng(0); out = []
    for name, lo, hi in (('dark.png', 10, 110), ('bright.png', 120, 240)):
        a = np.clip(np.linspace(lo, hi, 48)[None, :, None] + g.normal(0, 6, (32, 48, 3)), 0, 255).astype(np.uint8)
        a[..., 2] = (a[..., 2] * 0.85).astype(np.uint8); write_image(Image(a), tmp / name); out.append(tmp / name)
    return out

def _learn(photos, rater_name='warmer', n=40):
    from enhance5k.learn import PreferenceLearner
    from enhance5k.raters import panel
    r = panel(photos, names=[rater_name])[0]; pl = PreferenceLearner(photos, seed=0)
    for _ in range(n):
        c = pl.propose(); pl.record(c, r(c))
    return pl

def test_learned_needs_a_taste(tmp_path):
    from enhance5k.enhance import enhance
    from enhance5k.core import ConfigError
    src = _photos(tmp_path)[0]
    with pytest.raises(ConfigError, match='needs taste='): enhance(src, 'x2', model='bicubic', params='learned', cache=False)

def test_taste_kept_per_user_and_used_by_the_cli(tmp_path):
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import save_taste
    photos = _photos(tmp_path); pl = _learn(photos); db = tmp_path / 'fb.db'
    save_taste(FeedbackStore(db), pl, user='ana')
    want = {str(p): pl.best(p).temperature for p in photos}
    assert max(want.values()) > 0, 'the warmer rater taught it nothing'
    env = dict(os.environ, ENHANCE5K_HOME=str(tmp_path / 'home'))
    for user, warm in (('ana', True), ('ben', False)):  # ben has no taste: the defaults (nothing deployed)
        r = subprocess.run(CLI + ['enhance', *map(str, photos), '-o', str(tmp_path / 'out'), '--target', 'x2', '--model', 'bicubic', '--params', 'learned',
                                  '--user', user, '--db', str(db), '--dry-run'], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        lines = [l for l in r.stdout.splitlines() if l.startswith('- parameters')]
        assert len(lines) == 2, r.stdout
        temps = [float(m) for l in lines for m in re.findall(r"'temperature': (-?[0-9.]+)", l)]
        assert (bool(temps) and max(temps) > 0) == warm, (user, lines)
        if not warm: assert all(l.endswith('none') for l in lines), lines

def test_taste_survives_a_restart(tmp_path):
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import save_taste
    photos = _photos(tmp_path); pl = _learn(photos, n=12); db = tmp_path / 'fb.db'; save_taste(FeedbackStore(db), pl, user='ana')
    code = ("import sys, json; from enhance5k.feedback import FeedbackStore; from enhance5k.learn import load_taste; "
            f"t = load_taste(FeedbackStore({str(db)!r}), 'ana'); print(json.dumps(t.best({str(photos[0])!r}).to_dict()))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == pl.best(photos[0]).to_dict()

def test_finetune_draws_choices_from_the_taste(tmp_path):
    "Ratings only (no A/B choice): the kept taste orders rated outputs of the same photo into choices for the fine-tune's preference term."
    from enhance5k.io import Image, write_image
    from enhance5k.feedback import FeedbackStore
    rng = np.random.default_rng(0); db = tmp_path / 'fb.db'; st = FeedbackStore(db); env = dict(os.environ, ENHANCE5K_HOME=str(tmp_path / 'home'), WANDB_MODE='offline')
    for i in range(3):
        y, x = np.mgrid[:112, :112] / 112; base = 0.5 + 0.3 * np.sin(2 * np.pi * (3 + i) * x) * np.cos(2 * np.pi * (2 + i) * y)
        img = np.clip(np.stack([base, base * 0.9, 1 - base], -1) + rng.normal(0, 0.03, (112, 112, 3)), 0, 1); f = tmp_path / f'in{i}.png'
        write_image(Image((img * 255).round().astype(np.uint8)), f)
        for s in (0.0, 0.3, 0.6, 0.9):  # a person who likes sharpening, and says so by rating
            st.rate(st.enhance(f, user='ana', target='x2', model='bicubic', params={'sharpen': s})[0], 1 + round(s * 4.4), user='ana')
    run = lambda *a: subprocess.run(CLI + ['finetune', '--user', 'ana', '--db', str(db), *a], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    r = run('--strategy', 'params'); assert r.returncode == 0, r.stderr[-2000:]
    assert FeedbackStore(db).taste_state('ana') is not None  # the taste is kept
    r = run('--strategy', 'finetune', '--max-steps', '2', '--no-wandb'); assert r.returncode == 0, r.stderr[-2000:]
    d = FeedbackStore(db).decisions()[-1]; res = d['details']['result']
    assert d['strategy'] == 'finetune' and res['taste_pairs'] >= 3, (d['summary'], res.get('taste_pairs'))
    assert res['train_pairs'] + res['heldout_pairs'] == 12 + res['taste_pairs']  # the derived choices were trained on or held out for the gate

def test_a_rated_jpeg_is_known_again_however_it_is_read(tmp_path):
    "A learner built on a JPEG's path (read at reduced size) knows that photo again when `enhance` hands it the full decode, and after a restart; another photo is new."
    from conftest import shared
    from enhance5k.adjust import view_of
    from enhance5k.enhance import _read
    from enhance5k.learn import PreferenceLearner
    d = shared('photos'); jpegs = [d / 'mate_LadyBird.jpg', d / 'plasma_Path_2560x1600.jpg']
    pl = PreferenceLearner(jpegs, seed=0, candidates=16); back = PreferenceLearner.from_state(json.loads(json.dumps(pl.state())))
    full = [view_of(_read(p, 'x2')[0], pl.edge) for p in jpegs]  # what enhance(..., params='learned') passes to the taste
    assert [pl._which(v) for v in full] == [back._which(v) for v in full] == [0, 1]
    assert pl._which(view_of(d / 'plasma_FallenLeaf_2560x1600.jpg', pl.edge)) is None

def test_a_person_who_comes_back_adds_to_their_kept_taste(tmp_path):
    "Tune in one process, tune again in another on the photos then at hand: the store keeps every answer, each of the same photo known as that photo."
    from enhance5k.feedback import FeedbackStore
    photos, db = _photos(tmp_path), tmp_path / 'fb.db'
    code = ("import sys; from enhance5k.feedback import FeedbackStore; from enhance5k.widgets import tune; "
            "t = tune(sys.argv[1:-1], view=64, edge=64, gp={'steps': 4}, store=FeedbackStore(sys.argv[-1]), user='ana'); "
            "[t.rating_buttons[k].click() for k in (4, 0, 3)]")
    for ps in (photos, photos[::-1]):  # the next day: the same photos, listed the other way round
        subprocess.run([sys.executable, '-c', code, *map(str, ps), str(db)], capture_output=True, text=True, check=True, timeout=300)
    s = FeedbackStore(db).taste_state('ana')
    assert s['ratings'] == [5, 1, 4, 5, 1, 4]  # nothing said the first day is lost
    assert s['idx'] == [1, 0, 1, 1, 0, 1] and len(s['signatures']) == 2  # dark, bright, dark both days, numbered as the second day lists them (bright 0, dark 1)

def _odd_photos(tmp):
    "What people bring besides 3:2 photos: a 30:1 panorama (a file), a 16:1 tall strip, a CMYK and a 16-bit grey Pillow image, a 2-px strip."
    from PIL import Image as PILImage
    from enhance5k.io import Image, write_image
    g = np.random.default_rng(1); tex = lambda h, w, lo=30, hi=220: np.clip(np.linspace(lo, hi, w)[None, :, None] + g.normal(0, 8, (h, w, 3)), 0, 255).astype(np.uint8)
    pano = write_image(Image(tex(100, 3000)), tmp / 'pano.png')
    return {'panorama': pano, 'tall strip': Image(tex(2400, 150)), 'CMYK': PILImage.fromarray(tex(60, 90)).convert('CMYK'),
            '16-bit grey': PILImage.fromarray((tex(60, 90)[..., 0].astype(np.uint16) * 257)), '2-px strip': tex(2, 400)}

def test_the_learner_takes_the_photos_people_bring(tmp_path):
    "Each odd photo: proposed on, rated, recommended for (also as a new photo), and a panorama enhanced with params='learned'; before, a panorama or a strip failed inside the noise measure and a CMYK image inside Pillow."
    from enhance5k.learn import PreferenceLearner
    from enhance5k.enhance import enhance
    from enhance5k.adjust import EnhanceParams
    odd = _odd_photos(tmp_path); base = _photos(tmp_path)
    for name, photo in odd.items():
        pl = PreferenceLearner([photo, base[0]], seed=0, candidates=32)
        for _ in range(8): c = pl.propose(); pl.record(c, 4 if c.index == 0 else 2)
        assert isinstance(pl.best(photo), EnhanceParams), name
        assert isinstance(pl.recommend(base[1])['params'], EnhanceParams), name
    pl = PreferenceLearner(base, seed=0, candidates=32)  # a taste from ordinary photos, used on the panorama
    for _ in range(8): c = pl.propose(); pl.record(c, 3)
    r = enhance(odd['panorama'], 'x2', model='bicubic', params='learned', taste=pl, cache=False)
    assert r.image.size == (6000, 200)

def test_the_learner_names_what_it_cannot_take(tmp_path):
    "A single photo is a list of one; what is not photos, or a photo under 2 px, gets a named error."
    from enhance5k.learn import PreferenceLearner
    from enhance5k.core import ConfigError, InvalidImageError
    one = _photos(tmp_path)[0]
    assert len(PreferenceLearner(one, candidates=8).views) == 1 and len(PreferenceLearner(str(one), candidates=8).views) == 1
    assert len(PreferenceLearner(torch.rand(3, 3, 20, 30), candidates=8).views) == 3  # a batch tensor: its photos
    for bad in (None, 5, []):
        with pytest.raises(ConfigError): PreferenceLearner(bad)
    with pytest.raises(InvalidImageError, match='too small'): PreferenceLearner([np.zeros((1, 50, 3), np.uint8)])

def test_a_long_history_is_kept_and_resumed_with_its_windows(tmp_path):
    "More answers than the windows (small here): the shuffle test and the hyperparameter search look at the latest ones, and a kept taste does the same after a restart and goes on."
    from enhance5k.feedback import FeedbackStore
    from enhance5k.learn import PreferenceLearner, save_taste, load_taste
    from enhance5k.raters import panel
    photos = _photos(tmp_path); r = panel(photos, names=['warmer'])[0]; kw = dict(chance_window=8, gp={'search_window': 8, 'steps': 4}, prior_shuffles=0)  # the refits' window (the quicker test, which would spare them, has its window test in nb 08)
    pl = PreferenceLearner(photos, seed=0, **kw)
    for _ in range(12): c = pl.propose(); pl.record(c, r(c))
    for _ in range(6): a, b = pl.propose_pair(); pl.record_choice(a, b, r.choose(a, b))
    null = pl.null_evidence(); s = pl.state()
    assert len(s['null']) == 5 and s['null'][0][-1] == 8 and s['null'][2] is not None and s['null'][3] in (20, 39)  # the window's shuffles (one batch or all) and the latest answers' own evidence
    store = FeedbackStore(tmp_path / 'fb.db'); save_taste(store, pl, user='ana'); back = load_taste(FeedbackStore(tmp_path / 'fb.db'), 'ana')
    assert back.model.search_window == 8 and back.chance_window == 8
    assert back.null_evidence() == null  # kept, not fitted again
    for p in photos: assert back.recommend(p) == pl.recommend(p)
    on = PreferenceLearner(photos, seed=1, **kw).resume(back); c = on.propose(); on.record(c, r(c))
    assert len(on.ratings) == 13 and len(on.outcome) == 6 and on.model.search_window == 8
    assert on.recommend(photos[0])['feedback'] == 19
