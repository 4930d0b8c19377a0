import io, os, struct, zlib
import numpy as np
import pytest
from PIL import Image as PILImage

@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    "Every test gets its own ENHANCE5K_HOME and offline W&B."
    monkeypatch.setenv('ENHANCE5K_HOME', str(tmp_path/'home'))
    monkeypatch.setenv('WANDB_MODE', 'offline')
    monkeypatch.setenv('WANDB_DIR', str(tmp_path/'wandb'))

def shared(name=''):
    "A shared data folder, or skip the test with the reason."
    from enhance5k.core import data_dir, data_missing_reason
    d = data_dir(name)
    if d is None: pytest.skip(data_missing_reason(name))
    return d

def png_chunk(tag, data):
    return struct.pack('>I', len(data)) + tag + data + struct.pack('>I', zlib.crc32(tag + data) & 0xffffffff)

def fake_icc():
    "A real sRGB ICC profile from Pillow's ImageCms."
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes()

def history(root, want, timeout=30.0):
    "History rows of the offline W&B runs under `root`, re-read until `want(rows)` holds or `timeout` s pass (W&B's service writes the file in the background)."
    import time
    from enhance5k.feedback import wandb_history
    t0 = time.time()
    while True:
        rows = [x for run in sorted(root.glob('offline-run-*')) if list(run.glob('run-*.wandb')) for x in wandb_history(run)]
        if want(rows) or time.time() - t0 > timeout: return rows
        time.sleep(0.5)

CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage']

def chromium()->str:
    "Debian's Chromium and Playwright for the browser tests, or skip naming the install command (CI, as root, installs it first)."
    import shutil
    path = shutil.which('chromium') or shutil.which('chromium-browser')
    if path is None:
        how = 'make chromium' if os.geteuid() == 0 else 'sudo make chromium'
        pytest.skip(f"no Chromium: install it with `{how}` (Debian: apt-get install -y chromium, as root)")
    pytest.importorskip('playwright.sync_api', reason='playwright is in the dev extra: make setup')
    return path

def launch(pw):
    "Chromium through Playwright, as on our machines (TESTING.md)."
    return pw.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)

def free_port()->int:
    "A free TCP port on 127.0.0.1."
    import socket
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def textured_inputs(dest, n:int=4, size:int=112)->list:
    "`n` textured synthetic photos (sinusoidal patterns, a colour ramp, noise) written as PNG into `dest`: feedback to fine-tune on without shared data."
    from enhance5k.io import Image, write_image
    rng = np.random.default_rng(0); files = []
    for i in range(n):
        y, x = np.mgrid[:size, :size] / size
        base = 0.5 + 0.3 * np.sin(2 * np.pi * (3 + i) * x) * np.cos(2 * np.pi * (2 + i) * y)
        img = np.clip(np.stack([base, base * 0.9, 1 - base], -1) + rng.normal(0, 0.05, (size, size, 3)), 0, 1)
        f = dest / f'in{i}.png'; write_image(Image((img * 255).round().astype(np.uint8)), f); files.append(f)
    return files
