"""The web app under load: 8 concurrent browser sessions, each logging in, uploading a 12 MP photo, waiting for the
5K result and rating it; then a server restart with jobs queued.

The app runs as a user would start it (`enhance5k app --workers 1`, a fresh ENHANCE5K_HOME, eight users with passwords);
the sessions are eight Chromium contexts driven by Playwright (Debian's Chromium: `make chromium`), on the same 2 cores
as the server. The photo is the shared plasma_Path_2560x1600.jpg made 12 MP (4032x3024, Lanczos, JPEG 92, as
bench/photo_bench.py makes it); each session uploads its own variant of it (mirrored or turned, JPEG quality 92 - i) so that
no job is served from the result cache.

First one session alone (the time a person waits when the server is free: from the job's start to its preview and to its
result, next to the same 12 MP -> 5K through the `enhance5k` command). Then the load. Measured: every job done exactly once, every rating in the store, the queue drained, the server's peak RSS (VmHWM of
the Streamlit process), per job the time from its start to its preview and to its result (from the app's job table),
the wait in line, and the same 12 MP -> 5K through the `enhance5k` command for comparison. Then: the server is stopped,
three jobs are queued while it is down (as sessions would have left them), it is started again, and they must all finish.

Targets (issue 20): preview <= 2 s after the job starts; the full job <= the CLI's time + 10 %; 0 lost jobs, 0 lost
ratings; server peak RSS <= 3 GiB; a restart loses no queued job.

    python bench/app_load.py [--sessions 8] [--json bench/app_load.json]
"""
import argparse, asyncio, json, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'bench'))
CLI = str(Path(sys.executable).parent / 'enhance5k')

def free_port()->int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def start_server(env:dict, port:int, log:Path)->subprocess.Popen:
    p = subprocess.Popen([CLI, 'app', '--port', str(port), '--workers', '1'], env=env, stdout=open(log, 'a'), stderr=subprocess.STDOUT, start_new_session=True)
    for _ in range(240):
        try: urllib.request.urlopen(f'http://127.0.0.1:{port}/_stcore/health', timeout=1); return p
        except OSError: time.sleep(0.5)
    raise SystemExit('the app did not start: ' + log.read_text()[-2000:])

def server_pid(p:subprocess.Popen)->int:
    "The Streamlit process (`enhance5k app` execs into it: same pid)."
    return p.pid

def vmhwm_mib(pid:int)->float:
    for l in open(f'/proc/{pid}/status'):
        if l.startswith('VmHWM'): return int(l.split()[1]) / 1024
    return float('nan')

async def session(browser, url:str, user:str, photo:Path, rating:int, log:list):
    from playwright.async_api import expect
    ctx = await browser.new_context(viewport={'width': 1300, 'height': 950}); page = await ctx.new_page(); t0 = time.time()
    errs = []; page.on('pageerror', lambda e: errs.append(str(e)))
    try: await _session(page, url, user, photo, rating, log, errs, t0)
    except Exception:
        await page.screenshot(path=str(Path(tempfile.gettempdir()) / f'app_load-{user}.png')); raise
    finally: await ctx.close()

async def _session(page, url, user, photo, rating, log, errs, t0):
    from playwright.async_api import expect
    await page.goto(url); await page.get_by_label('User name').fill(user); await page.get_by_label('Password', exact=True).fill(f'{user}-password')
    await page.get_by_role('button', name='Log in').click(); await expect(page.get_by_text(f'Logged in as {user}')).to_be_visible(timeout=120_000)
    await page.locator('input[type=file]').set_input_files(str(photo))
    await expect(page.get_by_text('4032x3024 -> 5120x3840')).to_be_visible(timeout=300_000)
    await page.get_by_role('button', name='Enhance', exact=True).click(); t_submit = time.time()
    await expect(page.get_by_text('queued as job', exact=False)).to_be_visible(timeout=300_000)
    await expect(page.get_by_text('preview', exact=False).first).to_be_visible(timeout=1_200_000); t_preview = time.time()
    await expect(page.get_by_text('Result ready')).to_be_visible(timeout=1_200_000); t_done = time.time()
    await page.get_by_text('Compare & rate', exact=True).click(); await expect(page.get_by_role('tab', name='Wipe')).to_be_visible(timeout=120_000)
    await page.locator('[data-testid="stRadio"]').filter(has_text='Rating').get_by_text(str(rating), exact=True).click()
    await page.get_by_role('button', name='Save rating').click(); await expect(page.get_by_text(f'Saved: {rating} of 5')).to_be_visible(timeout=120_000)
    log.append({'user': user, 'submit_to_preview_on_screen_s': round(t_preview - t_submit, 2), 'submit_to_result_on_screen_s': round(t_done - t_submit, 2),
                'session_s': round(time.time() - t0, 2), 'page_errors': errs})

async def sessions(url:str, users:list, photos:list)->list:
    from playwright.async_api import async_playwright
    log = []
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=shutil.which('chromium'), args=['--no-sandbox', '--disable-dev-shm-usage'])
        await asyncio.gather(*[session(b, url, u, p, 1 + i % 5, log) for i, (u, p) in enumerate(zip(users, photos))])
        await b.close()
    return log

def variants(photo:Path, n:int, work:Path)->list:
    "n distinct 12 MP files from `photo`: mirrored / turned 180 degrees, JPEG quality 92 - i."
    from PIL import Image
    im = Image.open(photo); ops = [None, Image.FLIP_LEFT_RIGHT, Image.FLIP_TOP_BOTTOM, Image.ROTATE_180]; out = []
    for i in range(n):
        v = im if ops[i % 4] is None else im.transpose(ops[i % 4]); p = work / f'photo_12mp_{i}.jpg'; v.save(p, quality=92 - i); out.append(p)
    return out

def times(db, ids=None)->dict:
    "Per done job: start -> preview, start -> result, created -> start."
    done = [j for j in db.rows("SELECT * FROM jobs WHERE state = 'done' ORDER BY id") if ids is None or j['id'] in ids]
    f = lambda xs: {'p50': round(statistics.median(xs), 2), 'p95': round(pct(xs, 0.95), 2), 'max': round(max(xs), 2)} if xs else None
    return {'preview_after_start_s': f([j['previewed'] - j['started'] for j in done if j['previewed']]), 'result_after_start_s': f([j['finished'] - j['started'] for j in done]),
            'wait_in_line_s': f([j['started'] - j['created'] for j in done])}

def pct(xs, q): xs = sorted(xs); return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0]); ap.add_argument('--sessions', type=int, default=8)
    ap.add_argument('--json', default=str(ROOT / 'bench' / 'app_load.json')); a = ap.parse_args(argv)
    if not shutil.which('chromium'): raise SystemExit('needs Chromium: make chromium')
    from photo_bench import make_photo, machine
    work = Path(tempfile.mkdtemp(prefix='app_load-')); home = work / 'home'; photo = make_photo(12, work); photos = variants(photo, a.sessions + 5, work)
    env = dict(os.environ, ENHANCE5K_HOME=str(home), WANDB_MODE='offline'); users = [f'user{i}' for i in range(a.sessions)]
    for u in users + ['solo']: subprocess.run([CLI, 'app', '--add-user', u], env=dict(env, ENHANCE5K_APP_PASSWORD=f'{u}-password'), check=True, capture_output=True)
    t = time.perf_counter(); subprocess.run([CLI, 'enhance', str(photos[-1]), '-o', str(work / 'cli'), '--target', '5k', '--overwrite'], env=env, check=True, capture_output=True)
    cli_s = round(time.perf_counter() - t, 2); print('CLI 12 MP -> 5K', cli_s, 's', flush=True)
    port = free_port(); log = work / 'server.log'; srv = start_server(env, port, log)
    from enhance5k.app import AppDB, JobQueue
    db = AppDB(home / 'app' / 'app.db')
    solo_shots = asyncio.run(sessions(f'http://127.0.0.1:{port}', ['solo'], photos[-2:-1])); solo = times(db); print('solo', solo, flush=True)
    first = max(j['id'] for j in db.rows('SELECT id FROM jobs')); t = time.perf_counter()
    shots = asyncio.run(sessions(f'http://127.0.0.1:{port}', users, photos[:a.sessions])); load_s = round(time.perf_counter() - t, 1)
    rss = round(vmhwm_mib(server_pid(srv)), 1); os.killpg(srv.pid, signal.SIGTERM); srv.wait(60)
    from enhance5k.feedback import FeedbackStore
    store = FeedbackStore(home / 'feedback' / 'feedback.db')
    jobs = db.rows('SELECT * FROM jobs WHERE id > ? ORDER BY id', (first,)); done = [j for j in jobs if j['state'] == 'done']
    ratings = [r for r in store.ratings() if r['kind'] == 'rating'][len(solo_shots):]
    per_user_done = {u: sum(j['user'] == u and j['state'] == 'done' for j in jobs) for u in users}
    # a restart with jobs queued: queued while the server is down, then it starts again
    q = JobQueue(db, store, workers=0)
    extra = [q.submit(users[i], f'restart{i}.jpg', photos[a.sessions + i].read_bytes(), {'target': '5k', 'model': 'fast-x4', 'params': 'auto'}) for i in range(min(3, len(photos) - a.sessions - 2))]
    srv = start_server(env, port, log); t = time.perf_counter()
    while any(q.job(i)['state'] in ('queued', 'running') for i in extra) and time.perf_counter() - t < 600: time.sleep(1)
    restart = {'queued_while_down': len(extra), 'done_after_restart': sum(q.job(i)['state'] == 'done' for i in extra), 'seconds': round(time.perf_counter() - t, 1)}
    os.killpg(srv.pid, signal.SIGTERM); srv.wait(60)
    res = {'machine': machine(), 'date': time.strftime('%Y-%m-%d'), 'sessions': a.sessions, 'photo': '12 MP 4032x3024 (plasma_Path, Lanczos, a variant per session) -> 5k',
           'cli_12mp_to_5k_s': cli_s, 'solo': solo | {'on_screen': solo_shots}, 'load_wall_s': load_s, 'jobs_submitted': len(jobs), 'jobs_done': len(done), 'done_once_per_user': per_user_done,
           'ratings_given': len(shots), 'ratings_stored': len(ratings), 'queue_left': sum(j['state'] in ('queued', 'running') for j in db.rows('SELECT state FROM jobs')),
           'server_peak_rss_mib': rss, 'load': times(db, {j['id'] for j in jobs}),
           'on_screen': shots, 'restart': restart}
    Path(a.json).write_text(json.dumps(res, indent=1) + '\n'); print(json.dumps({k: v for k, v in res.items() if k != 'on_screen'}, indent=1))

if __name__ == '__main__': main()
