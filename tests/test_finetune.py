"Fine-tuning from feedback end to end: a 2-process CPU DDP run, SIGKILL then resume, W&B offline, the CLI and `enhance5k stats`."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch
from conftest import history, textured_inputs
from enhance5k.feedback import FeedbackStore
from enhance5k.models import load_model, sha256_file, current_version, deployed_versions, SRNet
from enhance5k.finetune import deploy, simulate_choices

ROOT = Path(__file__).resolve().parent.parent

def cli(*args, **kw):
    return subprocess.Popen([str(Path(sys.executable).parent / 'enhance5k'), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy(), **kw)

def feedback(tmp_path, n=4, size=112):
    "A store with a sharpness-loving rater's feedback on `n` textured synthetic inputs (no shared data needed)."
    files = textured_inputs(tmp_path, n, size)
    db = tmp_path / 'fb.db'; simulate_choices(FeedbackStore(db), files)
    return db

def shipped_hashes(): return {p.name: sha256_file(p) for p in (ROOT / 'weights').glob('*.safetensors')}

def test_ddp_two_cpu_processes_log_to_wandb_offline(tmp_path):
    db = feedback(tmp_path)
    p = cli('finetune', '--strategy', 'finetune', '--devices', '2', '--max-steps', '4', '--db', db)
    out, err = p.communicate(timeout=600)
    assert p.returncode == 0, out + err[-3000:]
    assert 'finetune:' in out and 'Traceback' not in err
    d = FeedbackStore(db).decisions()[-1]; r = d['details']['result']
    assert (d['strategy'], r['steps'], r['settings']['devices']) == ('finetune', 4, 2)
    assert 'Initializing distributed: GLOBAL_RANK: 1, MEMBER: 2/2' in err  # two processes really ran
    root = Path(os.environ['ENHANCE5K_HOME']) / 'finetune' / r['run'] / 'wandb'
    runs = list(root.glob('offline-run-*')); assert len(runs) == 1, runs  # rank 0 alone logs
    hist = history(root, lambda rows: any('pref_loss' in x for x in rows)); logged = set().union(*hist)
    assert {'loss', 'pref_loss', 'pref_margin', 'drift'} <= logged, logged
    assert all(np.isfinite(h['loss']) for h in hist if 'loss' in h)

def test_sigkill_during_finetune_leaves_the_deployed_model_and_a_rerun_resumes(tmp_path):
    db = feedback(tmp_path); shipped = shipped_hashes()
    b = load_model('fast-x4', device='cpu', cache=False); m = SRNet(b.scale, b.channels, b.blocks); m.load_state_dict(b.state_dict())
    v1 = deploy(m, 'fast-x4', {'base': 'fast-x4'}); v1_file = Path(os.environ['ENHANCE5K_HOME']) / 'models' / 'fast-x4' / v1 / 'fast-x4.safetensors'
    before = sha256_file(v1_file)
    args = ('finetune', '--strategy', 'finetune', '--max-steps', '300', '--no-wandb', '--db', db)
    p = cli(*args); runs = Path(os.environ['ENHANCE5K_HOME']) / 'finetune'; t0 = time.time()
    while not list(runs.glob('*/last.ckpt')) and p.poll() is None and time.time() - t0 < 300: time.sleep(0.05)
    time.sleep(0.5); p.send_signal(signal.SIGKILL); p.communicate()
    assert p.returncode == -signal.SIGKILL, 'the fine-tune ended before it could be killed'
    assert (current_version('fast-x4'), deployed_versions('fast-x4'), sha256_file(v1_file)) == ('v1', ['v1'], before)
    assert FeedbackStore(db).decisions() == [] and shipped_hashes() == shipped
    p = cli(*args); out, err = p.communicate(timeout=600)
    assert p.returncode == 0, out + err[-3000:]
    r = FeedbackStore(db).decisions()[-1]['details']['result']
    assert r['resumed_from'] and r['resumed_from'] >= 20 and r['steps'] == 300, r
    assert not list(runs.glob('*/*.ckpt'))  # a finished run keeps no checkpoint
    assert shipped_hashes() == shipped and sha256_file(v1_file) == before

def test_stats_shows_the_decisions(tmp_path):
    db = tmp_path / 'fb.db'; st = FeedbackStore(db)
    st.add_decision('finetune', 'rejected', 'fine-tune not deployed: Set5 Y-PSNR 0.300 dB below', 'fast-x4', feedback_upto=7)
    p = cli('stats', '--db', db); out, err = p.communicate(timeout=120)
    assert p.returncode == 0 and '| finetune | rejected | fast-x4 |' in out and 'Set5 Y-PSNR 0.300 dB below' in out, out + err

def test_finetune_without_feedback_is_a_clear_error(tmp_path):
    p = cli('finetune', '--strategy', 'finetune', '--db', tmp_path / 'empty.db'); out, err = p.communicate(timeout=300)
    assert p.returncode == 2 and 'Traceback' not in err and 'no feedback pairs' in out + err, out + err
