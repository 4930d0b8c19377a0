"""The web app in a real browser: `enhance5k app` on 127.0.0.1 driven by Playwright with Debian's Chromium (../shared/TESTING.md).

Log in, upload a shared photo, wait for the 5K result, drag the wipe, rate 4, find it in History, download it and check it
is a valid 5K image, then tune: rate a version of the photo 5 and choose B of two, both kept as the user's taste; upload it again and tune on it there, rating a version 2. Screenshots of each page go to test-artefacts/app/ (look at them). Skips, naming the install
command, where Chromium or the shared photos are missing; on CI (root) `make chromium` installs it first."""
import os, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path
import pytest
from conftest import chromium, launch, free_port

ROOT = Path(__file__).resolve().parents[1]
ART = ROOT / 'test-artefacts' / 'app'

@pytest.fixture
def server(tmp_path):
    chromium()
    from enhance5k.core import data_dir, data_missing_reason
    if data_dir('photos') is None: pytest.skip(data_missing_reason('photos'))
    env = dict(os.environ, ENHANCE5K_HOME=str(tmp_path / 'home'), ENHANCE5K_APP_PASSWORD='ana-password', WANDB_MODE='offline')
    cli = str(Path(sys.executable).parent / 'enhance5k')
    subprocess.run([cli, 'app', '--add-user', 'ana'], env=env, check=True, capture_output=True)
    port = free_port(); log = open(tmp_path / 'server.log', 'w')
    p = subprocess.Popen([cli, 'app', '--port', str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    for _ in range(120):
        try: urllib.request.urlopen(url + '/_stcore/health', timeout=1); break
        except OSError: time.sleep(0.5)
    else: pytest.fail('the app did not start: ' + (tmp_path / 'server.log').read_text()[-2000:])
    yield url, tmp_path
    os.killpg(p.pid, signal.SIGTERM); p.wait(timeout=30)

def test_log_in_upload_wait_wipe_rate_history_download(server):
    from playwright.sync_api import sync_playwright, expect
    from enhance5k.core import data_dir
    url, tmp = server; ART.mkdir(parents=True, exist_ok=True); problems = []
    photo = data_dir('photos') / 'plasma_Path_2560x1600.jpg'
    with sync_playwright() as pw:
        b = launch(pw)
        page = b.new_page(viewport={'width': 1400, 'height': 1000}, accept_downloads=True)
        page.on('pageerror', lambda e: problems.append(f'pageerror: {e}'))
        page.on('console', lambda m: problems.append(f'console {m.type}: {m.text}') if m.type == 'error' else None)
        page.goto(url); page.get_by_label('User name').fill('ana'); page.get_by_label('Password', exact=True).fill('ana-password')
        page.screenshot(path=ART / '0-login.png')
        page.get_by_role('button', name='Log in').click()
        expect(page.get_by_text('Logged in as ana')).to_be_visible(timeout=30_000)
        page.locator('input[type=file]').set_input_files(str(photo))
        expect(page.get_by_text('plasma_Path_2560x1600.jpg: 2560x1600 -> 5120x3200')).to_be_visible(timeout=60_000)  # the plan, before it runs
        page.get_by_role('button', name='Enhance', exact=True).click()
        expect(page.get_by_text('Result ready')).to_be_visible(timeout=180_000)
        page.screenshot(path=ART / '1-enhance.png', full_page=True)
        page.get_by_text('Compare & rate', exact=True).click()
        expect(page.get_by_role('tab', name='Wipe')).to_be_visible(timeout=30_000)
        page.screenshot(path=ART / '2-compare.png', full_page=True)
        page.get_by_role('tab', name='Wipe').click()
        thumb = page.get_by_role('slider').first; thumb.scroll_into_view_if_needed(); bb = thumb.bounding_box()
        page.mouse.move(bb['x'] + bb['width'] / 2, bb['y'] + bb['height'] / 2); page.mouse.down(); page.mouse.move(bb['x'] - 200, bb['y'] + bb['height'] / 2, steps=8); page.mouse.up()
        expect(page.get_by_text('before | after at 50%')).to_have_count(0, timeout=30_000)  # the wipe moved: the image was remade
        expect(page.get_by_text('before | after at', exact=False)).to_be_visible(timeout=30_000)
        page.screenshot(path=ART / '3-wipe.png', full_page=True)
        page.locator('[data-testid="stRadio"]').filter(has_text='Rating').get_by_text('4', exact=True).click()
        page.get_by_role('button', name='Save rating').click()
        expect(page.get_by_text('Saved: 4 of 5')).to_be_visible(timeout=30_000)
        page.get_by_text('History', exact=True).click()
        expect(page.get_by_role('heading', name='History')).to_be_visible(timeout=30_000); expect(page.get_by_text('your ratings: 4', exact=False)).to_be_visible(timeout=30_000)
        expect(page.get_by_role('button', name='Download')).to_be_visible(timeout=30_000)
        page.screenshot(path=ART / '4-history.png', full_page=True)
        expect(page.locator('[data-testid="stStatusWidgetRunningIcon"]')).to_have_count(0, timeout=60_000)  # the page has finished its run
        with page.expect_download(timeout=120_000) as d: page.get_by_role('button', name='Download').click()
        got = tmp / 'download.png'; d.value.save_as(got)
        page.get_by_text('Status', exact=True).click(); expect(page.get_by_text('Success rate')).to_be_visible(timeout=30_000)
        page.screenshot(path=ART / '5-status.png', full_page=True)
        page.get_by_text('Tune to my taste', exact=True).click()
        expect(page.get_by_text('Round 1: how much do you like', exact=False)).to_be_visible(timeout=60_000)  # a version of the photo just enhanced
        page.get_by_role('button', name='5', exact=True).click()
        expect(page.get_by_text('Round 2: how much do you like', exact=False)).to_be_visible(timeout=60_000)
        page.locator('[data-testid="stRadio"]').filter(has_text='Answer by').get_by_text('Choose between two', exact=True).click()
        expect(page.get_by_text('Round 2: which of the two', exact=False)).to_be_visible(timeout=60_000)
        page.get_by_role('button', name='B', exact=True).click()
        expect(page.get_by_text('Round 3: which of the two', exact=False)).to_be_visible(timeout=60_000)
        page.screenshot(path=ART / '6-tune.png', full_page=True)
        page.get_by_text('Enhance', exact=True).click(); page.locator('input[type=file]').set_input_files(str(photo))  # tune on a photo before it runs
        expect(page.get_by_text('plasma_Path_2560x1600.jpg: 2560x1600 -> 5120x3200')).to_be_visible(timeout=60_000)
        expect(page.locator('[data-testid="stStatusWidgetRunningIcon"]')).to_have_count(0, timeout=60_000)
        page.locator('[data-testid="stRadio"]').filter(has_text='Colour and detail').get_by_text('my taste', exact=True).click()
        expect(page.get_by_text('plasma_Path_2560x1600.jpg: my taste keeps the defaults here', exact=False)).to_be_visible(timeout=60_000)
        page.get_by_text('Tune on this photo', exact=True).click()
        expect(page.get_by_text('Round 3: how much do you like', exact=False)).to_be_visible(timeout=60_000)
        expect(page.get_by_text('1 ratings of this photo kept in your taste, 2 answers in all.')).to_be_visible(timeout=60_000)  # the 5 given on the tuning page: the same photo
        page.get_by_role('button', name='2', exact=True).click()
        expect(page.get_by_text('Round 4: how much do you like', exact=False)).to_be_visible(timeout=60_000)
        page.screenshot(path=ART / '7-tune-photo.png', full_page=True)
        b.close()
    from PIL import Image
    with Image.open(got) as im: im.load(); assert (im.format, im.size) == ('PNG', (5120, 3200))
    from enhance5k.feedback import FeedbackStore
    r = FeedbackStore(tmp / 'home' / 'feedback' / 'feedback.db').ratings()
    assert [(x['rating'], x['user']) for x in r] == [(4, 'ana')]
    kept = FeedbackStore(tmp / 'home' / 'feedback' / 'feedback.db').taste_state('ana')  # the two tuning rounds, kept as ana's taste
    assert (kept['ratings'], kept['outcome'], kept['idx']) == ([5, 2], [0.0], [0, 0]), kept  # and the rating on the Enhance page, of the same photo
    assert not problems, problems
