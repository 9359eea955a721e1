#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb (Quarto, which `nbdev_readme` needs, cannot be installed here).
Hidden cells (`#| hide`) are dropped and `#|` directive lines removed; outputs are kept. `--check` fails if
README.md is out of date."""
import sys
from pathlib import Path
import nbformat
from nbconvert import MarkdownExporter

ROOT = Path(__file__).resolve().parent.parent

def render()->str:
    nb = nbformat.read(ROOT/'nbs'/'index.ipynb', as_version=4)
    cells = []
    for c in nb.cells:
        lines = c.source.splitlines()
        directives = [l for l in lines if l.startswith('#|')]
        if any(d.replace(' ', '') in ('#|hide', '#|export', '#|exporti', '#|default_exp') or d.startswith('#| default_exp') for d in directives): continue
        if c.cell_type == 'code': c.source = "\n".join(l for l in lines if not l.startswith('#|')).strip()
        if c.cell_type == 'raw': continue
        cells.append(c)
    nb.cells = cells
    nb.metadata['language_info'] = {'name': 'python'}  # fenced code blocks are tagged python
    body, _ = MarkdownExporter().from_notebook_node(nb)
    head = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py; edit the notebook, not this file. -->\n\n"
    return head + body.strip() + "\n"

if __name__ == '__main__':
    text = render()
    if '--check' in sys.argv:
        if (ROOT/'README.md').read_text() != text: sys.exit("README.md is out of date: run python tools/make_readme.py")
        print("README.md is up to date")
    else: (ROOT/'README.md').write_text(text); print("wrote README.md")
