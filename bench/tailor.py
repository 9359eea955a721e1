#!/usr/bin/env python
"""Benchmark of the tailoring pipeline (not a test). Prints, from one run on this machine:

1. samples/s of the template backend after anchors (synthesis + verification only), per task;
2. end-to-end streams/min of `tailor` with 1 and 2 workers on the bundled real sample streams repeated to a few
   minutes of input, anchors computed afresh (no cache), and the 2-vs-1 ratio;
3. frame extraction for a tailoring run: the frames every task's samples carry (answer and prompt frames) on the
   video streams, fetched by time through `Stream.frames` (the path `tailor` uses), against one sequential PyAV
   decode of the whole file that keeps the frames nearest the same times; the ratio and the max pixel difference.

Usage: python bench/tailor.py [--repeat 4]
"""
import argparse, os, shutil, tempfile, time, json
from pathlib import Path

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--repeat', type=int, default=4, help='copies of the four sample streams (each set is ~63 s of input)')
    ap.add_argument('--frames-only', action='store_true', help='run only part 3 (frame extraction)')
    a = ap.parse_args()
    os.environ.setdefault('DATACLAW0_HOME', tempfile.mkdtemp(prefix='dc0-bench-home-'))
    from dataclaw0.samples.core import sample_streams
    from dataclaw0.ingest.core import open_stream
    from dataclaw0.anchors.core import extract_anchors
    from dataclaw0.tasks.core import get_task, tasks_for
    from dataclaw0.synth import synthesize
    from dataclaw0.verify import score_output
    from dataclaw0.pipeline import tailor
    samples = sample_streams()
    streams = {n: open_stream(p) for n, p in samples.items()}
    total_s = sum(s.duration_s for s in streams.values())
    print(f"inputs: {', '.join(f'{n} ({s.kind}, {s.duration_s:.1f}s)' for n, s in streams.items())} = {total_s:.1f}s per set")

    if not a.frames_only: synthesis_and_tailor(a, samples, streams, total_s)
    frame_extraction(samples, streams)

def synthesis_and_tailor(a, samples, streams, total_s):
    from dataclaw0.anchors.core import extract_anchors
    from dataclaw0.tasks.core import get_task, tasks_for
    from dataclaw0.synth import synthesize
    from dataclaw0.verify import score_output
    from dataclaw0.pipeline import tailor
    # 1. template synthesis + verification after anchors
    anchors = {n: extract_anchors(s) for n, s in streams.items()}
    print("\n1. template backend after anchors (synthesize + score_output)")
    print(f"{'task':20s} {'samples':>8s} {'samples/s':>10s}")
    for task in sorted({t for s in streams.values() for t in tasks_for(s.kind)}):
        jobs = [(n, s) for n, s in streams.items() if s.kind in get_task(task).kinds]
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 1.0:
            for name, s in jobs:
                res = synthesize(anchors[name], get_task(task).spec(), 'template', stream=s)
                score_output(res.output, task, anchors[name]); n += 1
        print(f"{task:20s} {n:8d} {n/(time.perf_counter()-t0):10.1f}")

    # 2. end to end, 1 vs 2 workers, no anchor cache
    tmp = Path(tempfile.mkdtemp(prefix='dc0-bench-'))
    inbox = tmp/'inbox'; inbox.mkdir()
    for i in range(a.repeat):
        for n, p in samples.items():
            dest = inbox/f"{i}_{n}{Path(p).suffix}"
            shutil.copytree(p, dest) if Path(p).is_dir() else shutil.copy(p, dest)
    intents = "something useful for training a robot or an agent"
    print(f"\n2. end to end: {a.repeat * len(samples)} streams, {a.repeat * total_s / 60:.1f} min of input, anchors not cached")
    rates = {}
    for w in (1, 2):
        t0 = time.perf_counter()
        m = tailor(str(inbox), intents, out=tmp/f'out{w}', workers=w, cache=False, progress=False, max_tasks=2)
        el = time.perf_counter() - t0
        rates[w] = m['inputs'] / el * 60
        print(f"workers={w}: {el:6.1f}s  {rates[w]:6.1f} streams/min  {m['counts']['samples']} samples  "
              f"{a.repeat * total_s / el:5.1f}x real time")
    same = (tmp/'out1'/'samples.jsonl').read_text() == (tmp/'out2'/'samples.jsonl').read_text()
    print(f"ratio 2 workers / 1 worker: {rates[2]/rates[1]:.2f}x (outputs identical: {same}; {os.cpu_count()} CPUs)")
    shutil.rmtree(tmp)

def frame_extraction(samples, streams):
    # 3. frame extraction by time vs one sequential decode
    import av, numpy as np
    from dataclaw0.ingest.core import open_stream
    from dataclaw0.anchors.core import extract_anchors
    from dataclaw0.tasks.core import get_task, tasks_for
    from dataclaw0.synth import pick_frame_times
    from dataclaw0.samples.core import bikes_path
    clips = {n: p for n, p in samples.items() if streams[n].kind == 'video'}
    for f in ('carphone_pristine.mp4', 'bigbuckbunny.mp4'):
        if (bikes_path().parent/f).is_file(): clips[f] = bikes_path().parent/f
    print("\n3. frame extraction (the frames a tailoring run writes) vs a sequential decode")
    print(f"{'clip':22s} {'frames':>6s} {'by time s':>9s} {'sequential s':>12s} {'ratio':>6s} {'max diff':>8s} access")
    for name, path in clips.items():
        s = open_stream(path); an = extract_anchors(s)
        times = sorted({round(t, 3) for task in tasks_for('video') for t in
                        get_task(task).media_times(get_task(task).validate(get_task(task).template(an))) + pick_frame_times(an, 4)})
        t0 = time.perf_counter(); got = s.frames(times); by_time = time.perf_counter() - t0
        t0 = time.perf_counter()
        with av.open(str(path)) as c:
            vs = c.streams.video[0]; frames, pts = [], []
            for fr in c.decode(vs): frames.append(fr.to_ndarray(format='rgb24')); pts.append(float(fr.pts * vs.time_base))
        pts = np.array(pts) - pts[0]
        seq = np.stack([frames[int(np.abs(pts - t).argmin())] for t in times])
        sequential = time.perf_counter() - t0
        diff = float(np.abs(got.astype(int) - seq.astype(int)).max()) if got.shape == seq.shape else float('nan')
        print(f"{name:22s} {len(times):6d} {by_time:9.3f} {sequential:12.3f} {sequential / by_time:6.2f} {diff:8.1f} {s.meta.get('frame_access', '?')}")

if __name__ == '__main__': main()
