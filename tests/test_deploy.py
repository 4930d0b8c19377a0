"Deployed versions: the CLI rollback, durability under SIGKILL, the shipped weights untouched."
import os, signal, subprocess, sys, time
from pathlib import Path
import torch
from enhance5k.models import load_model, find_weights, sha256_file, current_version, deployed_versions, models_home, SRNet
from enhance5k.finetune import deploy

def run(*args):
    return subprocess.run([str(Path(sys.executable).parent/'enhance5k'), *map(str, args)], capture_output=True, text=True, timeout=600)

def tuned(delta=0.0):
    base = load_model('fast-x4', device='cpu', cache=False)
    m = SRNet(base.scale, base.channels, base.blocks); m.load_state_dict(base.state_dict())
    with torch.no_grad(): m.body[0].bias += delta
    return m

def test_cli_rollback():
    r = run('models', 'rollback', 'fast-x4')
    assert r.returncode != 0 and 'nothing to roll back' in r.stderr and 'Traceback' not in r.stderr
    deploy(tuned(0.01), 'fast-x4', {'base': 'fast-x4'}); deploy(tuned(0.02), 'fast-x4', {'base': 'fast-x4@v1'})
    r = run('models'); assert r.returncode == 0 and 'deployed v2 of v1, v2' in r.stdout, r.stdout
    r = run('models', 'rollback', 'fast-x4'); assert r.returncode == 0 and 'fast-x4: v2 -> v1' in r.stdout, r.stdout + r.stderr
    assert load_model('fast-x4').card['version'] == 'v1'
    r = run('models', 'rollback', 'fast-x4'); assert 'fast-x4: v1 -> shipped' in r.stdout
    assert find_weights('fast-x4').parent.name == 'weights'

WRITER = '''
import torch
from enhance5k.models import load_model, SRNet
from enhance5k.finetune import deploy
b = load_model('fast-x4', device='cpu', cache=False); m = SRNet(b.scale, b.channels, b.blocks); m.load_state_dict(b.state_dict())
print('ready', flush=True)
while True: deploy(m, 'fast-x4', {'base': 'fast-x4'})
'''

def test_sigkill_during_deploys_leaves_a_loadable_current_and_shipped_untouched():
    shipped = {p.name: sha256_file(p) for p in (Path(__file__).parent.parent / 'weights').glob('*.safetensors')}
    p = subprocess.Popen([sys.executable, '-c', WRITER], stdout=subprocess.PIPE, text=True, env=os.environ.copy())
    assert p.stdout.readline().strip() == 'ready'
    time.sleep(1.5); p.send_signal(signal.SIGKILL); p.wait()
    vs = deployed_versions('fast-x4'); assert vs, 'no version was deployed in 1.5 s'
    for v in vs: assert load_model(f'fast-x4@{v}', cache=False).card['version'] == v  # every version complete
    cur = current_version('fast-x4'); assert cur in vs
    assert load_model('fast-x4', cache=False).card['version'] == cur
    assert {p.name: sha256_file(p) for p in (Path(__file__).parent.parent / 'weights').glob('*.safetensors')} == shipped
