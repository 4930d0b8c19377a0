"""tools/: what the docs keep of a cell's outputs (tools/nbrun.py) and the README made from nbs/index.ipynb (tools/readme.py)."""
import base64, io, json, sys
import numpy as np
from PIL import Image
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / 'tools'))
import nbrun, readme

def _png(a, **kw)->str:
    buf = io.BytesIO(); Image.fromarray(a).save(buf, 'png', **kw); return base64.b64encode(buf.getvalue()).decode()

def test_keep_drops_stderr_widgets_errors_and_big_images():
    assert nbrun.keep({'output_type': 'stream', 'name': 'stderr', 'text': ['warning\n']}) is None
    assert nbrun.keep({'output_type': 'error', 'ename': 'E', 'evalue': '', 'traceback': []}) is None
    w = {'output_type': 'display_data', 'data': {'application/vnd.jupyter.widget-view+json': {'model_id': 'x'}, 'text/plain': ['VBox()']}, 'metadata': {}}
    assert nbrun.keep(w) is None
    noise = _png(np.random.default_rng(0).integers(0, 256, (900, 900, 3), dtype=np.uint8))  # no palette or JPEG fits it
    big = {'output_type': 'display_data', 'data': {'image/png': noise, 'text/plain': ['<Figure size 640x480 with 1 Axes>']}, 'metadata': {}}
    assert len(noise) > nbrun.MAX_IMAGE and nbrun.keep(big) is None
    small = dict(big, data={'image/png': 'iVBOR', 'text/plain': ['<Figure size 640x480 with 1 Axes>']})
    assert nbrun.keep(small)['data']['image/png'] == 'iVBOR'

def test_big_plot_is_recompressed_not_dropped():
    y, x = np.mgrid[0:1200, 0:1200]; plot = np.stack([x % 256, y % 256, (x + y) % 7 * 30], -1).astype(np.uint8)  # few colours, stored uncompressed
    b64 = _png(plot, compress_level=0); assert len(b64) > nbrun.MAX_IMAGE
    kept = nbrun.small_image('image/png', b64)
    (mime, v), = kept.items(); assert mime.startswith('image/') and len(v) <= nbrun.MAX_IMAGE
    with Image.open(io.BytesIO(base64.b64decode(v))) as im: assert im.size == (1200, 1200)

def test_keep_hides_local_paths_and_clips_long_text():
    o = nbrun.keep({'output_type': 'execute_result', 'execution_count': 3, 'metadata': {}, 'data': {'text/plain': ["Path('/tmp/pytest-1/home/out/photo_5k.png')"]}})
    assert ''.join(o['data']['text/plain']) == "Path('…/photo_5k.png')" and o['execution_count'] is None
    o = nbrun.keep({'output_type': 'stream', 'name': 'stdout', 'text': [f'line {i}\n' for i in range(500)]})
    text = ''.join(o['text']); assert text.count('\n') == nbrun.MAX_LINES + 1 and 'more lines' in text
    html = {'output_type': 'display_data', 'metadata': {}, 'data': {'text/html': ['<b>/work/me/secret.txt</b>'], 'text/plain': ['x']}}
    assert 'text/html' not in nbrun.keep(html)['data']

def test_stamp_ignores_outputs_but_not_sources_or_bench_json(tmp_path, monkeypatch):
    nbs = tmp_path / 'nbs'; nbs.mkdir(); (tmp_path / 'enhance5k').mkdir(); (tmp_path / 'weights').mkdir(); (tmp_path / 'settings.ini').write_text('[DEFAULT]\n')
    cell = {'cell_type': 'code', 'id': 'a1', 'metadata': {}, 'execution_count': None, 'source': ['1+1'], 'outputs': []}
    nb = {'cells': [cell], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    (nbs / 'a.ipynb').write_text(json.dumps(nb))
    monkeypatch.setattr(nbrun, 'NBS', nbs); monkeypatch.setattr(nbrun, 'ROOT', tmp_path)
    s0 = nbrun.stamp()
    cell['outputs'] = [{'output_type': 'stream', 'name': 'stdout', 'text': ['2']}]; (nbs / 'a.ipynb').write_text(json.dumps(nb))
    assert nbrun.stamp() == s0
    cell['source'] = ['1+2']; (nbs / 'a.ipynb').write_text(json.dumps(nb))
    s1 = nbrun.stamp(); assert s1 != s0
    (tmp_path / 'bench').mkdir(); (tmp_path / 'bench' / 'learning.json').write_text('{}')  # a page reads the benchmarks' JSON
    s2 = nbrun.stamp(); assert s2 != s1
    (tmp_path / 'bench' / 'learning.json').write_text('{"rows": []}')
    assert nbrun.stamp() != s2

def test_readme_from_notebook(tmp_path):
    cells = [{'cell_type': 'markdown', 'metadata': {}, 'source': ['# Title']},
             {'cell_type': 'code', 'metadata': {}, 'source': ['#| hide\nsecret = 1'], 'outputs': []},
             {'cell_type': 'code', 'metadata': {}, 'source': ['#| echo: true\nprint(2)'], 'outputs': [{'output_type': 'stream', 'name': 'stdout', 'text': ['2\n']}]},
             {'cell_type': 'code', 'metadata': {}, 'source': ['r'], 'outputs': [{'output_type': 'execute_result', 'metadata': {}, 'data': {'text/markdown': ['| a |\n|---|\n| 1 |'], 'text/plain': ['R']}}]}]
    p = tmp_path / 'index.ipynb'; p.write_text(json.dumps({'cells': cells}))
    assert readme.readme(p) == '# Title\n\n```python\nprint(2)\n```\n\n```\n2\n```\n\n```python\nr\n```\n\n| a |\n|---|\n| 1 |\n'

def test_committed_readme_is_current():
    assert (ROOT / 'README.md').read_text() == readme.readme(ROOT / 'nbs' / 'index.ipynb'), 'run `make readme`'

def test_save_outputs_keeps_edits_made_meanwhile(tmp_path):
    def nb(*cells): return {'cells': [{'cell_type': 'code', 'id': i, 'metadata': {}, 'execution_count': None, 'source': [s], 'outputs': o} for i, s, o in cells], 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}
    out = [{'output_type': 'stream', 'name': 'stdout', 'text': ['2\n']}]
    built, dest = tmp_path / 'built.ipynb', tmp_path / 'dest.ipynb'
    built.write_text(json.dumps(nb(('a', 'print(2)', out), ('b', 'x = 1', out))))
    dest.write_text(json.dumps(nb(('a', 'print(2)', []), ('b', 'x = 2', []), ('c', 'new()', []))))  # b edited and c added while the run ran
    nbrun.save_outputs(built, dest)
    got = {c['id']: (''.join(c['source']), c['outputs']) for c in json.loads(dest.read_text())['cells']}
    assert got == {'a': ('print(2)', out), 'b': ('x = 2', []), 'c': ('new()', [])}
