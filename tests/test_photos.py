"The faults a new user hit with real photos (issue 18), each end to end through the `enhance5k` command."
import os, signal, sqlite3, subprocess, sys, time, json, struct, zlib
from pathlib import Path
import numpy as np
import pytest
from enhance5k.io import Image, write_image, read_image
from conftest import shared, png_chunk

EXE = str(Path(sys.executable).parent/'enhance5k')

def run(*args, **kw):
    return subprocess.run([EXE, *map(str, args)], capture_output=True, text=True, timeout=600, **kw)

def photo(path, w=64, h=48, seed=0, **kw):
    "A small smooth test picture written to `path`."
    yy, xx = np.mgrid[0:h, 0:w] / max(w, h)
    a = np.stack([np.sin(7 * xx) * 0.4 + 0.5, yy * 0.8 + 0.1, 0.5 + 0.3 * np.cos(5 * yy)], -1)
    a = a + np.random.default_rng(seed).normal(0, 0.01, a.shape)
    write_image(Image((np.clip(a, 0, 1) * 255 + 0.5).astype(np.uint8), **kw), path); return path

def no_torch(*argv):
    "Run the command in-process in a fresh interpreter; (exit status, was torch imported?)."
    code = f"import sys; from enhance5k.cli import main; rc = main({[str(a) for a in argv]!r}); print(rc, 'torch' in sys.modules)"
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    rc, torch = r.stdout.split()[-2:]
    return int(rc), torch == 'True', r.stderr

@pytest.mark.parametrize('target', ['x1000', '100000x100000'])
def test_over_limit_target_refused_before_any_work(tmp_path, target):
    src = photo(tmp_path/'a.png')
    rc, torch, err = no_torch('enhance', src, '-o', tmp_path/'o', '--target', target)
    assert rc == 2 and 'output limit' in err and 'Traceback' not in err
    assert not torch, 'the refusal should come from the header, before torch is imported'
    assert not (tmp_path/'o').exists()

def test_output_honours_umask(tmp_path):
    src = photo(tmp_path/'a.png')
    r = subprocess.run(f"umask 022 && {EXE} enhance {src} -o {tmp_path/'o'} --target x2 --model bicubic", shell=True, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert oct((tmp_path/'o'/'a_x2.png').stat().st_mode & 0o777) == '0o644'

def test_rerun_after_kill_skips_finished_outputs(tmp_path):
    src = tmp_path/'in'; src.mkdir()
    for i in range(3): photo(src/f'p{i}.png', 320, 240, seed=i)
    out = tmp_path/'o'
    p = subprocess.Popen([EXE, 'enhance', src, '-o', out, '--target', 'x4', '--model', 'fast-x4'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()
    while not (out/'p0_x4.png').exists() and time.time() - t0 < 120 and p.poll() is None: time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait()
    assert (out/'p0_x4.png').exists()
    (out/'.p1_x4.png.999999999.abcd.part').write_bytes(b'half an image')  # what a writer killed mid-write leaves
    r = run('enhance', src, '-o', out, '--target', 'x4', '--model', 'fast-x4')
    assert r.returncode == 0, r.stderr
    assert 'skipped' in r.stdout and 'already there' in r.stdout and 'removed 1 stale temporary file' in r.stdout
    assert sorted(f.name for f in out.iterdir()) == ['p0_x4.png', 'p1_x4.png', 'p2_x4.png']
    r = run('enhance', src, '-o', out, '--target', 'x4', '--model', 'fast-x4')  # everything there: nothing to do, exit 0
    assert r.returncode == 0 and 'done 0, failed 0, skipped 3' in r.stdout

def test_truncated_8bit_png_refused(tmp_path):
    w = h = 700
    raw = b''.join(b'\x00' + bytes(3 * w) for _ in range(50))
    data = b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) + png_chunk(b'IDAT', zlib.compress(raw)) + png_chunk(b'IEND', b'')
    (tmp_path/'t.png').write_bytes(data)
    r = run('enhance', tmp_path/'t.png', '-o', tmp_path/'o', '--target', 'x2', '--model', 'bicubic')
    assert r.returncode == 2 and 'truncated PNG' in r.stderr and 'Traceback' not in r.stderr
    assert not (tmp_path/'o').exists() or not list((tmp_path/'o').iterdir())

@pytest.mark.parametrize('kind', ['rgba', '16bit'])
def test_jpeg_of_alpha_or_16bit_is_never_silent(tmp_path, kind):
    a = np.full((24, 32, 3), 120, np.uint8 if kind == 'rgba' else np.uint16)
    img = Image(a, alpha=np.zeros((24, 32), np.uint8)) if kind == 'rgba' else Image(a * 257)
    write_image(img, tmp_path/'a.png')
    r = run('enhance', tmp_path/'a.png', '-o', tmp_path/'o', '--target', 'x2', '--model', 'bicubic', '--format', 'jpg')
    assert r.returncode == 2 and 'cannot hold' in r.stderr and '--convert' in r.stderr
    assert not (tmp_path/'o').exists() or not list((tmp_path/'o').iterdir())
    r = run('enhance', tmp_path/'a.png', '-o', tmp_path/'o', '--target', 'x2', '--model', 'bicubic', '--format', 'jpg', '--convert')
    assert r.returncode == 0, r.stderr
    assert 'written as RGB 8-bit' in r.stdout and ('alpha flattened onto white' if kind == 'rgba' else 'rounded to 8 bits') in r.stdout
    back = read_image(tmp_path/'o'/'a_x2.jpg'); assert back.bits == 8 and back.alpha is None

def test_models_into_a_closed_pipe_is_quiet():
    p = subprocess.Popen([EXE, 'models'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader goes away before anything is written, as `| head -0` would
    err = p.stderr.read().decode(); p.wait()
    assert 'Traceback' not in err and 'BrokenPipeError' not in err, err
    assert p.returncode == 141

def test_same_stem_different_suffix_get_distinct_outputs(tmp_path):
    src = tmp_path/'in'; src.mkdir()
    photo(src/'x.png'); photo(src/'x.tif', seed=1)
    r = run('enhance', src, '-o', tmp_path/'o', '--target', 'x2', '--model', 'bicubic')
    assert r.returncode == 0, r.stderr
    assert sorted(f.name for f in (tmp_path/'o').iterdir()) == ['x-png_x2.png', 'x-tif_x2.png']

def test_store_without_report_keeps_time_and_memory(tmp_path):
    src = photo(tmp_path/'a.png'); db = tmp_path/'f.db'
    r = run('enhance', src, '-o', tmp_path/'o', '--target', 'x2', '--store', '--db', db)
    assert r.returncode == 0, r.stderr
    seconds, peak = sqlite3.connect(db).execute('select seconds, peak_mb from enhancements').fetchone()
    assert seconds > 0 and peak is not None and peak > 100

def test_progress_lines_when_stderr_is_a_log(tmp_path):
    src = photo(tmp_path/'a.png')
    r = run('enhance', src, '-o', tmp_path/'o', '--target', 'x4')
    assert r.returncode == 0, r.stderr
    assert '[1/1] a.png: analyse' in r.stderr and '[1/1] a.png: upscale 100%' in r.stderr

def test_twelve_megapixel_photo_to_5k_runs_x2_with_flat_memory(tmp_path):
    "A phone-sized photo (4032x3024, a Lanczos upscale of a shared photo) to 5K: the plan runs fast-x2, and memory stays under 1.5 GiB."
    from PIL import Image as P
    src = tmp_path/'phone.jpg'
    P.open(shared('photos')/'plasma_Path_2560x1600.jpg').resize((4032, 3024), P.LANCZOS).save(src, quality=92)
    r = run('enhance', src, '-o', tmp_path/'o', '--target', '5k', '--dry-run')
    assert r.returncode == 0 and 'fast-x2' in r.stdout and 'x2 sibling' in r.stdout, r.stdout + r.stderr
    code = (f"from enhance5k.enhance import enhance; from enhance5k.metrics import peak_rss_mb; r = enhance({str(src)!r}, '5k', cache=False, report=False); "
            "print(r.image.size, r.passes, peak_rss_mb())")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "(5120, 3840) ('fast-x2',)" in out.stdout
    assert float(out.stdout.split()[-1]) < 1536, out.stdout

def test_downscale_needs_no_torch(tmp_path):
    "A photo already above its target is only resized: the command does it without importing torch."
    src = photo(tmp_path/'big.png', 600, 400)
    rc, torch, err = no_torch('enhance', src, '-o', tmp_path/'o', '--target', '300x300')
    assert rc == 0 and not torch, err
    assert read_image(tmp_path/'o'/'big_300x300.png').size == (300, 200)
