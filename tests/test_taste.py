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
