#!/usr/bin/env python
"""Build and check the dataclaw0 documentation site without Quarto (which cannot be installed everywhere).

1. nbdev processes every notebook in `nbs/` into `_proc/` (the same processors as `nbdev_proc_nbs`/`nbdev_docs`:
   `show_doc` rendered as markdown, `#| hide` and `#| export` cells removed, links added), one process per notebook,
   so one broken notebook is named instead of stopping the others;
2. the processed notebooks are cleaned up for mkdocs-jupyter into `_docs/` (front matter -> title and summary,
   `echo: false` + `output: asis` cells -> markdown, other `echo: false` cells -> output only, `#|` lines dropped,
   `{target="_blank"}` link attributes -> HTML, links to the nbdev doc host -> relative links), named like nbdev's
   own pages (`00_core.ipynb` -> `core.html`), and the navigation is generated (home, then one section per layer);
3. mkdocs-material + mkdocs-jupyter (`mkdocs.yml`, strict) build the static site into `docs/`;
4. checks: every notebook has its page, every internal link and anchor resolves, the search index exists and holds
   the API docs, and the API docs of a few key functions are on their pages.

    python tools/docs.py               # build + check (what `bash .ci/docs` runs)
    python tools/docs.py --look        # ... and screenshot the site in headless Chromium into /tmp/docs_shots
    python tools/docs.py --no-build    # only check (and --look at) an existing docs/
    python tools/docs.py --keep-going  # build the site even if some notebooks fail to process (still exits 1)
    python tools/docs.py --serve       # build, then serve on 127.0.0.1:8000 for a local look
    python tools/docs.py --nbdev-exact # run cells mixing imports and code whole, as nbdev_docs/Quarto would

Exits non-zero with a message naming what is wrong; ends with a one-line summary."""
from __future__ import annotations
import argparse, json, logging, os, re, shutil, sys, time, traceback, warnings
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import urlsplit, unquote

ROOT = Path(__file__).resolve().parent.parent
NBS, PROC, STAGE, SITE = ROOT/'nbs', ROOT/'_proc', ROOT/'_docs', ROOT/'docs'
# number prefix (tens) -> nav section; see DESIGN.md's module table
LAYERS = {'0': 'Core', '1': 'Ingest', '2': 'Anchors', '3': 'Tailoring', '4': 'Pipeline', '5': 'Training',
          '6': 'Evaluation', '7': 'Inspection', '8': 'CLI', '9': 'More'}
# (page, text) pairs the API docs must contain: a docstring rendered by show_doc
API_PROBES = [('ingest.core.html', 'open_stream'), ('anchors.core.html', 'extract_anchors')]

class DocsError(Exception): pass

def _say(*a): print(*a, flush=True)

def _rel(p: Path):
    "`p` relative to the repository, for messages."
    try: return p.relative_to(ROOT)
    except ValueError: return p

# ---------------------------------------------------------------------------------------------------------- notebooks
def notebooks() -> list[Path]:
    "Every notebook in nbs/ (recursively), skipping names that start with `_` or `.` (as nbdev does)."
    return sorted(p for p in NBS.rglob('*.ipynb')
                  if not any(part.startswith(('_', '.')) for part in p.relative_to(NBS).parts))

def _imports_only_patch(notes: list):
    """Make nbdev's `exec_show_docs` run only the top-level imports of a cell that mixes imports with other code
    (nbdev runs such cells whole, and a test cell that needs names from earlier cells then fails the docs build);
    export, exec_doc and show_doc cells run as in nbdev. Each such cell is recorded in `notes`."""
    import ast, nbdev.processors as P
    orig, keep = P.exec_show_docs.__call__, {'export', 'exports', 'exporti', 'exec_doc'}
    def __call__(self, cell):
        trees = cell.parsed_() if cell.cell_type == 'code' and cell.get('source') else None
        if not trees or (cell.directives_.keys() & keep) or P._show_docs(trees): return orig(self, cell)
        imports = [ast.get_source_segment(cell.source, t) for t in trees if isinstance(t, (ast.Import, ast.ImportFrom))]
        if len(imports) == len(trees) or not P._do_eval(cell): return orig(self, cell)
        notes.append(f"cell {cell.idx_}: {cell.source.strip().splitlines()[0][:80]}")
        src = cell.source
        cell.set_source('\n'.join(imports))
        try: return orig(self, cell)
        finally: cell.set_source(src)
    P.exec_show_docs.__call__ = __call__

def _proc_one(src: str, dst: str, exact: bool) -> tuple[str, str | None, list[str]]:
    "Run nbdev's docs processors on one notebook (in a worker process); return (src, error or None, notes, secs)."
    t0 = time.time()
    os.chdir(ROOT)
    import nbdev.serve_drv
    from nbdev.processors import FilterDefaults
    notes = []
    if not exact: _imports_only_patch(notes)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try: nbdev.serve_drv.main((Path(src), Path(dst), FilterDefaults)); err = None
        except BaseException as e:
            err = str(e) if type(e) is Exception else f"{type(e).__name__}: {e}"
            if e.__cause__ is not None:  # exec_show_docs raises "Error in cell ..." from the cell's exception
                err += '\n' + ''.join(traceback.format_exception_only(type(e.__cause__), e.__cause__)).strip()
    if exact: notes = [str(w.message).split('---')[1].strip().splitlines()[0][:80] for w in caught
                       if 'imports and other code' in str(w.message) and '---' in str(w.message)]
    return src, err, notes, time.time() - t0

def _hash(*files: Path) -> str:
    import hashlib
    h = hashlib.sha256()
    for f in files:
        if f.exists(): h.update(f.name.encode()); h.update(f.read_bytes())
    return h.hexdigest()[:16]

def _lib_hash() -> str:
    "Content hash of what a processed notebook depends on besides itself: the library, settings.ini, this script."
    return _hash(ROOT/'settings.ini', Path(__file__), *sorted((ROOT/'dataclaw0').rglob('*.py')))

def process(nbs: list[Path], force=False, exact=False) -> dict[Path, str]:
    "nbdev-process `nbs` into _proc/ (skipping ones whose content and library are unchanged); return failures."
    # per notebook: content hashes, seconds and notes of its last processing
    state_f = PROC/'.docs_state.json'
    try: state = json.loads(state_f.read_text())
    except Exception: state = {}
    key = lambda nb: nb.relative_to(NBS).as_posix()
    lib, todo, hashes = _lib_hash(), [], {}
    for nb in nbs:
        dst = PROC/nb.relative_to(NBS)
        hashes[nb] = _hash(nb)
        old = state.get(key(nb), {})
        if force or not dst.exists() or old.get('src') != hashes[nb] or old.get('lib') != lib or old.get('exact') != exact:
            todo.append((nb, dst))
        dst.parent.mkdir(parents=True, exist_ok=True)
    # longest first, so the slow ones do not finish last
    todo.sort(key=lambda sd: -state.get(key(sd[0]), {}).get('secs', 0))
    failures = {}
    if todo:
        _say(f"== nbdev: processing {len(todo)} of {len(nbs)} notebooks into _proc/")
        # a fresh process per notebook: exec_show_docs runs the notebook's export and import cells, and a second
        # notebook in the same process would re-register its registries' entries
        with ProcessPoolExecutor(min(len(todo), os.cpu_count() or 1), mp_context=get_context('spawn'),
                                 max_tasks_per_child=1) as pool:
            futs = [pool.submit(_proc_one, str(s), str(d), exact) for s, d in todo]
            for (s, d), fut in zip(todo, futs):
                try: _, err, notes, secs = fut.result()
                except Exception as e: err, notes, secs = f"worker died: {e!r}", [], 0
                state[key(s)] = {'secs': round(secs, 2), 'notes': notes, 'src': None if err else hashes[s], 'lib': lib,
                                 'exact': exact}
                if secs > 10: _say(f"   slow: {_rel(s)} took {secs:.0f}s")
                if err: failures[s] = err; d.unlink(missing_ok=True)
        state_f.write_text(json.dumps(state, indent=1))
    mixed = {key(nb): state[key(nb)]['notes'] for nb in nbs if state.get(key(nb), {}).get('notes')}
    if mixed:
        _say(f"   note: {sum(map(len, mixed.values()))} cells in {len(mixed)} notebooks mix imports with other code; "
             + ("nbdev ran them whole" if exact else "only their imports ran here, but nbdev_docs (the Quarto "
                "deploy) runs them whole (see nbdev's FAQ; --nbdev-exact to do the same):"))
        for rel, notes in mixed.items(): _say(f"     nbs/{rel}: " + '; '.join(notes))
    return failures

# --------------------------------------------------------------------------------------------------------- staging
_re_dir = re.compile(r'^#\|\s*([\w-]+)\s*:?\s*(.*?)\s*$')
_re_attr_link = re.compile(r'\[([^\]\n]*)\]\(([^)\s]+)\)\{([^}\n]*)\}')

def _directives(src: str) -> tuple[dict[str, str], str]:
    "The `#| key: value` lines at the top of a cell, and the source without any `#|` lines."
    d, lines = {}, src.splitlines()
    for l in lines:
        if not l.startswith('#|'): break
        m = _re_dir.match(l)
        if m: d[m.group(1).lower()] = m.group(2).lower()
    return d, '\n'.join(l for l in lines if not l.lstrip().startswith('#|')).strip('\n')

def _fix_markdown(md: str, host: str, up: str) -> str:
    "Links with Quarto attributes -> HTML anchors; links to the nbdev doc host -> relative (`up` is '../' * depth)."
    def attr_link(m):
        text, url, attrs = m.groups()
        attrs = ' '.join(a for a in re.findall(r'[\w-]+="[^"]*"', attrs))
        return f'<a href="{url}" {attrs}>{text}</a>'
    md = _re_attr_link.sub(attr_link, md)
    md = md.replace('{target="_blank"}', '')
    def local_link(m):  # [x](other.ipynb#a) -> [x](other.html#a), as Quarto does
        url = m.group(2); parts = urlsplit(url)
        if parts.scheme or url.startswith(('#', '/')) or not parts.path.endswith(('.ipynb', '.md')): return m.group(0)
        from nbdev.doclinks import _nbpath2html
        new = _nbpath2html(Path(parts.path)).as_posix() if parts.path.endswith('.ipynb') else parts.path[:-3] + '.html'
        return f"{m.group(1)}({new}{'#' + parts.fragment if parts.fragment else ''})"
    md = re.sub(r'(\[[^\]\n]*\])\(([^)\s]+)\)', local_link, md)
    if host: md = re.sub(re.escape(host) + r'/?', up, md)
    return md

def _src(cell) -> str:
    s = cell.get('source', '')
    return ''.join(s) if isinstance(s, list) else (s or '')

def _md_cell(text: str) -> dict: return {'cell_type': 'markdown', 'metadata': {}, 'source': text}

def clean_nb(nb: dict, host: str, up: str) -> tuple[dict, dict]:
    "Turn an nbdev-processed notebook into one mkdocs-jupyter renders cleanly; return it and its front matter."
    import yaml
    fm, cells = {}, []
    for cell in nb['cells']:
        src, kind = _src(cell), cell['cell_type']
        if kind == 'raw':
            m = re.match(r'^\s*---\n(.*?)\n---\s*$', src, re.S)
            if m and not fm:
                fm = yaml.safe_load(m.group(1)) or {}
                continue
            if not src.strip(): continue
        if kind == 'markdown':
            if not src.strip() or re.fullmatch(r'\s*<!--.*?-->\s*', src, re.S): continue
            cells.append(_md_cell(_fix_markdown(src, host, up)))
            continue
        if kind != 'code': cells.append(cell); continue
        d, body = _directives(src)
        if 'hide' in d or d.get('include') == 'false': continue
        outs = cell.get('outputs', [])
        if d.get('output') == 'false': outs = []
        for o in outs:  # links inside markdown outputs (show_doc, Markdown(...))
            md = o.get('data', {}).get('text/markdown')
            if md is not None: o['data']['text/markdown'] = _fix_markdown(''.join(md), host, up)
        echo = d.get('echo', 'true') != 'false'
        if not echo and d.get('output') == 'asis':  # show_doc: the markdown is the content
            for o in outs:
                data = o.get('data', {})
                if 'text/markdown' in data: cells.append(_md_cell(data['text/markdown']))
                elif 'text/plain' in data: cells.append(_md_cell('```\n' + ''.join(data['text/plain']) + '\n```'))
                elif o.get('output_type') == 'stream': cells.append(_md_cell(''.join(o.get('text', ''))))
            continue
        if not body.strip() and not outs: continue
        new = dict(cell, source=body, outputs=outs, metadata=dict(cell.get('metadata', {})))
        if not echo or not body.strip():
            if not outs: continue
            new['metadata']['tags'] = sorted(set(new['metadata'].get('tags', [])) | {'dc0_hide_input'})
        cells.append(new)
    title, desc = fm.get('title'), fm.get('description')
    head = ([f"# {title}"] if title else []) + ([f"> {' '.join(str(desc).split())}"] if desc else [])
    if head: cells.insert(0, _md_cell('\n\n'.join(head)))
    nb = dict(nb, cells=cells, nbformat=4, nbformat_minor=max(5, nb.get('nbformat_minor', 5)))
    nb['metadata'] = {k: v for k, v in nb.get('metadata', {}).items() if k in ('kernelspec', 'language_info')}
    nb['metadata'].setdefault('kernelspec', {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'})
    nb['metadata'].setdefault('language_info', {'name': 'python'})
    return nb, fm

def page_name(nb: Path) -> str:
    "nbdev's page name for a notebook: `nbs/10_ingest.video.ipynb` -> `ingest.video.html` (as Quarto names it)."
    from nbdev.doclinks import _nbpath2html
    return _nbpath2html(nb.relative_to(NBS)).as_posix()

def stage(nbs: list[Path]) -> tuple[list, dict[Path, str]]:
    "Write the cleaned notebooks (and nbs/ assets) into _docs/; return the nav and {notebook: page}."
    from nbdev.config import get_config
    cfg = get_config()
    host = (cfg.get('doc_host', '').rstrip('/') + cfg.get('doc_baseurl', '')).rstrip('/') if cfg.get('doc_host') else ''
    shutil.rmtree(STAGE, ignore_errors=True); STAGE.mkdir()
    pages, entries = {}, []
    for nb in nbs:
        src = PROC/nb.relative_to(NBS)
        page = page_name(nb)
        if page in pages.values():
            other = next(k for k, v in pages.items() if v == page)
            raise DocsError(f"{_rel(nb)} and {_rel(other)} both render to {page}: rename one")
        pages[nb] = page
        up = '../' * page.count('/')
        if src.exists(): data, fm = clean_nb(json.loads(src.read_text(encoding='utf-8')), host, up)
        else:  # failed to process (--keep-going): show the raw notebook, or a stub, with a warning
            try: data, fm = clean_nb(json.loads(nb.read_text(encoding='utf-8')), host, up)
            except Exception as e:
                data, fm = clean_nb({'cells': [], 'metadata': {}}, host, up)
                data['cells'] = [_md_cell(f"# {nb.stem}\n\nThis notebook could not be read: `{type(e).__name__}: {e}`")]
            data['cells'].insert(0, _md_cell('<div class="admonition failure"><p class="admonition-title">nbdev could '
                                             'not process this notebook; it is shown as it is</p></div>'))
        for i, c in enumerate(data['cells']): c['id'] = f'c{i}'
        out = STAGE/Path(page).with_suffix('.ipynb')
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding='utf-8')
        entries.append((nb, out.relative_to(STAGE).as_posix(), str(fm.get('title') or Path(page).stem)))
    # assets next to the notebooks (images, data the pages link to; not the jupytext sources); .md files are pages
    for f in sorted(NBS.rglob('*')):
        rel = f.relative_to(NBS)
        if (not f.is_file() or f.suffix in ('.ipynb', '.py') or f.name.endswith('~')
                or any(p.startswith(('_', '.')) for p in rel.parts)): continue
        (STAGE/rel).parent.mkdir(parents=True, exist_ok=True); shutil.copy2(f, STAGE/rel)
        if f.suffix == '.md':  # links to notebooks -> their staged names, which mkdocs resolves and checks
            from nbdev.doclinks import _nbpath2html
            (STAGE/rel).write_text(re.sub(r'(\]\()([^)\s:#]+)\.ipynb(?=[)#])',
                lambda m: m.group(1) + _nbpath2html(Path(m.group(2) + '.ipynb')).with_suffix('.ipynb').as_posix(),
                f.read_text(encoding='utf-8')), encoding='utf-8')
            title = next((l[2:].strip() for l in f.read_text(encoding='utf-8').splitlines() if l.startswith('# ')), f.stem)
            entries.append((f, rel.as_posix(), title)); pages[f] = rel.with_suffix('.html').as_posix()
    (STAGE/'assets').mkdir(exist_ok=True)
    (STAGE/'assets'/'dc0.css').write_text(CSS)
    return make_nav(entries), pages

def make_nav(entries) -> list:
    "Home first, then the numbered notebooks by layer, then other top-level notebooks, then one section per folder."
    nav, sections, other, folders = [], {}, [], {}
    for nb, page, title in entries:
        rel = nb.relative_to(NBS)
        if len(rel.parts) > 1: folders.setdefault(rel.parts[0], []).append((rel, {title: page})); continue
        if rel.name == 'index.ipynb': nav.insert(0, {'Home': page}); continue
        m = re.match(r'^(\d)\d', rel.name)
        if m: sections.setdefault(LAYERS[m.group(1)], []).append((rel, {title: page}))
        else: other.append((rel, {title: page}))  # unnumbered top-level notebooks go last, under "More"
    if other: sections['More'] = sections.get('More', []) + sorted(other, key=lambda x: x[0].name)
    for name in LAYERS.values():
        if name in sections: nav.append({name: [e for _, e in sorted(sections[name], key=lambda x: (not x[0].name[:1].isdigit(), x[0].name))]})
    for folder in sorted(folders, key=lambda f: (f != 'tutorials', f)):
        nav.append({folder.replace('_', ' ').title(): [e for _, e in sorted(folders[folder], key=lambda x: x[0])]})
    return nav

CSS = """/* dataclaw0 docs: small touches for nbdev-style pages rendered by mkdocs-jupyter */
.md-grid { max-width: 88rem; }  /* room for code, tables and image grids */
.jupyter-wrapper .jp-RenderedMarkdown blockquote, .md-typeset blockquote { color: var(--md-default-fg-color--light); }
.jupyter-wrapper .jp-RenderedMarkdown h3 code, .jupyter-wrapper .jp-RenderedMarkdown h4 code { font-size: 0.9em; }
.jupyter-wrapper .jp-RenderedMarkdown hr { margin: 1.6em 0 0.4em 0; }
.jupyter-wrapper .jp-RenderedMarkdown a[target="_blank"] { float: right; font-size: smaller; }
"""

# ------------------------------------------------------------------------------------------- mkdocs hook (mkdocs.yml)
# mkdocs.yml loads this file as a hook module. mkdocs-jupyter builds the page's table of contents with Python-Markdown
# slugs but nbconvert writes other ids into the HTML (and drops dots: `AnchorExpert.params` -> `anchorexpertparams`),
# so sidebar links miss and nbdev's links (`schema.html#stream`) miss. Rewrite every heading id of a notebook page
# the way pandoc (Quarto, nbdev's own site) writes them, and build the table of contents from those headings.
_re_heading = re.compile(r'<h([1-6])((?:\s[^>]*?)?)\sid="([^"]*)"([^>]*)>(.*?)</h\1>', re.S)

def pandoc_id(text: str) -> str:
    "pandoc's auto identifier: keep alphanumerics, `_`, `-`, `.`; spaces -> `-`; lower case; start at the first letter."
    s = ''.join(c for c in text.strip() if c.isalnum() or c in '_-. \n').lower()
    s = re.sub(r'\s+', '-', s)
    m = re.search(r'[^\W\d_]', s)
    return s[m.start():] if m else 'section'

def _nest(flat: list[tuple[int, str, str]]) -> list[dict]:
    root, stack = [], []
    for level, id_, name in flat:
        tok = {'level': level, 'id': id_, 'name': name, 'children': []}
        while stack and stack[-1]['level'] >= level: stack.pop()
        (stack[-1]['children'] if stack else root).append(tok); stack.append(tok)
    return root

def on_page_content(html, page, config, files, **kw):
    if not page.file.src_uri.endswith('.ipynb'): return html
    import html as h
    from mkdocs.structure.toc import get_toc
    depth = next((p.config.get('toc_depth', 6) for n, p in config['plugins'].items() if 'jupyter' in n), 6)
    seen, flat = {}, []
    def fix(m):
        level, pre, old, post, inner = m.groups()
        text = _plain(re.sub(r'<a class="anchor-link".*?</a>', '', inner, flags=re.S))
        new = pandoc_id(text)
        n = seen.get(new, 0); seen[new] = n + 1
        if n: new = f"{new}-{n}"
        inner = inner.replace(f'href="#{old}"', f'href="#{new}"')
        if int(level) <= depth: flat.append((int(level), new, h.escape(text)))
        return f'<h{level}{pre} id="{new}"{post}>{inner}</h{level}>'
    html = _re_heading.sub(fix, html)
    page.toc = get_toc(_nest(flat))
    # nbconvert's permalinks styled and skipped by search like Material's own; keep prompts and the copy buttons'
    # hidden text out of the search index
    html = html.replace('<a class="anchor-link"', '<a class="headerlink"')
    html = re.sub(r'<(div|span) class="(clipboard-copy-txt|notice|jp-InputPrompt[^"]*|jp-OutputPrompt[^"]*)"',
                  r'<\1 data-search-exclude class="\2"', html)
    return html

def fix_method_links(site: Path) -> int:
    """nbdev links `Class.method` to `page.html#class.method`, an id that only exists when the method has its own
    `show_doc`; point such links at the class instead (Quarto silently lands at the top of the page)."""
    cache, fixed = {}, 0
    for page in sorted(site.rglob('*.html')):
        text = page.read_text(encoding='utf-8')
        def sub(m):
            nonlocal fixed
            url = m.group(1); parts = urlsplit(url)
            if parts.scheme or '.' not in parts.fragment: return m.group(0)
            target = page if not parts.path else (page.parent/unquote(parts.path)).resolve()
            if not target.is_file(): return m.group(0)
            ids = _parse(target, cache).ids
            frag = parts.fragment
            while '.' in frag and frag not in ids: frag = frag.rsplit('.', 1)[0]
            if frag == parts.fragment or frag not in ids: return m.group(0)
            fixed += 1
            return f'href="{url.split("#")[0]}#{frag}"'
        new = re.sub(r'href="([^"#]*#[^"]+)"', sub, text)
        if new != text: page.write_text(new, encoding='utf-8')
    return fixed

# ------------------------------------------------------------------------------------------------------------- build
def mkdocs_build(nav: list):
    "`mkdocs build --strict` with the generated nav (mkdocs.yml holds everything else)."
    from mkdocs.config import load_config
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError
    log = logging.getLogger('mkdocs')
    if not log.handlers:
        h = logging.StreamHandler(sys.stdout); h.setFormatter(logging.Formatter('   mkdocs %(levelname)s: %(message)s'))
        log.addHandler(h); log.setLevel(logging.WARNING)
    _say("== mkdocs build --strict -> docs/")
    try: build(load_config(str(ROOT/'mkdocs.yml'), nav=nav, strict=True))
    except (Abort, ConfigurationError) as e: raise DocsError(f"mkdocs build failed: {e}") from None

# ------------------------------------------------------------------------------------------------------------- check
class _Links(HTMLParser):
    "Collects the ids of a page and the links (href/src) it makes."
    def __init__(self):
        super().__init__(convert_charrefs=True); self.ids, self.links = set(), []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ('id', 'name') if tag in ('a',) else ('id',):
            if a.get(k): self.ids.add(a[k])
        for k in ('href', 'src'):
            if a.get(k) is not None and not (tag == 'link' and a.get('rel') in ('preconnect', 'dns-prefetch')):
                self.links.append((tag, a[k]))
    handle_startendtag = handle_starttag

def _parse(path: Path, cache: dict) -> _Links:
    if path not in cache:
        p = _Links(); p.feed(path.read_text(encoding='utf-8', errors='replace')); cache[path] = p
    return cache[path]

def _site_prefix() -> str:
    "The path part of mkdocs.yml's site_url (`/dataclaw0/`): root-absolute links (404.html) start with it."
    import yaml
    try: url = yaml.load((ROOT/'mkdocs.yml').read_text(), Loader=yaml.BaseLoader).get('site_url', '')
    except Exception: url = ''
    return (urlsplit(url).path or '/').rstrip('/') + '/'

def check_links(site: Path) -> tuple[int, list[str]]:
    "Every internal href/src in the site's HTML points at an existing file, and every #anchor at an existing id."
    cache, bad, checked, prefix = {}, [], set(), _site_prefix()
    for page in sorted(site.rglob('*.html')):
        for tag, url in _parse(page, cache).links:
            parts = urlsplit(url)
            if parts.scheme or url.startswith('//') or not url.strip(): continue  # external, data:, mailto:...
            path = unquote(parts.path)
            if path.startswith('/'): target = (site/path[len(prefix):]).resolve() if path.startswith(prefix) else Path('/nonexistent')
            else: target = page.resolve() if not path else (page.parent/path).resolve()
            if path.endswith('/') or target.is_dir(): target = target/'index.html'
            key = (str(target), parts.fragment)
            checked.add(key)
            rel = page.relative_to(site)
            if not target.exists() or site.resolve() not in [target, *target.parents]:
                bad.append(f"{rel}: <{tag}> {url} -> missing file"); continue
            if parts.fragment and target.suffix == '.html' and unquote(parts.fragment) not in _parse(target, cache).ids:
                bad.append(f"{rel}: <{tag}> {url} -> no id '{unquote(parts.fragment)}' in {target.relative_to(site.resolve())}")
    return len(checked), sorted(set(bad))

def check(pages: dict[Path, str], site: Path = SITE) -> tuple[int, int]:
    "All checks on the built site; raise DocsError listing every problem; return (pages, links checked)."
    if not (site/'index.html').exists(): raise DocsError(f"{_rel(site)}/index.html is missing: build the site first")
    problems = [f"{_rel(nb)}: no page {page} in docs/" for nb, page in pages.items() if not (site/page).exists()]
    n_links, bad = check_links(site)
    problems += bad
    idx = site/'search'/'search_index.json'
    if not idx.exists(): problems.append("docs/search/search_index.json is missing (search plugin off?)")
    else:
        docs = json.loads(idx.read_text(encoding='utf-8')).get('docs', [])
        if not docs: problems.append("the search index is empty")
        for page, word in API_PROBES:
            if (site/page).exists() and not any(d['location'].startswith(page) and word in d.get('text', '') + d.get('title', '') for d in docs):
                problems.append(f"search index has no entry for {word} on {page}")
    for page, word in API_PROBES:
        f = site/page
        if not f.exists(): problems.append(f"API page {page} (for {word}) is missing"); continue
        html = f.read_text(encoding='utf-8')
        if f'id="{word}"' not in html.lower() and f"id='{word}'" not in html.lower():
            problems.append(f"{page}: no API heading for {word} (show_doc output missing?)")
        doc = _docstring(word)
        if doc and _plain(doc) not in _plain(html): problems.append(f"{page}: the docstring of {word} is not on the page: {doc!r}")
    if problems:
        raise DocsError(f"{len(problems)} problem(s) in the built site:\n  " + '\n  '.join(problems[:200]))
    return len(list(site.rglob('*.html'))), n_links

def undocumented() -> list[str]:
    "Exported classes and functions without a docstring of their own (show_doc then shows the base class's)."
    import importlib, inspect
    try: syms = importlib.import_module('dataclaw0._modidx').d['syms']
    except Exception: return []
    out = []
    for modname, entries in syms.items():
        try: mod = importlib.import_module(modname)
        except Exception: continue
        for full in entries:
            name = full[len(modname) + 1:]
            if '.' in name or name.startswith('_'): continue
            obj = getattr(mod, name, None)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and not (obj.__dict__.get('__doc__') if inspect.isclass(obj) else obj.__doc__):
                out.append(full)
    if out: _say(f"   note: {len(out)} exported names have no docstring of their own (the docs show the base "
                 f"class's, or nothing): " + ', '.join(out))
    return out

def _plain(s: str) -> str:
    import html as h
    return ' '.join(h.unescape(re.sub(r'<[^>]+>', '', s)).replace('`', '').split())

def _docstring(name: str) -> str | None:
    "The first line of the docstring of the exported symbol `name` (found through nbdev's index), or None."
    try:
        import importlib
        syms = importlib.import_module('dataclaw0._modidx').d['syms']
        for modname, entries in syms.items():
            if f'{modname}.{name}' in entries:
                doc = getattr(importlib.import_module(modname), name).__doc__
                return doc.strip().splitlines()[0] if doc and doc.strip() else None
    except Exception: return None

# -------------------------------------------------------------------------------------------------------------- look
SHOTS = Path('/tmp/docs_shots')

def look(site: Path = SITE, out: Path = SHOTS) -> list[Path] | None:
    "Screenshot the home page, an API page and the search results for 'open_stream' in headless Chromium."
    chromium = next(filter(None, map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome',
                                                     'google-chrome-stable'))), None)
    if not chromium: _say("   look: skipped (no chromium or google-chrome on PATH)"); return None
    try: from playwright.sync_api import sync_playwright
    except ImportError: _say("   look: skipped (playwright is not installed)"); return None
    import http.server, socketserver, threading, functools
    out.mkdir(parents=True, exist_ok=True)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(site))
    httpd = socketserver.ThreadingTCPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    api = next((p for p, _ in API_PROBES if (site/p).exists()), None) or 'index.html'
    shots, problems = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=['--no-sandbox', '--headless', '--disable-gpu',
                '--disable-background-networking', '--disable-component-update', '--no-first-run'])
            page = browser.new_page(viewport={'width': 1400, 'height': 1000})
            errors = []
            page.on('pageerror', lambda e: errors.append(str(e)))
            tutorial = next(iter(sorted(site.glob('tutorials/*.html'))), None)
            targets = [('home', 'index.html'), ('api', api), ('api_video', 'ingest.video.html')]
            if tutorial: targets.append(('tutorial', tutorial.relative_to(site).as_posix()))
            for name, url in targets:
                if not (site/url).exists(): continue
                page.goto(base + url, wait_until='networkidle')
                broken = page.evaluate("[...document.images].filter(i => !i.complete || i.naturalWidth == 0).map(i => i.src.slice(0, 80))")
                if broken: problems.append(f"{url}: {len(broken)} images do not load: {broken[:3]}")
                shots.append(out/f'{name}.png'); page.screenshot(path=str(shots[-1]), full_page=False)
                shots.append(out/f'{name}_full.png'); page.screenshot(path=str(shots[-1]), full_page=True)
            page.goto(base + 'index.html?q=open_stream', wait_until='networkidle')
            try: page.wait_for_selector('.md-search-result__item', timeout=10_000)
            except Exception: problems.append("search for 'open_stream' showed no results")
            shots.append(out/'search.png'); page.screenshot(path=str(shots[-1]))
            if errors: problems.append("JavaScript errors: " + '; '.join(errors[:5]))
            browser.close()
    finally: httpd.shutdown()
    _say(f"   look: {len(shots)} screenshots in {out}")
    if problems: raise DocsError('look: ' + '; '.join(problems))
    return shots

# -------------------------------------------------------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--look', action='store_true', help='also screenshot the site into /tmp/docs_shots (needs chromium)')
    ap.add_argument('--no-build', action='store_true', help='check an existing docs/ without building it')
    ap.add_argument('--keep-going', action='store_true', help='build even if some notebooks fail to process')
    ap.add_argument('--force', action='store_true', help='reprocess every notebook (ignore _proc/)')
    ap.add_argument('--serve', action='store_true', help='after building, serve the site on 127.0.0.1:8000 '
                    '(live reload of _docs/; rerun to pick up notebook changes)')
    ap.add_argument('--nbdev-exact', action='store_true', help="run cells that mix imports and code whole, as "
                    "nbdev_docs does (default: only their imports)")
    a = ap.parse_args(argv)
    os.chdir(ROOT); sys.path.insert(0, str(ROOT))
    t0 = time.time()
    nbs = notebooks()
    if not nbs: _say("docs: no notebooks in nbs/"); return 1
    failures, problem, n_pages, n_links = {}, None, 0, 0
    try:
        if a.no_build: pages = {nb: page_name(nb) for nb in nbs}
        else:
            failures = process(nbs, force=a.force, exact=a.nbdev_exact)
            if failures:
                msg = '\n'.join(f"-- {_rel(nb)}:\n   " + err.strip().replace('\n', '\n   ') for nb, err in failures.items())
                _say(f"docs: nbdev could not process {len(failures)} notebook(s) (nbdev_docs, the Quarto deploy, "
                     f"would fail the same way):\n{msg}")
                if not a.keep_going: _say("docs: FAILED (--keep-going builds the rest)"); return 1
            nav, pages = stage(nbs)
            mkdocs_build(nav)
            fix_method_links(SITE)
            undocumented()
            if a.serve:
                from mkdocs.commands.serve import serve
                serve(config_file=str(ROOT/'mkdocs.yml'), nav=nav, strict=False); return 0
        n_pages, n_links = check(pages)
    except DocsError as e: problem = str(e)
    if a.look and (SITE/'index.html').exists():
        try: look()
        except DocsError as e: problem = (problem + '\n' if problem else '') + str(e)
    if problem: _say(f"docs: FAILED: {problem}"); return 1
    status = f'FAILED ({len(failures)} notebooks could not be processed)' if failures else 'ok'
    _say(f"docs: {status}: {n_pages} HTML pages from {len(pages)} notebooks and pages, {n_links} links checked, "
         f"{time.time()-t0:.1f}s -> docs/")
    return 1 if failures else 0

if __name__ == '__main__': sys.exit(main())
