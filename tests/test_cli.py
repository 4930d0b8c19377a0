"End-to-end runs of the enhance5k command."
import subprocess, sys
from pathlib import Path
import numpy as np
from enhance5k.io import Image, write_image, read_image
from conftest import shared

def run(*args):
    return subprocess.run([str(Path(sys.executable).parent/'enhance5k'), *map(str, args)], capture_output=True, text=True, timeout=600)

def test_shared_photo_to_5k(tmp_path):
    photo = shared('photos')/'plasma_Path_2560x1600.jpg'
    r = run('enhance', photo, '-o', tmp_path)
    assert r.returncode == 0, r.stderr
    out = read_image(tmp_path/'plasma_Path_2560x1600_5k.png')
    assert out.size == (5120, 3200)
    assert 'done 1, failed 0' in r.stdout

def test_folder_with_a_bad_file(tmp_path):
    src = tmp_path/'in'; src.mkdir()
    write_image(Image(np.zeros((20, 30, 3), np.uint8)), src/'a.png')
    write_image(Image(np.zeros((20, 30, 3), np.uint16), alpha=np.ones((20, 30), np.uint16)), src/'b.tif')
    (src/'c.jpg').write_bytes(b'this is not a jpeg')
    r = run('enhance', src, '-o', tmp_path/'out', '--target', 'x2')
    assert r.returncode == 2
    assert 'c.jpg' in r.stderr and 'Traceback' not in r.stderr
    assert 'done 2, failed 1' in r.stdout
    b = read_image(tmp_path/'out'/'b_x2.png')
    assert b.size == (60, 40) and b.bits == 16 and b.has_alpha

def test_bad_target_is_one_line_error(tmp_path):
    write_image(Image(np.zeros((20, 30, 3), np.uint8)), tmp_path/'a.png')
    r = run('enhance', tmp_path/'a.png', '-o', tmp_path/'o', '--target', '6k')
    assert r.returncode == 2 and 'unknown target' in r.stderr and 'Traceback' not in r.stderr
