"Feedback store durability, W&B failure and sync, pairs export, CLI: what a notebook should not hold."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
from conftest import history
from enhance5k.io import Image, write_image, read_image

ROOT = Path(__file__).resolve().parents[1]

def _store_with_result(tmp_path, n=1):
    from enhance5k.feedback import FeedbackStore
    store = FeedbackStore(tmp_path / 'fb' / 'feedback.db'); rng = np.random.default_rng(0); ids = []
    src = tmp_path / 'in.png'; write_image(Image((rng.random((24, 32, 3)) * 255).astype(np.uint8)), src)
    for i in range(n): ids.append(store.enhance(src, target='x2', model='bicubic', params={'exposure': 0.1 * i}, report=False)[0])
    return store, ids, src

def _python(code, **kw):
    return subprocess.Popen([sys.executable, '-c', code], cwd=ROOT, env=os.environ | {'PYTHONPATH': str(ROOT)}, **kw)

WRITER = """
import sys
from enhance5k.feedback import FeedbackStore
db, eid, w, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = FeedbackStore(db)
for i in range(n):
    fid = s.rate(eid, 1 + (w + i) % 5, comment=f'w{w}-{i}', user=f'writer{w}')
    print(fid, flush=True)  # acknowledged: committed
"""

def test_concurrent_writers(tmp_path):
    "4 processes x 250 ratings at once: exactly 1,000 rows, each once."
    store, (eid,), _ = _store_with_result(tmp_path)
    ps = [subprocess.Popen([sys.executable, '-c', WRITER, str(store.path), str(eid), str(w), '250'], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                           env=os.environ | {'PYTHONPATH': str(ROOT)}) for w in range(4)]
    outs = [p.communicate(timeout=600)[0] for p in ps]
    assert [p.returncode for p in ps] == [0] * 4
    acked = [int(x) for o in outs for x in o.split()]
    rows = store.ratings()
    assert len(acked) == 1000 and len(rows) == 1000 and store.count() == 1000
    assert sorted(r['id'] for r in rows) == sorted(acked)
    assert sorted(r['comment'] for r in rows) == sorted(f'w{w}-{i}' for w in range(4) for i in range(250))
    assert store.integrity_check() == 'ok'

def test_sigkill_mid_batch(tmp_path):
    "A writer killed with SIGKILL mid-batch: every acknowledged rating is there, the file is sound."
    store, (eid,), _ = _store_with_result(tmp_path)
    p = subprocess.Popen([sys.executable, '-c', WRITER, str(store.path), str(eid), '0', '100000'], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                         env=os.environ | {'PYTHONPATH': str(ROOT)})
    acked = []
    while len(acked) < 150: acked.append(int(p.stdout.readline()))
    p.send_signal(signal.SIGKILL); p.wait(timeout=60)
    assert p.returncode == -signal.SIGKILL
    acked += [int(x) for x in p.stdout.read().split()]  # acknowledged before the kill, still in the pipe
    from enhance5k.feedback import FeedbackStore
    s2 = FeedbackStore(store.path)
    assert s2.integrity_check() == 'ok'
    ids = {r['id'] for r in s2.ratings()}
    assert set(acked) <= ids and len(ids - set(acked)) <= 1  # at most the row being written when it died (committed, not yet printed)
    assert len(acked) >= 150
    s2.rate(eid, 3)  # the database still takes writes

DOWN = """
import os, sys, time, json
from pathlib import Path
from enhance5k.feedback import FeedbackStore, WandbSink
from enhance5k.widgets import compare
store = FeedbackStore(sys.argv[1]); eid = int(sys.argv[2])
sink = WandbSink(store, session='down', init_timeout=3)
c = compare(sys.argv[3], store.get(eid)['output_file'], store, eid, sink=sink)
t = time.perf_counter(); c.rating_buttons[2].click(); dt = time.perf_counter() - t
drained = sink.finish(timeout=120)
print(json.dumps({'dt': dt, 'status': c.status.value, 'drained': drained, 'error': sink.error}))
"""

def test_wandb_unreachable(tmp_path):
    "W&B online but unreachable: the click returns at once, the rating is stored unsynced; sync logs it once."
    from enhance5k.feedback import sync, wandb_history
    store, (eid,), src = _store_with_result(tmp_path)
    env = os.environ | {'PYTHONPATH': str(ROOT), 'WANDB_MODE': 'online', 'WANDB_BASE_URL': 'http://127.0.0.1:9', 'WANDB_API_KEY': 'x' * 40}
    # its own process: W&B's service, left retrying the unreachable server, must not stall this one's later runs
    r = subprocess.run([sys.executable, '-c', DOWN, str(store.path), str(eid), str(src)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out['dt'] < 1.0, f"the click took {out['dt']:.2f} s"
    assert out['status'].startswith('✓ saved') and out['drained'] and 'W&B' in out['error']
    assert [x['rating'] for x in store.ratings()] == [3]
    fid = store.ratings()[0]['id']
    assert store.unsynced() == [fid] and 'W&B' in store.feedback(fid)['sync_error']
    wdir = tmp_path / 'wb'
    assert sync(store, dir=wdir, mode='offline')['logged'] == 1
    assert sync(store, dir=wdir, mode='offline')['logged'] == 0 and store.unsynced() == []
    logged = [h['feedback_id'] for h in history(wdir / 'wandb', lambda rows: any('feedback_id' in x for x in rows)) if 'feedback_id' in h]
    assert logged == [fid]

def test_wandb_invalid_setting_cli_sync(tmp_path, monkeypatch):
    "An invalid W&B setting: stored, unsynced; `enhance5k feedback sync` logs it later."
    from enhance5k.feedback import WandbSink
    from enhance5k.cli import main
    store, (eid,), _ = _store_with_result(tmp_path)
    sink = WandbSink(store, mode='no-such-mode'); fid = store.rate(eid, 5); sink.log(fid); sink.finish()
    assert store.unsynced() == [fid]
    assert main(['feedback', 'sync', '--db', str(store.path)]) == 0
    assert store.unsynced() == []

def test_pairs_round_trip(tmp_path):
    "Ratings and A/B choices come back from an export as training pairs with the right images and labels."
    from enhance5k.feedback import load_pairs
    store, ids, src = _store_with_result(tmp_path, 3)
    store.rate(ids[0], 2); store.rate(ids[1], 5); store.choose(ids[1], ids[2], ids[2])
    back = load_pairs(store.export_pairs(tmp_path / 'out'))
    assert [(p.kind, p.rating) for p in back] == [('rating', 2), ('rating', 5), ('choice', None)]
    for p, i in zip(back[:2], ids[:2]):
        assert p.input.read_bytes() == src.read_bytes()
        assert np.array_equal(read_image(p.output).rgb, read_image(store.get(i)['output_file']).rgb)
        assert p.params == store.get(i)['params']
    c = back[2]
    assert c.output.read_bytes() == store.get(ids[2])['output_file'].read_bytes()
    assert c.rejected.read_bytes() == store.get(ids[1])['output_file'].read_bytes()
    assert c.params['exposure'] == pytest.approx(0.2) and c.rejected_params['exposure'] == pytest.approx(0.1)

def test_widget_clicks_store_and_log(tmp_path):
    "Each rating button: exactly one row with the right values, one W&B history entry (offline, read back)."
    from enhance5k.feedback import WandbSink, wandb_history
    from enhance5k.widgets import compare, review, progress_bar
    store, (eid,), src = _store_with_result(tmp_path)
    wdir = tmp_path / 'wb'; sink = WandbSink(store, session='clicks', mode='offline', dir=wdir)
    c = compare(src, store.get(eid)['output_file'], store, eid, sink=sink, user='tester')
    for n, b in enumerate(c.rating_buttons, 1):
        before = store.count(); c.comment.value = f'c{n}'; b.click()
        assert store.count() == before + 1
        r = store.ratings()[-1]
        assert (r['rating'], r['enhancement_id'], r['comment'], r['user'], r['session']) == (n, eid, f'c{n}', 'tester', 'clicks')
        assert f'rating <b>{n}</b>' in c.status.value and c.comment.value == ''
    assert sink.finish()
    h = [x for x in history(wdir / 'wandb', lambda rows: sum('feedback_id' in x for x in rows) >= 5) if 'feedback_id' in x]
    assert [(x['rating'], x['enhancement_id']) for x in h] == [(n, eid) for n in range(1, 6)], (sink.error, list((wdir / 'wandb').rglob('*.wandb')))
    assert all(x['after/_type'] == 'image-file' and x['before/_type'] == 'image-file' for x in h)
    assert store.unsynced() == []
    assert review([eid], store, sink=None).rating_buttons[0].description == '1'
    assert progress_bar().bar.value == 0

def test_big_image_not_sent_whole(tmp_path):
    "A 5K output goes to the browser as a view and crops, never whole."
    import io
    from PIL import Image as PILImage
    from enhance5k.widgets import compare
    big = Image(np.zeros((2880, 5120, 3), np.uint8)); small = Image(np.zeros((720, 1280, 3), np.uint8))
    c = compare(small, big, view=640, crop=256)
    sizes = [PILImage.open(io.BytesIO(w.value)).size for w in (c.left_w, c.right_w, c.wipe_w, c.zoom_left, c.zoom_right)]
    assert sizes == [(640, 360)] * 3 + [(256, 256)] * 2
    assert max(len(w.value) for w in (c.left_w, c.right_w, c.wipe_w, c.zoom_left, c.zoom_right)) < 2_000_000

def test_stats_cli(tmp_path, capsys):
    "`enhance5k stats` prints success rate and ratings per model."
    from enhance5k.cli import main
    store, ids, _ = _store_with_result(tmp_path, 2)
    store.rate(ids[0], 4); store.add_failure(None, 'InvalidImageError: broken', model='bicubic')
    assert main(['stats', '--db', str(store.path)]) == 0
    out = capsys.readouterr().out
    assert '| bicubic | 3 | 67% |' in out and '4.00' in out
    assert main(['stats', '--db', str(store.path), '--json']) == 0
    st = json.loads(capsys.readouterr().out); assert st['totals']['enhancements'] == 3
