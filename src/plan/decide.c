/*
 * decide.c - the second phase of the planner (see planner.h): every recommendation
 * through the engines (mp_fit_inference for formats and contexts,
 * mp_fit_training for fine-tuning settings, mp_train over sizes for training
 * from scratch, mp_infer for speeds), and the key numbers of the plan.
 */
#include <math.h>
#include <string.h>

#include "engine/tdata.h"
#include "plan/planner.h"

/* The weight format a run of `a` uses: the one the user named, else the
 * checkpoint's own quantization, else the best-quality option of `fits`
 * (never 16-bit when a quantized option fits: decode is bandwidth-bound and
 * 16-bit halves it for little gain); affine 4-bit with *nofit set when
 * nothing fits. */
static mp_quant pick_quant(const mp_spec *s, const mp_arch *a, const mp_fit_infer *fits, int n,
                           bool *nofit)
{
    mp_quant q;
    if (s->quant.value[0] && mp_quant_parse(s->quant.value, 0, a->dtype, &q, NULL) == 0)
        return q;
    if (a->has_config_quant)
        return a->config_quant;
    if (n > 0) {
        q = fits[0].quant;
        for (int i = 0; i < n; i++)
            if (fits[i].quant.mode != MP_Q_FLOAT) {
                if (fits[0].quant.mode == MP_Q_FLOAT)
                    q = fits[i].quant;
                break;
            }
        return q;
    }
    mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
    *nofit = true;
    return q4;
}

/* True when `a` has sliding-window (rotating) caches, which mlx-lm cannot
 * quantize (QuantizedKVCache raises NotImplementedError for them). */
static bool has_rotating_cache(const mp_arch *a)
{
    for (int64_t i = 0; i < a->n_layers; i++)
        if (a->layers[i].attn == MP_ATTN_SLIDING)
            return true;
    return false;
}

/* The KV-cache bits of the fit option with format `q` (0: 16-bit), unless
 * the request asks for some and model `a` can quantize its cache. */
static int pick_kv_bits(const mp_spec *s, const mp_arch *a, const mp_fit_infer *fits, int n,
                        const mp_quant *q)
{
    if (!isnan(s->kv_bits.value) && !has_rotating_cache(a))
        return (int)s->kv_bits.value;
    int kv = 0;
    for (int i = 0; i < n; i++)
        if (memcmp(&fits[i].quant, q, sizeof *q) == 0)
            kv = fits[i].kv_bits;
    return kv;
}

int mp_pl_decide_inference(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    int batch = 1;
    if (c->sc & MP_INTENT_SERVE) {
        if (!isnan(s->users.value)) {
            batch = (int)s->users.value;
        } else {
            batch = 4;
            if (!c->near_done) { /* said once, not again for a nearer option */
                mp_doc_assume(c->p, "The server takes 4 requests at a time: the request does "
                                    "not say how many users.");
                mp_doc_question(c->p, "How many requests must the server answer at the same "
                                      "time?");
            }
        }
    }
    /* the user asked for N Macs: plan the format for their memory together;
     * with pipeline parallelism every token passes through the Macs in turn,
     * so the speed is that of one Mac reading the whole model */
    c->nofit = false;
    c->nodes = 1;
    c->fit_mach = c->mach;
    int want_nodes = c->force_nodes;
    if (!want_nodes && (c->sc & MP_INTENT_DISTRIBUTED) && !isnan(s->n_macs.value) &&
        s->n_macs.value >= 2)
        want_nodes = (int)s->n_macs.value;
    if (want_nodes >= 2 && c->mach.chip.vendor == MP_VENDOR_APPLE) {
        c->nodes = want_nodes;
        c->fit_mach.calib = NULL; /* the user's runs are of one Mac */
        c->fit_mach.ram_bytes *= c->nodes;
        c->fit_mach.gpu_default_bytes *= c->nodes;
        c->fit_mach.gpu_max_bytes *= c->nodes;
    }
    mp_fit_infer_req fr = {&c->arch, &c->fit_mach, c->context,
                           isnan(s->target_tok_s.value) ? 0 : s->target_tok_s.value, batch,
                           true, false};
    int rc = mp_fit_inference(&fr, c->fits, MP_FIT_MAX, &c->n_fits, c->err);
    if (rc)
        return rc;
    /* mlx_lm.fuse keeps the quantized base's format */
    mp_quant q = c->force_quant ? c->forced_quant
                 : c->train && c->treq.base_quant.mode != MP_Q_FLOAT
                     ? c->treq.base_quant
                     : pick_quant(s, &c->arch, c->fits, c->n_fits, &c->nofit);
    int kv = pick_kv_bits(s, &c->arch, c->fits, c->n_fits, &q);
    if (!isnan(s->kv_bits.value) && has_rotating_cache(&c->arch) && !c->near_done)
        mp_doc_assume(c->p, "The KV cache stays 16-bit, not the %g-bit asked: %s has "
                      "sliding-window (rotating) caches, and mlx-lm raises "
                      "NotImplementedError when quantizing them (mlx_lm.generate --kv-bits).",
                      s->kv_bits.value, c->arch.id);
    int64_t prompt = c->prompt  ? c->prompt
                     : c->slow  ? c->context - mp_pl_slow_gen_tokens(c)
                     : c->context < 4096 ? c->context : 4096;
    mp_infer_req r = {&c->arch, &c->fit_mach, q, c->context, prompt, batch, kv, 64, 0, 0, NULL};
    c->ireq = r;
    rc = mp_infer(&c->ireq, &c->ires, c->err);
    if (rc)
        return rc;
    c->ires1 = c->ires;
    if (batch > 1) {
        mp_infer_req one = c->ireq;
        one.batch = 1;
        if ((rc = mp_infer(&one, &c->ires1, c->err)) != 0)
            return rc;
    }
    c->infer = true;
    if (c->ires.verdict == MP_NO_FIT) {
        c->nofit = true;
        double per = 0.9 * c->mach.gpu_default_bytes;
        c->n_macs = (int)ceil(c->ires.total_bytes / per);
        c->macs_needed = c->n_macs;
        /* a cluster only when the request asks for several Macs; otherwise
         * the nearest options that work, ranked, and the plan follows the
         * first (nearest.c) */
        if (!(c->sc & MP_INTENT_DISTRIBUTED) && !c->train && !c->near_done &&
            c->mach.chip.vendor == MP_VENDOR_APPLE)
            return mp_pl_nearest(c);
        if (!(c->sc & MP_INTENT_DISTRIBUTED))
            c->n_macs = 1;
        if (c->n_macs >= 2 && c->mach.chip.vendor == MP_VENDOR_APPLE) {
            c->sc |= MP_INTENT_DISTRIBUTED;
            /* re-estimate on the Macs it needs (same format) */
            c->nodes = c->n_macs;
            c->fit_mach = c->mach;
            c->fit_mach.calib = NULL; /* the user's runs are of one Mac */
            c->fit_mach.ram_bytes *= c->nodes;
            c->fit_mach.gpu_default_bytes *= c->nodes;
            c->fit_mach.gpu_max_bytes *= c->nodes;
            c->ireq.mach = &c->fit_mach;
            if ((rc = mp_infer(&c->ireq, &c->ires, c->err)) != 0)
                return rc;
            c->ires1 = c->ires;
        }
    }
    if (!isnan(s->n_macs.value) && (int)s->n_macs.value > c->n_macs)
        c->n_macs = (int)s->n_macs.value;
    const mp_infer_result *e = &c->ires;
    mp_doc_number(c->p, "weights_bytes", floor(e->weights.bytes), "bytes", MP_LABEL_ESTIMATED,
                  e->weights.basis);
    mp_doc_number(c->p, "kv_cache_bytes", floor(e->kv.bytes), "bytes", MP_LABEL_ESTIMATED,
                  e->kv.basis);
    mp_doc_number(c->p, "total_bytes", floor(e->total_bytes), "bytes", MP_LABEL_ESTIMATED,
                  "weights + KV cache + prefill activations (mlxplan estimate)");
    mp_doc_number(c->p, "gpu_limit_bytes", floor(e->budget_bytes), "bytes", MP_LABEL_ESTIMATED,
                  c->mach.budget_basis);
    mp_doc_number(c->p, "decode_tok_s", e->decode_tok_s, "tok/s", mp_pl_label(e->decode_label),
                  mp_pl_calib_basis(c, e->decode_basis, e->calib, MP_RUN_KIND_DECODE,
                                    e->decode_label));
    mp_doc_number(c->p, "prefill_tok_s", e->prefill_tok_s, "tok/s",
                  mp_pl_label(e->prefill_label),
                  mp_pl_calib_basis(c, e->prefill_basis, e->calib, MP_RUN_KIND_PREFILL,
                                    e->prefill_label));
    mp_doc_number(c->p, "ttft_s", c->ires1.ttft_s, "s", mp_pl_label(e->prefill_label),
                  "prefill of one prompt, then one decode step");
    if (e->batch > 1) {
        mp_doc_number(c->p, "batch", e->batch, "requests", MP_LABEL_INPUT,
                      "requests decoded together");
        mp_doc_number(c->p, "decode_total_tok_s", e->decode_total_tok_s, "tok/s",
                      mp_pl_label(e->decode_label),
                      "all requests of the batch");
        mp_doc_number(c->p, "ttft_batch_s", e->ttft_s, "s", mp_pl_label(e->prefill_label),
                      "prefill of every prompt of the batch, then one decode step");
    }
    mp_doc_number(c->p, "context_tokens", (double)c->context, "tokens", MP_LABEL_INPUT,
                  "the context planned for");
    return 0;
}

/* Estimate `a` for the comparison table as the planned model is estimated:
 * the same machine, context, prompt and batch; format `q`, or (NULL) the
 * one pick_quant chooses.  Fills m (res, ttft1_s, reproduce) or m->error. */
static void estimate_alt(mp_pctx *c, struct alt_model *m, const mp_arch *a, const mp_quant *q)
{
    const mp_spec *s = &c->p->spec;
    mp_error e;
    mp_error_clear(&e);
    mp_fit_infer fits[MP_FIT_MAX];
    int n = 0;
    mp_fit_infer_req fr = {a, &c->mach, c->context,
                           isnan(s->target_tok_s.value) ? 0 : s->target_tok_s.value,
                           c->ireq.batch, true, false};
    if (mp_fit_inference(&fr, fits, MP_FIT_MAX, &n, &e) != 0) {
        m->error = S(c, "%s", e.msg);
        return;
    }
    bool nofit = false;
    mp_quant fq = q ? *q : pick_quant(s, a, fits, n, &nofit);
    mp_infer_req r = {a, &c->mach, fq, c->ireq.context_tokens, c->ireq.prompt_tokens,
                      c->ireq.batch, pick_kv_bits(s, a, fits, n, &fq), 64, 0, 0, NULL};
    int rc = mp_infer(&r, &m->res, &e);
    m->ttft1_s = m->res.ttft_s;
    if (rc == 0 && r.batch > 1) {
        mp_infer_result one;
        mp_infer_req r1 = r;
        r1.batch = 1;
        if ((rc = mp_infer(&r1, &one, &e)) == 0)
            m->ttft1_s = one.ttft_s;
    }
    if (rc) {
        m->error = S(c, "%s", e.msg);
        return;
    }
    m->req = r;
    m->req.arch = NULL; /* `a` may be released after this */
    m->params = mp_arch_params(a);
    m->reproduce = S(c, "mlxplan estimate --model %s --chip \"%s\" --memory %d --quant %s "
                        "--context %lld --prompt %lld --batch %d%s",
                     m->id, c->mach.chip.short_name, c->mach.memory_gb, quant_arg(c, &fq),
                     (long long)r.context_tokens, (long long)r.prompt_tokens, r.batch,
                     r.kv_bits ? S(c, " --kv-bits %d", r.kv_bits) : "");
}

/* What the request names besides the planned setup, side by side with it:
 * other models ("Qwen3-8B or Llama 3.1 8B?"), each in the format the same
 * rule picks, and other formats of the planned model ("4-bit vs 8-bit").
 * An entry that cannot be read or estimated keeps its error for the
 * summary; it does not fail the plan. */
void mp_pl_compare_models(mp_pctx *c)
{
    const mp_spec *s = &c->p->spec;
    /* the other formats, parsed for this model's dtype (the same for all) */
    mp_quant alt_q[MP_SPEC_MAX_ALT_QUANTS];
    int nq = 0;
    for (int k = 0; k < s->n_alt_quants; k++)
        if (mp_quant_parse(s->alt_quants[k].value, 0, c->arch.dtype, &alt_q[nq], NULL) == 0 &&
            memcmp(&alt_q[nq], &c->ireq.quant, sizeof alt_q[nq]) != 0)
            nq++;
    for (int k = 0; k < nq && c->n_alts < MAX_ALTS; k++) {
        struct alt_model *m = &c->alts[c->n_alts++];
        memset(m, 0, sizeof *m);
        m->id = c->model_id;
        estimate_alt(c, m, &c->arch, &alt_q[k]);
    }
    /* each other model in the format the rule picks, then in the other formats */
    for (int k = 0; k < s->n_alt_models; k++) {
        const char *name = s->alt_models[k].value;
        if (mp_ieq(name, c->model_id) || c->n_alts >= MAX_ALTS)
            continue;
        struct alt_model *m = &c->alts[c->n_alts++];
        memset(m, 0, sizeof *m);
        m->id = S(c, "%s", name);
        mp_load_opts lo = {c->req->offline};
        mp_arch a;
        mp_origin o;
        mp_error e;
        mp_error_clear(&e);
        int rc = c->req->names_only ? mp_model_load_name(name, &lo, &a, &o, &e)
                                    : mp_model_load(name, &lo, &a, &o, &e);
        if (rc) {
            m->error = S(c, "%s", e.msg);
            continue;
        }
        if (o.kind == MP_ORIGIN_REGISTRY)
            m->id = S(c, "%s", a.id);
        estimate_alt(c, m, &a, NULL);
        for (int j = 0; j < nq && c->n_alts < MAX_ALTS && !m->error; j++) {
            if (memcmp(&alt_q[j], &m->req.quant, sizeof alt_q[j]) == 0)
                continue;
            struct alt_model *mq = &c->alts[c->n_alts++];
            memset(mq, 0, sizeof *mq);
            mq->id = m->id;
            estimate_alt(c, mq, &a, &alt_q[j]);
        }
        mp_arch_release(&a);
    }
}

/* The fine-tune takes longer than the budget: say what the budget covers and
 * estimate, with the same engine, the changes that would meet it. */
static void check_train_budget(mp_pctx *c, double budget_s)
{
    const mp_train_result *t = &c->tres;
    if (t->total_s <= budget_s)
        return;
    double per_iter = t->total_s / (double)c->iters;
    int64_t fits = (int64_t)floor(budget_s / per_iter);
    c->budget_notes[c->n_budget_notes++] =
        S(c, "Over the %g h budget: %lld iterations need %s; the budget covers %lld iterations "
             "(%.0f%% of the plan).", budget_s / 3600, (long long)c->iters, dur(c, t->total_s),
          (long long)fits, 100.0 * (double)fits / (double)c->iters);
    /* cheaper settings, each estimated for the full iteration count */
    struct {
        const char *what, *how;
        int layers;
        int64_t seq;
    } opts[] = {
        {"shorter sequences", "max_seq_length: 512, if your examples fit", 0, 512},
        {"fewer adapted layers", "num_layers: 4", 4, 0},
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0] && c->n_budget_notes < 4; i++) {
        if (opts[i].seq && c->prompt)
            continue; /* the request's prompts set the window */
        mp_train_req r = c->treq;
        if (opts[i].layers && opts[i].layers < r.num_layers)
            r.num_layers = opts[i].layers;
        if (opts[i].seq && opts[i].seq < r.seq_len)
            r.seq_len = opts[i].seq;
        mp_train_result x;
        if (mp_train_maybe_data(&r, &x, NULL) != 0)
            continue;
        c->budget_notes[c->n_budget_notes++] =
            S(c, "With %s (%s): %s for the %lld iterations%s.", opts[i].what, opts[i].how,
              dur(c, x.total_s), (long long)c->iters,
              x.total_s <= budget_s ? ", inside the budget" : "");
    }
    /* a smaller default model with the same settings */
    double mine = mp_arch_params(&c->arch);
    const mp_model_row *cand[64];
    size_t n_cand = mp_pl_candidates(c, cand, sizeof cand / sizeof cand[0]);
    for (size_t i = 0; i < n_cand && c->n_budget_notes < 4; i++) {
        const mp_model_row *row = cand[i];
        mp_arch a;
        if (mp_registry_arch(row, &a, NULL) != 0)
            continue;
        mp_train_req r = c->treq;
        r.arch = &a;
        if (r.num_layers > a.n_layers)
            r.num_layers = (int)a.n_layers;
        mp_train_result x;
        bool ok = mp_arch_params(&a) < 0.8 * mine && mp_train_maybe_data(&r, &x, NULL) == 0 &&
                  x.verdict != MP_NO_FIT && x.total_s <= budget_s;
        if (ok)
            c->budget_notes[c->n_budget_notes++] =
                S(c, "A smaller model with the same settings: %s trains the %lld iterations in "
                     "%s.", row->id, (long long)c->iters, dur(c, x.total_s));
        mp_arch_release(&a);
        if (ok)
            break;
    }
}

/* The longest --max-seq-length, in steps of MP_KV_STEP from r->seq_len (which
 * fits) up to `want`, whose training still fits with r's other settings. */
static int64_t longest_window(const mp_train_req *r, int64_t want)
{
    int64_t lo = r->seq_len, hi = want;
    while (hi - lo > MP_KV_STEP) {
        int64_t mid = lo + (hi - lo) / 2 / MP_KV_STEP * MP_KV_STEP;
        if (mid <= lo)
            mid = lo + MP_KV_STEP;
        mp_train_req t = *r;
        t.seq_len = mid;
        mp_train_result x;
        if (mp_train_maybe_data(&t, &x, NULL) == 0 && x.verdict_point == MP_FITS)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* What the plan takes from the user's data (a summary line): the lengths,
 * the window against the longest example, what is cut. */
static void data_note(mp_pctx *c)
{
    const mp_tdata *d = &c->data;
    mp_tdata_batches b;
    int64_t cut = 0, dropped = 0;
    if (mp_tdata_batches_of(d, c->treq.batch, c->treq.seq_len, &b, NULL) == 0) {
        cut = b.n_truncated;
        dropped = b.n_dropped;
        mp_tdata_batches_release(&b);
    }
    bool chat = d->format == MP_TDATA_CHAT || d->format == MP_TDATA_TOOLS;
    c->data_note = S(c, "From your data (%s, %s format): %s examples, median %s and longest "
                     "%s tokens (mlxplan estimate --data's count: %.0f bytes a token%s, no "
                     "tokenizer run; prepare_data.py prints the tokenizer's); "
                     "max_seq_length %lld %s; memory from its longest batch, time over all its "
                     "batches%s.",
                     c->p->spec.data_path.value, mp_tdata_format_name(d->format),
                     count(c, (double)d->n_examples), count(c, (double)d->median_tokens),
                     count(c, (double)d->max_tokens), MP_TDATA_BYTES_PER_TOKEN,
                     chat ? S(c, ", %d per message", MP_TDATA_TOKENS_PER_MESSAGE) : "",
                     (long long)c->treq.seq_len,
                     cut ? S(c, "is the longest window that fits: %s examples are longer and "
                                "mlx-lm cuts them to it", count(c, (double)cut))
                         : "holds every example whole",
                     dropped ? S(c, "; mlx-lm drops the %s longest examples (the partial "
                                    "last batch of the length-sorted data)",
                                 count(c, (double)dropped))
                             : "");
}

int mp_pl_decide_training(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    mp_task task = MP_TASK_LORA;
    if (s->task.value[0])
        mp_task_parse(s->task.value, &task, NULL);
    else if (c->model_for_qlora)
        task = MP_TASK_QLORA; /* the plan chose the model for its QLoRA: train that */
    mp_train_req want;
    memset(&want, 0, sizeof want);
    want.arch = &c->arch;
    want.mach = &c->mach;
    want.task = task;
    want.base_quant = mp_quant_float(c->arch.dtype == MP_DT_F32 ? MP_DT_BF16 : c->arch.dtype);
    if (task == MP_TASK_QLORA) {
        /* the bits the request names ("QLoRA ... 8-bit"), else QLoRA's 4 */
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, c->arch.dtype}, asked;
        want.base_quant = q4;
        if (s->quant.value[0] &&
            mp_quant_parse(s->quant.value, 0, c->arch.dtype, &asked, NULL) == 0 &&
            asked.mode == MP_Q_AFFINE)
            want.base_quant = asked;
    }
    if (c->arch.has_config_quant) {
        want.base_quant = c->arch.config_quant;
        if (task == MP_TASK_LORA)
            want.task = MP_TASK_QLORA;
    }
    /* mlx_lm.lora's defaults first (mp_fit_training lowers them to fit); the
     * model chosen for its QLoRA was sized at batch 1 (mp_pl_choose_model) */
    int layers = mp_pl_fact_int(MP_FACT_LORA_LAYERS);
    want.batch = c->model_for_qlora ? 1 : mp_pl_fact_int(MP_FACT_LORA_BATCH);
    want.seq_len = mp_pl_fact_int(MP_FACT_LORA_SEQ);
    /* prompts the request gives ("32k-token prompts") need a window of the
     * prompt and its answer */
    if (c->prompt)
        want.seq_len = c->prompt + MP_PL_ANSWER_TOKENS;
    /* the user's data: its longest example, whole, and its batches */
    bool data = c->have_data && c->data.n_examples > 0;
    if (data) {
        want.data = &c->data;
        want.seq_len = c->data.max_tokens > 64 ? c->data.max_tokens : 64;
    }
    bool sized = c->prompt || data; /* the window comes from the request */
    want.num_layers = layers < c->arch.n_layers ? layers : (int)c->arch.n_layers;
    want.rank = mp_pl_fact_int(MP_FACT_LORA_RANK);
    want.grad_accum = 1;
    want.optim = MP_OPT_ADAM;
    int rc = mp_fit_training(&want, c->tfits, 6, &c->n_tfits, c->err);
    if (rc)
        return rc;
    if (c->n_tfits == 0 && sized) {
        /* not even a quarter of the prompts' window fits: from mlx-lm's
         * default window up (longest_window below) */
        mp_train_req dflt = want;
        dflt.seq_len = mp_pl_fact_int(MP_FACT_LORA_SEQ);
        if ((rc = mp_fit_training(&dflt, c->tfits, 6, &c->n_tfits, c->err)) != 0)
            return rc;
    }
    if (c->n_tfits > 0) {
        c->treq = c->tfits[0].req;
        if (sized && c->treq.seq_len < want.seq_len)
            c->treq.seq_len = longest_window(&c->treq, want.seq_len);
        if (want.base_quant.mode == MP_Q_FLOAT && c->treq.base_quant.mode != MP_Q_FLOAT) {
            /* the smallest setting on the float base, to say by how much it misses */
            mp_train_req least = want;
            least.batch = 1;
            least.grad_checkpoint = true;
            least.num_layers = 1;
            mp_train_result r;
            if (mp_train(&least, &r, NULL) == 0)
                c->base_note = S(c, "%s on the %s base needs %s even with one adapted layer, "
                                    "batch 1 and checkpointing, over the %s GPU limit: the base "
                                    "is stored in %s (QLoRA), the most precise format that fits.",
                                 task_title(want.task), mp_dtype_name(want.base_quant.dtype),
                                 gib(c, r.total_bytes), gib(c, r.budget_bytes),
                                 qlabel(c, &c->treq.base_quant));
        }
    } else {
        c->treq = want;
        c->treq.batch = 1;
    }
    /* iterations: one pass over the data when its size is known */
    c->iters = mp_pl_fact_int(MP_FACT_LORA_ITERS);
    double examples = s->data_examples.value;
    if (!isnan(examples) && examples > 0) {
        int64_t per_iter = c->treq.batch;
        c->iters = (int64_t)ceil(examples * 0.8 / (double)per_iter) * 2; /* two epochs */
        if (c->iters < 100)
            c->iters = 100;
    }
    c->treq.iters = c->iters;
    rc = mp_train_maybe_data(&c->treq, &c->tres, c->err);
    if (rc)
        return rc;
    c->train = true;
    if (data)
        data_note(c);
    else if (!isnan(examples) && examples > 0)
        mp_doc_assume(c->p, "Every example is taken to fill %lld tokens (max_seq_length); "
                      "mlx-lm trains on the real lengths, so shorter examples finish sooner in "
                      "proportion.", (long long)c->treq.seq_len);
    if (!isnan(s->budget_hours.value))
        check_train_budget(c, s->budget_hours.value * 3600);
    else if (c->model_for_qlora) /* the 8 h the model was chosen for */
        check_train_budget(c, 8 * 3600);
    mp_doc_number(c->p, "train_total_bytes", floor(c->tres.total_bytes), "bytes",
                  MP_LABEL_ESTIMATED,
                  "frozen weights + adapters + gradients + optimizer state + activations + "
                  "logits (mlxplan estimate --task)");
    mp_label tl = mp_pl_label(c->tres.speed_label);
    mp_doc_number(c->p, "train_tok_s", c->tres.tok_s, "tok/s", tl,
                  mp_pl_calib_basis(c, c->tres.speed_basis, c->tres.calib, MP_RUN_KIND_TRAIN,
                                    c->tres.speed_label));
    mp_doc_number(c->p, "train_it_s", c->tres.it_s, "it/s", tl, "micro-batches per second");
    mp_doc_number(c->p, "train_total_s", c->tres.total_s, "s", tl, c->tres.total_basis);
    mp_doc_number(c->p, "trainable_params", c->tres.trainable_params, "parameters",
                  MP_LABEL_ESTIMATED,
                  c->tres.trainable.basis);
    return 0;
}

/* the shortest training window a from-scratch plan sized for long prompts
 * falls back to (tokens) */
#define PRETRAIN_MIN_WINDOW 1024

/* From scratch: the largest decoder whose training fits the machine and whose
 * token budget (given, or 20 per parameter) trains within the time budget;
 * with a prompt length given, at a window of the prompt and its answer, or
 * (when no size fits that) the longest window the smallest size trains. */
int mp_pl_decide_pretrain(mp_pctx *c)
{
    mp_spec *s = &c->p->spec;
    c->budget_h = isnan(s->budget_hours.value) ? 24 : s->budget_hours.value;
    if (isnan(s->budget_hours.value)) {
        mp_doc_assume(c->p, "The training budget is 24 hours of machine time: the request gives "
                      "none.");
        mp_doc_question(c->p, "How long may training run (hours), and how many tokens of data "
                              "do you have?");
    }
    static const double sizes[] = {2e9, 1.3e9, 760e6, 350e6, 125e6, 50e6, 20e6, 10e6};
    double given_size = s->model_size.value;
    int64_t ctxlen = c->context > 0 && c->context <= 4096 ? c->context : 1024;
    /* prompts the request gives ("32k-token prompts") size the model's
     * context: the prompt and its answer, as long as training fits */
    int64_t want_ctx = c->prompt ? c->context : 0;
    int batch = 8;
    if (want_ctx) {
        ctxlen = want_ctx;
        batch = (int)(8 * 1024 / ctxlen); /* the tokens of a step of 8 x 1,024 */
        if (batch < 1)
            batch = 1;
    }
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        double n = isnan(given_size) ? sizes[i] : given_size;
        mp_arch a;
        int rc = mp_flow_pretrain_size(n, MP_DT_F32, &a, c->err);
        if (rc)
            return rc;
        mp_train_req r;
        memset(&r, 0, sizeof r);
        r.arch = &a;
        r.mach = &c->mach;
        r.task = MP_TASK_PRETRAIN;
        r.base_quant = mp_quant_float(MP_DT_F32);
        r.train_dtype = n > 400e6 ? MP_DT_BF16 : MP_DT_F32;
        r.batch = batch;
        r.seq_len = ctxlen;
        r.num_layers = -1;
        r.optim = MP_OPT_ADAMW;
        r.grad_accum = 1;
        r.grad_checkpoint = n > 400e6 || want_ctx > 4096;
        double tokens = !isnan(s->data_tokens.value) ? s->data_tokens.value
                                                     : 20.0 * mp_arch_params(&a);
        r.dataset_tokens = tokens;
        mp_train_result res;
        rc = mp_train(&r, &res, c->err);
        if (rc) {
            mp_arch_release(&a);
            return rc;
        }
        bool fits = res.verdict_point == MP_FITS;
        bool last = !isnan(given_size) || i + 1 == sizeof sizes / sizeof sizes[0];
        if (want_ctx && !fits && last) {
            /* no size trains the whole window: the longest this one does */
            mp_train_req w = r;
            w.seq_len = PRETRAIN_MIN_WINDOW;
            mp_train_result x;
            if (mp_train(&w, &x, NULL) == 0 && x.verdict_point == MP_FITS) {
                r.seq_len = longest_window(&w, want_ctx);
                if ((rc = mp_train(&r, &res, c->err)) != 0) {
                    mp_arch_release(&a);
                    return rc;
                }
                fits = true;
            }
        }
        bool in_time = res.total_s <= c->budget_h * 3600 * 1.05;
        if ((fits && in_time) || last) {
            c->parch = a;
            c->preq = r;
            c->preq.arch = &c->parch;
            c->pres = res;
            c->pre_tokens = tokens;
            c->pre_size = n;
            c->pretrain = true;
            c->p->model_id = S(c, "%s", a.id);
            mp_doc_number(c->p, "model_params", mp_arch_params(&a), "parameters", MP_LABEL_INPUT,
                          "llama-style decoder sized by mlxplan");
            mp_doc_number(c->p, "train_total_bytes", floor(res.total_bytes), "bytes",
                          MP_LABEL_ESTIMATED,
                          "weights + gradients + AdamW state + activations + logits");
            mp_doc_number(c->p, "train_tok_s", res.tok_s, "tok/s", mp_pl_label(res.speed_label),
                          mp_pl_calib_basis(c, res.speed_basis, res.calib, MP_RUN_KIND_TRAIN,
                                            res.speed_label));
            mp_doc_number(c->p, "train_total_s", res.total_s, "s", mp_pl_label(res.speed_label),
                          res.total_basis);
            mp_doc_number(c->p, "train_tokens", tokens, "tokens", MP_LABEL_INPUT,
                          !isnan(s->data_tokens.value) ? "the data the request gives"
                                                       : "20 tokens per parameter (Chinchilla)");
            if (!in_time && c->n_budget_notes < 4) {
                /* the size was given (or nothing smaller fits the time): say
                 * what the budget buys at the estimated throughput */
                double budget_s = c->budget_h * 3600;
                double covered = res.tok_s * budget_s;
                c->budget_notes[c->n_budget_notes++] = S(
                    c, "Over the %s h budget: %s tokens need %s; the budget covers %s tokens at "
                       "%s tok/s (%.1f tokens per parameter).",
                    rate(c, c->budget_h), params_txt(c, tokens), dur(c, res.total_s),
                    params_txt(c, covered), rate(c, res.tok_s), covered / mp_arch_params(&a));
            }
            return 0;
        }
        mp_arch_release(&a);
    }
    return 0;
}
