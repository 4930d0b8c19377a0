"""The widgets in a real browser: JupyterLab on 127.0.0.1 driven by Playwright with Debian's Chromium (../shared/TESTING.md).

A small notebook makes a real enhancement into a FeedbackStore (ENHANCE5K_HOME, offline W&B in WANDB_DIR, all in a temp
folder) and shows `compare` on it. The test runs it from the menus, drags the wipe and the zoom, clicks rating 4, checks
from another process that the store holds it and that W&B logged it, shuts the kernel down and checks that the W&B run
was finished with the session table. Screenshots go to test-artefacts/widgets/ (look at them). Skips, naming the install
command, where Chromium is missing; on CI (root) `make chromium` installs it first."""
import json, os, re, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest
from conftest import chromium, launch, free_port

ROOT = Path(__file__).resolve().parents[1]
ART = ROOT / 'test-artefacts' / 'widgets'
TOKEN = 'e5k-widgets-test'

NOTEBOOK = [  # the cells a reader would write: a store, a real enhancement, the compare widget
    "import numpy as np\nfrom enhance5k.io import Image, write_image\nfrom enhance5k.feedback import FeedbackStore\nfrom enhance5k.widgets import compare",
    "y, x = np.mgrid[0:200, 0:320]; rgb = np.stack([x / 320, y / 200, 0.5 + 0.5 * np.sin(x / 9) * np.cos(y / 7)], -1)\n"
    "rgb[20:180:6, 20:150] = 1; rgb[20:180, 170:300:4] = 0  # fine lines: what an upscaler sharpens\n"
    "write_image(Image((rgb * 255).astype(np.uint8)), 'in.png')\n"
    "store = FeedbackStore()  # ENHANCE5K_HOME/feedback/feedback.db\n"
    "eid, res = store.enhance('in.png', target='x2')",
    "c = compare('in.png', res.image, store, eid, user='browser')  # W&B: WANDB_MODE, WANDB_DIR\nc",
]

def _notebook(path:Path):
    cells = [{'cell_type': 'code', 'execution_count': None, 'id': f'c{i}', 'metadata': {}, 'outputs': [], 'source': s} for i, s in enumerate(NOTEBOOK)]
    meta = {'kernelspec': {'display_name': 'Python 3 (ipykernel)', 'language': 'python', 'name': 'python3'}}
    path.write_text(json.dumps({'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}))

def _quiet_settings(d:Path):
    "JupyterLab user settings with no news and no update checks (their pop-ups would cover the page)."
    f = d / '@jupyterlab' / 'apputils-extension' / 'notification.jupyterlab-settings'
    f.parent.mkdir(parents=True); f.write_text(json.dumps({'fetchNews': 'false', 'checkForUpdates': False}))

@pytest.fixture
def lab(tmp_path):
    chromium()
    pytest.importorskip('jupyterlab', reason='jupyterlab is in the dev extra: make setup')
    work = tmp_path / 'work'; work.mkdir(); _notebook(work / 'widgets.ipynb'); _quiet_settings(tmp_path / 'lab-settings')
    env = dict(os.environ, ENHANCE5K_HOME=str(tmp_path / 'home'), WANDB_MODE='offline', WANDB_DIR=str(tmp_path / 'wandb'),
               JUPYTERLAB_SETTINGS_DIR=str(tmp_path / 'lab-settings'), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / 'lab-workspaces'),
               JUPYTER_CONFIG_DIR=str(tmp_path / 'jupyter-config'), JUPYTER_RUNTIME_DIR=str(tmp_path / 'jupyter-runtime'),
               IPYTHONDIR=str(tmp_path / 'ipython'), PYTHONPATH=str(ROOT))
    port = free_port(); log = open(tmp_path / 'lab.log', 'w')
    p = subprocess.Popen([sys.executable, '-m', 'jupyter', 'lab', '--no-browser', '--allow-root', '--ip=127.0.0.1', f'--port={port}',
                          f'--IdentityProvider.token={TOKEN}', f'--ServerApp.root_dir={work}'],
                         env=env, cwd=work, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        for _ in range(120):
            try: urllib.request.urlopen(f'{url}/api/status?token={TOKEN}', timeout=1); break
            except OSError: time.sleep(0.5)
        else: pytest.fail('JupyterLab did not start: ' + (tmp_path / 'lab.log').read_text()[-2000:])
        yield url, tmp_path
    finally:
        if p.poll() is None: os.killpg(p.pid, signal.SIGTERM)
        try: p.wait(timeout=30)
        except subprocess.TimeoutExpired: os.killpg(p.pid, signal.SIGKILL); p.wait()
        log.close()

CHECK = """
import json, sys, time
from pathlib import Path
from enhance5k.feedback import FeedbackStore, wandb_history, wait_written
home, wdir, want = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
ratings = [(r['rating'], r['user']) for r in FeedbackStore(home / 'feedback' / 'feedback.db').ratings()]
t0, rows, runs, finished = time.time(), [], [], False
while time.time() - t0 < 30:  # W&B's service writes the run file in the background
    runs = sorted((wdir / 'wandb').glob('offline-run-*'))
    try: rows = [x for r in runs for x in wandb_history(r)]
    except Exception: rows = []
    finished = bool(runs) and all(wait_written(r, timeout=0) for r in runs)
    if any('feedback_id' in x for x in rows) and (want != 'finished' or finished): break
    time.sleep(0.5)
print(json.dumps({'ratings': ratings, 'runs': len(runs), 'logged': [x['rating'] for x in rows if 'feedback_id' in x],
                  'table_rows': [x['feedback_table/nrows'] for x in rows if 'feedback_table/nrows' in x], 'finished': finished}))
"""

def _check(tmp:Path, want:str)->dict:
    "What the store and the offline W&B run hold, read by another process (as a second user of the store would)."
    r = subprocess.run([sys.executable, '-c', CHECK, str(tmp / 'home'), str(tmp / 'wandb'), want], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout.strip().splitlines()[-1])

def _menu(page, menu:str, item:str):
    page.locator('.lm-MenuBar-itemLabel', has_text=menu).first.click()
    page.locator('.lm-Menu-itemLabel', has_text=item).first.click()

def _run_all(page):
    "Run → Run All Cells; a fresh kernel can swallow the first one, so check a prompt moves within 15 s and retry once."
    from playwright.sync_api import expect
    for attempt in range(2):
        _menu(page, 'Run', 'Run All Cells')
        try: expect(page.locator('.jp-InputPrompt').filter(has_text='[*]').or_(page.locator('.jp-InputPrompt').filter(has_text='[1]')).first).to_be_visible(timeout=15_000); return
        except AssertionError:
            if attempt: raise

def _drag(page, handle, dx:float):
    handle.scroll_into_view_if_needed(); bb = handle.bounding_box(); x, y = bb['x'] + bb['width'] / 2, bb['y'] + bb['height'] / 2
    page.mouse.move(x, y); page.mouse.down(); page.mouse.move(x + dx, y, steps=8); page.mouse.up()

def test_compare_wipe_zoom_rate_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright, expect
    url, tmp = lab; ART.mkdir(parents=True, exist_ok=True); problems = []
    with sync_playwright() as pw:
        b = launch(pw)
        page = b.new_page(viewport={'width': 1400, 'height': 1000})
        page.on('pageerror', lambda e: problems.append(f'pageerror: {e}'))
        page.on('console', lambda m: problems.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
        page.goto(f'{url}/lab/tree/widgets.ipynb?token={TOKEN}')
        expect(page.get_by_text('| Idle')).to_be_visible(timeout=60_000)
        _run_all(page)
        rate4 = page.locator('button.widget-button[title="rate 4 of 5"]')
        error = page.locator('[data-mime-type="application/vnd.jupyter.error"]')
        expect(rate4.or_(error).first).to_be_visible(timeout=120_000)
        assert not error.count(), error.first.inner_text()[-2000:]
        tabs = page.locator('.widget-tab .lm-TabBar-tab')
        expect(tabs).to_have_text(['side by side', 'wipe', 'zoom 1:1'])
        page.locator('.jp-Notebook').evaluate('n => n.scrollTop = n.scrollHeight')  # the widget's output, as a reader scrolls to it
        page.screenshot(path=ART / '1-side-by-side.png')
        tabs.filter(has_text='wipe').click()
        wipe = page.locator('.widget-tab-contents .widget-slider:visible').first
        expect(page.get_by_text('split at 50%')).to_be_visible()
        _drag(page, wipe.locator('.noUi-handle'), -120)
        expect(page.get_by_text('split at 50%')).to_have_count(0, timeout=10_000)  # the kernel redrew the wipe and its label
        split = int(re.search(r'split at (\d+)%', page.locator('.widget-tab-contents .widget-html:visible').first.inner_text())[1])
        assert 28 <= split <= 34, split  # 120 px left of the middle of a 640-px view: the handle sits over the split line
        for t in ('◀ before', 'after ▶'): expect(page.get_by_text(t)).to_be_visible()
        img = page.locator('.widget-tab-contents img:visible').first; box = img.bounding_box()
        assert box['width'] <= 640 + 1 and box['height'] <= 480 + 1, box  # its own pixels, never stretched to the output's width
        expect(rate4).to_be_in_viewport()  # slider, image and rating buttons in one 1000-px window
        page.screenshot(path=ART / '2-wipe.png')
        tabs.filter(has_text='zoom 1:1').click()
        zx = page.locator('.widget-tab-contents .widget-slider:visible').first
        _drag(page, zx.locator('.noUi-handle'), 80)
        expect(zx.locator('.widget-readout')).not_to_have_text('0.50', timeout=10_000)
        page.screenshot(path=ART / '3-zoom.png')
        tabs.filter(has_text='wipe').click()
        rate4.click()
        expect(page.get_by_text('saved: 4 of 5')).to_be_visible(timeout=30_000)
        expect(rate4).to_have_class(re.compile(r'\bmod-primary\b'))  # stays selected
        assert page.locator('button.widget-button.mod-primary').count() == 1
        page.screenshot(path=ART / '4-rated.png')
        got = _check(tmp, 'logged')
        assert got['ratings'] == [[4, 'browser']], got
        assert got['logged'] == [4] and not got['finished'], got  # logged while the run is still open
        _menu(page, 'Kernel', 'Shut Down Kernel')  # no dialog in JupyterLab 4: the kernel exits, its exit hook ends the W&B run
        expect(page.get_by_text('| Idle')).to_have_count(0, timeout=30_000)
        page.screenshot(path=ART / '5-kernel-shut-down.png')
        b.close()
    got = _check(tmp, 'finished')
    assert got['finished'] and got['runs'] == 1 and got['logged'] == [4] and got['table_rows'] == [1], got  # the exit hook ended the run
    assert not problems, problems
