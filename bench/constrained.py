"""Overhead of schema-constrained decoding (xgrammar, the `hf` backend's default) on generation speed.

    python bench/constrained.py              # chosen library vs unconstrained, same process, tiny random Qwen3
    python bench/constrained.py --compare    # also outlines and lm-format-enforcer (validity per task schema)

Prints tokens/s per task for unconstrained and constrained greedy decoding and their ratio. A random model is
the worst case for the grammar (every step is masked), and a tiny model is the worst case for the relative
overhead (its forward pass is cheapest), so real models pay less than this.
"""
import argparse, json, statistics, sys, tempfile, time
from pathlib import Path
import torch, transformers as tf
from dataclaw0.tiny import make_tiny_text_model
from dataclaw0.tasks.core import get_task, check_streams, tasks_for, parse_output
from dataclaw0.synth import HFBackend, build_messages, decoding_schema, load_hf

ap = argparse.ArgumentParser(); ap.add_argument('--compare', action='store_true'); ap.add_argument('--max-new-tokens', type=int, default=200)
ap.add_argument('--repeats', type=int, default=2); ap.add_argument('--threads', type=int, default=1)
opt = ap.parse_args()
torch.set_num_threads(opt.threads)
model_dir = make_tiny_text_model(Path(tempfile.mkdtemp())/'tiny')
streams = check_streams()
cases = {}
for name, a in streams.items():
    for t in tasks_for(a.stream_kind): cases.setdefault(t, (a, get_task(t).spec()))
free = HFBackend(model_dir, max_new_tokens=opt.max_new_tokens, constrained=False)
cons = HFBackend(model_dir, max_new_tokens=opt.max_new_tokens, max_string=48, max_items=3)

def run(backend, msgs, schema):
    best = None
    for _ in range(opt.repeats):
        t0 = time.perf_counter(); c = backend.generate(msgs, schema=schema); dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    return c, best

print(f"torch threads={opt.threads}, max_new_tokens={opt.max_new_tokens}, greedy, tiny random Qwen3 ({model_dir})")
print(f"{'task':18s} {'free tok/s':>10s} {'xgr tok/s':>10s} {'ratio':>6s}  valid(free/xgr)")
ratios = []
for t, (a, sp) in sorted(cases.items()):
    msgs = build_messages(sp, a, max_anchors=20)
    cf, tf_ = run(free, msgs, None)
    cc, tc = run(cons, msgs, cons.schema_for(sp, a))
    rf, rc = cf.completion_tokens / tf_, cc.completion_tokens / tc
    ratios.append(rc / rf)
    print(f"{t:18s} {rf:10.1f} {rc:10.1f} {rc/rf:6.2f}  {parse_output(cf.text, t)[0] is not None}/{parse_output(cc.text, t)[0] is not None}")
print(f"constrained / unconstrained tokens/s: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f})")

if opt.compare:
    m = load_hf(model_dir, 'cpu'); model, tok = m['model'], m['tokenizer']
    def gen(msgs, **kw):
        text = tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        inp = tok(text, return_tensors='pt', add_special_tokens=False)
        t0 = time.perf_counter()
        with torch.inference_mode(): out = model.generate(**inp, max_new_tokens=opt.max_new_tokens, do_sample=False, pad_token_id=0,
                                                        temperature=None, top_p=None, top_k=None, **kw)
        new = out[0, inp['input_ids'].shape[1]:]
        return tok.decode(new, skip_special_tokens=True), len(new) / (time.perf_counter() - t0)
    def outlines_kw(schema):
        import outlines, outlines.backends as ob
        p = ob.get_json_schema_logits_processor('outlines_core', outlines.from_transformers(model, tok), json.dumps(schema))
        return dict(logits_processor=tf.LogitsProcessorList([p]))
    def lmfe_kw(schema):  # its transformers integration does not import on transformers 5: rebuild its tokenizer data
        from lmformatenforcer import JsonSchemaParser
        from lmformatenforcer.tokenenforcer import TokenEnforcer, TokenEnforcerTokenizerData
        zero = tok.encode("0")[-1]; regular = []
        for i in range(len(tok)):
            if i in tok.all_special_ids: continue
            a_, b_ = tok.decode([zero, i])[1:], tok.decode([i]); regular.append((i, a_, len(a_) > len(b_)))
        te = TokenEnforcer(TokenEnforcerTokenizerData(regular, lambda ids: tok.decode(ids).rstrip('\ufffd'), tok.eos_token_id, False, len(tok)), JsonSchemaParser(schema))
        return dict(prefix_allowed_tokens_fn=lambda b, s: te.get_allowed_tokens(s.tolist()).allowed_tokens)
    for lib, make in (('outlines', outlines_kw), ('lm-format-enforcer', lmfe_kw)):
        for t, (a, sp) in sorted(cases.items()):
            schema = decoding_schema(get_task(t).json_schema(), 48, 3, float(max(1, round(a.duration_s + 0.5))))
            try:
                t0 = time.perf_counter(); kw = make(schema); ct = time.perf_counter() - t0
                text, rate = gen(build_messages(sp, a, max_anchors=20), **kw)
                print(f"{lib:18s} {t:18s} compile {ct:5.2f}s {rate:7.1f} tok/s valid={parse_output(text, t)[0] is not None} {text[:70]!r}")
            except Exception as e: print(f"{lib:18s} {t:18s} ERROR {type(e).__name__}: {str(e)[:120]}")
