"""README.md from nbs/index.ipynb, offline (nbdev_readme needs Quarto): its prose, its code and the text of what the code showed."""
import json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HIDDEN = re.compile(r'^#\|\s*(hide|include:\s*false)\s*$', re.M)
DIRECTIVE = re.compile(r'^#\|.*\n?', re.M)

def _text(o: dict) -> str:
    "The text of an output: markdown as is, else plain text in a fence ('' for images only)."
    if o['output_type'] == 'stream': return '```\n' + ''.join(o['text']).rstrip('\n') + '\n```'
    d = o.get('data', {})
    if 'text/markdown' in d: return ''.join(d['text/markdown']).strip()
    if 'text/plain' in d and not any(m.startswith('image/') for m in d): return '```\n' + ''.join(d['text/plain']).rstrip('\n') + '\n```'
    return ''

def readme(nb_path: Path) -> str:
    "The notebook as GitHub Markdown."
    parts = []
    for c in json.loads(nb_path.read_text())['cells']:
        src = ''.join(c['source'])
        if HIDDEN.search(src): continue
        if c['cell_type'] == 'markdown': parts.append(src.strip())
        elif c['cell_type'] == 'code':
            code = DIRECTIVE.sub('', src).strip()
            if code: parts.append('```python\n' + code + '\n```')
            parts += [t for t in map(_text, c.get('outputs', [])) if t]
    return '\n\n'.join(p for p in parts if p) + '\n'

def main():
    "Write README.md, or with --check say whether it is current (exit 1 if not)."
    text, dest = readme(ROOT / 'nbs' / 'index.ipynb'), ROOT / 'README.md'
    if '--check' in sys.argv[1:]:
        if dest.read_text() != text: sys.exit('README.md is not what nbs/index.ipynb gives: run `make readme` and commit it')
        return print('readme: README.md is current')
    dest.write_text(text); print('readme: README.md written from nbs/index.ipynb')

if __name__ == '__main__': main()
