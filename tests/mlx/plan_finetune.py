"""tests/mlx/plan_finetune.py - runs a fine-tune plan (src/plan/flow_finetune.c) as written.

run(plan, root, py): the plan's files are in root (run_plan.extract).  With
the stand-ins of tests/mlx/standins.py (a tiny model folder for the Hub id,
the byte tokenizer, console scripts through `python -m mlx_lm`, raw.jsonl
written here) it runs every line of the plan's Implementation steps in
order, starts mlx_lm.server where the plan does and runs client.py against
it, and checks what each step claims:

  schedule     lora_config.yaml's lr_schedule, built by mlx_lm's own
               build_schedule: 0 at update 0, the peak after warm-up, the
               final rate at the last optimizer update the plan counts;
  prepare      prepare_data.py accepts the data (the plan's own sample line
               first) and writes train/valid/test; its longest example is
               the stand-in tokenizer's count of the chat template's text
               (mlx_lm's own length, counted here by hand); with
               --mask-prompt it stops on an example whose prompt fills
               max_seq_length, and such a batch really gives mlx_lm's
               default_loss nan with nan gradients (what the plan says);
  train        train_peak.py trains (ITERS iterations, the plan's other keys
               as written), prints report lines and the peak, saves adapters
               whose trained tensors moved from their start;
  test         both --test runs print a test loss, and they differ: the
               --adapter-path "" run really has no adapter;
  compare      compare_adapters.py prints a base and an adapted answer per row;
  fuse         the fused model (and any converted copy) loads and generates;
               for a float base its logits equal base + adapters';
  serve        client.py gets a completion from mlx_lm.server on loopback.
"""
import json
import os
import re
import resource
import socket
import subprocess
import time

import standins

ITERS = 12  # the stand-in run length; report / eval / save scaled with it


def fail(step, out):
    print("FAIL %s\n%s" % (step, out[-6000:]))
    raise SystemExit(1)


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def children_cpu():
    """CPU seconds (user + system) of the finished child processes so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(argv, cwd, timeout=280, env=None):
    """Exit status and output (stdout + stderr, without colour codes) of one command
    (in standins.env() unless env is given); run.cpu: its CPU seconds."""
    t = children_cpu()
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                       env=env or standins.env())
    run.cpu = children_cpu() - t
    return p.returncode, ANSI.sub("", p.stdout + p.stderr)


def code_block(plan, path):
    for sec in plan["sections"]:
        for b in sec["blocks"]:
            if b.get("kind") == "code" and b.get("path") == path:
                return b["text"]
    return None


def step_lines(plan):
    lines = []
    for sec in plan["sections"]:
        if sec["id"] != "steps":
            continue
        for b in sec["blocks"]:
            if b.get("kind") == "code" and b.get("lang") == "sh":
                lines += [ln for ln in b["text"].splitlines() if ln.strip()]
    return lines


def yaml_value(text, key):
    m = re.search(r"^%s: *(.+?)(?: *#.*)?$" % key, text, re.M)
    return m.group(1).strip().strip('"') if m else None


def check_schedule(cfg_text):
    """The plan's lr_schedule through mlx_lm's build_schedule, at the updates it counts."""
    import yaml
    from mlx_lm.tuner.utils import build_schedule

    cfg = yaml.safe_load(cfg_text)
    iters, accum = cfg["iters"], cfg.get("grad_accumulation_steps", 1)
    updates = iters // accum
    m = re.search(r"(\d+) iterations\s*#? *are (\d+) optimizer updates", cfg_text)
    if not m or int(m.group(2)) != updates:
        fail("schedule", "lora_config.yaml says %s optimizer updates; %d iterations / %d "
             "accumulation make %d" % (m and m.group(2), iters, accum, updates))
    sched = cfg["lr_schedule"]
    peak, end = float(sched["arguments"][0]), float(sched["arguments"][2])
    lr = build_schedule(sched)
    warm = sched.get("warmup", 0)
    got = [float(lr(s)) for s in (0, warm, updates - 1)]
    ok = abs(got[1] - peak) <= 1e-3 * peak and abs(got[2] - end) <= 0.01 * (peak - end)
    if warm and got[0] != 0.0:
        ok = False
    print("schedule: %d updates, lr %.3g at update 0, %.3g after %d warm-up, %.3g at the last "
          "(plan: peak %.3g, final %.3g)" % (updates, got[0], got[1], warm, got[2], peak, end))
    if not ok:
        fail("schedule", "the learning rate does not reach the plan's peak after warm-up and "
             "its final value at the last optimizer update")


def scaled_config(text):
    """lora_config.yaml with the stand-in run length (every other key as the plan wrote it)."""
    iters = int(yaml_value(text, "iters"))
    f = max(1, iters // ITERS)
    short = max(1, iters // f)
    layers = int(yaml_value(text, "num_layers"))
    if layers > 0:
        text = re.sub(r"^num_layers: *\d+", "num_layers: %d" % min(layers, standins.LAYERS),
                      text, flags=re.M)
        print("stand-in: lora_config.yaml num_layers %d -> %d (the stand-in model's layers)"
              % (layers, min(layers, standins.LAYERS)))
    for key in ("iters", "steps_per_report", "steps_per_eval", "save_every"):
        v = max(1, int(yaml_value(text, key)) // f)
        if key in ("steps_per_eval", "save_every"):
            v = max(v, short // 2)  # validation and saving twice at most: each takes a while
        text = re.sub(r"^%s: *\d+" % key, "%s: %d" % (key, v), text, flags=re.M)
    print("stand-in: lora_config.yaml iters %d -> %d (report scaled alike; validation and "
          "saving at the middle and the end)" % (iters, short))
    return text


def raw_data(plan, fmt, n=30):  # 3-4 held-out rows: compare_adapters.py decodes 200 tokens a row
    """raw.jsonl in the plan's format: the plan's own sample line, then n varied rows."""
    sample = None
    for sec in plan["sections"]:
        for b in sec["blocks"]:
            if b.get("lang") == "jsonl" and "(this plan)" in (b.get("path") or ""):
                sample = b["text"].strip()
    if sample is None:
        fail("data", "no raw.jsonl sample marked '(this plan)' for the %s format" % fmt)
    rows = [sample]
    for i in range(n):
        q, a = "What is %d plus %d?" % (i, i % 7), "It is %d." % (i + i % 7)
        if fmt == "chat":
            row = {"messages": [{"role": "user", "content": q},
                                {"role": "assistant", "content": a}]}
        elif fmt == "completions":
            row = {"prompt": q, "completion": a}
        else:
            row = {"text": q + " " + a}
        rows.append(json.dumps(row))
    return "\n".join(rows) + "\n"


def stand_in_length(row, fmt):
    """Tokens mlx_lm's dataset gives `row` with the stand-in tokenizer, counted
    by hand: ChatML text, one token per special, one per UTF-8 byte."""
    if fmt == "text":
        return len(row["text"].encode("utf-8")) + 1  # TextDataset appends the EOS
    msgs = row["messages"] if fmt == "chat" else [
        {"role": "user", "content": row["prompt"]},
        {"role": "assistant", "content": row["completion"]}]
    return sum(2 + len(("%s\n%s" % (m["role"], m["content"])).encode("utf-8")) + 1
               for m in msgs)  # <|im_start|>, text, <|im_end|>, "\n"


def masked_window(root, prep, fmt, py):
    """prepare_data.py stops on a prompt longer than MAX_SEQ; default_loss on
    such an example (mlx_lm 0.32.0) is nan with nan gradients."""
    max_seq = int(re.search(r"^MAX_SEQ = (\d+)", prep, re.M).group(1))
    q = "x" * (max_seq + 10)
    rows = []
    for i in range(30):
        if fmt == "chat":
            rows.append({"messages": [{"role": "user", "content": q if i == 7 else "hi %d" % i},
                                      {"role": "assistant", "content": "ok"}]})
        else:
            rows.append({"prompt": q if i == 7 else "hi %d" % i, "completion": "ok"})
    sub = os.path.join(root, "long-prompt")
    os.makedirs(sub, exist_ok=True)
    if not os.path.exists(os.path.join(sub, "standin")):  # the tokenizer's folder, as in root
        os.symlink(os.path.join(root, "standin"), os.path.join(sub, "standin"))
    with open(os.path.join(sub, "raw.jsonl"), "w") as f:
        f.write("".join(json.dumps(r) + "\n" for r in rows))
    rc, out = run([py, os.path.join(root, "prepare_data.py"), "raw.jsonl"], sub)
    if rc == 0 or "train on no token" not in out or "example 8" not in out:
        fail("prepare_data.py with a prompt over max_seq_length", out)
    import mlx.core as mx
    import mlx.nn as nn
    from mlx.utils import tree_flatten
    from mlx_lm.models import llama
    from mlx_lm.tuner.trainer import default_loss, iterate_batches

    args = llama.ModelArgs(model_type="llama", hidden_size=32, num_hidden_layers=1,
                           intermediate_size=64, num_attention_heads=2, rms_norm_eps=1e-5,
                           vocab_size=64, num_key_value_heads=2)
    model = llama.Model(args)
    batch = next(iterate_batches([([1 + i % 60 for i in range(40)], 30)], 1, 16))
    (loss, ntoks), grads = nn.value_and_grad(model, default_loss)(model, *batch)
    nan_grads = any(mx.isnan(g).any().item() for _, g in tree_flatten(grads))
    if not (mx.isnan(loss).item() and ntoks.item() == 0 and nan_grads):
        fail("mask_prompt past the window", "loss %s, tokens %s, nan gradients %s"
             % (loss.item(), ntoks.item(), nan_grads))
    print("prepare_data.py stops on a prompt over %d tokens; mlx_lm's default_loss on one: "
          "loss nan, 0 tokens, nan gradients" % max_seq)


def moved(adapters, base):
    """How many trained tensors of the adapters differ from where training started."""
    import mlx.core as mx

    saved = mx.load(os.path.join(adapters, "adapters.safetensors"))
    if any(k.endswith("lora_b") for k in saved):  # LoRA / DoRA: lora_b starts at zero
        return sum(1 for k, v in saved.items() if k.endswith("lora_b") and mx.any(v != 0).item())
    start = {}
    for f in os.listdir(base):
        if f.endswith(".safetensors"):
            start.update(mx.load(os.path.join(base, f)))
    return sum(1 for k, v in saved.items() if k in start and not mx.array_equal(v, start[k]).item())


def generates(model_dir):
    from mlx_lm import generate, load

    model, tok = load(model_dir)
    return generate(model, tok, "What is 3 plus 3?", max_tokens=8)


def fused_logits_match(root, base, fused):
    """Largest |difference| of the fused model's logits from base + adapters' (float base)."""
    import mlx.core as mx
    from mlx_lm import load

    x = mx.array([[1, 2, 3, 4, 5, 6, 7, 8]])
    a, _ = load(os.path.join(root, base), adapter_path=os.path.join(root, "adapters"))
    b, _ = load(os.path.join(root, fused))
    return mx.max(mx.abs(a(x) - b(x))).item()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(argv, root, py, client):
    """Start the plan's mlx_lm.server on a free loopback port, run client.py, stop it."""
    port = free_port()
    argv = [a if a != "8080" else str(port) for a in standins.command(argv, py)]
    log = open(os.path.join(root, "server.log"), "w")
    srv = subprocess.Popen(argv, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                           env=standins.env())
    try:
        for _ in range(240):
            if srv.poll() is not None:
                break
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        with open(os.path.join(root, "client.py"), "w") as f:
            f.write(client.replace("127.0.0.1:8080", "127.0.0.1:%d" % port))
        rc, out = run([py, "client.py"], root, timeout=200)
    finally:
        srv.terminate()
        srv.wait(timeout=30)
        log.close()
    if rc or "completion_tokens" not in out:
        with open(os.path.join(root, "server.log")) as f:
            fail("client.py against %s" % " ".join(argv), out + "\nserver:\n" + f.read())
    print("served: client.py got %s" % out.strip().splitlines()[-1])


def run_plan(plan, root, py):
    cfg = code_block(plan, "lora_config.yaml")
    if cfg is None:
        fail("extract", "no lora_config.yaml")
    check_schedule(cfg)
    fmt = re.search(r'^FORMAT = "(\w+)"', code_block(plan, "prepare_data.py"), re.M).group(1)
    model_id = plan["model"]
    folder = "standin/" + model_id.split("/")[-1]
    layers, real = int(yaml_value(cfg, "num_layers")), standins.real_layers(model_id)
    if layers > real:
        fail("lora_config.yaml", "num_layers %d, but %s has %d layers: mlx_lm.lora raises"
             % (layers, model_id, real))
    standins.tiny_model(model_id, os.path.join(root, folder))
    standins.say_standins(standins.FINETUNE)
    for name in ("prepare_data.py", "lora_config.yaml", "train_peak.py", "compare_adapters.py"):
        path = os.path.join(root, name)
        with open(path) as f:
            text = f.read().replace('"%s"' % model_id, '"%s"' % folder)
        if name == "lora_config.yaml":
            text = scaled_config(text)
        with open(path, "w") as f:
            f.write(text)
    with open(os.path.join(root, "raw.jsonl"), "w") as f:
        f.write(raw_data(plan, fmt))
    base = yaml_value(cfg, "model").replace(model_id, folder)
    losses = []
    for line in step_lines(plan):
        line = line.replace(model_id, folder)
        argv = standins.command(line, py)
        if argv[:4] == [py, "-m", "mlx_lm", "server"]:
            serve(line, root, py, code_block(plan, "client.py"))
            continue
        rc, out = run(argv, root)
        short = " ".join(argv[1:])[:100]
        if rc:
            fail(line, out)
        print("[%.1f s CPU] %s" % (run.cpu, line[:100]))
        if "prepare_data.py" in line:
            counts = dict(re.findall(r"^(train|valid|test): (\d+) examples", out, re.M))
            if set(counts) != {"train", "valid", "test"}:
                fail(line, out)
            print("prepare_data.py: %s" % counts)
            m = re.search(r"^tokens per example: .*max (\d+);", out, re.M)
            rows = [json.loads(l) for l in open(os.path.join(root, "raw.jsonl")) if l.strip()]
            want = max(stand_in_length(r, fmt) for r in rows)
            if not m or int(m.group(1)) != want:
                fail(line + " (longest example not mlx_lm's count %d)" % want, out)
            print("prepare_data.py: longest example %d tokens, as mlx_lm counts it" % want)
            prep = code_block(plan, "prepare_data.py")
            if "MASK_PROMPT = True" in prep:
                masked_window(root, prep, fmt, py)
        elif "train_peak.py" in line:
            if not re.search(r"^ *\d+ +[0-9.]+ [^\n]*k$", out, re.M) or \
                    not re.search(r"^ *\d+ +val [0-9.]+", out, re.M) or \
                    "training peak memory" not in out:
                fail(line + " (no report lines or no peak)", out)
            n = moved(os.path.join(root, "adapters"), os.path.join(root, base))
            if n == 0:
                fail(line + " (no trained tensor moved)", out)
            print("train_peak.py: %d trained tensors moved; %s"
                  % (n, out.strip().splitlines()[-1]))
        elif "--test" in argv:
            m = re.search(r"Test loss ([0-9.]+), Test ppl ([0-9.]+)", out)
            if not m:
                fail(line + " (no test loss)", out)
            losses.append(float(m.group(1)))
            print("%s: test loss %s" % (short, m.group(1)))
        elif "compare_adapters.py" in line:
            pairs = len(re.findall(r"^base: ", out, re.M)), len(re.findall(r"^adapted: ", out, re.M))
            if pairs[0] == 0 or pairs[0] != pairs[1]:
                fail(line + " (no base / adapted answer pairs)", out)
            print("compare_adapters.py: %d answer pairs" % pairs[0])
        else:
            print("%s: ok" % short)
        for flag in ("--save-path", "--mlx-path"):
            if flag in argv:
                made = argv[argv.index(flag) + 1]
                text = generates(os.path.join(root, made))
                print("%s generates %r" % (made, text))
                if flag == "--save-path" and "quantization" not in json.load(
                        open(os.path.join(root, base, "config.json"))):
                    d = fused_logits_match(root, base, made)
                    print("%s: logits within %.2g of base + adapters" % (made, d))
                    if d > 1e-3:
                        fail(line, "fused logits differ from base + adapters by %g" % d)
    if len(losses) == 2 and losses[0] == losses[1]:
        fail("the two --test runs", "the same test loss with and without the adapters: %s"
             % losses)
