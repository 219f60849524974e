/*
 * write_guide.c - the third phase of the planner, part 3 (see planner.h): code patterns,
 * testing, the diagnosis of a slow setup, the optimisation guide, deployment
 * and the todo checklist.
 */
#include <math.h>
#include <string.h>

#include "plan/planner.h"

/* The machine the optimisation guide weighs for more bandwidth (a choice of
 * the planner; its bandwidth comes from data/hw). */
#define MORE_BANDWIDTH_CHIP "M4 Max 40c"
#define MORE_BANDWIDTH_GB 64

int mp_pl_write_code(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_buf b = MP_BUF_INIT;
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        int rc = mp_flow_pretrain_code(p, &f, c->err);
        if (rc) {
            mp_buf_release(&b);
            return rc;
        }
    }
    if (c->train) {
        mp_flow_ft f = finetune_flow(c);
        int rc = mp_flow_ft_code(p, &f, c->err);
        if (rc) {
            mp_buf_release(&b);
            return rc;
        }
    }
    if (c->infer && !c->train) {
        const char *m = c->run_model[0] ? c->run_model : c->model_id;
        if (c->sc & MP_INTENT_OPTIMIZE) {
            mp_pat_speed_check(&b, m, c->ireq.prompt_tokens, c->ires.decode_tok_s,
                               c->ires.band_decode_pct);
            mp_doc_code(p, MP_SEC_CODE, "python", "speed_check.py", mp_buf_cstr(&b));
        } else {
            mp_pat_inference(&b, m, 512, c->ireq.kv_bits, c->ires.decode_tok_s);
            mp_doc_code(p, MP_SEC_CODE, "python", "chat.py", mp_buf_cstr(&b));
        }
        mp_buf_reset(&b);
    }
    if (c->sc & MP_INTENT_SERVE) {
        mp_pat_client(&b, mp_pl_fact_int(MP_FACT_SERVER_PORT));
        mp_doc_code(p, MP_SEC_CODE, "python", "client.py", mp_buf_cstr(&b));
        mp_buf_reset(&b);
    }
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2) {
        mp_pat_distributed(&b, c->run_model[0] ? c->run_model : c->model_id);
        mp_doc_code(p, MP_SEC_CODE, "python", "sharded_generate.py", mp_buf_cstr(&b));
        mp_buf_reset(&b);
    }
    if (is_cuda(c)) {
        mp_pat_device_check(&b);
        mp_doc_code(p, MP_SEC_CODE, "python", "device_check.py", mp_buf_cstr(&b));
    }
    mp_buf_release(&b);
    return 0;
}

void mp_pl_write_testing(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_TESTING, MP_BLK_BULLETS);
    if (c->train) {
        mp_flow_ft f = finetune_flow(c);
        mp_flow_ft_testing(p, b, &f);
    }
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        mp_flow_pretrain_testing(p, b, &f);
    }
    if (c->infer) {
        mp_doc_add(p, b, "Speed: mlx_lm.benchmark must land inside the targets' tolerance; a "
                   "result far below means swapping, other GPU work or a setting that differs "
                   "from the plan (run `mlxplan check` on your script).");
        if (c->ires.quant.mode != MP_Q_FLOAT && c->have_arch) {
            mp_quant nq = mp_arch_native_quant(&c->arch);
            double ref = mp_arch_weight_bytes(&c->arch, &nq, NULL);
            bool ref_fits = ref < 0.9 * c->fit_mach.gpu_default_bytes;
            mp_doc_add(p, b, "Quality of %s: perplexity on the same samples for the %s and the "
                       "converted model; a rise of more than a few percent calls for more bits "
                       "or a learned format (mlx_lm.dwq).",
                       qlabel(c, &c->ires.quant),
                       ref_fits ? S(c, "original (%s)", gib(c, ref))
                                : "8-bit copy (the original does not fit)");
            if ((c->sc & MP_INTENT_QUANTIZE) && c->run_model[0]) {
                mp_buf sh = MP_BUF_INIT;
                const char *models[2] = {ref_fits ? c->model_id : "mlx_model/reference-8bit",
                                         c->run_model};
                for (int i = 0; i < 2; i++) {
                    mp_cmd_start(&sh, "mlx_lm.perplexity");
                    mp_cmd_flag(&sh, "mlx_lm.perplexity", "--model", models[i]);
                    mp_cmd_flag(&sh, "mlx_lm.perplexity", "--num-samples",
                                mp_pl_fact_text(MP_FACT_PPL_SAMPLES));
                    mp_cmd_flag(&sh, "mlx_lm.perplexity", "--sequence-length",
                                mp_pl_fact_text(MP_FACT_PPL_SEQ));
                    cmd_line(&sh);
                }
                mp_doc_code(p, MP_SEC_TESTING, "sh", NULL, mp_buf_cstr(&sh));
                mp_buf_release(&sh);
            }
        }
    }
    if ((c->sc & MP_INTENT_EVALUATE) && c->train) /* else the Evaluate step has it */
        mp_doc_add(p, b, "Benchmarks: `mlx_lm.evaluate --model %s --tasks arc_easy` (lm-eval) "
                   "for task accuracy.", c->run_model[0] ? c->run_model : c->model_id ? c->model_id : "MODEL");
    if (c->sc & MP_INTENT_SERVE)
        mp_doc_add(p, b, "Serving: client.py gets a reply; send %d requests at once and check "
                   "that the total reaches about %s tok/s (%s per request).",
                   c->infer ? c->ires.batch : 4, c->infer ? rate(c, c->ires.decode_total_tok_s) : "?",
                   c->infer ? rate(c, c->ires.decode_tok_s) : "?");
}

/* Ranked by estimated gain; every effect computed by the engines. */
void mp_pl_write_optimization(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *t = mp_doc_table(p, MP_SEC_OPTIMIZATION, 3, "change\testimated effect\thow");
    int rows = 0;
    if (c->infer && !c->nofit) {
        const mp_infer_result *e = &c->ires;
        /* fewer bits */
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, c->arch.dtype};
        if (mp_quant_quality(&e->quant) > mp_quant_quality(&q4)) {
            mp_infer_req r = c->ireq;
            r.quant = q4;
            mp_infer_result x;
            if (mp_infer(&r, &x, NULL) == 0) {
                char flags[120];
                mp_quant_convert_flags(&q4, flags, sizeof flags);
                mp_doc_row(p, t, "4-bit weights instead of %s\tdecode %s -> %s tok/s (%+.0f%%), "
                           "memory %s -> %s\tmlx_lm.convert %s",
                           qlabel(c, &e->quant), rate(c, e->decode_tok_s),
                           rate(c, x.decode_tok_s),
                           100 * (x.decode_tok_s / e->decode_tok_s - 1), gib(c, e->total_bytes),
                           gib(c, x.total_bytes), flags);
                rows++;
            }
        }
        /* quantized KV cache for long contexts */
        if (!c->ireq.kv_bits && e->kv.bytes > 0.1 * e->total_bytes) {
            mp_infer_req r = c->ireq;
            r.kv_bits = 8;
            mp_infer_result x;
            if (mp_infer(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "8-bit KV cache\tKV %s -> %s, decode %s -> %s tok/s at %s "
                           "tokens\tmlx_lm.generate --kv-bits 8",
                           gib(c, e->kv.bytes), gib(c, x.kv.bytes), rate(c, e->decode_tok_s),
                           rate(c, x.decode_tok_s), count(c, (double)e->context_tokens)),
                    rows++;
        }
        /* batching when serving */
        if (c->sc & MP_INTENT_SERVE) {
            mp_infer_req r = c->ireq;
            r.batch = 8;
            mp_infer_result x;
            if (mp_infer(&r, &x, NULL) == 0 && x.verdict != MP_NO_FIT)
                mp_doc_row(p, t, "decode 8 requests together\ttotal %s -> %s tok/s (%s tok/s "
                           "each), memory %s\tmlx_lm.server --decode-concurrency 8",
                           rate(c, e->decode_total_tok_s), rate(c, x.decode_total_tok_s),
                           rate(c, x.decode_tok_s), gib(c, x.total_bytes)),
                    rows++;
            mp_doc_row(p, t, "reuse the shared prompt prefix\ttime to first token of a cached "
                       "%s-token prefix drops from %s to about one decode step (%s)\tLRU prompt "
                       "cache: mlx_lm.server --prompt-cache-size",
                       count(c, (double)e->prompt_tokens), dur(c, e->ttft_s),
                       dur(c, 1.0 / e->decode_tok_s));
            rows++;
        }
        /* more bandwidth */
        if (c->mach.chip.vendor == MP_VENDOR_APPLE && c->mach.chip.tier != MP_APPLE_TIER_MAX &&
            c->mach.chip.tier != MP_APPLE_TIER_ULTRA) {
            mp_chip_match m;
            mp_machine mx4;
            if (mp_chip_resolve(MORE_BANDWIDTH_CHIP, MORE_BANDWIDTH_GB, &m, NULL) == 0 &&
                mp_machine_init(&mx4, &m.chip, MORE_BANDWIDTH_GB, NULL) == 0) {
                mp_infer_req r = c->ireq;
                r.mach = &mx4;
                mp_infer_result x;
                if (mp_infer(&r, &x, NULL) == 0)
                    mp_doc_row(p, t, "a machine with more bandwidth\t%s (%s GB/s): "
                               "decode %s tok/s (%+.0f%%)\tmlxplan fit --model %s --min-tok-s %.0f",
                               m.chip.short_name, bandwidth(c, m.chip.bandwidth_gbs),
                               rate(c, x.decode_tok_s),
                               100 * (x.decode_tok_s / e->decode_tok_s - 1), c->model_id,
                               e->decode_tok_s * 1.5),
                        rows++;
            }
        }
    }
    if (c->train) {
        const mp_train_result *e = &c->tres;
        mp_train_req r = c->treq;
        mp_train_result x;
        if (r.grad_checkpoint) {
            r.grad_checkpoint = false;
            if (mp_train_maybe_data(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "drop gradient checkpointing\t%s -> %s tok/s, memory %s -> %s "
                           "(%s)\tgrad_checkpoint: false",
                           rate(c, e->tok_s), rate(c, x.tok_s), gib(c, e->total_bytes),
                           gib(c, x.total_bytes), mp_verdict_name(x.verdict)),
                    rows++;
        } else {
            r.grad_checkpoint = true;
            if (mp_train_maybe_data(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "gradient checkpointing\tmemory %s -> %s, speed %s -> %s "
                           "tok/s\tgrad_checkpoint: true",
                           gib(c, e->total_bytes), gib(c, x.total_bytes), rate(c, e->tok_s),
                           rate(c, x.tok_s)),
                    rows++;
        }
        r = c->treq;
        int nl = e->layers_trained;
        if (nl > 8) {
            r.num_layers = 8;
            if (mp_train_maybe_data(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "adapt 8 layers instead of %d\t%s -> %s tok/s, memory %s\t"
                           "num_layers: 8",
                           nl, rate(c, e->tok_s), rate(c, x.tok_s), gib(c, x.total_bytes)),
                    rows++;
        }
        r = c->treq;
        if (r.seq_len > 512 && !c->prompt) { /* else the request's prompts set the window */
            r.seq_len /= 2;
            if (mp_train_maybe_data(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "sequences of %s tokens (if your examples are shorter)\t"
                           "memory %s -> %s, %s tok/s\tmax_seq_length: %lld",
                           whole(c, r.seq_len, "tokens"), gib(c, e->total_bytes), gib(c, x.total_bytes),
                           rate(c, x.tok_s), (long long)r.seq_len),
                    rows++;
        }
    }
    if (c->pretrain) {
        mp_train_req r = c->preq;
        mp_train_result x;
        if (r.train_dtype == MP_DT_F32) {
            r.train_dtype = MP_DT_BF16;
            if (mp_train(&r, &x, NULL) == 0)
                mp_doc_row(p, t, "bfloat16 weights\tmemory %s -> %s\tconfig.py: dtype = "
                           "\"bfloat16\" (watch for loss spikes)",
                           gib(c, c->pres.total_bytes), gib(c, x.total_bytes)),
                    rows++;
        }
        r = c->preq;
        r.batch *= 2;
        if (mp_train(&r, &x, NULL) == 0 && x.verdict_point == MP_FITS)
            mp_doc_row(p, t, "batch %d\t%s -> %s tok/s, memory %s\tconfig.py: batch_size = %d", r.batch,
                       rate(c, c->pres.tok_s), rate(c, x.tok_s), gib(c, x.total_bytes), r.batch),
                rows++;
    }
    if (!rows && (c->infer || c->train || c->pretrain))
        mp_doc_para(p, MP_SEC_OPTIMIZATION, "No cheaper setting keeps the plan's quality: the "
                    "chosen configuration is already the fastest that fits.");
}

void mp_pl_write_deployment(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_DEPLOYMENT, MP_BLK_BULLETS);
    double total = c->infer ? c->ires.total_bytes / c->nodes
                   : c->train ? c->tres.total_bytes : c->pres.total_bytes;
    if (c->have_mach && c->mach.chip.vendor == MP_VENDOR_APPLE && total > 0) {
        if (total > 0.9 * c->mach.gpu_default_bytes && total <= c->mach.gpu_max_bytes)
            mp_doc_add(p, b, "Raise the GPU wired limit before running: `sudo sysctl "
                       "iogpu.wired_limit_mb=%d` (%s; resets at reboot).",
                       c->mach.wired_limit_mb, gib(c, c->mach.gpu_max_bytes));
        else
            mp_doc_add(p, b, "Memory: %s%s of the %s default GPU limit; close large apps, and if "
                       "mlx-lm warns about the wired limit, raise it with `sudo sysctl "
                       "iogpu.wired_limit_mb=%d`.",
                       gib(c, total), c->nodes > 1 ? " per Mac" : "",
                       gib(c, c->mach.gpu_default_bytes), c->mach.wired_limit_mb);
    }
    if (c->sc & MP_INTENT_SERVE) {
        mp_doc_add(p, b, "mlx_lm.server binds to %s by default and has no "
                   "authentication: keep it local, or put a reverse proxy with TLS and a token "
                   "in front before exposing it.", mp_pl_fact_text(MP_FACT_SERVER_HOST));
        mp_doc_add(p, b, "Keep it running with a launchd agent (macOS) or a systemd unit "
                   "(Linux) that restarts it; log its stderr.");
        if (c->infer) {
            double free_b = 0.9 * c->mach.gpu_default_bytes - c->ires.total_bytes;
            if (free_b > 0)
                mp_doc_add(p, b, "Cap the prompt cache at what is left under the 90%% line: "
                           "`--prompt-cache-bytes %.0f` (%s).",
                           floor(free_b), gib(c, free_b));
        }
    }
    if ((c->sc & MP_INTENT_DISTRIBUTED) && c->n_macs >= 2) {
        mp_buf sh = MP_BUF_INIT;
        mp_buf_printf(&sh, "mlx.distributed_config --backend ring --over thunderbolt --hosts ");
        for (int i = 1; i <= c->n_macs; i++)
            mp_buf_printf(&sh, "%smac%d", i > 1 ? "," : "", i);
        mp_buf_printf(&sh, " --output-hostfile hosts.json\n");
        mp_buf_printf(&sh, "mlx.launch --hostfile hosts.json --backend ring sharded_generate.py\n");
        mp_doc_code(p, MP_SEC_DEPLOYMENT, "sh", NULL, mp_buf_cstr(&sh));
        mp_buf_release(&sh);
        mp_doc_add(p, b, "Several Macs: the same Python and model path on every machine; "
                   "mlx.distributed_config writes hosts.json for the ring backend over "
                   "Thunderbolt (jaccl needs RDMA enabled; see the mlx distributed docs).");
    }
    if (is_cuda(c))
        mp_doc_add(p, b, "CUDA: set the GPU with CUDA_VISIBLE_DEVICES; mx.set_wired_limit has no "
                   "effect there and MLX's memory limit is 0.95 x the GPU memory.");
    if (c->train) {
        mp_flow_ft f = finetune_flow(c);
        mp_flow_ft_deployment(p, b, &f);
    }
    if (c->pretrain) {
        mp_flow_pretrain f = pretrain_flow(c);
        mp_flow_pretrain_deployment(p, b, &f);
    }
}

void mp_pl_write_todo(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_TODO, MP_BLK_CHECKLIST);
    const mp_section *s = &p->sections[MP_SEC_STEPS];
    for (int i = 0; i < s->n; i++) {
        const mp_block *blk = &s->blocks[i];
        if (blk->kind != MP_BLK_NUMBERED)
            continue;
        for (int k = 0; k < blk->n; k++) {
            /* a step opens with its title in emphasis */
            const mp_item *item = &blk->items[k];
            if (item->n && item->spans[0].kind == MP_SPAN_STRONG)
                mp_doc_add(p, b, "%s", item->spans[0].text);
        }
    }
    const mp_section *t = &p->sections[MP_SEC_TARGETS];
    if (t->n && t->blocks[0].kind == MP_BLK_TABLE)
        mp_doc_add(p, b, "Check every performance target against its tolerance");
    for (int i = 0; i < p->n_questions; i++)
        mp_doc_add(p, b, "Answer: %s", p->questions[i]);
}


/* Diagnosis of a slow setup: expected against observed, causes ranked. */
/* When the user did not say which model is slow: what each default model
 * should reach on this machine at 4-bit and 8-bit, to compare with theirs. */
static void reference_speeds(mp_pctx *c)
{
    mp_plan *p = c->p;
    int64_t prompt = c->context < 4096 ? c->context : 4096;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "What mlx-lm should reach on the %s (batch 1, %s tokens of context, %s-token "
                "prompt); find the row of your model and format:", c->mach_label,
                count(c, (double)c->context), count(c, (double)prompt));
    mp_block *t = mp_doc_table(p, MP_SEC_OPTIMIZATION, 5,
                               "model\tformat\tdecode tok/s\tprefill tok/s\tmemory");
    const mp_model_row *cand[64];
    size_t n_cand = mp_pl_candidates(c, cand, sizeof cand / sizeof cand[0]);
    for (size_t i = 0; i < n_cand; i++) {
        const mp_model_row *row = cand[i];
        mp_arch a;
        if (mp_registry_arch(row, &a, NULL) != 0)
            continue;
        for (int bits = 4; bits <= 8; bits += 4) {
            mp_quant q = {MP_Q_AFFINE, bits, 64, MP_RECIPE_NONE, a.dtype};
            mp_infer_req r = {&a, &c->mach, q, c->context, prompt, 1, 0, 64, 0, 0, NULL};
            mp_infer_result res;
            if (mp_infer(&r, &res, NULL) != 0 || res.verdict == MP_NO_FIT)
                continue;
            mp_doc_row(p, t, "%s\t%d-bit\t%s\t%s\t%s%s", row->id, bits,
                       rate(c, res.decode_tok_s), rate(c, res.prefill_tok_s),
                       gib(c, res.total_bytes),
                       res.total_bytes > res.budget_bytes ? " (over the default GPU limit)" : "");
        }
        mp_arch_release(&a);
    }
}

/* A slow fine-tune: the measured training throughput against the estimate
 * for the same model and machine, and the causes that fit the gap. */
static void diagnose_training(mp_pctx *c)
{
    mp_plan *p = c->p;
    const mp_train_result *t = &c->tres;
    double obs = p->spec.observed_tok_s.value;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "Expected training throughput for this setup (%s, batch %d, %s-token sequences, "
                "%d layers%s): %s tok/s (%s).%s",
                task_title(c->treq.task), c->treq.batch, whole(c, c->treq.seq_len, "tokens"),
                t->layers_trained, c->treq.grad_checkpoint ? ", checkpointed" : "",
                rate(c, t->tok_s), t->speed_basis,
                isnan(obs) ? "" : S(c, " You see %s tok/s, %.0f%% of it.", rate(c, obs),
                                    100 * obs / t->tok_s));
    mp_block *b = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_NUMBERED);
    bool slow = !isnan(obs) && obs < (1 - t->band_speed_pct / 100) * t->tok_s;
    if (isnan(obs) || slow) {
        mp_doc_add(p, b, "Memory pressure: the run needs %s of the %s GPU limit; past it macOS "
                   "swaps and throughput falls several-fold. Compare mlx_lm.lora's Peak mem "
                   "line with the limit.", gib(c, t->total_bytes), gib(c, t->budget_bytes));
        mp_doc_add(p, b, "Different settings: mlx-lm's defaults are batch %d, %d layers, "
                   "%s-token sequences; a larger batch, more layers or longer sequences "
                   "change the rate as the table below shows. Compare your lora_config.yaml "
                   "with the one in Code patterns.", mp_pl_fact_int(MP_FACT_LORA_BATCH),
                   mp_pl_fact_int(MP_FACT_LORA_LAYERS), count(c, mp_pl_fact(MP_FACT_LORA_SEQ)));
        mp_doc_add(p, b, "Validation: every --steps-per-eval iterations mlx-lm runs "
                   "--val-batches batches without training; count those pauses when you time "
                   "the run from the outside.");
        mp_doc_add(p, b, "Other GPU work, or a Python that is not native arm64 (Dependencies "
                   "shows the check).");
    } else {
        mp_doc_add(p, b, "Your throughput is within the estimate's band: the GPU is doing what "
                   "its compute allows. Only the changes below (fewer layers, no "
                   "checkpointing, shorter sequences, a quantized base) make it faster.");
    }
}

void mp_pl_write_diagnosis(mp_pctx *c)
{
    mp_plan *p = c->p;
    if ((c->sc & MP_INTENT_OPTIMIZE) && c->train && (p->spec.observed_training || !c->infer)) {
        diagnose_training(c);
        return;
    }
    if (!(c->sc & MP_INTENT_OPTIMIZE) || !c->infer)
        return;
    const mp_infer_result *e = &c->ires;
    double obs = p->spec.observed_tok_s.value;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "Expected decode for this setup: %s tok/s (%s weights + %s KV cache + %s "
                "fixed per token).%s",
                rate(c, e->decode_tok_s), mp_doc_ms(p, e->decode_ms_weights),
                mp_doc_ms(p, e->decode_ms_kv), mp_doc_ms(p, e->decode_ms_fixed),
                isnan(obs) ? " Measure yours with speed_check.py and compare."
                           : S(c, " You see %s tok/s, %.0f%% of it.", rate(c, obs),
                               100 * obs / e->decode_tok_s));
    if (c->model_assumed)
        reference_speeds(c);
    mp_block *b = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_NUMBERED);
    bool far = !isnan(obs) && obs < (1 - e->band_decode_pct / 100) * e->decode_tok_s;
    if (far || isnan(obs)) {
        mp_doc_add(p, b, "Memory pressure: if the model plus cache (%s) does not stay under the "
                   "GPU limit (%s), macOS pages it and speed collapses (a 70B model measured at "
                   "0.23 tok/s unwired vs 4.7 wired). Check Activity Monitor's swap and "
                   "mx.get_peak_memory.",
                   gib(c, e->total_bytes), gib(c, e->budget_bytes));
        mp_doc_add(p, b, "Syncs inside the generation loop: .item(), print(array) or NumPy "
                   "conversions force an evaluation per token; `mlxplan check your_script.py` "
                   "finds them.");
        mp_doc_add(p, b, "A different setting than planned: 16-bit instead of %s weights, a "
                   "longer context (decode at %s tokens is %s tok/s), or another process "
                   "using the GPU.",
                   qlabel(c, &e->quant), count(c, (double)e->curve[e->n_curve - 1].context_tokens),
                   rate(c, e->curve[e->n_curve - 1].decode_tok_s));
        mp_doc_add(p, b, "Profile: run mlx_lm.benchmark with the same model; if it reaches the "
                   "target, the slowness is in your script, not in MLX.");
    } else {
        mp_doc_add(p, b, "Your speed is within the estimate's band: the machine is doing what "
                   "its memory bandwidth allows; only fewer bits, a shorter context or more "
                   "bandwidth make it faster (table above).");
    }
}
