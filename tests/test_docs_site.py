"""The docs site as a reader gets it: `make docs` builds it offline, every link and image in it resolves, the pages show
results (values, tables, images), every public name has its API entry, and Chromium renders the home page, an API page and
a tutorial with no errors, images shown and the search index loaded. Screenshots go to test-artefacts/docs/ (look at them).

`make docs` reuses the notebook run `make test` has just made (build/nbs), so in CI this costs the processing and rendering only."""
import functools, http.server, json, os, re, shutil, subprocess, threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote
import pytest
from conftest import chromium, launch

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / '_proc' / '_docs'
ART = ROOT / 'test-artefacts' / 'docs'
ONLINE_ONLY = ('https://fonts.googleapis.com/', 'https://fonts.gstatic.com/')
PAGES = ['index.html', '03_metrics.html', 'tutorials/01_quick_start.html', 'learning_bench.html']  # each shows plots

class Page(HTMLParser):
    "The links, sources and ids of one HTML page."
    def __init__(self):
        super().__init__(); self.refs, self.ids, self.outputs = [], set(), 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if 'id' in a: self.ids.add(a['id'])
        if tag == 'a' and a.get('name'): self.ids.add(a['name'])
        for k in ('href', 'src'):
            if a.get(k) and tag in ('a', 'img', 'link', 'script', 'source'): self.refs.append((tag, a[k]))
        if 'cell-output' in (a.get('class') or ''): self.outputs += 1

@functools.cache
def parse(p: Path) -> Page:
    pg = Page(); pg.feed(p.read_text(errors='replace')); return pg

@pytest.fixture(scope='module')
def site():
    r = subprocess.run(['make', '-s', 'docs'], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, f'make docs failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}'
    assert (SITE / 'index.html').exists(), r.stdout[-2000:]
    return SITE

def test_every_notebook_has_a_page(site):
    nbs = [p.relative_to(ROOT / 'nbs').with_suffix('.html') for p in (ROOT / 'nbs').rglob('*.ipynb')
           if not any(s[0] in '_.' for s in p.relative_to(ROOT / 'nbs').parts)]
    missing = [str(n) for n in nbs if not (site / n).exists()]
    assert len(nbs) >= 20 and not missing, missing

def test_no_broken_links_or_images(site):
    broken, own = [], re.search(r'site-url:\s*"?([^"\n]+)', (ROOT / 'nbs' / 'nbdev.yml').read_text()).group(1)
    for page in sorted(site.rglob('*.html')):
        for tag, ref in parse(page).refs:
            if own and ref.startswith(own): broken.append(f'{page.relative_to(site)}: {tag} {ref} (the published site, not this build)'); continue
            u = urlsplit(ref)
            if u.scheme or ref.startswith(('//', 'mailto:', 'javascript:')): continue  # outside links are not followed offline
            target = page if not u.path else (page.parent / unquote(u.path)).resolve()
            if target.is_dir(): target = target / 'index.html'
            if not target.exists(): broken.append(f'{page.relative_to(site)}: {tag} {ref} (no file)'); continue
            if u.fragment and target.suffix == '.html' and unquote(u.fragment) not in parse(target).ids:
                broken.append(f'{page.relative_to(site)}: {tag} {ref} (no #{u.fragment})')
    assert not broken, f'{len(broken)} broken:\n' + '\n'.join(broken[:40])

def test_pages_show_results(site):
    shown = {p.relative_to(site).as_posix(): parse(p).outputs for p in site.rglob('*.html')}
    bare = [p for p, n in shown.items() if n == 0 and p != 'search.html']
    assert not bare, f'pages that show no output at all: {bare}'
    home = (site / 'index.html').read_text()
    assert '<table' in home and re.search(r"<img[^>]+src=\"(data:image/|[^\"]+\.(png|jpe?g))", home), 'the home page should show the report table and the plot'
    for t in (site / 'tutorials').glob('*.html'): assert shown[f'tutorials/{t.name}'] >= 3, t.name

def test_api_reference_has_every_public_name(site):
    import importlib
    missing = []
    for nb in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb')):
        m = re.search(r'#\|\s*default_exp\s+([\w.]+)', nb.read_text())
        if not m: continue
        mod = importlib.import_module(f'enhance5k.{m.group(1)}'); page = (site / nb.with_suffix('.html').name).read_text()
        names = [n for n in getattr(mod, '__all__', []) if callable(getattr(mod, n, None)) and not n.isupper()]
        missing += [f'{nb.stem}.{n}' for n in names if not re.search(rf'id="{re.escape(n.lower())}"|>{re.escape(n)}<', page)]
    assert not missing, f'public names without an API entry: {missing}'

def test_search_index(site):
    entries = json.loads((site / 'search.json').read_text())
    assert len(entries) > 50 and any('enhance' in json.dumps(e).lower() for e in entries)

@pytest.fixture(scope='module')
def served(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(site))
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{srv.server_address[1]}'
    srv.shutdown()

def test_pages_in_chromium(served):
    chromium()
    from playwright.sync_api import sync_playwright
    ART.mkdir(parents=True, exist_ok=True); problems = []
    with sync_playwright() as pw:
        b = launch(pw)
        page = b.new_page(viewport={'width': 1300, 'height': 900})
        page.on('pageerror', lambda e: problems.append(f'pageerror: {e}'))
        offline = []  # the cosmo theme's web font (Google Fonts) cannot load on an offline machine; the page falls back to system fonts
        page.on('requestfailed', lambda r: (offline if r.url.startswith(ONLINE_ONLY) else problems).append(f'request failed: {r.url}'))
        page.on('console', lambda m: problems.append(f'console {m.type}: {m.text}') if m.type == 'error' and not (offline and 'ERR_NAME_NOT_RESOLVED' in m.text) else None)
        for name in PAGES:
            page.goto(f'{served}/{name}'); page.wait_for_load_state('networkidle')
            imgs = page.eval_on_selector_all('img', 'els => els.map(e => [e.getAttribute("src"), e.complete && e.naturalWidth > 0])')
            assert imgs, f'{name}: no images'
            assert all(ok for _, ok in imgs), f'{name}: images not shown: {[s for s, ok in imgs if not ok]}'
            assert page.locator('.cell-output').count() > 0, name
            page.screenshot(path=ART / (name.replace('/', '_').replace('.html', '.png')), full_page=True)
        n = page.evaluate("async () => (await (await fetch('/search.json')).json()).length")
        assert n > 50, n
        b.close()
    assert not problems, problems
