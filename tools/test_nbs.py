#!/usr/bin/env python
"""Run the tests of every notebook in `nbs/` (nbdev's `test_nb`, the same runner as `nbdev_test`), in parallel,
and print one line per notebook and a closing `N passed, M failed` line. Exit status 1 if any notebook failed.

Flagged cells (`#| slow`, `#| browser`, ...; see `tst_flags` in settings.ini) run when named in `--flags`; by default
all of them run (a `browser` cell skips itself with a message where Chromium is absent)."""
import argparse, os, subprocess, sys, tempfile, time, traceback
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def _run(fn:str, skip_flags, force_flags):
    "Test one notebook in a fresh Python process (notebooks must not share state)."
    code = ("import sys; from pathlib import Path; from nbdev.test import test_nb; "
            f"ok, secs = test_nb(Path({fn!r}), skip_flags={skip_flags!r}, force_flags={force_flags!r}, basepath={str(ROOT)!r}); "
            "print(f'@@result {ok} {secs}'); sys.exit(0 if ok else 1)")
    start = time.time()
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=ROOT)
    ok = p.returncode == 0 and '@@result True' in p.stdout
    return fn, ok, time.time() - start, (p.stderr + p.stdout)

def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('paths', nargs='*', help='notebooks to test (default: all of nbs/, recursively)')
    ap.add_argument('--flags', default=None, help='space-separated flags to run (default: every flag in tst_flags)')
    ap.add_argument('--workers', type=int, default=min(os.cpu_count() or 1, 2))
    a = ap.parse_args()
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
    t0, results = time.time(), {}
    with ThreadPoolExecutor(a.workers) as pool:
        futs = [pool.submit(_run, str(f), tst_flags, force) for f in files]
        for fut in as_completed(futs):
            try: fn, ok, secs, err = fut.result()
            except Exception: fn, ok, secs, err = str(files[futs.index(fut)]), False, 0, traceback.format_exc()
            results[fn] = ok
            print(f"{'PASS' if ok else 'FAIL'} {Path(fn).relative_to(ROOT)} ({secs:.1f}s)", flush=True)
            if not ok: print(err[-6000:], flush=True)
    passed = sum(results.values()); failed = len(results) - passed
    print(f"total {time.time()-t0:.0f}s")
    import shutil
    for d in made: shutil.rmtree(d, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
