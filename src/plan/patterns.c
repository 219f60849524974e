/* patterns.c - parameterised MLX code for plans; see patterns.h. */
#include "plan/patterns.h"

#include <stdio.h>
#include <string.h>

void mp_pat_inference(mp_buf *b, const char *model, int max_tokens, int kv_bits,
                      double expected_tok_s)
{
    mp_buf_printf(b,
                  "\"\"\"Chat with the model through mlx_lm's Python API.\"\"\"\n"
                  "import mlx.core as mx\n"
                  "from mlx_lm import load, stream_generate\n"
                  "from mlx_lm.sample_utils import make_sampler\n"
                  "\n"
                  "MODEL = \"%s\"\n"
                  "\n"
                  "model, tokenizer = load(MODEL)\n"
                  "messages = [{\"role\": \"user\", \"content\": \"Explain unified memory in two "
                  "sentences.\"}]\n"
                  "prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True)\n"
                  "sampler = make_sampler(temp=0.7, top_p=0.95)\n"
                  "\n"
                  "response = None\n"
                  "for response in stream_generate(\n"
                  "    model, tokenizer, prompt, max_tokens=%d, sampler=sampler%s\n"
                  "):\n"
                  "    print(response.text, end=\"\", flush=True)\n"
                  "print()\n"
                  "if response is not None:\n"
                  "    print(f\"decode {response.generation_tps:.1f} tok/s (plan: %.0f), \"\n"
                  "          f\"prefill {response.prompt_tps:.0f} tok/s, \"\n"
                  "          f\"peak {response.peak_memory:.2f} GB\")\n"
                  "print(f\"MLX peak memory: {mx.get_peak_memory() / 1e9:.2f} GB\")\n",
                  model, max_tokens, kv_bits == 8 ? ", kv_bits=8" : kv_bits == 4 ? ", kv_bits=4" : "",
                  expected_tok_s);
}

void mp_pat_speed_check(mp_buf *b, const char *model, int64_t prompt_tokens, double expected_tok_s,
                        double band_pct)
{
    mp_buf_printf(b,
                  "\"\"\"Measure decode speed and memory against the plan's estimate.\"\"\"\n"
                  "import sys\n"
                  "\n"
                  "import mlx.core as mx\n"
                  "from mlx_lm import load, stream_generate\n"
                  "\n"
                  "MODEL = \"%s\"\n"
                  "EXPECTED_TOK_S = %.1f\n"
                  "BAND = %.2f  # error band of the estimate\n"
                  "\n"
                  "model, tokenizer = load(MODEL)\n"
                  "prompt = [tokenizer.bos_token_id or 0] * %lld\n"
                  "mx.reset_peak_memory()\n"
                  "last = None\n"
                  "for last in stream_generate(model, tokenizer, prompt, max_tokens=256):\n"
                  "    pass\n"
                  "if last is None:\n"
                  "    sys.exit(\"no tokens generated\")\n"
                  "ratio = last.generation_tps / EXPECTED_TOK_S\n"
                  "print(f\"decode {last.generation_tps:.1f} tok/s = {ratio:.0%%} of the estimate\")\n"
                  "print(f\"prefill {last.prompt_tps:.0f} tok/s, peak {mx.get_peak_memory() / 1e9:.2f} "
                  "GB\")\n"
                  "if ratio < 1 - BAND:\n"
                  "    print(\"slower than the band allows: check for swapping (Activity Monitor),\"\n"
                  "          \" other GPU work, the wired limit, and run mlxplan check on your "
                  "script\")\n"
                  "    sys.exit(1)\n",
                  model, expected_tok_s, band_pct / 100.0, (long long)prompt_tokens);
}

void mp_pat_client(mp_buf *b, int port)
{
    mp_buf_printf(b,
                  "\"\"\"Call mlx_lm.server's OpenAI-compatible API (standard library only).\"\"\"\n"
                  "import json\n"
                  "import urllib.request\n"
                  "\n"
                  "body = {\n"
                  "    \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}],\n"
                  "    \"max_tokens\": 256,\n"
                  "    \"temperature\": 0.7,\n"
                  "}\n"
                  "req = urllib.request.Request(\n"
                  "    \"http://127.0.0.1:%d/v1/chat/completions\",\n"
                  "    data=json.dumps(body).encode(),\n"
                  "    headers={\"Content-Type\": \"application/json\"},\n"
                  ")\n"
                  "with urllib.request.urlopen(req, timeout=120) as r:\n"
                  "    reply = json.load(r)\n"
                  "print(reply[\"choices\"][0][\"message\"][\"content\"])\n"
                  "print(reply.get(\"usage\"))\n",
                  port);
}

void mp_pat_distributed(mp_buf *b, const char *model)
{
    mp_buf_printf(b,
                  "\"\"\"Generate with a model split across machines (run it with mlx.launch).\"\"\"\n"
                  "import mlx.core as mx\n"
                  "from mlx_lm import stream_generate\n"
                  "from mlx_lm.utils import sharded_load\n"
                  "\n"
                  "group = mx.distributed.init()\n"
                  "model, tokenizer = sharded_load(\"%s\", pipeline_group=group)\n"
                  "messages = [{\"role\": \"user\", \"content\": \"Write a haiku about "
                  "memory.\"}]\n"
                  "prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True)\n"
                  "for response in stream_generate(model, tokenizer, prompt, max_tokens=200):\n"
                  "    if group.rank() == 0:\n"
                  "        print(response.text, end=\"\", flush=True)\n"
                  "if group.rank() == 0:\n"
                  "    print(f\"\\n{response.generation_tps:.1f} tok/s on {group.size()} machines\")\n",
                  model);
}

void mp_pat_device_check(mp_buf *b)
{
    mp_buf_puts(b, "\"\"\"Which MLX backend runs here, and how much memory it sees.\"\"\"\n"
                   "import mlx.core as mx\n"
                   "\n"
                   "print(\"default device:\", mx.default_device())\n"
                   "if mx.cuda.is_available():\n"
                   "    print(\"CUDA backend\")\n"
                   "elif mx.metal.is_available():\n"
                   "    print(\"Metal backend\")\n"
                   "info = mx.device_info()\n"
                   "for key, value in info.items():\n"
                   "    print(f\"{key}: {value}\")\n"
                   "a = mx.random.normal((4096, 4096))\n"
                   "mx.eval(a @ a)\n"
                   "print(f\"peak {mx.get_peak_memory() / 1e9:.2f} GB\")\n");
}
