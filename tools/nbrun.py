"""Run the notebooks the way `nbdev_test` does and keep what they show: executed copies for the docs site, and with `--save` the outputs back in nbs/."""
import argparse, hashlib, json, os, re, shutil, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS, BUILD = ROOT / 'nbs', ROOT / 'build' / 'nbs'
STAMP = BUILD / '.stamp'
MAX_LINES, MAX_TEXT, MAX_IMAGE, MAX_HTML = 40, 6_000, 250_000, 40_000  # what a shown value may keep (characters; images base64)
LOCAL = re.compile(r"(?:/tmp|/work|/home|/root|/check|/private|/var/folders)/[^\s'\"<>)\]]*")

def notebooks(paths=None) -> list:
    "The notebooks nbdev_test would run (no `_`/`.` names or folders)."
    if paths: return [Path(p).resolve() for p in paths]
    return sorted(p for p in NBS.rglob('*.ipynb') if not any(s[0] in '_.' for s in p.relative_to(NBS).parts))

def _source_digest(p: Path) -> str:
    "The cells' types and sources (not their outputs)."
    cells = json.loads(p.read_text())['cells']
    return json.dumps([(c['cell_type'], ''.join(c['source'])) for c in cells])

def stamp() -> str:
    "What the outputs depend on: notebook sources, the package, settings, this script, the weights' names and sizes and the benchmarks' JSON."
    h = hashlib.sha256()
    for p in sorted(NBS.rglob('*.ipynb')): h.update(str(p.relative_to(ROOT)).encode() + _source_digest(p).encode())
    for p in sorted((ROOT / 'enhance5k').rglob('*.py')) + [ROOT / 'settings.ini', Path(__file__).resolve()]: h.update(p.read_bytes())
    for p in sorted((ROOT / 'weights').glob('*')): h.update(f'{p.name}:{p.stat().st_size}'.encode())
    for p in sorted((ROOT / 'bench').glob('*.json')): h.update(p.name.encode() + p.read_bytes())  # the benchmarks' record page reads them
    return h.hexdigest()

def _clip(text: str) -> str:
    "No local paths, at most MAX_LINES lines and MAX_TEXT characters."
    text = LOCAL.sub(lambda m: '…/' + m.group(0).rstrip('/').rsplit('/', 1)[-1], text)
    lines = text.splitlines(keepends=True)
    if len(lines) > MAX_LINES: lines = lines[:MAX_LINES] + [f'… ({len(lines) - MAX_LINES} more lines)\n']
    text = ''.join(lines)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + '…\n'

def _lines(text: str) -> list: return text.splitlines(keepends=True)

def small_image(mime: str, b64: str) -> dict:
    "The image as is when small, else as a 256-colour PNG, else as a JPEG; {} when none fits MAX_IMAGE."
    import base64, io
    from PIL import Image
    if len(b64) <= MAX_IMAGE: return {mime: b64}
    im = Image.open(io.BytesIO(base64.b64decode(b64))).convert('RGB')
    for fmt, kw in (('png', dict(optimize=True)), ('jpeg', dict(quality=85, optimize=True))):
        buf = io.BytesIO(); (im.quantize(256) if fmt == 'png' else im).save(buf, fmt, **kw)
        out = base64.b64encode(buf.getvalue()).decode()
        if len(out) <= MAX_IMAGE: return {f'image/{fmt}': out}
    return {}

def keep(o: dict):
    "A shown value as the docs keep it, or None (stderr, errors, widgets, big blobs)."
    t = o.get('output_type')
    if t == 'stream': return {'name': 'stdout', 'output_type': 'stream', 'text': _lines(_clip(''.join(o['text'])))} if o.get('name') == 'stdout' else None
    if t not in ('execute_result', 'display_data'): return None
    d = {k: ''.join(v) if isinstance(v, list) else v for k, v in o.get('data', {}).items()}
    if 'application/vnd.jupyter.widget-view+json' in d: return None  # a live widget: nothing to show without a kernel
    data = {}
    for m in ('image/png', 'image/jpeg'):
        if m in d: data.update(small_image(m, d[m]))
    for m in ('text/html', 'text/markdown'):
        if m in d and len(d[m]) <= MAX_HTML and not LOCAL.search(d[m]): data[m] = _lines(d[m])
    if 'text/plain' in d: data['text/plain'] = _lines(_clip(d['text/plain']))
    if not data or set(data) == {'text/plain'} and ''.join(data['text/plain']).startswith('<Figure size'): return None
    out = {'data': data, 'metadata': o.get('metadata', {}) if any(m.startswith('image/') for m in data) else {}, 'output_type': t}
    if t == 'execute_result': out['execution_count'] = None
    return out

def run_one(fn: Path, skip_flags: list, threads: int = 0):
    "Execute one notebook as nbdev_test does; return (ok, seconds, {cell id: outputs}, error text)."
    if threads: os.environ['OMP_NUM_THREADS'] = str(threads)  # before torch is imported: notebooks side by side must not oversubscribe the cores
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    from execnb.shell import CaptureShell
    from fastcore.xtras import working_directory
    os.environ['IN_TEST'] = '1'
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    def skip(c):
        if c.cell_type != 'code' or 'nbdev_export(' in c.source: return True
        d = getattr(c, 'directives_', {}) or {}
        return d.get('eval:', [''])[0].lower() == 'false' or bool(set(skip_flags) & d.keys())
    k, start, err = CaptureShell(fn, mpl_format='png'), time.time(), ''  # 1x PNGs: the docs keep them
    try:
        with working_directory(fn.parent): k.run_all(nb, exc_stop=True, preproc=skip)
    except Exception: err = k.prettytb(fname=fn)
    outs = {c.get('id'): json.loads(json.dumps(c.get('outputs', []), default=str)) for c in nb.cells if c.cell_type == 'code' and not skip(c)}
    return not err, time.time() - start, outs, err

def _run(args): return run_one(*args)

def with_outputs(fn: Path, outs: dict) -> dict:
    "The notebook's JSON with the kept outputs of the cells that ran."
    nb = json.loads(fn.read_text())
    for c in nb['cells']:
        if c['cell_type'] == 'code' and c.get('id') in outs: c['outputs'] = [x for x in map(keep, outs[c['id']]) if x]
    return nb

def write_nb(nb: dict, dest: Path):
    "Write a notebook as nbdev_clean leaves it (one space indent, trailing newline)."
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')

def save_outputs(built: Path, dest: Path):
    "Put the kept outputs into `dest`, cell by cell, only where the cell's source is still the one that ran (edits made meanwhile are kept)."
    ran = {c.get('id'): c for c in json.loads(built.read_text())['cells'] if c['cell_type'] == 'code'}
    nb = json.loads(dest.read_text())
    for c in nb['cells']:
        r = ran.get(c.get('id'))
        if c['cell_type'] == 'code' and r and ''.join(r['source']) == ''.join(c['source']): c['outputs'] = r['outputs']
    write_nb(nb, dest)

def copy_site_files():
    "The site's other files (yml, css, images), links followed."
    for p in NBS.rglob('*'):
        rel = p.relative_to(NBS)
        if p.is_dir() or p.suffix == '.ipynb' or any(s.startswith('.') for s in rel.parts): continue
        (BUILD / rel).parent.mkdir(parents=True, exist_ok=True); shutil.copyfile(p.resolve(), BUILD / rel)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('paths', nargs='*', help='notebooks (default: all of nbs/)')
    ap.add_argument('--reuse', action='store_true', help='skip the run when build/nbs was made from these very sources')
    ap.add_argument('--save', action='store_true', help='also write the outputs back into nbs/ (then nbdev_clean)')
    ap.add_argument('--n_workers', type=int, default=2)
    a = ap.parse_args(argv)
    from fastcore.parallel import parallel
    from nbdev.config import get_config
    st, files = stamp(), notebooks(a.paths)
    fresh = a.reuse and not a.paths and STAMP.exists() and STAMP.read_text() == st
    if fresh: print(f'nbrun: build/nbs is current ({len(files)} notebooks), not run again')
    else:
        flags = get_config().tst_flags.split()
        sys.path.insert(0, str(Path(__file__).resolve().parent)); import nbrun  # the workers find _run by module name, not in __main__
        threads = max(1, (os.cpu_count() or 1) // a.n_workers) if a.n_workers > 1 else 0
        res = parallel(nbrun._run, [(f, flags, threads) for f in files], n_workers=a.n_workers, pause=0.01)
        bad = [(f, r) for f, r in zip(files, res) if not r[0]]
        for f, r in bad: sys.stderr.write(r[3] + '\n')
        for f, r in zip(files, res): write_nb(with_outputs(f, r[2]), BUILD / f.relative_to(NBS))
        slow = sorted(((r[1], f.relative_to(NBS)) for f, r in zip(files, res)), reverse=True)[:3]
        print('nbrun: slowest ' + ', '.join(f'{n} {s:.0f} s' for s, n in slow))
        if bad:
            if a.save: save([f for f, r in zip(files, res) if r[0]])
            sys.exit(f"nbrun: failed: {', '.join(str(f.relative_to(NBS)) for f, _ in bad)}")
        print(f'nbrun: {len(files)} notebooks ran; outputs kept in build/nbs')
        if not a.paths: STAMP.write_text(st)
    copy_site_files()
    if a.save: save(files)

def save(files: list):
    "Write the kept outputs of `files` back into nbs/, then nbdev_clean."
    for f in files: save_outputs(BUILD / f.relative_to(NBS), f)
    subprocess.run([str(Path(sys.executable).parent / 'nbdev_clean')], cwd=ROOT, check=True)
    print(f'nbrun: outputs of {len(files)} notebooks saved into nbs/ (review and commit)')

if __name__ == '__main__': main()
