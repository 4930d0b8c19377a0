"""The docs site from nbs/, offline: run the notebooks (or reuse a current run), nbdev's docs processor, then Quarto where installed, else smalldocs."""
import json, os, re, shutil, subprocess, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbrun

ROOT = nbrun.ROOT

def process():
    "nbdev's docs processor over the executed notebooks into _proc/ (what nbdev_proc_nbs does, without its Quarto install)."
    from nbdev.quarto import refresh_quarto_yml
    from nbdev.doclinks import _build_modidx
    from nbdev.serve import proc_nbs
    refresh_quarto_yml(); _build_modidx(); nbrun.copy_site_files()
    return proc_nbs(path=str(nbrun.BUILD), n_workers=2, force=True)

def site_url() -> str:
    "The published site's address (nbs/nbdev.yml), which nbdev writes into its API links."
    m = re.search(r'site-url:\s*"?([^"\n]+)"?', (ROOT / 'nbs' / 'nbdev.yml').read_text())
    return m.group(1).rstrip('/') if m else ''

def page_names(proc: Path) -> dict:
    "Quarto's page name (the notebook's `output-file`, e.g. enhance.html) -> the page smalldocs wrote (06_enhance.html)."
    names = {}
    for nb in proc.rglob('*.ipynb'):
        rel = nb.relative_to(proc)
        if any(s.startswith(('_', '.')) for s in rel.parts): continue
        m = re.search(r'^output-file:\s*(\S+)', ''.join(json.loads(nb.read_text())['cells'][0]['source']), re.M)
        names[str(rel.with_name(m.group(1)) if m else rel.with_suffix('.html'))] = str(rel.with_suffix('.html'))
    return names

def localise_links(site: Path, names: dict, url: str):
    "Point nbdev's links to the published site (`url/enhance.html#x`) at the pages of this build, relative, as Quarto would."
    pat = re.compile(re.escape(url) + r'/([^"#\s)]+)')
    for page in site.rglob('*.html'):
        here = page.parent.relative_to(site)
        fix = lambda m: os.path.relpath(names.get(m.group(1), m.group(1)), here) if m.group(1) in names else m.group(0)
        text = page.read_text(); new = pat.sub(fix, text)
        if new != text: page.write_text(new)

def render(proc: Path):
    "Quarto when it is installed (the GitHub workflow), else smalldocs (pure Python); never installs anything."
    if shutil.which('quarto'): return subprocess.run(['quarto', 'render'], cwd=proc, check=True)
    subprocess.run([str(Path(sys.executable).parent / 'smalldocs'), 'render', str(proc)], check=True)
    localise_links(proc / '_docs', page_names(proc), site_url())  # smalldocs keeps notebook names (06_enhance.html), Quarto uses output-file

def main():
    t = time.time()
    nbrun.main(['--reuse'])
    proc = process(); render(proc)
    site = proc / '_docs'
    print(f"docs: {len(list(site.rglob('*.html')))} pages in {site.relative_to(ROOT)}/ ({time.time() - t:.0f} s); preview: .venv/bin/python -m http.server -d {site.relative_to(ROOT)} 8000")

if __name__ == '__main__': main()
