/*
 * flow_finetune.c - the "fine-tune a model with MLX-LM and deploy it" plan:
 * the methods compared on the chosen model and machine, the data checked
 * before training, a schedule counted in the optimizer updates mlx-lm
 * really makes, evaluation against a base that really runs without the
 * adapters, then fuse, quantize and serve.  Facts of mlx-lm 0.32.0 used
 * here (read at ml-explore/mlx-lm d78bf58):
 *  - tuner/trainer.py: `iters` counts micro-batches; the optimizer updates
 *    every grad_accumulation_steps iterations, and lr_schedule steps once
 *    per update (so warm-up and decay are sized in updates);
 *  - tuner/trainer.py iterate_batches raises when a split has fewer
 *    examples than batch_size; tuner/datasets.py reads data[0] of every
 *    file it finds (an empty file fails) and refuses --mask-prompt on text;
 *  - lora.py: --test without --train loads adapters from --adapter-path
 *    (default "adapters") unless it is ""; mlx_lm.generate loads adapters
 *    only with --adapter-path;
 *  - cli_ui.py TrainUI prints "iter train_loss tok/s tokens", "val" and
 *    "save" lines: no it/s, learning rate or peak memory (those reach only
 *    --report-to trackers).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/commands.h"
#include "plan/doc.h"
#include "engine/tdata.h"
#include "plan/flow.h"
#include "plan/template.h"

/* mlx-lm's defaults (lora.py CONFIG_DEFAULTS) */
#define LORA_LR 1e-5
#define VAL_BATCHES 25

static const char *method_name(mp_task t)
{
    return t == MP_TASK_QLORA  ? "QLoRA"
           : t == MP_TASK_DORA ? "DoRA"
           : t == MP_TASK_FULL ? "full"
                               : "LoRA";
}

/* The run's schedule, derived once for the config, the steps and the tests. */
typedef struct ft_sched {
    long long iters, accum, updates, warmup, decay, report, eval, save;
    bool mask;             /* --mask-prompt: chat and completions data */
} ft_sched;

static ft_sched sched_of(const mp_flow_ft *f)
{
    ft_sched s;
    s.iters = f->iters > 0 ? f->iters : 1;
    s.accum = f->req->grad_accum > 0 ? f->req->grad_accum : 1;
    s.updates = s.iters / s.accum > 0 ? s.iters / s.accum : 1;
    s.warmup = s.updates >= 20 ? s.updates / 20 : 0;
    /* join_schedules hands the cosine the update count less warmup + 1 */
    s.decay = s.warmup ? s.updates - s.warmup - 1 : s.updates;
    if (s.decay < 1)
        s.decay = 1;
    s.report = s.iters >= 100 ? 10 : s.iters >= 10 ? s.iters / 10 : 1;
    s.eval = s.iters >= 1000 ? 200 : s.iters / 5 >= s.report ? s.iters / 5 / s.report * s.report
                                                              : s.report;
    s.save = s.eval;
    s.mask = strcmp(f->data_format, "text") != 0;
    return s;
}

/* tokens one iteration trains on at most (batch x max_seq_length) */
static double tokens_per_iter(const mp_flow_ft *f)
{
    return (double)f->req->batch * (double)f->req->seq_len;
}

/* ---- methods ------------------------------------------------------------------------ */

static const char *quality_cost(mp_task t)
{
    switch (t) {
    case MP_TASK_QLORA:
        return "the adapters learn on the rounded, quantized base; the served model is usually "
               "quantized anyway; compare its test loss with LoRA's to see the cost";
    case MP_TASK_DORA:
        return "adds a learned magnitude per output; closer to full fine-tuning at the same "
               "rank in its paper, slower per step";
    case MP_TASK_FULL:
        return "every weight of the trained blocks: the most capacity and the most "
               "forgetting; optimizer state as large as those weights";
    default:
        return "the reference: rank-8 adapters on the 16-bit base";
    }
}

/* The window the request's prompts need against the one that fits, and what
 * mlx-lm 0.32.0 does with a longer example (tuner/trainer.py: iterate_batches
 * cuts every sequence to max_seq_length with a warning; default_loss divides
 * by the unmasked tokens, so an example whose prompt fills the window trains
 * on none and a batch of only such examples gives 0/0: loss and gradients
 * NaN, checked under real MLX). */
static void window_note(mp_plan *p, const mp_flow_ft *f)
{
    int64_t win = f->req->seq_len;
    bool short_of = win < f->window_wanted;
    mp_doc_para(p, MP_SEC_ARCHITECTURE,
                "Window: your %s-token prompts and a %s-token answer need %s tokens a "
                "sequence; %s. mlx-lm 0.32.0 cuts every example longer than max_seq_length "
                "to its first %s tokens and prints `[WARNING] Some sequences are longer than "
                "%lld tokens` (tuner/trainer.py, iterate_batches): the tail it drops is the "
                "answer. With --mask-prompt the loss counts only the answer's tokens, so an "
                "example whose prompt alone fills the window trains on nothing, and a batch "
                "of only such examples divides by zero tokens (default_loss): the loss "
                "prints nan and the NaN gradient reaches the adapters. prepare_data.py "
                "counts each example's tokens as mlx_lm.lora does (its dataset classes, "
                "chat template applied), reports those over max_seq_length and stops on "
                "examples whose prompt fills the window, before training.",
                mp_doc_count(p, (double)f->prompt_tokens), mp_doc_count(p, (double)(f->window_wanted - f->prompt_tokens)),
                mp_doc_count(p, (double)f->window_wanted),
                short_of ? mp_doc_str(p, "%s (max_seq_length %s) is the longest window whose "
                                         "training fits with these settings (mlxplan "
                                         "estimate --task, %s at %s), so split or shorten "
                                         "longer prompts, or train on a machine with more "
                                         "memory",
                                      mp_doc_count(p, (double)win), mp_doc_count(p, (double)win),
                                      mp_doc_gib(p, f->res->total_bytes),
                                      mp_doc_count(p, (double)win))
                         : mp_doc_str(p, "max_seq_length %s holds them",
                                      mp_doc_count(p, (double)win)),
                mp_doc_count(p, (double)win), (long long)win);
}

void mp_flow_ft_methods(mp_plan *p, const mp_flow_ft *f)
{
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, f->arch->dtype};
    mp_quant fl = mp_quant_float(f->arch->dtype == MP_DT_F32 ? MP_DT_BF16 : f->arch->dtype);
    if (f->arch->has_config_quant)
        q4 = fl = f->arch->config_quant;
    static const mp_task tasks[] = {MP_TASK_LORA, MP_TASK_QLORA, MP_TASK_DORA, MP_TASK_FULL};
    mp_doc_para(p, MP_SEC_ARCHITECTURE,
                "Methods on %s with this plan's settings (batch %d x %d accumulation, %s-token "
                "sequences, %d layers%s, %s iterations; mlxplan estimate --task, memory "
                "+/-%.0f%%, speed +/-%.0f%%):",
                f->model_id, f->req->batch, f->req->grad_accum > 0 ? f->req->grad_accum : 1,
                mp_doc_int(p, f->req->seq_len, "tokens"), f->res->layers_trained,
                f->req->grad_checkpoint ? ", checkpointed" : "", mp_doc_int(p, f->iters, "iterations"),
                f->res->band_mem_pct, f->res->band_speed_pct);
    mp_block *t = mp_doc_table(p, MP_SEC_ARCHITECTURE, 8,
                               "method\tbase weights\tmemory\tfit\tit/s\ttok/s\trun\tquality cost");
    for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++) {
        mp_train_req r = *f->req;
        r.task = tasks[i];
        /* the QLoRA row on the chosen base when the plan trains a QLoRA */
        r.base_quant = tasks[i] != MP_TASK_QLORA                 ? fl
                       : f->req->base_quant.mode != MP_Q_FLOAT ? f->req->base_quant
                                                                : q4;
        if (tasks[i] == MP_TASK_QLORA && f->arch->has_config_quant)
            r.task = MP_TASK_QLORA;
        bool chosen = r.task == f->req->task &&
                      memcmp(&r.base_quant, &f->req->base_quant, sizeof r.base_quant) == 0;
        mp_train_result x;
        mp_error e = {0};
        const char *name = mp_doc_str(p, "%s%s", method_name(tasks[i]), chosen ? " (chosen)" : "");
        if (mp_train_maybe_data(&r, &x, &e) != 0) {
            mp_doc_row(p, t, "%s\t%s\t-\tnot supported: %s\t-\t-\t-\t%s", name,
                       mp_doc_quant(p, &r.base_quant), e.msg, quality_cost(tasks[i]));
            continue;
        }
        mp_doc_row(p, t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", name, mp_doc_quant(p, &r.base_quant),
                   mp_doc_gib(p, x.total_bytes),
                   mp_flow_fit_text(x.total_bytes, x.budget_bytes, x.max_bytes, x.band_mem_pct),
                   mp_doc_rate(p, x.it_s), mp_doc_rate(p, x.tok_s), mp_doc_dur(p, x.total_s), quality_cost(tasks[i]));
    }
    const mp_train_result *c = f->res;
    const char *word = mp_verdict_name(c->verdict);
    const char *why = f->task_asked ? "the request asks for it"
                      : f->base_note ? f->base_note
                      : f->for_qlora ? "the model was chosen as the largest whose QLoRA fits, so "
                                       "the plan trains that QLoRA"
                      : f->req->task == MP_TASK_QLORA
                          ? "the checkpoint is stored quantized, so LoRA on it is QLoRA"
                          : "mlx-lm's default, on the most precise base that fits";
    mp_doc_para(p, MP_SEC_ARCHITECTURE, "Chosen: %s on the %s base (%s of the %s GPU limit, %s): "
                "%s.%s",
                method_name(f->req->task), mp_doc_quant(p, &f->req->base_quant),
                mp_doc_gib(p, c->total_bytes), mp_doc_gib(p, c->budget_bytes), word, why,
                strcmp(word, "fits") != 0
                    ? " The band of the estimate reaches the limit: close other apps, watch "
                      "train_peak.py's figure on the first run, and fall back to the next "
                      "cheaper row (or batch 1 with checkpointing) if it swaps."
                    : "");    if (f->window_wanted)
        window_note(p, f);
}

/* ---- steps -------------------------------------------------------------------------- */

/* mlx_lm.lora --test over data/test.jsonl with the training's data settings;
 * `adapters` NULL for the base alone (--adapter-path ""). */
static void test_cmd(mp_buf *sh, const mp_flow_ft *f, const ft_sched *s, const char *adapters)
{
    static const char *const cmd = "mlx_lm.lora";
    char num[24];
    mp_cmd_start(sh, cmd);
    mp_cmd_flag(sh, cmd, "--model", f->base);
    mp_cmd_flag(sh, cmd, "--data", "data");
    mp_cmd_flag(sh, cmd, "--test", NULL);
    mp_cmd_flag(sh, cmd, "--adapter-path", adapters ? adapters : "");
    snprintf(num, sizeof num, "%d", f->req->batch);
    mp_cmd_flag(sh, cmd, "--batch-size", num);
    snprintf(num, sizeof num, "%lld", (long long)f->req->seq_len);
    mp_cmd_flag(sh, cmd, "--max-seq-length", num);
    if (s->mask)
        mp_cmd_flag(sh, cmd, "--mask-prompt", NULL);
    mp_buf_putc(sh, '\n');
}

void mp_flow_ft_steps(mp_plan *p, mp_block *steps, const mp_flow_ft *f, char *run_model,
                      size_t cap)
{
    const mp_train_req *t = f->req;
    ft_sched s = sched_of(f);
    mp_buf sh = MP_BUF_INIT;
    if (strcmp(f->base, f->model_id) != 0) {
        mp_cmd_convert(&sh, f->model_id, &t->base_quant, f->base);
        mp_buf_putc(&sh, '\n');
        mp_doc_add(p, steps, "**Quantize the base for QLoRA.** Store %s as %s in %s (%s).",
                   f->model_id, mp_doc_quant(p, &t->base_quant), f->base, mp_doc_gib(p, f->res->frozen.bytes));
    }
    const char *src = f->data_path ? f->data_path : "raw.jsonl";
    mp_doc_add(p, steps, "**Prepare the data.** %s, one JSON object per line in mlx-lm's %s "
               "format (samples of every format in Code patterns), and run prepare_data.py: it "
               "checks every line, prints the token lengths as mlx_lm.lora counts them (%s) "
               "and writes data/train.jsonl, "
               "data/valid.jsonl and data/test.jsonl; it stops unless each gets at least "
               "%d example%s (the batch size: %d lines at the very least), where mlx_lm.lora "
               "would fail only after loading the model.",
               f->data_path ? mp_doc_str(p, "Your examples are in %s", f->data_path)
                            : "Put your examples in raw.jsonl",
               f->data_format,
               f->data_path ? "the time below is already over this file's lengths, estimated "
                              "from its bytes"
                            : mp_doc_str(p, "the time below assumes %s tokens an example",
                                         mp_doc_int(p, t->seq_len, "tokens")),
               t->batch, t->batch == 1 ? "" : "s", 3 * t->batch);
    mp_buf_printf(&sh, "python prepare_data.py %s\n", src);
    mp_doc_add(p, steps, "**Train.** `python train_peak.py` runs `mlx_lm.lora -c "
               "lora_config.yaml` and prints the peak memory at the end: %s iterations of "
               "%d example%s = %s optimizer updates%s, about %s; adapters saved to adapters/ "
               "every %s iterations.",
               mp_doc_int(p, s.iters, "iterations"), t->batch, t->batch == 1 ? "" : "s",
               mp_doc_int(p, s.updates, "updates"),
               s.accum > 1 ? mp_doc_str(p, " (%s iterations accumulated per update)",
                                        mp_doc_int(p, s.accum, "iterations"))
                           : "",
               mp_doc_dur(p, f->res->total_s), mp_doc_int(p, s.save, "iterations"));
    mp_buf_puts(&sh, "python train_peak.py  # = mlx_lm.lora -c lora_config.yaml, then the peak\n");
    mp_doc_add(p, steps, "**Evaluate against the base.** The same test set and data settings "
               "twice: with the adapters, and with --adapter-path \"\" so no adapter is loaded "
               "(without the flag --test loads adapters/); then compare_adapters.py for answers "
               "side by side.");
    test_cmd(&sh, f, &s, "adapters");
    test_cmd(&sh, f, &s, NULL);
    mp_buf_puts(&sh, "python compare_adapters.py 20\n");
    mp_doc_add(p, steps, "**Fuse.** Fold the adapters into the weights (mlx_lm.fuse)%s.",
               t->base_quant.mode != MP_Q_FLOAT ? "; the fused model keeps the base's quantized "
                                                  "format (--dequantize writes 16-bit)"
                                                : "");
    mp_buf_printf(&sh, "mlx_lm.fuse --model %s --adapter-path adapters --save-path fused_model\n",
                  f->base);
    snprintf(run_model, cap, "fused_model");
    if (f->ires && t->base_quant.mode == MP_Q_FLOAT && f->ires->quant.mode != MP_Q_FLOAT) {
        char out[200];
        snprintf(out, sizeof out, "fused_model-%s",
                 f->ires->quant.mode == MP_Q_MXFP4 ? "mxfp4"
                                                   : mp_doc_str(p, "%dbit", f->ires->quant.bits));
        mp_cmd_convert(&sh, "fused_model", &f->ires->quant, out);
        mp_buf_putc(&sh, '\n');
        mp_doc_add(p, steps, "**Quantize for serving.** Store the fused model as %s in %s (%s "
                   "of weights) for faster decoding (Deployment compares DWQ).",
                   mp_doc_quant(p, &f->ires->quant), out, mp_doc_gib(p, f->ires->weights.bytes));
        snprintf(run_model, cap, "%s", out);
    }
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

void mp_flow_ft_targets(mp_plan *p, mp_block *t, const mp_flow_ft *f)
{
    const mp_train_result *r = f->res;
    mp_doc_row(p, t, "training throughput\t%s tok/s\tmlx_lm.lora report lines, the tok/s "
               "column (from the second line: the first includes compilation)\t+/-%.0f%%",
               mp_doc_rate(p, r->tok_s), r->band_speed_pct);
    mp_doc_row(p, t, "iterations per second\t%s it/s\tthe tok/s column / %s tokens an iteration "
               "(mlx_lm.lora 0.32.0 prints no it/s)\t+/-%.0f%%",
               mp_doc_rate(p, r->it_s), mp_doc_count(p, tokens_per_iter(f)), r->band_speed_pct);
    mp_doc_row(p, t, "training peak memory\t%s\tpython train_peak.py, its last line "
               "(mlx_lm.lora 0.32.0 prints no peak)\t+/-%.0f%%",
               mp_doc_gb(p, r->total_bytes), r->band_mem_pct);
    mp_doc_row(p, t, "validation loss\tbelow the iteration-1 value\tmlx_lm.lora `val` lines\t"
               "must fall");
    mp_doc_row(p, t, "test loss\tbelow the base model's\t`Test loss` of the two --test runs "
               "(Implementation steps)\tmust be lower");
}

/* ---- code --------------------------------------------------------------------------- */

static const char *const samples[][2] = {
    {"chat", "{\"messages\": [{\"role\": \"system\", \"content\": \"You are the support "
             "assistant of Example Corp.\"}, {\"role\": \"user\", \"content\": \"My invoice "
             "shows the wrong address.\"}, {\"role\": \"assistant\", \"content\": \"I can fix "
             "that. Which address should appear on it?\"}]}\n"},
    {"completions", "{\"prompt\": \"What is the capital of France?\", \"completion\": "
                    "\"Paris.\"}\n"},
    {"text", "{\"text\": \"A document of your corpus, as one string.\"}\n"},
};

int mp_flow_ft_code(mp_plan *p, const mp_flow_ft *f, mp_error *err)
{
    const mp_train_req *t = f->req;
    ft_sched s = sched_of(f);
    mp_doc_para(p, MP_SEC_CODE, "Data: one JSON object per line in one of mlx-lm's formats "
                "(tuner/datasets.py picks the format from the first line's keys); this plan "
                "uses %s. --mask-prompt (mask_prompt) trains only on the answer for chat and "
                "completions; text data has no prompt to mask and refuses it.", f->data_format);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
        mp_doc_code(p, MP_SEC_CODE, "jsonl",
                    mp_doc_str(p, "raw.jsonl, %s format%s", samples[i][0],
                        strcmp(samples[i][0], f->data_format) == 0 ? " (this plan)" : ""),
                    samples[i][1]);
    static const char *const opt[] = {"adam", "adamw", "muon", "sgd", "adafactor"};
    const char *ft = t->task == MP_TASK_DORA ? "dora" : t->task == MP_TASK_FULL ? "full" : "lora";
    const mp_tpl_var vars[] = {
        {"FORMAT", f->data_format},
        {"BATCH", mp_doc_str(p, "%d", t->batch)},
        {"MAX_SEQ", mp_doc_str(p, "%lld", (long long)t->seq_len)},
        {"TOKENIZER", f->model_id},
        {"MODEL", f->base},
        {"FT_TYPE", ft},
        {"OPTIM", opt[t->optim]},
        {"LAYERS", mp_doc_str(p, "%d", t->num_layers)},
        {"ACCUM", mp_doc_str(p, "%lld", s.accum)},
        {"ITERS", mp_doc_str(p, "%lld", s.iters)},
        {"UPDATES", mp_doc_str(p, "%lld", s.updates)},
        {"LR", mp_doc_str(p, "%.1e", LORA_LR)},
        {"LR_END", mp_doc_str(p, "%.1e", LORA_LR / 100)},
        {"CKPT", t->grad_checkpoint ? "true" : "false"},
        {"MASK", s.mask ? "true" : "false"},
        {"MASK_PROMPT", s.mask ? "True" : "False"},
        {"REPORT", mp_doc_str(p, "%lld", s.report)},
        {"EVAL", mp_doc_str(p, "%lld", s.eval)},
        {"SAVE", mp_doc_str(p, "%lld", s.save)},
        {"WARMUP", mp_doc_str(p, "%lld", s.warmup)},
        {"DECAY", mp_doc_str(p, "%lld", s.decay)},
        {"RANK", mp_doc_str(p, "%d", t->rank)},
        {"PEAK_GB", mp_doc_str(p, "%.2f", f->res->total_bytes / 1e9)},
    };
    return mp_tpl_write(p, "finetune", vars, sizeof vars / sizeof vars[0], err);
}

/* ---- testing and deployment ------------------------------------------------------- */

void mp_flow_ft_testing(mp_plan *p, mp_block *b, const mp_flow_ft *f)
{
    ft_sched s = sched_of(f);
    mp_doc_add(p, b, "What mlx_lm.lora 0.32.0 prints: a header `iter train_loss tok/s tokens`, "
               "then every %s iterations the iteration, the mean training loss since the "
               "last line, tok/s and the tokens trained so far (in thousands); `val` lines at "
               "iteration 1, every %s and at the end (the loss over %s validation batches, "
               "and the seconds it took); `save` lines every %s; with --test, `Test loss X, "
               "Test ppl Y.`",
               mp_doc_int(p, s.report, "iterations"), mp_doc_int(p, s.eval, "iterations"),
               mp_doc_int(p, VAL_BATCHES, "batches"), mp_doc_int(p, s.save, "iterations"));
    mp_doc_add(p, b, "Validation: perplexity is exp(loss); the val loss must fall from the "
               "iteration-1 value. When it rises while train_loss keeps falling the adapters "
               "overfit: keep the checkpoint before (adapters/NNNNNNN_adapters.safetensors, "
               "copied to adapters/adapters.safetensors) or train fewer iterations.");
    mp_doc_add(p, b, "Test against the base: both --test commands take the same data, batch "
               "size, max_seq_length%s as training, so their losses compare with each other "
               "and with the val lines%s. Keep the adapters only if their test loss is lower.",
               s.mask ? " and --mask-prompt" : "",
               s.mask ? " (without --mask-prompt the test loss would also count the prompt "
                        "tokens)"
                      : "");
    mp_doc_add(p, b, "Answers: compare_adapters.py prints base and adapted answers to held-out "
               "prompts (the base loaded without adapters, as `mlx_lm.generate` does without "
               "--adapter-path); read 20 for tone, format and refusals, not only the loss.");
}

void mp_flow_ft_deployment(mp_plan *p, mp_block *b, const mp_flow_ft *f)
{
    const mp_train_req *t = f->req;
    double fused = t->base_quant.mode != MP_Q_FLOAT ? f->res->frozen.bytes
                                                    : mp_arch_weight_bytes(
                                                          f->arch, &t->base_quant, NULL);
    mp_doc_add(p, b, "Fuse: mlx_lm.fuse writes fused_model/ in the base's format (%s, %s of "
               "weights); `mlx_lm.server --model %s --adapter-path adapters` serves the base "
               "plus adapters without fusing, at a small cost per token.",
               mp_doc_quant(p, &t->base_quant), mp_doc_gib(p, fused), f->base);
    if (!f->ires)
        return;
    const mp_infer_result *e = f->ires, *one = f->ires1 ? f->ires1 : f->ires;
    if (t->base_quant.mode == MP_Q_FLOAT && e->quant.mode == MP_Q_AFFINE)
        mp_doc_add(p, b, "Quantize: `mlx_lm.convert -q --q-bits %d --q-group-size %d` rounds "
                   "to nearest in minutes (%s of weights, %s with the cache at %s tokens); "
                   "mlx_lm.dwq instead trains the quantized scales to follow fused_model's "
                   "outputs (`mlx_lm.dwq --model fused_model --bits %d --group-size %d "
                   "--mlx-path fused_model-dwq`; teacher and student in memory together, %s + "
                   "%s) and recovers part of the rounding loss; measure both with the test "
                   "loss.",
                   e->quant.bits, e->quant.group, mp_doc_gib(p, e->weights.bytes), mp_doc_gib(p, e->total_bytes),
                   mp_doc_count(p, (double)e->context_tokens), e->quant.bits, e->quant.group,
                   mp_doc_gib(p, fused), mp_doc_gib(p, e->weights.bytes));
    mp_doc_add(p, b, "Served (%s, %s): one request alone decodes at %s tok/s with %s tokens "
               "in its cache, its first token after %s for a %s-token prompt%s (mlxplan "
               "estimate); a prompt prefix the server has cached (--prompt-cache-size, "
               "--prompt-cache-bytes) skips its prefill.",
               mp_doc_quant(p, &e->quant), mp_doc_gib(p, e->total_bytes), mp_doc_rate(p, one->decode_tok_s),
               mp_doc_count(p, (double)one->context_tokens),
               mp_doc_dur(p, one->ttft_s), mp_doc_count(p, (double)e->prompt_tokens),
               e->batch > 1 ? mp_doc_str(p, "; %d together decode %s tok/s in all, %s each", e->batch,
                                  mp_doc_rate(p, e->decode_total_tok_s), mp_doc_rate(p, e->decode_tok_s))
                            : "");
}
