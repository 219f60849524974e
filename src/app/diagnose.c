/* diagnose.c - why a run was slower than its estimate: each cause mlxplan
 * knows, scored on this run's evidence, with the command that checks it,
 * the fix and the fix's gain computed by re-running the estimator with the
 * fix applied.  See runs/diagnose.h for the verdict and app/runs.h. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app/runs.h"
#include "kb/kb.h"

#define LONG_CONTEXT_TOKENS 16384

static mp_diag_cause *cause(mp_diagnosis *d, const char *id, double score)
{
    if (d->n_causes >= MP_DIAG_MAX_CAUSES)
        return NULL;
    mp_diag_cause *c = &d->causes[d->n_causes++];
    memset(c, 0, sizeof *c);
    c->id = id;
    c->score = score;
    return c;
}

static void put(char *dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(char *dst, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(dst, MP_DIAG_TEXT, fmt, ap);
    va_end(ap);
}

/* Decode speed (per sequence times batch when batched) of the run's request
 * changed by `edit`; <= 0 when the estimator refuses the change. */
typedef void (*req_edit)(mp_infer_req *q, void *arg);

static double decode_with(const mp_run_out *o, req_edit edit, void *arg)
{
    mp_infer_req q = o->est.ireq;
    edit(&q, arg);
    static mp_infer_result res; /* large; one diagnosis at a time */
    mp_error e;
    mp_error_clear(&e);
    if (mp_infer(&q, &res, &e) != 0)
        return -1;
    return q.batch > 1 ? res.decode_total_tok_s : res.decode_tok_s;
}

static void edit_quant4(mp_infer_req *q, void *arg)
{
    (void)arg;
    mp_quant_parse("4", 0, q->quant.mode == MP_Q_FLOAT ? q->quant.dtype : MP_DT_BF16, &q->quant,
                   NULL);
}

/* A quantized KV cache; mlx-lm quantizes only the plain cache, so a
 * --max-kv-size (rotating) cache is dropped with it. */
static void edit_kv(mp_infer_req *q, void *arg)
{
    q->kv_bits = *(int *)arg;
    q->kv_group = 64;
    q->max_kv_size = 0;
}

static void edit_batch1(mp_infer_req *q, void *arg)
{
    (void)arg;
    q->batch = 1;
}

/* The model as the user named it (for commands that run it). */
static const char *model_of(const mp_run_out *o)
{
    return o->row.model[0] ? o->row.model : "MODEL";
}

/* The Hugging Face id of the unquantized model (for mlx_lm.convert). */
static const char *hf_of(const mp_run_out *o)
{
    mp_repo_quant rq;
    if (mp_repo_quant_read(o->row.model, &rq) == 0 && rq.base)
        return rq.base->id; /* an MLX conversion: convert from its base */
    const char *hf = mp_app_model_hf(&o->est.model);
    return hf && *hf ? hf : model_of(o);
}

/* ---- causes shared by inference and training -------------------------------- */

/* Heat or Low Power Mode: evidence when the speed fell over the run (`what`
 * names the run: "run", "log"), else a weak suspect of a slow run. */
static void thermals_cause(mp_diagnosis *d, const mp_run_reading *r, bool slow,
                           double suspect_score, const char *what)
{
    double fall = r->first_tok_per_s > 0 && r->last_tok_per_s > 0
                      ? r->first_tok_per_s / r->last_tok_per_s : 1;
    mp_diag_cause *c;
    if (!(fall > 1.1 || slow) || !(c = cause(d, "thermals", fall > 1.1 ? 0.7 : suspect_score)))
        return;
    if (fall > 1.1)
        put(c->evidence, "speed fell from %.1f to %.1f tok/s over the %s", r->first_tok_per_s,
            r->last_tok_per_s, what);
    else
        put(c->evidence, "a hot Mac or Low Power Mode lowers the GPU clock");
    put(c->check, "pmset -g | grep -i lowpowermode; sudo powermetrics --samplers thermal -n 1");
    put(c->fix, "turn Low Power Mode off, plug in, let the Mac cool between runs");
    if (fall > 1.1) {
        c->gain_x = fall;
        put(c->gain_basis, "first over last speed of this %s", what);
    }
}

/* An older MLX / mlx-lm than the pinned releases; `evidence` says why. */
static void old_mlx_cause(mp_diagnosis *d, const char *evidence, double score, double m, double e)
{
    mp_diag_cause *c = cause(d, "old-mlx", score);
    if (!c)
        return;
    put(c->evidence, "%s", evidence);
    put(c->check, "python -c \"import mlx.core as mx; print(mx.__version__)\"; pip show mlx-lm");
    put(c->fix, "pip install -U \"mlx==%s\" \"mlx-lm==%s\"", mp_kb_version("mlx_pin"),
        mp_kb_version("mlx_lm_pin"));
    if (m < e) {
        c->gain_x = e / m;
        c->gain_upper = true;
        put(c->gain_basis, "at most back to the estimate for the pinned releases, %.1f tok/s", e);
    }
}

/* Memory or GPU time taken by other processes (a run that fits, yet slow). */
static void others_cause(mp_diagnosis *d, const char *evidence, double m, double e)
{
    mp_diag_cause *c = cause(d, "other-processes", 0.25);
    if (!c)
        return;
    put(c->evidence, "%s", evidence);
    put(c->check, "memory_pressure; top -o mem (what else holds memory)");
    put(c->fix, "quit other GPU and memory users (browsers, other models) and run again");
    c->gain_x = e / m;
    c->gain_upper = true;
    put(c->gain_basis, "at most back to the estimate, %.1f tok/s", e);
}

/* ---- inference causes ------------------------------------------------------ */

static void infer_causes(mp_run_out *o, mp_diagnosis *d)
{
    const mp_run_reading *r = &o->reading;
    const mp_infer_result *inf = &o->est.inf;
    const mp_machine *mach = &o->est.mach;
    double m = d->measured_tok_s, e = d->expected_tok_s;
    bool slow = d->verdict == MP_DIAG_SLOWER || d->verdict == MP_DIAG_MUCH_SLOWER;
    mp_diag_cause *c;
    double weights_gb = inf->weights.bytes / 1e9;

    /* 16-bit weights: stored so, or a peak that says the 4-bit model was not
     * the one loaded */
    bool float_w = inf->quant.mode == MP_Q_FLOAT;
    double e4 = decode_with(o, edit_quant4, NULL);
    if (float_w && e4 > e * 1.2 && (c = cause(d, "weights-16bit", 0.9))) {
        put(c->evidence, "the weights are %s: %.1f GB read per generated token",
            mp_dtype_name(inf->quant.dtype), weights_gb);
        put(c->check, "mlxplan models inspect MODEL_FOLDER (the stored format of each tensor)");
        put(c->fix, "mlx_lm.convert --hf-path %s -q --q-bits 4, then generate from the "
            "converted folder", hf_of(o));
        c->gain_x = e4 / m;
        put(c->gain_basis, "4-bit g64 estimate %.1f tok/s over the measured %.1f", e4, m);
    } else if (!float_w && r->peak_memory_gb > 0) {
        /* the same model in 16-bit, with this run's KV cache and activations */
        mp_quant q16 = mp_quant_float(MP_DT_BF16);
        double w16 = mp_arch_weight_bytes(o->est.ireq.arch, &q16, NULL);
        double peak_b16 = w16 + inf->kv.bytes + inf->activations.bytes;
        double peak_b = r->peak_memory_gb * 1e9;
        if (peak_b > 1.4 * inf->total_bytes && peak_b > 0.85 * peak_b16 &&
            (c = cause(d, "weights-16bit", 0.8))) {
            put(c->evidence, "peak memory %.1f GB: the %s model needs %.1f GB, a 16-bit copy "
                "%.1f GB", r->peak_memory_gb, o->row.quant, inf->total_bytes / 1e9,
                peak_b16 / 1e9);
            put(c->check, "mlxplan models inspect MODEL_FOLDER (a \"quantization\" block in "
                "config.json)");
            put(c->fix, "load the quantized model (an mlx-community ...-4bit repo, or "
                "mlx_lm.convert --hf-path %s -q)", hf_of(o));
            c->gain_x = e / m;
            put(c->gain_basis, "the estimate for the quantized model, %.1f tok/s, over the "
                "measured %.1f", e, m);
        }
    }

    /* above the GPU limit: swap */
    /* the measured peak, when printed, decides over the estimate */
    bool over = r->warn_model_mb > 0 ||
                (r->peak_memory_gb > 0 ? r->peak_memory_gb * 1e9 > inf->budget_bytes
                                       : inf->total_bytes > inf->budget_bytes);
    if (over && (c = cause(d, "swap", 0.95))) {
        if (r->warn_model_mb > 0)
            put(c->evidence, "mlx-lm warned: %.0f MB model near the %.0f MB recommended limit",
                r->warn_model_mb, r->warn_limit_mb);
        else
            put(c->evidence, "%.1f GB needed (peak %.1f GB) over the %.1f GB default GPU limit",
                inf->total_bytes / 1e9, r->peak_memory_gb > 0 ? r->peak_memory_gb : 0,
                inf->budget_bytes / 1e9);
        put(c->check, "sysctl vm.swapusage (swap in use while generating)");
        if (inf->total_bytes <= inf->max_bytes) {
            put(c->fix, "sudo sysctl iogpu.wired_limit_mb=%d (until reboot), close other apps",
                mach->wired_limit_mb);
            c->gain_x = e / m;
            put(c->gain_basis, "the in-memory estimate %.1f tok/s over the measured %.1f", e, m);
        } else if (e4 > 0) {
            put(c->fix, "a smaller format: mlx_lm.convert --hf-path %s -q --q-bits 4",
                hf_of(o));
            c->gain_x = e4 / m;
            put(c->gain_basis, "4-bit estimate %.1f tok/s over the measured %.1f", e4, m);
        }
    }

    /* the CPU device */
    if ((r->cpu_device || (slow && d->ratio < 0.2)) &&
        (c = cause(d, "cpu-device", r->cpu_device ? 1.0 : 0.25))) {
        put(c->evidence, "%s", r->cpu_device ? "the paste runs MLX on the CPU"
                               : "under a fifth of the GPU estimate, as on the CPU");
        put(c->check, "python -c \"import mlx.core as mx; print(mx.default_device())\" "
            "(Device(gpu, 0) expected)");
        put(c->fix, "run on the GPU: mx.set_default_device(mx.gpu), and no CPU override in "
            "the environment");
        c->gain_x = e / m;
        put(c->gain_basis, "the GPU estimate %.1f tok/s over the measured %.1f", e, m);
    }

    /* an old MLX / mlx-lm: the older print format */
    bool old = r->format == MP_RUN_FMT_GENERATE && r->prompt_tok_per_s > 0 && r->prompt_tokens < 0;
    if (old || slow)
        old_mlx_cause(d, old ? "the output is an older mlx-lm's (no prompt token count)"
                             : "releases before the pinned ones decode slower",
                      old ? 0.6 : 0.2, m, e);

    /* long context: KV reads per token */
    double ms_total = inf->decode_ms_weights + inf->decode_ms_kv + inf->decode_ms_fixed;
    double kv_share = ms_total > 0 ? inf->decode_ms_kv / ms_total : 0;
    if (inf->context_tokens >= LONG_CONTEXT_TOKENS && r->kv_bits <= 0) {
        int bits = 4;
        double ekv = decode_with(o, edit_kv, &bits);
        if (ekv > e * 1.05 && (c = cause(d, "long-context-kv", 0.3 + kv_share))) {
            put(c->evidence, "%lld tokens of context: the KV cache is %.0f%% of each token's "
                "time", (long long)inf->context_tokens, 100 * kv_share);
            put(c->check, "mlx_lm.benchmark --model %s -p 512 -g 128 (a short prompt, to compare)",
                model_of(o));
            if (r->max_kv_size > 0)
                put(c->fix, "mlx_lm.generate --kv-bits 4 (a quantized KV cache) in place of "
                    "--max-kv-size, which mlx-lm cannot quantize");
            else
                put(c->fix, "mlx_lm.generate --kv-bits 4 (a quantized KV cache), or "
                    "--max-kv-size to cap it");
            c->gain_x = ekv / e;
            put(c->gain_basis, "estimate with a 4-bit KV cache %.1f tok/s over %.1f with a "
                "16-bit one", ekv, e);
        }
    }

    /* batch / concurrency */
    if (inf->batch > 1 && (c = cause(d, "batch", 0.5))) {
        double e1 = decode_with(o, edit_batch1, NULL);
        put(c->evidence, "batch of %d: each sequence gets %.1f of the %.1f tok/s", inf->batch,
            m / inf->batch, m);
        put(c->check, "mlx_lm.benchmark --model %s -b 1 (one sequence)", model_of(o));
        put(c->fix, "for one user's latency run batch 1; batching buys total throughput");
        if (e1 > 0) {
            c->gain_x = e1 / (m / inf->batch);
            put(c->gain_basis, "batch-1 estimate %.1f tok/s over %.1f per sequence", e1,
                m / inf->batch);
        }
    }

    /* heat or Low Power Mode: trials that slow down */
    thermals_cause(d, r, slow, 0.15, "run");

    /* memory held by other processes */
    if (slow && !over) {
        char ev[MP_DIAG_TEXT];
        snprintf(ev, sizeof ev, "the model fits (%.1f of %.1f GB), yet it is slower: memory or "
                 "GPU taken by other apps", inf->total_bytes / 1e9, inf->budget_bytes / 1e9);
        others_cause(d, ev, m, e);
    }

    /* the user's own timing: tokens over the whole call, prompt included
     * (mlx_lm's Generation line leaves the prompt out) */
    bool own = r->format == MP_RUN_FMT_NONE || (r->format == MP_RUN_FMT_API && !r->command[0]);
    double gen = (double)(inf->context_tokens - inf->prompt_tokens);
    if (own && slow && gen > 0 && inf->prefill_tok_s > 0 && inf->prompt_tokens > 0) {
        double pre_s = (double)inf->prompt_tokens / inf->prefill_tok_s;
        double with = gen / (pre_s + gen / e);
        double near = fabs(log(m / with)) <= log(1 + d->band_pct / 100);
        if ((c = cause(d, "prompt-in-timing", near ? 0.65 : 0.35)) != NULL) {
            put(c->evidence, "%.0f tokens after a %lld-token prompt, timed together: %.1f s "
                "prefill + %.1f s decode = %.1f tok/s that way", gen,
                (long long)inf->prompt_tokens, pre_s, gen / e, with);
            put(c->check, "mlx_lm.generate --model %s (its Prompt and Generation lines "
                "time the two apart)", model_of(o));
            put(c->fix, "time generation from the first token on (GenerationResponse."
                "generation_tps), the prompt apart (prompt_tps)");
            c->gain_x = e / with;
            put(c->gain_basis, "the decode estimate %.1f tok/s over the %.1f with the prompt "
                "timed in", e, with);
        }
    }

    /* the user's own loop */
    if (own && slow && (c = cause(d, "own-loop", 0.55))) {
        put(c->evidence, "timed in your own code, not by mlx_lm.generate");
        put(c->check, "mlxplan check your_script.py (loops without a KV cache or "
            "mx.async_eval)");
        put(c->fix, "generate with mlx_lm.stream_generate (it keeps a KV cache from "
            "mlx_lm.models.cache.make_prompt_cache and overlaps steps with mx.async_eval)");
        c->gain_x = e / m;
        c->gain_upper = true;
        put(c->gain_basis, "at most back to the estimate, %.1f tok/s", e);
    }
}

/* ---- training causes -------------------------------------------------------- */

static void train_causes(mp_run_out *o, mp_diagnosis *d)
{
    const mp_run_reading *r = &o->reading;
    const mp_train_result *tr = &o->est.tr;
    double m = d->measured_tok_s, e = d->expected_tok_s;
    bool slow = d->verdict == MP_DIAG_SLOWER || d->verdict == MP_DIAG_MUCH_SLOWER;
    mp_diag_cause *c;
    bool over = r->peak_memory_gb > 0 ? r->peak_memory_gb * 1e9 > tr->budget_bytes
                                      : tr->total_bytes > tr->budget_bytes;
    if (over && (c = cause(d, "swap", 0.95))) {
        put(c->evidence, "%.1f GB needed (peak %.1f GB) over the %.1f GB default GPU limit",
            tr->total_bytes / 1e9, r->peak_memory_gb > 0 ? r->peak_memory_gb : 0,
            tr->budget_bytes / 1e9);
        put(c->check, "sysctl vm.swapusage (swap in use while training)");
        put(c->fix, "mlx_lm.lora --grad-checkpoint, a smaller --batch-size or "
            "--max-seq-length");
        c->gain_x = e / m;
        put(c->gain_basis, "the in-memory estimate %.1f tok/s over the measured %.1f", e, m);
    }
    thermals_cause(d, r, slow, 0.2, "log");
    if (r->train_it_per_s > 0 && slow) /* "It/sec" is the older trainer's line */
        old_mlx_cause(d, "the log is an older mlx-lm's (\"Iter N: Train loss\" lines)", 0.4, m, e);
    if (slow)
        others_cause(d, "the run fits, yet it is slower: memory or GPU taken by other apps", m, e);
}

void mp_run_diagnose(mp_run_out *o)
{
    mp_diagnosis *d = &o->diag;
    memset(d, 0, sizeof *d);
    if (!o->have_estimate)
        return;
    const mp_run_row *row = &o->row;
    if (o->est.task != MP_TASK_INFER) {
        mp_diag_judge(d, MP_RUN_KIND_TRAIN, row->train_tok_s, row->exp_train_tok_s,
                      o->band_pct[MP_RUN_KIND_TRAIN]);
        if (d->verdict != MP_DIAG_NONE)
            train_causes(o, d);
    } else if (row->gen_tok_s > 0) {
        mp_diag_judge(d, MP_RUN_KIND_DECODE, row->gen_tok_s, row->exp_gen_tok_s,
                      o->band_pct[MP_RUN_KIND_DECODE]);
        infer_causes(o, d);
    } else {
        mp_diag_judge(d, MP_RUN_KIND_PREFILL, row->prompt_tok_s, row->exp_prompt_tok_s,
                      o->band_pct[MP_RUN_KIND_PREFILL]);
    }
    mp_diag_rank(d);
}
