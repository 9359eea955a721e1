#!/usr/bin/env python
"""Execute notebooks in place so that their examples show real outputs (for the docs and for readers), then
`nbdev_clean` them. Flagged cells run too. Usage: python tools/execute_nbs.py [NOTEBOOK ...] (default: all)."""
import os, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def run(nb:Path):
    t = time.time()
    p = subprocess.run([sys.executable, '-m', 'jupyter', 'nbconvert', '--to', 'notebook', '--execute', '--inplace',
                        '--ExecutePreprocessor.timeout=900', nb.name], cwd=nb.parent, capture_output=True, text=True)
    return nb, p.returncode, time.time() - t, p.stderr[-3000:]

if __name__ == '__main__':
    nbs = [Path(a).resolve() for a in sys.argv[1:]] or sorted(p for p in (ROOT/'nbs').rglob('*.ipynb')
                                                              if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
    os.environ.setdefault('DATACLAW0_HOME', tempfile.mkdtemp(prefix='dataclaw0-exec-'))
    os.environ.setdefault('FIFTYONE_DO_NOT_TRACK', 'true')
    os.environ.setdefault('FIFTYONE_DATABASE_DIR', tempfile.mkdtemp(prefix='dataclaw0-fo-'))
    failed = 0
    with ThreadPoolExecutor(2) as pool:
        for nb, rc, secs, err in pool.map(run, nbs):
            print(f"{'ok ' if rc == 0 else 'ERR'} {nb.relative_to(ROOT)} ({secs:.0f}s)", flush=True)
            if rc: failed += 1; print(err)
    subprocess.run(['nbdev_clean'], cwd=ROOT, check=True)
    sys.exit(1 if failed else 0)
