"The training recipe: a photo-x4 fast_dev_run, and a tiny run that writes weights, checkpoints and resumes."
import json
import pytest
import torch
from conftest import shared

def test_photo_preset_fast_dev_run():
    shared('T91'); shared('BSD68'); shared('photos')
    from enhance5k.train import train_preset
    assert train_preset('photo-x4', fast_dev_run=True, batch_size=2, limit=3, wandb=False) is None

def test_tiny_run_writes_loadable_weights_and_resumes(tmp_path):
    shared('T91'); shared('BSD68'); shared('photos')
    from enhance5k.train import train_preset
    from enhance5k.core import settings
    from enhance5k.models import load_model
    p = train_preset('fast-x2', max_steps=3, batch_size=2, limit=3, out_dir=tmp_path, wandb=True, val_every=3)
    card = json.loads(p.with_suffix('.json').read_text())
    assert card['training']['recipe']['steps'] == 3 and card['training']['never_trained_on'] == ['Set5', 'Set14']
    m = load_model(p, cache=False)
    assert m.scale == 2 and m(torch.rand(1, 3, 8, 8)).shape == (1, 3, 16, 16)
    ck = settings().home / 'train' / 'fast-x2' / 'last.ckpt'
    assert ck.is_file() and torch.load(ck, weights_only=False, map_location='cpu')['global_step'] == 3
    train_preset('fast-x2', max_steps=5, batch_size=2, limit=3, out_dir=tmp_path, wandb=False, resume=True, val_every=5)
    assert torch.load(ck, weights_only=False, map_location='cpu')['global_step'] == 5
    runs = list((settings().home / 'train' / 'wandb').glob('offline-run-*'))
    assert runs, 'the W&B run was logged offline'
