"""The docs site from nbs/, offline: run the notebooks (or reuse a current run), nbdev's docs processor, then Quarto where installed, else smalldocs."""
import shutil, subprocess, sys, time
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

def render(proc: Path):
    "Quarto when it is installed (the GitHub workflow), else smalldocs (pure Python); never installs anything."
    if shutil.which('quarto'): return subprocess.run(['quarto', 'render'], cwd=proc, check=True)
    subprocess.run([str(Path(sys.executable).parent / 'smalldocs'), 'render', str(proc)], check=True)

def main():
    t = time.time()
    nbrun.main(['--reuse'])
    proc = process(); render(proc)
    site = proc / '_docs'
    print(f"docs: {len(list(site.rglob('*.html')))} pages in {site.relative_to(ROOT)}/ ({time.time() - t:.0f} s); preview: .venv/bin/python -m http.server -d {site.relative_to(ROOT)} 8000")

if __name__ == '__main__': main()
