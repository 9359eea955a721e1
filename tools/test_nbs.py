#!/usr/bin/env python
"""Run the tests of every notebook in `nbs/` (the same runner as `nbdev_test`: nbdev's notebook processor and execnb's
shell), in parallel, and print one line per notebook and a closing `N passed, M failed` line. Exit status 1 if any
notebook failed.

Flagged cells (`#| slow`, `#| browser`, ...; see `tst_flags` in settings.ini) run when named in `--flags`; by default
all of them run. A cell that cannot run here says so in one form, printed by `dataclaw0.samples.core.skip_cell`:

    SKIP [bin:chromium, apt:opencv-doc]: recording a fresh GUI trace

The runner lists every skipped cell by notebook, cell number and what it skipped, and checks the requirements each
names: a cell that skips although all of them are installed fails its notebook (the skip hides a broken check).
Lines of the older ad-hoc form (`skipped: ...`) are listed too, marked as naming no requirement."""
import argparse, json, os, re, subprocess, sys, tempfile, time, traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_RE = re.compile(r'^SKIP \[([^\]]*)\]: (.*)$')

def _legacy_skip(line:str)->bool:
    "An ad-hoc skip message (`skipped: needs ...`, `... missing: ... skipped`), not a log line that mentions skipping."
    low = line.strip().lower()
    return (low.startswith('skipped') or low.endswith('skipped')) and any(k in low for k in ('missing', 'not installed', 'needs'))

def child(fn:str, skip_flags:list[str], force_flags:list[str])->int:
    "In a fresh process: run one notebook like nbdev's `test_nb`, then report its skipped cells as JSON."
    from nbdev.process import NBProcessor
    from nbdev.frontmatter import FrontmatterProc
    from execnb.shell import CaptureShell
    from fastcore.foundation import working_directory
    from fastcore.basics import str2bool
    fn = Path(fn)
    sys.path.insert(0, str(ROOT)); os.environ['IN_TEST'] = '1'
    flags = set(skip_flags) - set(force_flags)
    nb = NBProcessor(fn, procs=FrontmatterProc, process=True).nb
    if str2bool(getattr(nb, 'frontmatter_', {}).get('skip_exec', False)): print('@@result True 0 []'); return 0
    def no_eval(cell):
        if cell.cell_type != 'code': return True
        if 'nbdev_export' + '(' in cell.source: return True
        direc = getattr(cell, 'directives_', {}) or {}
        if direc.get('eval:', [''])[0].lower() == 'false': return True
        return flags & direc.keys()
    start, k, ok = time.time(), CaptureShell(fn), True
    try:
        with working_directory(fn.parent): k.run_all(nb, exc_stop=True, preproc=no_eval)
    except Exception:
        sys.stderr.write(k.prettytb(fname=fn) + '\n'); ok = False
    skips = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != 'code': continue
        text = "".join("".join(o.get('text', '')) for o in cell.get('outputs', []) if o.get('output_type') == 'stream')
        for line in text.splitlines():
            if (m := SKIP_RE.match(line.strip())):
                skips.append(dict(cell=i, what=m.group(2), requires=[r.strip() for r in m.group(1).split(',') if r.strip()]))
            elif _legacy_skip(line):
                skips.append(dict(cell=i, what=line.strip()[:160], requires=None))
    print(f"@@result {ok} {time.time() - start:.1f} {json.dumps(skips)}")
    return 0 if ok else 1

NOTEBOOK_TIMEOUT_S = int(os.environ.get('DC0_NOTEBOOK_TIMEOUT_S', 1800)) # the slowest notebook takes ~5 min on 2 cores

def _run(fn:str, skip_flags, force_flags):
    "Test one notebook in a fresh Python process (notebooks must not share state)."
    cmd = [sys.executable, str(Path(__file__).resolve()), '--child', fn, '--skip-flags', ' '.join(skip_flags), '--flags', ' '.join(force_flags)]
    start = time.time()
    try: p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=NOTEBOOK_TIMEOUT_S)
    except subprocess.TimeoutExpired as e: # a hung notebook fails, it does not stall the whole run
        out = lambda b: b.decode(errors='replace') if isinstance(b, bytes) else (b or '')
        return fn, False, time.time() - start, f"timed out after {NOTEBOOK_TIMEOUT_S} s\n{out(e.stderr)[-3000:]}{out(e.stdout)[-3000:]}", []
    m = re.search(r'^@@result (True|False) \S+ (.*)$', p.stdout, re.M)
    ok = p.returncode == 0 and m is not None and m.group(1) == 'True'
    skips = json.loads(m.group(2)) if m else []
    return fn, ok, time.time() - start, (p.stderr + p.stdout), skips

def wrongly_skipped(skips:list[dict])->list[dict]:
    "The skips whose every named requirement is installed (the check should have run)."
    from dataclaw0.samples.core import missing_requirements
    return [s for s in skips if s['requires'] and not missing_requirements(*s['requires'])]

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('paths', nargs='*', help='notebooks to test (default: all of nbs/, recursively)')
    ap.add_argument('--flags', default=None, help='space-separated flags to run (default: every flag in tst_flags)')
    ap.add_argument('--workers', type=int, default=min(os.cpu_count() or 1, 2))
    ap.add_argument('--child', default=None, help=argparse.SUPPRESS)
    ap.add_argument('--skip-flags', default='', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child: sys.exit(child(a.child, a.skip_flags.split(), (a.flags or '').split()))
    os.chdir(ROOT)
    from nbdev.config import get_config
    tst_flags = get_config().tst_flags.split('|') if '|' in get_config().tst_flags else get_config().tst_flags.split()
    force = tst_flags if a.flags is None else a.flags.split()
    files = [Path(p).resolve() for p in a.paths] if a.paths else sorted(
        p for p in (ROOT/'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
    # one fresh home for generated samples and caches per run, shared by the workers
    made = [] # temporary folders this run creates, removed at the end
    for var, prefix in (('DATACLAW0_HOME', 'dataclaw0-test-'), ('FIFTYONE_DATABASE_DIR', 'dataclaw0-fo-')):
        if var not in os.environ: os.environ[var] = tempfile.mkdtemp(prefix=prefix); made.append(os.environ[var])
    os.environ.setdefault('FIFTYONE_DO_NOT_TRACK', 'true')
    print(f"testing {len(files)} notebooks with {a.workers} workers, flags: {' '.join(force) or 'none'}", flush=True)
    t0, results, all_skips = time.time(), {}, []
    with ThreadPoolExecutor(a.workers) as pool:
        futs = [pool.submit(_run, str(f), tst_flags, force) for f in files]
        for fut in as_completed(futs):
            try: fn, ok, secs, err, skips = fut.result()
            except Exception: fn, ok, secs, err, skips = str(files[futs.index(fut)]), False, 0, traceback.format_exc(), []
            rel = Path(fn).relative_to(ROOT) if Path(fn).is_relative_to(ROOT) else Path(fn)
            wrong = wrongly_skipped(skips) if skips else []
            if wrong: ok = False
            results[fn] = ok
            print(f"{'PASS' if ok else 'FAIL'} {rel} ({secs:.1f}s){f', {len(skips)} skipped cell(s)' if skips else ''}", flush=True)
            for s in skips:
                req = f"[{', '.join(s['requires'])}]" if s['requires'] else "(names no requirement)"
                flag = "  <- its requirements are installed: the check should have run" if s in wrong else ""
                print(f"  skipped {rel} cell {s['cell']}: {s['what']} {req}{flag}", flush=True)
                all_skips.append((str(rel), s))
            if not ok and not wrong: print(err[-6000:], flush=True)
    passed = sum(results.values()); failed = len(results) - passed
    print(f"total {time.time()-t0:.0f}s; {len(all_skips)} skipped cell(s)")
    import shutil
    for d in made: shutil.rmtree(d, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
