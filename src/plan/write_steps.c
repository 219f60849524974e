/*
 * mp_pl_write_steps.c - the third phase of the planner, part 2 (see planner.h): architecture,
 * dependencies, implementation steps (with their shell commands), the
 * quantization methods and the performance targets.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/planner.h"

/* The uncertainty the plan states for its DWQ time: no DWQ run is in the
 * calibration data, so this is an allowance, not a measured band. */
#define DWQ_ALLOWANCE_PCT 50

void mp_pl_write_architecture(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_ARCHITECTURE, MP_BLK_BULLETS);
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        mp_flow_pretrain_architecture(p, b, &f);
        return;
    }
    const mp_arch *a = &c->arch;
    mp_doc_add(p, b, "Model: %s, %s parameters (%s), %lld layers, mlx-lm module `%s`%s.",
               c->model_id, params_txt(c, mp_arch_params(a)),
               a->n_experts ? S(c, "mixture of %lld experts, %s active per token",
                                (long long)a->n_experts, params_txt(c, mp_arch_active_params(a)))
                            : "dense",
               (long long)a->n_layers, a->module,
               a->has_config_quant ? S(c, ", stored as %s", qlabel(c, &a->config_quant)) : "");
    if (c->train) {
        mp_doc_add(p, b, "Fine-tuning: mlx_lm.lora trains %s adapters (rank %d, scale %g) on "
                   "every linear layer of the last %d blocks; the %s base stays frozen.",
                   c->treq.task == MP_TASK_DORA ? "DoRA" : "LoRA", c->treq.rank,
                   mp_pl_fact(MP_FACT_LORA_SCALE),
                   c->tres.layers_trained, qlabel(c, &c->treq.base_quant));
        mp_doc_add(p, b, "Data flow: your data -> prepare_data.py -> data/{train,valid,test}.jsonl "
                   "(%s format) -> mlx_lm.lora -> adapters/ -> mlx_lm.fuse -> fused model%s.",
                   c->data_format, (c->sc & MP_INTENT_SERVE) ? " -> mlx_lm.server" : "");
    }
    if (c->infer) {
        mp_doc_add(p, b, "Inference: mlx-lm with %s weights, KV cache %s, prompt processed in "
                   "2,048-token chunks%s.",
                   qlabel(c, &c->ires.quant),
                   c->ireq.kv_bits ? S(c, "quantized to %d bits", c->ireq.kv_bits) : "in 16-bit",
                   c->ireq.batch > 1 ? S(c, ", %d sequences decoded together", c->ireq.batch) : "");
    }
    if (c->sc & MP_INTENT_SERVE)
        mp_doc_add(p, b, "Serving: mlx_lm.server, an OpenAI-compatible HTTP API on "
                   "%s:%s with batched decoding and an LRU prompt cache.",
                   mp_pl_fact_text(MP_FACT_SERVER_HOST), mp_pl_fact_text(MP_FACT_SERVER_PORT));
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2)
        mp_doc_add(p, b, "Several Macs: %d machines connected by Thunderbolt, launched with "
                   "mlx.launch; mlx_lm.server --pipeline puts consecutive layers on each machine.",
                   c->n_macs);
    if (is_cuda(c))
        mp_doc_add(p, b, "Backend: MLX's CUDA backend on Linux (%s); the Metal-only parts "
                   "(wired limit, mx.metal) do not apply.",
                   c->mach.chip.name);
    if (c->train) {
        mp_flow_ft f = finetune_flow(c);
        mp_flow_ft_methods(p, &f);
    }
}

void mp_pl_write_dependencies(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_DEPENDENCIES, MP_BLK_BULLETS);
    mp_buf sh = MP_BUF_INIT;
    if (is_cuda(c)) {
        mp_doc_add(p, b, "Linux with glibc >= %s, an NVIDIA GPU of compute capability >= %s, "
                   "driver >= %s (>= %s for CUDA 13), Python >= %s.",
                   pin("linux_min_glibc"), pin("cuda_min_sm"), pin("cuda_min_driver"),
                   pin("cuda13_min_driver"), pin("python_min"));
        mp_buf_printf(&sh, "python3 -m venv .venv && . .venv/bin/activate\n"
                           "pip install \"mlx[cuda]==%s\" \"mlx-lm==%s\"\n",
                      pin("mlx_pin"), pin("mlx_lm_pin"));
    } else {
        mp_doc_add(p, b, "macOS >= %s on Apple silicon, a native arm64 Python >= %s (check: "
                   "python3 -c \"import platform; print(platform.machine())\" prints arm64).",
                   pin("macos_min"), pin("python_min"));
        mp_buf_printf(&sh, "python3 -m venv .venv && . .venv/bin/activate\n"
                           "pip install \"mlx==%s\" \"mlx-lm==%s\"\n",
                      pin("mlx_pin"), pin("mlx_lm_pin"));
    }
    if (c->pretrain)
        mp_buf_puts(&sh, mp_flow_pretrain_pip());
    if (c->sc & MP_INTENT_EVALUATE)
        mp_buf_printf(&sh, "pip install \"mlx-lm[evaluate]==%s\"  # lm-eval for mlx_lm.evaluate\n",
                      pin("mlx_lm_pin"));
    mp_buf_puts(&sh, "python3 -c \"import mlx.core as mx, mlx_lm; print(mx.__version__, "
                     "mlx_lm.__version__)\"\n");
    mp_doc_code(p, MP_SEC_DEPENDENCIES, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
    if (c->have_arch) {
        /* every copy of the weights the steps write, in the order they appear */
        mp_quant nq = mp_arch_native_quant(&c->arch);
        /* an FP8 checkpoint is one byte per matrix weight plus block scales:
         * the size of mxfp8 within a percent */
        mp_quant fp8 = {MP_Q_MXFP8, 8, 32, MP_RECIPE_NONE, c->arch.dtype};
        const mp_quant *dl = c->arch.checkpoint_fp8 ? &fp8 : &nq;
        double src = mp_arch_weight_bytes(&c->arch, dl, NULL), total = src;
        mp_buf d = MP_BUF_INIT;
        mp_buf_printf(&d, "%s download (%s) in ~/.cache/huggingface/hub", gib(c, src),
                      c->arch.checkpoint_fp8 ? "FP8" : qlabel(c, &nq));
        if (c->train) {
            const mp_quant *bq = &c->treq.base_quant;
            double base = src;
            if (bq->mode != MP_Q_FLOAT && !c->arch.has_config_quant) {
                base = mp_arch_weight_bytes(&c->arch, bq, NULL);
                mp_buf_printf(&d, ", %s quantized base in mlx_model/", gib(c, base));
                total += base;
            }
            mp_buf_printf(&d, ", %s fused_model/", gib(c, base));
            total += base;
            if (c->infer && bq->mode == MP_Q_FLOAT && c->ires.quant.mode != MP_Q_FLOAT) {
                mp_buf_printf(&d, ", %s quantized copy for serving", gib(c, c->ires.weights.bytes));
                total += c->ires.weights.bytes;
            }
        } else if (c->infer && memcmp(&nq, &c->ires.quant, sizeof nq) != 0) {
            mp_buf_printf(&d, ", %s converted copy in mlx_model/", gib(c, c->ires.weights.bytes));
            total += c->ires.weights.bytes;
        }
        mp_doc_add(p, b, "Disk: %s; %s in all.", mp_buf_cstr(&d), gib(c, total));
        mp_buf_release(&d);
    }
    if (c->have_mach && c->mach.chip.vendor == MP_VENDOR_APPLE)
        mp_doc_add(p, b, "Hardware: %s (%s) with %s GB; the GPU may use %s by default.",
                   c->mach.chip.short_name, c->mach.chip.name, whole(c, c->mach.memory_gb, "GB"),
                   gib(c, c->mach.gpu_default_bytes));
}

/* Steps, targets, code, testing, optimisation, deployment per scenario. */

static void step(mp_pctx *c, mp_block *b, const char *title, const char *detail)
{
    mp_doc_add(c->p, b, "**%s** %s", title, detail);
}


static void write_inference_steps(mp_pctx *c, mp_block *steps)
{
    mp_plan *p = c->p;
    mp_quant native = mp_arch_native_quant(&c->arch);
    bool convert = memcmp(&native, &c->ires.quant, sizeof native) != 0;
    mp_buf sh = MP_BUF_INIT;
    if (convert) {
        char out[200];
        const char *name = strrchr(c->model_id, '/');
        name = name ? name + 1 : c->model_id;
        snprintf(out, sizeof out, "mlx_model/%s-%s", name,
                 c->ires.quant.mode == MP_Q_FLOAT ? "bf16" : c->ires.quant.recipe ? "mixed" :
                 c->ires.quant.mode == MP_Q_MXFP4 ? "mxfp4" : S(c, "%dbit", c->ires.quant.bits));
        const char *method = c->p->spec.quant_method.value;
        if (method[0] && c->ires.quant.mode == MP_Q_AFFINE && !c->ires.quant.recipe) {
            /* the learned method the user named, with the plan's bits and group */
            const char *cmd = S(c, "mlx_lm.%s", method);
            snprintf(out, sizeof out, "mlx_model/%s-%dbit-%s", name, c->ires.quant.bits, method);
            mp_cmd_start(&sh, cmd);
            mp_cmd_flag(&sh, cmd, "--model", c->model_id);
            mp_cmd_flag(&sh, cmd, "--bits", S(c, "%d", c->ires.quant.bits));
            mp_cmd_flag(&sh, cmd, "--group-size", S(c, "%d", c->ires.quant.group));
            mp_cmd_flag(&sh, cmd, "--mlx-path", out);
            cmd_line(&sh);
            char upper[8];
            size_t k = 0;
            for (; method[k] && k < sizeof upper - 1; k++)
                upper[k] = (char)toupper((unsigned char)method[k]);
            upper[k] = '\0';
            step(c, steps, S(c, "Quantize with %s.", upper),
                 S(c, "%s learns %s of %s from calibration data into %s (%s on disk); the "
                      "methods compare below.", cmd, qlabel(c, &c->ires.quant), c->model_id,
                   out, gib(c, c->ires.weights.bytes)));
        } else {
            mp_cmd_convert(&sh, c->model_id, &c->ires.quant, out);
            cmd_line(&sh);
            step(c, steps, "Convert the weights.",
                 S(c, "Download %s and store it as %s in %s (%s on disk).", c->model_id,
                   qlabel(c, &c->ires.quant), out, gib(c, c->ires.weights.bytes)));
        }
        mp_strlcpy(c->run_model, out, sizeof c->run_model);
    } else {
        mp_strlcpy(c->run_model, c->model_id, sizeof c->run_model);
    }
    mp_cmd_benchmark(&sh, c->run_model, c->ireq.prompt_tokens, 128, c->ireq.batch);
    cmd_line(&sh);
    step(c, steps, "Measure.", S(c, "Run mlx_lm.benchmark and compare with the targets below "
                                     "(decode %s tok/s, prefill %s tok/s).",
                                 rate(c, c->ires.decode_tok_s), rate(c, c->ires.prefill_tok_s)));
    if (c->sc & MP_INTENT_EVALUATE) {
        /* perplexity reads its default samples x tokens: prefill-bound */
        double ppl_n = mp_pl_fact(MP_FACT_PPL_SAMPLES), ppl_seq = mp_pl_fact(MP_FACT_PPL_SEQ);
        double ppl_s = ppl_n * ppl_seq / c->ires.prefill_tok_s;
        mp_cmd_start(&sh, "mlx_lm.perplexity");
        mp_cmd_flag(&sh, "mlx_lm.perplexity", "--model", c->run_model);
        mp_cmd_flag(&sh, "mlx_lm.perplexity", "--num-samples", mp_pl_fact_text(MP_FACT_PPL_SAMPLES));
        mp_cmd_flag(&sh, "mlx_lm.perplexity", "--sequence-length", mp_pl_fact_text(MP_FACT_PPL_SEQ));
        cmd_line(&sh);
        mp_cmd_start(&sh, "mlx_lm.evaluate");
        mp_cmd_flag(&sh, "mlx_lm.evaluate", "--model", c->run_model);
        mp_cmd_flag(&sh, "mlx_lm.evaluate", "--tasks", "arc_easy");
        mp_buf_putc(&sh, ' ');
        mp_cmd_word(&sh, "hellaswag");
        mp_cmd_flag(&sh, "mlx_lm.evaluate", "--limit", "500");
        cmd_line(&sh);
        step(c, steps, "Evaluate.",
             S(c, "Perplexity on %s samples of %s tokens (about %s at the prefill speed), "
                  "then task accuracy with lm-eval on 500 questions per task; run the same "
                  "commands on the original model to see what the format costs.",
               count(c, ppl_n), count(c, ppl_seq), dur(c, ppl_s)));
    }
    mp_cmd_generate(&sh, c->run_model, 256, c->ireq.kv_bits, 64, 0);
    mp_buf_puts(&sh, " <<< 'Hello'\n");
    step(c, steps, "Chat.", "Try it from the command line, then from Python with chat.py "
                            "(Code patterns).");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

static void write_finetune_steps(mp_pctx *c, mp_block *steps)
{
    mp_flow_ft f = finetune_flow(c);
    mp_flow_ft_steps(c->p, steps, &f, c->run_model, sizeof c->run_model);
}

static void write_pretrain_steps(mp_pctx *c, mp_block *steps)
{
    mp_flow_pretrain f = pretrain_flow(c);
    mp_flow_pretrain_steps(c->p, steps, &f);
}

static void write_serve_steps(mp_pctx *c, mp_block *steps)
{
    mp_plan *p = c->p;
    mp_buf sh = MP_BUF_INIT;
    mp_cmd_start(&sh, "mlx_lm.server");
    mp_cmd_flag(&sh, "mlx_lm.server", "--model", c->run_model[0] ? c->run_model : c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.server", "--port", mp_pl_fact_text(MP_FACT_SERVER_PORT));
    mp_cmd_flag(&sh, "mlx_lm.server", "--decode-concurrency", S(c, "%d", c->ireq.batch));
    mp_cmd_flag(&sh, "mlx_lm.server", "--prompt-cache-size",
                mp_pl_fact_text(MP_FACT_SERVER_PROMPT_CACHE));
    cmd_line(&sh);
    step(c, steps, "Serve.", "Start mlx_lm.server and call it with client.py (Code patterns).");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

/* The quantization scenario: every format that fits compared, the mlx-lm
 * methods that make a format (with their real flags), and what DWQ costs. */
static void write_quantize(mp_pctx *c)
{
    mp_plan *p = c->p;
    if (!(c->sc & MP_INTENT_QUANTIZE) || !c->infer || c->n_fits == 0)
        return;
    mp_doc_para(p, MP_SEC_STEPS, "Formats of %s that fit the %s at %s tokens of context "
                "(mlxplan fit), best quality first:", c->model_id, c->mach_label,
                count(c, (double)c->context));
    mp_block *t = mp_doc_table(p, MP_SEC_STEPS, 5,
                               "format\tbits per weight (all weights)\tmemory\tdecode tok/s\tverdict");
    for (int i = 0; i < c->n_fits; i++) {
        const mp_fit_infer *f = &c->fits[i];
        if (f->kv_bits)
            continue; /* the weights are the question here, not the cache */
        mp_doc_row(p, t, "%s\t%.2f\t%s\t%s\t%s", qlabel(c, &f->quant),
                   8.0 * f->est.weights.bytes / mp_arch_params(&c->arch),
                   gib(c, f->est.total_bytes), rate(c, f->est.decode_tok_s),
                   mp_verdict_name(f->est.verdict));
    }
    const mp_quant *q = &c->ires.quant;
    if (q->mode != MP_Q_AFFINE)
        return; /* the learned methods below write affine formats */
    const char *name = strrchr(c->model_id, '/');
    name = name ? name + 1 : c->model_id;
    char bits[8], group[8];
    snprintf(bits, sizeof bits, "%d", q->bits);
    snprintf(group, sizeof group, "%d", q->group);
    mp_block *b = mp_doc_block(p, MP_SEC_STEPS, MP_BLK_BULLETS);
    mp_buf sh = MP_BUF_INIT;
    mp_doc_add(p, b, "Round to nearest (mlx_lm.convert -q): no data, minutes; the baseline every "
               "other method is measured against.");
    /* DWQ: its default samples and tokens (mlx_lm.dwq); per token a teacher
     * forward, a student forward and a backward that reaches only scales and
     * biases (about one forward more): three forward passes */
    char basis[200];
    double rate_flops = mp_matmul_rate(&c->mach.chip, NULL, false, basis, sizeof basis);
    int dwq_n = mp_pl_fact_int(MP_FACT_DWQ_SAMPLES), dwq_seq = mp_pl_fact_int(MP_FACT_DWQ_SEQ);
    double per_tok = mp_forward_flops(&c->arch, dwq_seq, 0) / (double)dwq_seq;
    double dwq_tokens = (double)dwq_n * dwq_seq;
    double dwq_s = rate_flops > 0 ? dwq_tokens * 3.0 * per_tok / rate_flops : NAN;
    mp_quant nq = mp_arch_native_quant(&c->arch);
    double teacher = mp_arch_weight_bytes(&c->arch, &nq, NULL);
    double both = teacher + c->ires.weights.bytes;
    mp_doc_add(p, b, "DWQ (mlx_lm.dwq) trains the quantized model's scales and biases to follow "
               "the original's outputs on %s samples of %s tokens: about %s (3 forward "
               "passes per token at %s, %s); both models stay in memory, %s + %s = %s of "
               "weights%s.",
               count(c, dwq_n), count(c, dwq_seq), isnan(dwq_s) ? "?" : dur(c, dwq_s),
               mp_doc_tflops(p, rate_flops),
               /* a rough allowance, no calibrated band: kept apart from those */
               mp_doc_value(p, DWQ_ALLOWANCE_PCT, "%", S(c, "+/-%d%%", DWQ_ALLOWANCE_PCT)),
               gib(c, teacher), gib(c, c->ires.weights.bytes), gib(c, both),
               both > c->mach.gpu_default_bytes ? S(c, ", over the %s GPU limit: add "
                                                     "--grad-checkpoint and raise the wired "
                                                     "limit, or run DWQ on a larger Mac",
                                                   gib(c, c->mach.gpu_default_bytes))
                                                : "");
    mp_doc_add(p, b, "AWQ (mlx_lm.awq) and GPTQ (mlx_lm.gptq) use %s calibration samples of "
               "%s tokens (AWQ) or the whole calibration set (GPTQ) to choose scales; "
               "mlx_lm.dynamic_quant mixes %d and %d bits per layer to meet a bits-per-weight "
               "target.", count(c, mp_pl_fact(MP_FACT_AWQ_SAMPLES)),
               count(c, mp_pl_fact(MP_FACT_AWQ_SEQ)), q->bits, q->bits + 1 <= 8 ? q->bits + 1 : 8);
    mp_cmd_start(&sh, "mlx_lm.dwq");
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--group-size", group);
    mp_cmd_flag(&sh, "mlx_lm.dwq", "--mlx-path", S(c, "mlx_model/%s-%sbit-dwq", name, bits));
    cmd_line(&sh);
    mp_cmd_start(&sh, "mlx_lm.awq");
    mp_cmd_flag(&sh, "mlx_lm.awq", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.awq", "--bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.awq", "--group-size", group);
    mp_cmd_flag(&sh, "mlx_lm.awq", "--mlx-path", S(c, "mlx_model/%s-%sbit-awq", name, bits));
    cmd_line(&sh);
    mp_cmd_start(&sh, "mlx_lm.gptq");
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--group-size", group);
    mp_cmd_flag(&sh, "mlx_lm.gptq", "--mlx-path", S(c, "mlx_model/%s-%sbit-gptq", name, bits));
    cmd_line(&sh);
    mp_cmd_start(&sh, "mlx_lm.dynamic_quant");
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--model", c->model_id);
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--target-bpw", S(c, "%.1f", q->bits + 0.5));
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--low-bits", bits);
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--high-bits",
                S(c, "%d", q->bits + 1 <= 8 ? q->bits + 1 : 8));
    mp_cmd_flag(&sh, "mlx_lm.dynamic_quant", "--mlx-path",
                S(c, "mlx_model/%s-mixed", name));
    cmd_line(&sh);
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
}

void mp_pl_write_steps(mp_pctx *c)
{
    mp_block *steps = mp_doc_block(c->p, MP_SEC_STEPS, MP_BLK_NUMBERED);
    step(c, steps, "Install.", "Create the virtual environment and install the pinned versions "
                               "(Dependencies).");
    if (c->pretrain)
        write_pretrain_steps(c, steps);
    if (c->train)
        write_finetune_steps(c, steps);
    if (c->infer && !c->train)
        write_inference_steps(c, steps);
    if (c->sc & MP_INTENT_SERVE)
        write_serve_steps(c, steps);
    write_quantize(c);
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2)
        step(c, steps, "Connect the Macs.",
             S(c, "Cable %d Macs with Thunderbolt, then mlx.distributed_config writes the hostfile "
                  "(Deployment).", c->n_macs));
}

void mp_pl_write_targets(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *t = mp_doc_table(p, MP_SEC_TARGETS, 4, "target\tvalue\tmeasured with\ttolerance");
    if (c->infer) {
        const mp_infer_result *e = &c->ires;
        const char *m = c->run_model[0] ? c->run_model : c->model_id;
        /* mlx_lm.benchmark decodes 128 tokens after the prompt: its mean
         * speed is the step time at the prompt plus 64 tokens */
        int64_t at = c->ireq.prompt_tokens + 64;
        double bench = 1.0 / mp_decode_step_s(&c->arch, &c->mach, &e->quant, at, e->batch,
                                              c->ireq.kv_bits, 64, 0, NULL);
        if (e->batch > 1) {
            /* -b N reports generation_tps over the whole batch (batch_generate's
             * stats): the per-request figure is measured alone */
            double one = 1.0 / mp_decode_step_s(&c->arch, &c->mach, &e->quant, at, 1,
                                                 c->ireq.kv_bits, 64, 0, NULL);
            mp_doc_row(p, t, "decode speed after a %s-token prompt, one request alone\t%s "
                       "tok/s\tmlx_lm.benchmark --model %s -p %lld -g 128\t+/-%.0f%%",
                       count(c, (double)c->ireq.prompt_tokens), rate(c, one), m,
                       (long long)c->ireq.prompt_tokens, e->band_decode_pct);
            mp_doc_row(p, t, "decode speed of %d requests together, in all\t%s tok/s\t"
                       "mlx_lm.benchmark --model %s -p %lld -g 128 -b %d (generation_tps is "
                       "the total over the batch)\t+/-%.0f%%",
                       e->batch, rate(c, bench * e->batch), m,
                       (long long)c->ireq.prompt_tokens, e->batch, e->band_decode_pct);
        } else {
            mp_doc_row(p, t, "decode speed after a %s-token prompt\t%s tok/s\tmlx_lm.benchmark "
                       "--model %s -p %lld -g 128\t+/-%.0f%%",
                       count(c, (double)c->ireq.prompt_tokens), rate(c, bench), m,
                       (long long)c->ireq.prompt_tokens, e->band_decode_pct);
        }
        mp_doc_row(p, t, "prefill speed\t%s tok/s\tsame run, prompt tokens-per-sec\t+/-%.0f%%",
                   rate(c, e->prefill_tok_s), e->band_prefill_pct);
        mp_doc_row(p, t, "peak memory\t%s\tsame run, peak memory (mx.get_peak_memory)\t"
                   "+/-%.0f%%", gb_dec(c, e->total_bytes), e->band_mem_pct);
        mp_doc_row(p, t, "time to first token\t%s\tmlx_lm.generate --verbose, %s-token prompt\t"
                   "+/-%.0f%%", dur(c, c->ires1.ttft_s), count(c, (double)e->prompt_tokens),
                   e->band_prefill_pct);
    }
    if (c->train) {
        mp_flow_ft f = finetune_flow(c);
        mp_flow_ft_targets(p, t, &f);
    }
    if (c->pretrain) {
        mp_doc_row(p, t, "training throughput\t%s tok/s\ttrain.py tok/s lines\t+/-%.0f%%",
                   rate(c, c->pres.tok_s), c->pres.band_speed_pct);
        mp_doc_row(p, t, "peak memory\t%s\ttrain.py peak lines (mx.get_peak_memory)\t"
                   "+/-%.0f%%", gb_dec(c, c->pres.total_bytes), c->pres.band_mem_pct);
        mp_doc_row(p, t, "time to the token budget\t%s\ttrain.py wall clock\t+/-%.0f%%",
                   dur(c, c->pres.total_s), c->pres.band_speed_pct);
    }
}
