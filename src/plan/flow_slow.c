/*
 * flow_slow.c - the "my MLX inference is slower than expected" plan: a
 * diagnosis of the user's own setup.  What that setup should reach on
 * every GPU-core bin of their chip (and what typical models reach at 4, 8
 * and 16 bits), the speed they report placed against it, the causes ranked
 * for this case with a check and a computed effect each, the measurement
 * protocol and what each printed number means, profiling, long contexts.
 * Every figure comes from mp_infer (src/engine/infer.c) or from a measured
 * row of data/calibration, and says which.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/doc.h"
#include "plan/flow.h"
#include "plan/template.h"

/* decode of a model paged out of memory against the same model wired:
 * 0.23 vs 4.7 tok/s, Llama 3 70B bf16 on an M2 Ultra (data/calibration
 * rows cal-020 and cal-021, ml-explore/mlx-examples#1069) */
#define PAGED_TOK_S 0.23
#define WIRED_TOK_S 4.7

/* A chip's memory bandwidth as the plan prints it ("300"), typed in GB/s. */
static const char *gbs(mp_plan *p, double gb_s)
{
    return mp_doc_fig(p, gb_s, "GB/s", "%.0f", gb_s);
}

/* the typical models of the expected-speed table (registry ids) */
static const char *const typical_models[] = {
    "meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen3-14B", "google/gemma-3-27b-it",
    "Qwen/Qwen3-32B", "Qwen/Qwen3-30B-A3B", "meta-llama/Llama-3.1-70B-Instruct", NULL,
};

#define MAX_BINS 4

/* The bins of the user's chip (same family and tier, Apple): the user's
 * first, then the others by GPU cores.  Returns how many (>= 1). */
static int chip_bins(const mp_flow_slow *f, mp_chip *bins)
{
    const mp_chip *mine = &f->mach->chip;
    bins[0] = *mine;
    int n = 1;
    if (mine->vendor != MP_VENDOR_APPLE)
        return n;
    for (size_t i = 0; i < mp_chip_count() && n < MAX_BINS; i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        if (c.vendor == MP_VENDOR_APPLE && strcmp(c.family, mine->family) == 0 &&
            c.tier == mine->tier && c.gpu_cores != mine->gpu_cores)
            bins[n++] = c;
    }
    return n;
}

/* The user's setup estimated with other settings (NAN decode on an error). */
static mp_infer_result variant(const mp_flow_slow *f, const mp_machine *m, const mp_quant *q,
                               int64_t context, int kv_bits, int64_t max_kv)
{
    mp_infer_req r = *f->req;
    r.mach = m ? m : f->req->mach;
    if (q)
        r.quant = *q;
    if (context > 0) {
        r.context_tokens = context;
        if (r.prompt_tokens > context)
            r.prompt_tokens = context;
    }
    r.kv_bits = kv_bits;
    r.max_kv_size = max_kv;
    mp_infer_result res;
    if (mp_infer(&r, &res, NULL) != 0) {
        memset(&res, 0, sizeof res);
        res.decode_tok_s = NAN;
    }
    return res;
}

/* The same chip bin as a machine with the user's memory, or the bin's
 * smallest when it is not sold with it. */
static int bin_machine(const mp_flow_slow *f, const mp_chip *c, mp_machine *m)
{
    int gb = mp_chip_offers_memory(c, f->mach->memory_gb) ? f->mach->memory_gb : 0;
    return mp_machine_init(m, c, gb, NULL);
}

/* The lowest fraction of an estimate its +/-`pct` band allows: 1 - pct/100,
 * read as a factor (1 / (1 + pct/100)) when the band is wider than that. */
static double band_low(double pct)
{
    double lin = 1 - pct / 100, fac = 1 / (1 + pct / 100);
    return lin > fac ? lin : fac;
}

const char *mp_flow_fit_text(double total_bytes, double budget_bytes, double max_bytes,
                             double band_pct)
{
    if (total_bytes > max_bytes)
        return "does not fit";
    if (total_bytes > budget_bytes)
        return "does not fit the default limit (fits with iogpu.wired_limit_mb raised)";
    if (total_bytes * (1 + band_pct / 100) > budget_bytes)
        return "tight (the band reaches the limit)";
    return "fits";
}

/* ---- the causes ------------------------------------------------------------------- */

#define MAX_CAUSES 10

typedef struct cause {
    const char *what;         /* the cause, in this setup's words */
    const char *check;        /* how to tell */
    const char *effect;       /* its computed effect, with the basis */
    double tok_s;             /* the decode speed it alone would show; NAN: not computed */
    bool ruled_out;           /* what the request says, or this setup's figures, exclude it */
    const char *ruled_by;     /* with ruled_out: why, when not the request's words */
    bool loop_cause;          /* only a generation loop of one's own has it */
    bool timing_cause;        /* only a stopwatch around the whole call has it */
} cause;

typedef struct causes {
    int n;
    cause v[MAX_CAUSES];
} causes;

static cause *add_cause(causes *cs)
{
    cause *c = &cs->v[cs->n++];
    memset(c, 0, sizeof *c);
    c->tok_s = NAN;
    return c;
}

/* The effective output rate when the prompt's processing is timed with the
 * generation: `gen` tokens over prefill plus decode time. */
static double with_prompt_tok_s(const mp_infer_result *e, double gen)
{
    double t = (double)e->prompt_tokens / e->prefill_tok_s + gen / e->decode_tok_s;
    return gen / t;
}

static void build_causes(mp_plan *p, const mp_flow_slow *f, causes *cs)
{
    const mp_infer_result *e = f->res;
    double gen = (double)f->gen_tokens;
    bool quantized = e->quant.mode != MP_Q_FLOAT;
    cs->n = 0;

    /* 16-bit weights where 4-bit serves */
    mp_quant q16 = {MP_Q_FLOAT, 16, 0, MP_RECIPE_NONE, f->arch->dtype};
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, f->arch->dtype};
    cause *c = add_cause(cs);
    if (quantized) {
        mp_infer_result r16 = variant(f, NULL, &q16, 0, f->req->kv_bits, 0);
        c->what = mp_doc_str(p, "The weights are 16-bit, not %s: the copy loaded is the original "
                      "Hugging Face checkpoint, not a quantized one.", mp_doc_quant(p, &e->quant));
        c->check = "the model folder's config.json has a \"quantization\" entry (bits, "
                   "group_size) only when it is quantized; `mlx_lm.generate --verbose` prints "
                   "the peak memory, which for 16-bit is about the parameter count x 2 bytes";
        c->tok_s = r16.decode_tok_s;
        c->effect = mp_doc_str(p, "decode %s -> %s tok/s, memory %s -> %s (mlxplan estimate)%s",
                        mp_doc_rate(p, e->decode_tok_s), mp_doc_rate(p, r16.decode_tok_s),
                        mp_doc_gib(p, e->total_bytes), mp_doc_gib(p, r16.total_bytes),
                        r16.verdict == MP_NO_FIT ? "; 16-bit does not fit this machine, so it "
                                                   "would also page (the cause on the GPU limit)" : "");
        c->ruled_out = !f->quant_assumed;
    } else {
        mp_infer_result r4 = variant(f, NULL, &q4, 0, f->req->kv_bits, 0);
        c->what = "16-bit weights: decode reads every weight once per token, so 16-bit runs "
                  "at about a third of 4-bit's speed for a small loss of quality.";
        c->check = "the request or config.json (no \"quantization\" entry)";
        c->effect = mp_doc_str(p, "4-bit instead: decode %s -> %s tok/s, memory %s -> %s (mlxplan "
                        "estimate; `mlx_lm.convert --hf-path MODEL -q --q-bits 4`)",
                        mp_doc_rate(p, e->decode_tok_s), mp_doc_rate(p, r4.decode_tok_s),
                        mp_doc_gib(p, e->total_bytes), mp_doc_gib(p, r4.total_bytes));
    }

    /* above the GPU limit: paging */
    c = add_cause(cs);
    double headroom = e->budget_bytes - e->total_bytes;
    c->what = mp_doc_str(p, "Memory past the GPU limit: the model and cache (%s) against the %s the "
                  "GPU may wire on this machine; past it macOS pages weights in and out.",
                  mp_doc_gib(p, e->total_bytes), mp_doc_gib(p, e->budget_bytes));
    c->check = "`sysctl iogpu.wired_limit_mb` (0 = the default limit), `sysctl vm.swapusage` "
               "before and during a run, Activity Monitor's Memory Pressure graph; mlx_lm "
               "warns when the model passes 90% of the limit";
    c->tok_s = e->decode_tok_s * PAGED_TOK_S / WIRED_TOK_S;
    /* the top of the memory band under the limit: this setup alone never pages */
    double top_bytes = e->total_bytes * (1 + e->band_mem_pct / 100);
    if (top_bytes < e->budget_bytes) {
        c->ruled_out = true;
        c->ruled_by = mp_doc_str(p, "this setup needs %s, %s at the top of its +/-%.0f%% band, "
                                 "under the %s limit", mp_doc_gib(p, e->total_bytes),
                                 mp_doc_gib(p, top_bytes), e->band_mem_pct,
                                 mp_doc_gib(p, e->budget_bytes));
        c->effect = mp_doc_str(p, "none from this setup alone: it leaves %s under the limit; "
                        "only other apps holding more than that (the cause on other apps) "
                        "bring paging, which makes decode about %.0fx slower (measured: 0.23 "
                        "vs 4.7 tok/s for a 70B model unwired vs wired, "
                        "ml-explore/mlx-examples#1069)",
                        mp_doc_gib(p, headroom), WIRED_TOK_S / PAGED_TOK_S);
    } else
        c->effect = mp_doc_str(p, "about %.0fx slower when paged (measured: 0.23 vs 4.7 tok/s for a 70B "
                        "model unwired vs wired, ml-explore/mlx-examples#1069), i.e. about %s "
                        "tok/s here; this setup %s",
                        WIRED_TOK_S / PAGED_TOK_S, mp_doc_rate(p, c->tok_s),
                        headroom >= 0 ? mp_doc_str(p, "leaves %s under the limit", mp_doc_gib(p, headroom))
                                      : mp_doc_str(p, "is %s over it", mp_doc_margin(p, -headroom)));

    /* prompt processing counted into the generation speed */
    c = add_cause(cs);
    c->what = mp_doc_str(p, "Prompt processing counted as generation: tokens out divided by the "
                  "whole call's time includes the %s-token prompt's prefill.",
                  mp_doc_count(p, (double)e->prompt_tokens));
    c->check = "time the first token separately: `mlx_lm.generate` prints Prompt and "
               "Generation tokens-per-sec on separate lines";
    c->timing_cause = true;
    c->tok_s = with_prompt_tok_s(e, gen);
    c->effect = mp_doc_str(p, "%s output tokens after a %s-token prompt: %s prefill + %s "
                    "decode = %s tok/s measured that way, against %s decode (mlxplan "
                    "estimate)",
                    mp_doc_count(p, gen), mp_doc_count(p, (double)e->prompt_tokens),
                    mp_doc_secs(p, (double)e->prompt_tokens / e->prefill_tok_s),
                    mp_doc_secs(p, gen / e->decode_tok_s),
                    mp_doc_rate(p, c->tok_s), mp_doc_rate(p, e->decode_tok_s));

    /* own loop without a KV cache */
    c = add_cause(cs);
    double mean_ctx = (double)e->prompt_tokens + gen / 2;
    double nocache = e->prefill_tok_s / mean_ctx;
    c->what = "A generation loop of your own without a KV cache: each new token runs the "
              "model over the whole text again.";
    c->check = "your loop passes cache= (mlx_lm.models.cache.make_prompt_cache) and feeds "
               "only the new token; own_loop.py (Code patterns) is the reference";
    c->loop_cause = true;
    c->tok_s = nocache < e->decode_tok_s ? nocache : e->decode_tok_s;
    c->effect = mp_doc_str(p, "each token re-reads about %s tokens at the prefill rate of %s "
                    "tok/s: about %s tok/s (mlxplan estimate)",
                    mp_doc_count(p, mean_ctx), mp_doc_rate(p, e->prefill_tok_s), mp_doc_rate(p, c->tok_s));

    /* syncs per token */
    c = add_cause(cs);
    c->what = "A host read per token without mx.async_eval: .item(), float(...), "
              "np.array(...) or print(array) on the logits waits for the GPU, which then "
              "idles while Python builds the next step.";
    c->check = "`mlxplan check your_script.py` (rule MLX207); own_loop.py queues token n+1 "
               "before reading token n, as mlx_lm's generate_step does";
    c->loop_cause = true;
    c->effect = mp_doc_str(p, "adds the host time of each step to the GPU's %s a token "
                    "(mlxplan estimate); largest on small models, where the fixed %s "
                    "a token is a large share",
                    mp_doc_ms(p, 1000 / e->decode_tok_s), mp_doc_ms(p, e->decode_ms_fixed));

    /* long context */
    int64_t short_ctx = 512;
    if (e->context_tokens > 2 * short_ctx) {
        mp_infer_result rs = variant(f, NULL, NULL, short_ctx, f->req->kv_bits, 0);
        c = add_cause(cs);
        c->what = mp_doc_str(p, "Long context: every token also reads the KV cache of all %s "
                      "tokens before it (%s at this context).",
                      mp_doc_count(p, (double)e->context_tokens), mp_doc_gib(p, e->kv.bytes));
        c->check = "measure at 512 and at your prompt length (`mlx_lm.benchmark -p 512` and "
                   "`-p N`): the drop between them is the cache's";
        c->effect = mp_doc_str(p, "decode %s tok/s at 512 tokens -> %s at %s (%s of %s a "
                        "token is KV reads; mlxplan estimate; already in the expected figure, "
                        "it explains a gap to short-prompt figures)",
                        mp_doc_rate(p, rs.decode_tok_s), mp_doc_rate(p, e->decode_tok_s),
                        mp_doc_count(p, (double)e->context_tokens), mp_doc_ms(p, e->decode_ms_kv),
                        mp_doc_ms(p, 1000 / e->decode_tok_s));
    }

    c = add_cause(cs);
    c->what = "The CPU device by accident: mx.set_default_device(mx.cpu), a stream=mx.cpu, "
              "or an x86 Python under Rosetta (MLX then has no GPU).";
    c->check = "`python -c \"import platform, mlx.core as mx; print(platform.machine(), "
               "mx.default_device())\"` must print arm64 and Device(gpu, 0)";
    c->effect = "the CPU reaches a fraction of the GPU's bandwidth for MLX's kernels; the "
                "check settles it";

    c = add_cause(cs);
    c->what = "An old MLX or mlx-lm: kernels for quantized matmuls, attention and the KV "
              "cache improve from release to release.";
    c->check = "`python -c \"import mlx.core as mx, mlx_lm; print(mx.__version__, "
               "mlx_lm.__version__)\"`; this plan is checked against mlx 0.32.1 and mlx-lm "
               "0.32.0";
    c->effect = "the estimate is for the pinned versions; upgrade with the Dependencies "
                "line and measure again";

    c = add_cause(cs);
    c->what = "Low Power Mode or heat: the GPU runs at a lower clock.";
    c->check = "`pmset -g | grep -i lowpowermode` (1 = on), and `sudo powermetrics "
               "--samplers gpu_power -i 1000 -n 10` during a run (GPU frequency and power)";
    c->effect = "the estimate assumes full clocks on mains power; compare the first and "
                "the fifth trial of mlx_lm.benchmark";

    c = add_cause(cs);
    c->what = "Other apps holding memory or the GPU (browsers, IDEs, a second model, a "
              "game).";
    c->check = "Activity Monitor: Memory tab (memory used, swap) and Window > GPU History "
               "while the model runs";
    c->effect = headroom >= 0
                    ? mp_doc_str(p, "the setup has %s of headroom under the GPU limit; apps holding "
                             "more push it into paging (the cause on the GPU limit)",
                             mp_doc_gib(p, headroom))
                    : "the setup is over the limit already (the cause on the GPU limit)";
    /* what the request says about how it generates and measures */
    for (int i = 0; i < cs->n; i++) {
        cause *x = &cs->v[i];
        if (x->loop_cause && f->loop == MP_SLOW_LOOP_MLX_LM)
            x->ruled_out = true; /* mlx_lm's loop keeps a cache and queues with async_eval */
        if (x->timing_cause && f->measured_by_mlx_lm)
            x->ruled_out = true; /* its Generation line leaves the prompt out */
    }
}

/* Indexes of the causes, best first: with a reported speed, by how close
 * each cause's computed speed comes to it; else by the size of its effect;
 * causes without a computed speed after those with, ruled-out ones last;
 * a loop of the user's own puts the loop's causes first. */
static void rank_causes(const mp_flow_slow *f, const causes *cs, int *order)
{
    double key[MAX_CAUSES];
    double expect = f->res->decode_tok_s;
    for (int i = 0; i < cs->n; i++) {
        const cause *c = &cs->v[i];
        order[i] = i;
        if (isnan(c->tok_s) || c->tok_s <= 0)
            key[i] = 1e6 + i;
        else if (!isnan(f->observed_tok_s))
            key[i] = fabs(log(c->tok_s / f->observed_tok_s));
        else
            key[i] = log(c->tok_s / expect); /* the slower the speed, the earlier */
        if (c->ruled_out)
            key[i] += 2e6;
        else if (c->loop_cause && f->loop == MP_SLOW_LOOP_OWN)
            key[i] -= 1e7; /* the request says the loop is its own: those first */
    }
    for (int i = 1; i < cs->n; i++) /* insertion sort: stable, n <= 10 */
        for (int j = i; j > 0 && key[order[j]] < key[order[j - 1]]; j--) {
            int t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

/* ---- sections ----------------------------------------------------------------------- */

static const char *setup_text(mp_plan *p, const mp_flow_slow *f)
{
    return mp_doc_str(p, "%s in %s, %s-token prompt, %s tokens of context, batch 1", f->model_id,
               mp_doc_quant(p, &f->res->quant), mp_doc_count(p, (double)f->res->prompt_tokens),
               mp_doc_count(p, (double)f->res->context_tokens));
}

void mp_flow_slow_summary(mp_plan *p, mp_block *b, const mp_flow_slow *f)
{
    const mp_infer_result *e = f->res;
    mp_chip bins[MAX_BINS];
    int nb = chip_bins(f, bins);
    mp_buf others = MP_BUF_INIT;
    for (int i = 1; i < nb; i++) {
        mp_machine m;
        if (bin_machine(f, &bins[i], &m) != 0)
            continue;
        mp_infer_result r = variant(f, &m, NULL, 0, f->req->kv_bits, f->req->max_kv_size);
        mp_buf_printf(&others, "; on the %s (%s GB/s) %s tok/s decode, %s prefill",
                      bins[i].short_name, gbs(p, bins[i].bandwidth_gbs), mp_doc_rate(p, r.decode_tok_s),
                      mp_doc_rate(p, r.prefill_tok_s));
    }
    mp_doc_add(p, b, "**Diagnosis of your setup, not a new model.** %s%s: expected decode %s "
               "tok/s (+/-%.0f%%) and prefill %s tok/s (+/-%.0f%%) on the %s (%s GB/s)%s "
               "(mlxplan estimate, bands from data/calibration/error-bands.tsv).",
               setup_text(p, f), f->model_assumed || f->quant_assumed ? " (assumed until you "
                                                                        "answer the questions)"
                                                                      : "",
               mp_doc_rate(p, e->decode_tok_s), e->band_decode_pct, mp_doc_rate(p, e->prefill_tok_s),
               e->band_prefill_pct, f->mach->chip.short_name, gbs(p, f->mach->chip.bandwidth_gbs),
               mp_buf_cstr(&others));
    mp_buf_release(&others);
    if (f->prompt_given) {
        double gen_s = (double)f->gen_tokens / e->decode_tok_s;
        mp_doc_add(p, b, "**At your %s-token prompts:** the first token comes after %s of "
                   "prefill, then the %s-token answer takes %s at %s tok/s (decode at %s "
                   "tokens), so %.0f%% of a request's %s is the prompt; the KV cache of %s "
                   "tokens holds %s of the %s in use (mlxplan estimate). Prefill, not decode, "
                   "is what to speed up: a prompt-cache file for a prefix you resend "
                   "(Deployment), or a shorter prompt.",
                   mp_doc_count(p, (double)e->prompt_tokens), mp_doc_secs(p, e->ttft_s),
                   mp_doc_count(p, (double)f->gen_tokens), mp_doc_secs(p, gen_s),
                   mp_doc_rate(p, e->decode_tok_s), mp_doc_count(p, (double)e->context_tokens),
                   100 * e->ttft_s / (e->ttft_s + gen_s), mp_doc_secs(p, e->ttft_s + gen_s),
                   mp_doc_count(p, (double)e->context_tokens), mp_doc_gib(p, e->kv.bytes),
                   mp_doc_gib(p, e->total_bytes));
    }
    causes cs;
    build_causes(p, f, &cs);
    int order[MAX_CAUSES];
    rank_causes(f, &cs, order);
    if (f->judged) {
        mp_flow_judged_summary(p, b, f->judged);
    } else if (!isnan(f->observed_tok_s)) {
        double ratio = f->observed_tok_s / e->decode_tok_s;
        bool inside = ratio >= band_low(e->band_decode_pct);
        mp_doc_add(p, b, "**You report %s tok/s: %.0f%% of the expected decode, %s the "
                   "band.** %s",
                   mp_doc_rate(p, f->observed_tok_s), 100 * ratio, inside ? "inside" : "below",
                   inside ? "The machine does what its bandwidth allows for this setup; only "
                            "fewer bits, a shorter context or a faster bin make it faster "
                            "(Optimisation guide)."
                          : "The causes whose computed speed comes closest to it come first "
                            "in the Optimisation guide.");
        if (!inside) {
            const cause *c1 = &cs.v[order[0]];
            if (!isnan(c1->tok_s))
                mp_doc_add(p, b, "Most likely first (%s; it alone gives about %s tok/s): %s",
                           f->loop == MP_SLOW_LOOP_OWN && c1->loop_cause
                               ? "the request names a loop of its own"
                               : "the nearest to yours",
                           mp_doc_rate(p, c1->tok_s), c1->what);
        }
    } else {
        mp_doc_add(p, b, "**Measure first** (Implementation steps 2 and 3): mlx_lm.benchmark "
                   "on the same model tells whether MLX itself is slow on this Mac or your "
                   "script is; then place the figure in the table of the Optimisation guide "
                   "and work down its ranked causes.");
    }
}

void mp_flow_slow_questions(mp_plan *p, const mp_flow_slow *f)
{
    if (!f->model_assumed && f->quant_assumed)
        mp_doc_question(p, "Which weight format does your copy of %s use (4-bit, 8-bit, "
                        "16-bit; its config.json's \"quantization\" entry says)?", f->model_id);
    if (f->model_assumed)
        mp_doc_question(p, "Which model and weight format is slow (the Hub id or folder your "
                           "script loads, e.g. a 4-bit mlx-community copy)?");
    if (f->prompt_given)
        mp_doc_question(p, "How many tokens does an answer have? (the plan takes your %s-token "
                           "prompts and assumes %s output tokens)",
                        mp_doc_count(p, (double)f->res->prompt_tokens),
                        mp_doc_count(p, (double)f->gen_tokens));
    else
        mp_doc_question(p, "How long are your prompts, and how many tokens does an answer "
                           "have? (the plan assumes a %s-token prompt and %s output tokens)",
                        mp_doc_count(p, (double)f->res->prompt_tokens),
                        mp_doc_count(p, (double)f->gen_tokens));
    mp_doc_question(p, "How did you measure the speed: mlx_lm.generate's Generation line, "
                       "mlx_lm.benchmark, or tokens over a stopwatch around the whole call "
                       "(which includes the prompt)?");
    mp_doc_question(p, "Which MLX, mlx-lm and macOS versions? `python -c \"import mlx.core as "
                       "mx, mlx_lm; print(mx.__version__, mlx_lm.__version__)\"; sw_vers`");
    if (f->loop == MP_SLOW_LOOP_UNKNOWN)
        mp_doc_question(p, "Do you generate with mlx_lm (generate, stream_generate, server) or "
                       "with a loop of your own? (`mlxplan check your_script.py` reads the "
                       "loop)");
}

void mp_flow_slow_architecture(mp_plan *p, mp_block *b, const mp_flow_slow *f)
{
    const mp_infer_result *e = f->res;
    mp_doc_add(p, b, "Decode (one token at a time) is bound by memory bandwidth: each token "
               "reads the %s of weights and the KV cache once. For %s: %s weights + %s "
               "KV cache + %s fixed per token = %s tok/s (%s).",
               mp_doc_gib(p, e->weights.bytes), setup_text(p, f), mp_doc_ms(p, e->decode_ms_weights),
               mp_doc_ms(p, e->decode_ms_kv), mp_doc_ms(p, e->decode_ms_fixed),
               mp_doc_rate(p, e->decode_tok_s), e->decode_basis);
    mp_doc_add(p, b, "Prefill (the prompt, 2,048 tokens a step) is bound by compute: %s "
               "tok/s at %s (%s), so the first token of a %s-token prompt comes "
               "after about %s.",
               mp_doc_rate(p, e->prefill_tok_s), mp_doc_tflops(p, e->prefill_tflops * 1e12),
               e->prefill_basis, mp_doc_count(p, (double)e->prompt_tokens), mp_doc_secs(p, e->ttft_s));
    mp_doc_add(p, b, "Memory: %s of the %s GPU limit (%s). Past the limit the speed "
               "collapses rather than degrades.",
               mp_doc_gib(p, e->total_bytes), mp_doc_gib(p, e->budget_bytes), f->mach->budget_basis);
}

void mp_flow_slow_steps(mp_plan *p, mp_block *steps, const mp_flow_slow *f)
{
    const mp_infer_result *e = f->res;
    mp_doc_add(p, steps, "**Record the setup.** Chip and GPU cores, memory, wired limit, "
               "macOS, Low Power Mode, Python architecture, versions and device (first "
               "block below); these answer most questions of section 2.");
    mp_doc_add(p, steps, "**Benchmark the same model with mlx_lm.** `mlx_lm.benchmark` runs "
               "one warm-up, then 5 timed trials of a random %s-token prompt and %s output "
               "tokens, and prints their averages; compare generation_tps with %s tok/s and "
               "prompt_tps with %s tok/s.",
               mp_doc_count(p, (double)e->prompt_tokens), mp_doc_count(p, (double)f->gen_tokens),
               mp_doc_rate(p, e->decode_tok_s), mp_doc_rate(p, e->prefill_tok_s));
    mp_doc_add(p, steps, "**Run your own prompt through mlx_lm.generate.** It prints the "
               "prompt and generation rates separately and the peak memory (Testing says "
               "what each line means).");
    mp_doc_add(p, steps, "**Compare with your script.** If mlx_lm reaches the estimate and "
               "your script does not, the script is the cause: `mlxplan check "
               "your_script.py`, then own_loop.py as the reference loop (Code patterns).");
    mp_doc_add(p, steps, "**Work down the ranked causes** of the Optimisation guide, one "
               "change at a time, measuring again after each.");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL,
                "sysctl -n machdep.cpu.brand_string hw.memsize iogpu.wired_limit_mb\n"
                "system_profiler SPDisplaysDataType | grep -i cores\n"
                "sw_vers -productVersion; pmset -g | grep -i lowpowermode\n"
                "python -c \"import platform, mlx.core as mx, mlx_lm; print(platform.machine(), "
                "mx.__version__, mlx_lm.__version__, mx.default_device())\"\n");
    mp_doc_code(p, MP_SEC_STEPS, "sh", NULL,
                mp_doc_str(p, "%sMODEL=%s  # the Hub id or folder your script loads\n"
                       "mlx_lm.benchmark --model \"$MODEL\" -p %lld -g %lld -n 5\n"
                       "mlx_lm.generate --model \"$MODEL\" --prompt - --max-tokens %lld "
                       "< my_prompt.txt\n"
                       "python speed_check.py \"$MODEL\" %lld\n"
                       "mlxplan check your_script.py\n",
                    f->convert ? mp_doc_str(p, "# no %s copy yet: %s\n",
                                     mp_doc_quant(p, &e->quant), f->convert)
                               : "",
                    f->run_model, (long long)e->prompt_tokens, (long long)f->gen_tokens,
                    (long long)f->gen_tokens, (long long)e->prompt_tokens));
}

int mp_flow_slow_code(mp_plan *p, const mp_flow_slow *f, mp_error *err)
{
    const mp_infer_result *e = f->res;
    const mp_tpl_var vars[] = {
        {"SETUP", mp_doc_str(p, "%s on the %s", setup_text(p, f), f->machine_label)},
        {"MODEL", f->run_model},
        {"PROMPT_TOKENS", mp_doc_str(p, "%lld", (long long)e->prompt_tokens)},
        {"GEN_TOKENS", mp_doc_str(p, "%lld", (long long)f->gen_tokens)},
        {"EXPECTED_DECODE", mp_doc_str(p, "%.1f", e->decode_tok_s)},
        {"EXPECTED_PREFILL", mp_doc_str(p, "%.0f", e->prefill_tok_s)},
        {"DECODE_BAND", mp_doc_str(p, "%.0f", e->band_decode_pct)},
        {"PREFILL_BAND", mp_doc_str(p, "%.0f", e->band_prefill_pct)},
    };
    return mp_tpl_write(p, "slow", vars, sizeof vars / sizeof vars[0], err);
}

void mp_flow_slow_testing(mp_plan *p, mp_block *b, const mp_flow_slow *f)
{
    (void)f;
    mp_doc_add(p, b, "mlx_lm.benchmark prints `Running warmup..`, then one `Trial i:` line "
               "per trial and an `Averages:` line. prompt_tps is prompt tokens over the time "
               "to the first token (prefill); generation_tps is the tokens after it over "
               "their time (decode, prompt excluded); peak_memory is mx.get_peak_memory in "
               "GB (1e9 bytes); total_time is the whole trial.");
    mp_doc_add(p, b, "With -b 4 (or any batch above 1) generation_tps is the total over the "
               "batch, not the speed of one request: divide by the batch before comparing "
               "with a per-request figure.");
    mp_doc_add(p, b, "mlx_lm.generate prints `Prompt: N tokens, X tokens-per-sec`, "
               "`Generation: N tokens, X tokens-per-sec` and `Peak memory: X GB`; the first "
               "call of a session also builds kernels, so compare the second run.");
    mp_doc_add(p, b, "A fair comparison keeps the model folder, the prompt length and the "
               "output length equal, takes the median of repeats, and runs on mains power "
               "with nothing else on the GPU.");
}

void mp_flow_slow_optimization(mp_plan *p, const mp_flow_slow *f)
{
    const mp_infer_result *e = f->res;
    mp_chip bins[MAX_BINS];
    int nb = chip_bins(f, bins);
    mp_machine machs[MAX_BINS];
    int ok[MAX_BINS];
    for (int i = 0; i < nb; i++)
        ok[i] = bin_machine(f, &bins[i], &machs[i]) == 0;

    /* the expected-speed table: the user's model first, then typical ones */
    mp_buf head = MP_BUF_INIT;
    mp_buf_puts(&head, "model\tformat");
    for (int i = 0; i < nb; i++)
        mp_buf_printf(&head, "\tdecode tok/s %s", bins[i].short_name);
    for (int i = 0; i < nb; i++)
        mp_buf_printf(&head, "\tprefill tok/s %s", bins[i].short_name);
    mp_buf_printf(&head, "\tmemory\ton %d GB", f->mach->memory_gb);
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "Expected speed with mlx_lm (batch 1, %s-token prompt, %s tokens of context) "
                "on %s, so you can place your number; mlxplan estimates, decode +/-%.0f%%, "
                "prefill +/-%.0f%% (data/calibration/error-bands.tsv); fit judged against the "
                "%s GPU limit of %s GB:",
                mp_doc_count(p, (double)e->prompt_tokens), mp_doc_count(p, (double)e->context_tokens),
                nb > 1 ? mp_doc_str(p, "every %s %s bin", bins[0].family,
                                          mp_chip_tier_name(&bins[0]))
                       : bins[0].short_name,
                e->band_decode_pct, e->band_prefill_pct, mp_doc_gib(p, e->budget_bytes),
                mp_doc_int(p, f->mach->memory_gb, "GB"));
    mp_block *t = mp_doc_table(p, MP_SEC_OPTIMIZATION, 4 + 2 * nb, mp_buf_cstr(&head));
    mp_buf_release(&head);
    bool listed_user = false;
    int n_typical = 0;
    while (typical_models[n_typical])
        n_typical++;
    for (int k = -1; k < n_typical; k++) {
        const mp_arch *a;
        mp_arch own;
        const char *id;
        bool release = false;
        if (k < 0) {
            a = f->arch;
            id = f->model_id;
            for (int j = 0; typical_models[j]; j++)
                if (strcmp(typical_models[j], id) == 0)
                    listed_user = true;
            if (listed_user)
                continue;
        } else {
            const mp_model_row *row = mp_registry_find(typical_models[k]);
            if (!row || mp_registry_arch(row, &own, NULL) != 0)
                continue;
            a = &own;
            id = row->id;
            release = true;
        }
        for (int bits = 4; bits <= 16; bits *= 2) {
            mp_quant q = bits == 16 ? (mp_quant){MP_Q_FLOAT, 16, 0, MP_RECIPE_NONE, a->dtype}
                                    : (mp_quant){MP_Q_AFFINE, bits, 64, MP_RECIPE_NONE,
                                                 a->dtype};
            mp_buf row = MP_BUF_INIT;
            mp_buf_printf(&row, "%s%s\t%d-bit", id,
                          strcmp(id, f->model_id) == 0 ? " (yours)" : "", bits);
            mp_infer_result r[MAX_BINS];
            mp_infer_req base = *f->req;
            base.arch = a;
            base.quant = q;
            base.max_kv_size = 0;
            base.kv_bits = 0;
            for (int i = 0; i < nb; i++) {
                base.mach = ok[i] ? &machs[i] : f->mach;
                if (mp_infer(&base, &r[i], NULL) != 0)
                    r[i].decode_tok_s = r[i].prefill_tok_s = NAN;
            }
            for (int i = 0; i < nb; i++)
                mp_buf_printf(&row, "\t%s", mp_doc_rate(p, r[i].decode_tok_s));
            for (int i = 0; i < nb; i++)
                mp_buf_printf(&row, "\t%s", mp_doc_rate(p, r[i].prefill_tok_s));
            /* fit on the user's machine: r[0] is on it */
            const char *fit = mp_flow_fit_text(r[0].total_bytes, r[0].budget_bytes,
                                               r[0].max_bytes, r[0].band_mem_pct);
            mp_buf_printf(&row, "\t%s\t%s", mp_doc_gib(p, r[0].total_bytes), fit);
            mp_doc_row(p, t, "%s", mp_buf_cstr(&row));
            mp_buf_release(&row);
        }
        if (release)
            mp_arch_release(&own);
    }
    if (f->judged) {
        mp_flow_judged(p, f->judged);
    } else if (!isnan(f->observed_tok_s)) {
        mp_doc_para(p, MP_SEC_OPTIMIZATION, "Your %s tok/s against the row of your setup: %s "
                    "tok/s expected on the %s, %.0f%% of it.",
                    mp_doc_rate(p, f->observed_tok_s), mp_doc_rate(p, e->decode_tok_s),
                    f->mach->chip.short_name, 100 * f->observed_tok_s / e->decode_tok_s);
    }

    causes cs;
    build_causes(p, f, &cs);
    int order[MAX_CAUSES];
    rank_causes(f, &cs, order);
    if (f->judged)
        mp_doc_para(p, MP_SEC_OPTIMIZATION, "Every cause this setup can have, with its check "
                    "and its computed effect (%s):",
                    isnan(f->observed_tok_s)
                        ? "largest computed slowdown first"
                        : mp_doc_str(p, "the cause whose computed speed is nearest your %s "
                                     "tok/s first", mp_doc_rate(p, f->observed_tok_s)));
    else
        mp_doc_para(p, MP_SEC_OPTIMIZATION, "Causes ranked for this case (%s), each with its "
                    "check and its computed effect:",
                    isnan(f->observed_tok_s)
                        ? "largest computed slowdown first, then those only a check can size"
                        : mp_doc_str(p, "the cause whose computed speed is nearest your %s "
                                     "tok/s first", mp_doc_rate(p, f->observed_tok_s)));
    mp_block *b = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_NUMBERED);
    for (int i = 0; i < cs.n; i++) {
        const cause *c = &cs.v[order[i]];
        const char *ruled = !c->ruled_out ? ""
                            : c->ruled_by ? mp_doc_str(p, "(Cannot apply as is: %s; check "
                                                       "anyway.) ", c->ruled_by)
                                          : "(Ruled out by the request, check anyway.) ";
        mp_doc_add(p, b, "%s%s Check: %s. Effect: %s.", ruled, c->what, c->check, c->effect);
    }
    mp_doc_para(p, MP_SEC_OPTIMIZATION, "Profiling, once the cause is in your script:");
    mp_block *pr = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_BULLETS);
    mp_doc_add(p, pr, "Memory: mx.get_active_memory() after load is the weights; "
               "mx.reset_peak_memory() before and mx.get_peak_memory() after a generation "
               "gives its peak (expected %s); both in bytes.", mp_doc_gib(p, e->total_bytes));
    mp_doc_add(p, pr, "GPU trace: `MTL_CAPTURE_ENABLED=1 python capture.py \"$MODEL\"` "
               "records eight decode steps with mx.metal.start_capture / "
               "mx.metal.stop_capture into decode.gputrace for Xcode; without the variable "
               "Metal refuses the capture. Gaps between command buffers are host time.");
    mp_doc_add(p, pr, "Activity Monitor: Window > GPU History shows whether the GPU is busy "
               "during decode (a loop that syncs per token shows a saw-tooth); `sudo "
               "powermetrics --samplers gpu_power -i 1000` prints GPU frequency and power.");
}

void mp_flow_slow_deployment(mp_plan *p, mp_block *b, const mp_flow_slow *f)
{
    const mp_infer_result *e = f->res;
    int64_t ctx = e->context_tokens;
    if (ctx >= 4096) {
        mp_infer_result k8 = variant(f, NULL, NULL, 0, 8, 0);
        if (!isnan(k8.decode_tok_s))
            mp_doc_add(p, b, "--kv-bits 8 (mlx_lm.generate, mlx_lm.cache_prompt): KV cache "
                       "%s -> %s at %s tokens, decode %s -> %s tok/s (mlxplan estimate); "
                       "quality changes little at 8 bits, more at 4.",
                       mp_doc_gib(p, e->kv.bytes), mp_doc_gib(p, k8.kv.bytes), mp_doc_count(p, (double)ctx),
                       mp_doc_rate(p, e->decode_tok_s), mp_doc_rate(p, k8.decode_tok_s));
        int64_t cap = ctx / 2 >= 2048 ? ctx / 2 : 2048;
        mp_infer_result mk = variant(f, NULL, NULL, 0, f->req->kv_bits, cap);
        if (!isnan(mk.decode_tok_s) && mk.max_kv_ignored)
            mp_doc_add(p, b, "--max-kv-size (mlx_lm.generate, mlx_lm.cache_prompt) does "
                       "nothing for %s: its mlx-lm module builds its own cache.", f->model_id);
        else if (!isnan(mk.decode_tok_s))
            mp_doc_add(p, b, "--max-kv-size %lld (mlx_lm.generate, mlx_lm.cache_prompt): a "
                       "rotating cache keeps the last %s tokens, KV %s -> %s, decode %s tok/s "
                       "(mlxplan estimate); the model no longer sees the text before them.",
                       (long long)cap, mp_doc_count(p, (double)cap), mp_doc_gib(p, e->kv.bytes),
                       mp_doc_gib(p, mk.kv.bytes), mp_doc_rate(p, mk.decode_tok_s));
    }
    mp_doc_add(p, b, "A prompt prefix you send every time (a system prompt, a document): "
               "`mlx_lm.cache_prompt --model \"$MODEL\" --prompt - --prompt-cache-file "
               "prefix.safetensors < prefix.txt` once, then `mlx_lm.generate "
               "--prompt-cache-file prefix.safetensors --prompt \"...\"` skips its prefill "
               "(%s tok/s: about %s for %s tokens, mlxplan estimate); mlx_lm.server keeps "
               "such caches itself (--prompt-cache-size, --prompt-cache-bytes).",
               mp_doc_rate(p, e->prefill_tok_s),
               mp_doc_secs(p, (double)e->prompt_tokens / e->prefill_tok_s),
               mp_doc_count(p, (double)e->prompt_tokens));
    mp_doc_add(p, b, "Wired limit: the GPU may use %s of the %s GB by default; mlx_lm wires "
               "the model itself up to that limit. For a model near it, `sudo sysctl "
               "iogpu.wired_limit_mb=%d` raises it until the next restart (leave the rest to "
               "macOS).",
               mp_doc_gib(p, e->budget_bytes), mp_doc_int(p, f->mach->memory_gb, "GB"),
               f->mach->wired_limit_mb);
}
