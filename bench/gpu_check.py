"""GPU checks that CPU tests cannot make: an SFT step (bf16-mixed) and a GRPO step of a tiny Qwen3-VL on CUDA.

    python bench/gpu_check.py      # prints one line per check; each skips cleanly (exit 0) without CUDA
    GPU_CHECK_ON_CPU=1 python bench/gpu_check.py   # the same steps on CPU in fp32 (to debug the script)

The GRPO step uses vLLM rollouts when vLLM is installed (`use_vllm='auto'`), else transformers generation.
"""
import json, sys, tempfile, time, traceback
from pathlib import Path

def main()->int:
    import os, torch
    cpu = os.environ.get('GPU_CHECK_ON_CPU') == '1'  # the same steps on CPU (fp32), to debug this script without a GPU
    if not torch.cuda.is_available() and not cpu:
        print("SKIP sft-bf16: no CUDA device"); print("SKIP grpo-vl: no CUDA device"); return 0
    import datasets
    from PIL import Image
    from dataclaw0.tiny import make_tiny_vl_model
    from dataclaw0.tasks.core import check_streams, get_task
    from dataclaw0.synth import build_messages, pick_frame_times
    from dataclaw0.ingest.core import open_stream
    from dataclaw0.samples.core import bikes_path
    from dataclaw0.train.sft import train_sft
    from dataclaw0.train.grpo import train_grpo
    print("device:", torch.cuda.get_device_name(0) if not cpu else 'cpu', "| torch", torch.__version__)
    tmp = Path(tempfile.mkdtemp()); vl = make_tiny_vl_model(tmp/'vl')
    a = check_streams()['bikes']; v = open_stream(bikes_path()); times = pick_frame_times(a, 2)
    paths = []
    for t, f in zip(times, v.frames(times, (64, 64))):
        p = tmp/f"f{t:.2f}.jpg"; Image.fromarray(f).save(p); paths.append(str(p))
    sp = get_task('video_gen_prompts').spec("prompts")
    msgs = build_messages(sp, a, paths, times, max_anchors=10, frames_as='image')
    msgs = [dict(m, content=[dict(type='text', text=m['content'])]) if isinstance(m['content'], str) else m for m in msgs]
    row = dict(prompt=msgs, completion=[dict(role='assistant', content=[dict(type='text', text=json.dumps(get_task('video_gen_prompts').template(a)))])],
               images=paths, task='video_gen_prompts', anchors=a.model_dump_json(), spec=sp.model_dump_json())
    datasets.DatasetDict(train=datasets.Dataset.from_list([row] * 4)).save_to_disk(str(tmp/'corpus'))
    failed = 0
    try:
        t0 = time.perf_counter()
        run = train_sft(tmp/'corpus', vl, tmp/'sft', max_steps=2, batch_size=2, precision='32-true' if cpu else 'bf16-mixed', accelerator='cpu' if cpu else 'gpu', devices=1, progress=False)
        print(f"OK sft-bf16: 2 steps in {time.perf_counter()-t0:.1f}s -> {run}")
    except Exception: failed += 1; print("FAIL sft-bf16"); traceback.print_exc()
    try:
        t0 = time.perf_counter()
        out = train_grpo(tmp/'corpus', vl, tmp/'grpo', max_steps=1, num_generations=2, per_device_train_batch_size=2,
                         max_completion_length=32, learning_rate=1e-3, rewards=['format', 'grounding', 'efficiency'], use_vllm='auto')
        cfg = json.loads((tmp/'grpo'/'grpo.json').read_text()); hist = json.loads((tmp/'grpo'/'rewards.json').read_text())['history']
        print(f"OK grpo-vl: 1 step in {time.perf_counter()-t0:.1f}s, use_vllm={cfg['use_vllm']}, bf16={cfg['config']['bf16']}, "
              f"rewards={ {k: v for k, v in hist[0].items() if k.endswith('/mean')} } -> {out}")
    except Exception: failed += 1; print("FAIL grpo-vl"); traceback.print_exc()
    return 1 if failed else 0

if __name__ == '__main__': sys.exit(main())
