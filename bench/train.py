#!/usr/bin/env python
"""Benchmark of the training and inference paths (not a test). Prints, from one run on this machine:

1. SFT tokens/s of the Lightning module (`dataclaw0.train.sft`) against a plain PyTorch loop on the same model,
   the same batches, the same optimiser and the same loss (`answer_loss`), and the overhead ratio (Lightning / plain);
   and the plain loop with the model's own loss (vocabulary logits at every position), the gain of `answer_loss`;
2. `hf` backend generation: samples/s batched (one `generate` call over N prompts) against one prompt at a time,
   on the same model, greedy, the same token budget.

The model is a small random Qwen3 (`dataclaw0.tiny`) and the batches are real corpus prompts (template outputs on the
bundled streams), so the numbers measure the plumbing, not a model's quality.

Usage: python bench/train.py [--steps 20] [--batch 4] [--prompts 8] [--new-tokens 64]
"""
import argparse, json, os, tempfile, time
from pathlib import Path

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--steps', type=int, default=20, help='optimiser steps per side')
    ap.add_argument('--batch', type=int, default=4, help='examples per step')
    ap.add_argument('--prompts', type=int, default=8, help='prompts for the generation comparison')
    ap.add_argument('--new-tokens', type=int, default=64, help='tokens generated per prompt')
    a = ap.parse_args()
    os.environ.setdefault('DATACLAW0_HOME', tempfile.mkdtemp(prefix='dc0-bench-home-'))
    import torch, datasets, lightning as L
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from dataclaw0.tiny import make_tiny_text_model
    from dataclaw0.tasks.core import check_streams, get_task, tasks_for
    from dataclaw0.synth import build_messages
    from dataclaw0.train.sft import encode_example, collate, sft_classes, answer_loss

    tmp = Path(tempfile.mkdtemp(prefix='dc0-bench-train-'))
    rows = []
    for name, anchors in check_streams().items():
        for t in tasks_for(anchors.stream_kind):
            td = get_task(t)
            rows.append(dict(prompt=build_messages(td.spec(f"make {t} data"), anchors, max_anchors=30),
                             completion=[dict(role='assistant', content=json.dumps(td.template(anchors)))], task=t, stream=anchors.stream_id))
    datasets.DatasetDict(train=datasets.Dataset.from_list(rows)).save_to_disk(str(tmp/'corpus'))
    model_dir = make_tiny_text_model(tmp/'model', hidden_size=128, num_layers=4, intermediate_size=384, vocab_size=2048,
                                     texts=[r['completion'][0]['content'] for r in rows])
    tok = AutoTokenizer.from_pretrained(model_dir)
    enc = [e for r in rows if (e := encode_example(tok, r['prompt'], r['completion'], max_length=2048)) is not None]
    batches = [collate(enc[i % len(enc): i % len(enc) + a.batch] or enc[:a.batch], tok.pad_token_id) for i in range(0, a.steps * a.batch, a.batch)]
    tokens = sum(int(b['attention_mask'].sum()) for b in batches)
    print(f"{len(enc)} examples, {a.steps} steps of {a.batch}, {tokens} tokens per side; threads={torch.get_num_threads()}")

    # 1a. plain PyTorch loops: the model's own loss (logits at every position), and `answer_loss` (the module's loss:
    # logits only where an answer token follows)
    def plain_loop(loss_fn):
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_pretrained(model_dir); model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        t0 = time.perf_counter()
        for b in batches:
            loss = loss_fn(model, b); loss.backward(); opt.step(); opt.zero_grad()
        return model, tokens / (time.perf_counter() - t0)
    _, plain_full = plain_loop(lambda m, b: m(**b).loss)
    model, plain = plain_loop(answer_loss)

    # 1b. the Lightning module on the same batches
    C = sft_classes()
    class Fixed(L.LightningDataModule):
        def train_dataloader(self): return torch.utils.data.DataLoader(batches, batch_size=None)  # already collated
    module = C['SFTModule'](str(model_dir), lr=1e-3, warmup_steps=0, total_steps=a.steps)
    trainer = L.Trainer(max_steps=a.steps, accelerator='cpu', logger=False, enable_checkpointing=False, enable_progress_bar=False,
                        enable_model_summary=False, num_sanity_val_steps=0)
    t0 = time.perf_counter(); trainer.fit(module, datamodule=Fixed())
    light = tokens / (time.perf_counter() - t0)
    print(f"\n1. SFT: plain PyTorch, model loss {plain_full:8.0f} tok/s | plain PyTorch, answer_loss {plain:8.0f} tok/s "
          f"(x{plain / plain_full:.2f}) | Lightning module (answer_loss) {light:8.0f} tok/s | Lightning / plain (same loss) = {light / plain:.2f}")

    # 2. generation: batched vs one at a time
    model.eval()
    prompts = [tok.apply_chat_template([dict(role=m['role'], content=m['content']) for m in r['prompt']], tokenize=False, add_generation_prompt=True)
               for r in rows[:a.prompts]]
    kw = dict(max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, do_sample=False, pad_token_id=tok.pad_token_id)
    with torch.inference_mode():
        t0 = time.perf_counter()
        for p in prompts: model.generate(**tok(p, return_tensors='pt', add_special_tokens=False), **kw)
        one = len(prompts) / (time.perf_counter() - t0)
        tok.padding_side = 'left'
        t0 = time.perf_counter()
        model.generate(**tok(prompts, return_tensors='pt', padding=True, add_special_tokens=False), **kw)
        batched = len(prompts) / (time.perf_counter() - t0)
    print(f"2. generation ({a.new_tokens} new tokens): one at a time {one:6.2f} samples/s | batched {batched:6.2f} samples/s | "
          f"batched / one = {batched / one:.2f}")

if __name__ == '__main__': main()
