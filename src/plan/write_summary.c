/*
 * mp_pl_write_summary.c - the third phase of the planner, part 1 (see planner.h): the summary
 * and verdict, the comparison of the models and formats the request names,
 * and "what was understood" with its assumptions and questions.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plan/planner.h"

void mp_pl_write_understood(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_spec *s = &p->spec;
    mp_block *t = mp_doc_table(p, MP_SEC_UNDERSTOOD, 4, "input\tvalue\tfrom\tevidence");
    char in[200] = "";
    size_t k = 0;
    for (int b = 0; b < MP_INTENT_COUNT; b++)
        if (c->sc & (1u << b))
            k += (size_t)snprintf(in + k, sizeof in - k, "%s%s", k ? ", " : "",
                                  mp_intent_name(1u << b));
    mp_doc_row(p, t, "goal\t%s\t%s\t%s", in,
               s->intents_prov ? mp_prov_name(s->intents_prov) : "assumed",
               s->intent_evidence[0] ? s->intent_evidence : "no task named: run the model");
    const struct {
        const char *name;
        const mp_sfield *f;
    } strs[] = {{"model", &s->model},       {"task", &s->task},
                {"chip", &s->chip},         {"data format", &s->data_format},
                {"data path", &s->data_path}, {"format asked", &s->quant},
                {"quantization method", &s->quant_method}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (strs[i].f->prov)
            mp_doc_row(p, t, "%s\t%s\t%s\t%s", strs[i].name, strs[i].f->value,
                       mp_prov_name(strs[i].f->prov), strs[i].f->evidence);
    const struct {
        const char *name, *unit;
        const mp_nfield *f;
    } nums[] = {{"model size", "parameters", &s->model_size},
                {"memory", "GB", &s->memory_gb},
                {"context", "tokens", &s->context},
                {"prompt length", "tokens", &s->prompt_tokens},
                {"data", "examples", &s->data_examples},
                {"data", "tokens", &s->data_tokens},
                {"target speed", "tok/s", &s->target_tok_s},
                {s->observed_training ? "observed training speed" : "observed speed", "tok/s",
                 &s->observed_tok_s},
                {"time budget", "hours", &s->budget_hours},
                {"machines", "Macs", &s->n_macs},
                {"concurrent requests", "requests", &s->users},
                {"KV cache", "bits", &s->kv_bits}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (nums[i].f->prov)
            mp_doc_row(p, t, "%s\t%s %s\t%s\t%s", nums[i].name,
                       nums[i].f == &s->model_size ? params_txt(c, nums[i].f->value)
                                                   : count(c, nums[i].f->value),
                       nums[i].unit, mp_prov_name(nums[i].f->prov), nums[i].f->evidence);
    for (int i = 0; i < s->n_alt_models; i++)
        mp_doc_row(p, t, "compared with\t%s\t%s\t%s", s->alt_models[i].value,
                   mp_prov_name(s->alt_models[i].prov), s->alt_models[i].evidence);
    for (int i = 0; i < s->n_alt_quants; i++)
        mp_doc_row(p, t, "format compared\t%s\t%s\t%s", s->alt_quants[i].value,
                   mp_prov_name(s->alt_quants[i].prov), s->alt_quants[i].evidence);
    if (c->have_mach)
        mp_doc_row(p, t, "machine\t%s (%s, %s GB/s)\tresolved\tmlxplan hw show", c->mach_label,
                   c->mach.chip.name, bandwidth(c, c->mach.chip.bandwidth_gbs));
    if (s->n_contradictions) {
        mp_block *b = mp_doc_block(p, MP_SEC_UNDERSTOOD, MP_BLK_BULLETS);
        for (int i = 0; i < s->n_contradictions; i++)
            mp_doc_add(p, b, "Contradiction: %s.", s->contradictions[i]);
    }
}

/* How the main number changes on other machines (for the assumptions). */
void mp_pl_alt_machines(mp_pctx *c)
{
    if (!c->mach_assumed || !c->have_arch || !c->infer || is_cuda(c))
        return;
    static const struct {
        const char *chip;
        int gb;
    } alts[] = {{"M2 10c", 16}, {"M4 Max 40c", 128}};
    for (size_t i = 0; i < sizeof alts / sizeof alts[0]; i++) {
        mp_chip_match m;
        mp_machine mach;
        if (mp_chip_resolve(alts[i].chip, alts[i].gb, &m, NULL) ||
            mp_machine_init(&mach, &m.chip, alts[i].gb, NULL))
            continue;
        mp_infer_req r = c->ireq;
        r.mach = &mach;
        mp_infer_result res;
        if (mp_infer(&r, &res, NULL))
            continue;
        mp_doc_assume(c->p, "On an %s with %s GB instead: %s, %s tok/s decode (%s).",
                      m.chip.short_name, whole(c, alts[i].gb, "GB"), mp_verdict_name(res.verdict),
                      rate(c, res.decode_tok_s), gib(c, res.total_bytes));
    }
}

/* The comparison's recommendation with its reason, from the rows' figures:
 * the best verdict first (fits, then tight); among those, the largest model
 * when it has 1.3x the parameters of the smallest and decodes above
 * MP_PL_MIN_DECODE_TOK_S, else the fastest. */
static void recommend(mp_pctx *c)
{
    struct row {
        const char *id, *fmt;
        double params, tok_s, bytes;
        int rank;
    } r[1 + MAX_ALTS];
    int n = 0;
    const mp_infer_result *e = &c->ires;
    r[n++] = (struct row){c->model_id, qlabel(c, &e->quant), mp_arch_params(&c->arch),
                          e->decode_tok_s, e->total_bytes,
                          e->verdict == MP_FITS ? 2 : e->verdict == MP_TIGHT};
    for (int k = 0; k < c->n_alts; k++) {
        const struct alt_model *m = &c->alts[k];
        if (!m->error)
            r[n++] = (struct row){m->id, qlabel(c, &m->req.quant), m->params,
                                  m->res.decode_tok_s, m->res.total_bytes,
                                  m->res.verdict == MP_FITS ? 2 : m->res.verdict == MP_TIGHT};
    }
    int top = 0;
    for (int i = 0; i < n; i++)
        if (r[i].rank > top)
            top = r[i].rank;
    if (n < 2 || top == 0)
        return;
    int big = -1, small = -1, fast = -1, others = 0;
    for (int i = 0; i < n; i++) {
        if (r[i].rank != top)
            continue;
        others++;
        if (big < 0 || r[i].params > r[big].params)
            big = i;
        if (small < 0 || r[i].params < r[small].params)
            small = i;
        if (fast < 0 || r[i].tok_s > r[fast].tok_s)
            fast = i;
    }
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    bool one_model = true;
    for (int i = 1; i < n; i++)
        one_model &= strcmp(r[i].id, r[0].id) == 0;
    if (one_model && others > 1) {
        /* one model in several formats: the most bits that reach the speed bar */
        const mp_quant *qs[1 + MAX_ALTS];
        qs[0] = &e->quant;
        for (int k = 0, j = 1; k < c->n_alts; k++)
            if (!c->alts[k].error)
                qs[j++] = &c->alts[k].req.quant;
        int best = -1;
        for (int i = 0; i < n; i++)
            if (r[i].rank == top && r[i].tok_s >= MP_PL_MIN_DECODE_TOK_S &&
                (best < 0 || mp_quant_quality(qs[i]) > mp_quant_quality(qs[best])))
                best = i;
        if (best < 0)
            best = fast;
        mp_doc_add(p, b, "Recommendation: %s in %s: the most precise format that %s%s, at %s "
                   "tok/s%s.", r[best].id, r[best].fmt, top == 2 ? "fits" : "runs",
                   best == fast ? "" : S(c, " and decodes above %d tok/s",
                                         MP_PL_MIN_DECODE_TOK_S),
                   rate(c, r[best].tok_s),
                   best == fast ? "" : S(c, " (%s decodes at %s tok/s)", r[fast].fmt,
                                         rate(c, r[fast].tok_s)));
        return;
    }
    bool by_size = r[big].params >= 1.3 * r[small].params &&
                   r[big].tok_s >= MP_PL_MIN_DECODE_TOK_S;
    int pick = others == 1 || by_size ? big : fast;
    const char *verdict = top == 2 ? "fits" : "is tight";
    const char *alone = others == 1 ? S(c, ": the only one that %s",
                                        top == 2 ? "fits with the band's margin" : "runs")
                                    : "";
    if (others == 1)
        mp_doc_add(p, b, "Recommendation: %s in %s%s (%s, %s tok/s).", r[big].id, r[big].fmt,
                   alone, gib(c, r[big].bytes), rate(c, r[big].tok_s));
    else if (by_size)
        mp_doc_add(p, b, "Recommendation: %s in %s: it %s like the others and has %.1fx the "
                   "parameters of %s, at %s tok/s, above the %d tok/s mlxplan's model pick requires.",
                   r[big].id, r[big].fmt, verdict, r[big].params / r[small].params,
                   r[small].id, rate(c, r[big].tok_s), MP_PL_MIN_DECODE_TOK_S);
    else if (fast == big || r[big].params < 1.3 * r[small].params)
    {
        double next = 0;
        for (int i = 0; i < n; i++)
            if (i != fast && r[i].rank == top && r[i].tok_s > next)
                next = r[i].tok_s;
        bool close = r[fast].tok_s < next * (1 + e->band_decode_pct / 100.0);
        mp_doc_add(p, b, "Recommendation: %s in %s: it %s like the others, the sizes are within "
                   "30%% of each other, and it decodes fastest (%s tok/s against %s)%s.",
                   r[fast].id, r[fast].fmt, verdict, rate(c, r[fast].tok_s), rate(c, next),
                   close ? S(c, "; the gap is inside the +/-%.0f%% decode band, so either "
                                "serves", e->band_decode_pct)
                         : "");
    }
    else
        mp_doc_add(p, b, "Recommendation: %s in %s: %s, the largest, decodes at %s tok/s, "
                   "below the %d tok/s mlxplan's model pick requires; %s decodes at %s tok/s.",
                   r[fast].id,
                   r[fast].fmt, r[big].id, rate(c, r[big].tok_s), MP_PL_MIN_DECODE_TOK_S,
                   r[fast].id, rate(c, r[fast].tok_s));
    if (strcmp(r[pick].id, c->model_id) != 0)
        mp_doc_add(p, b, "The plan below is for %s, the first named; `mlxplan plan --model %s` "
                   "plans the recommended one.", c->model_id, r[pick].id);
}

/* The planned model and the others the request names, side by side;
 * returns the bullet list under the table (the summary goes on in it). */
static mp_block *write_comparison(mp_pctx *c)
{
    mp_plan *p = c->p;
    const mp_infer_result *e = &c->ires;
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_PARA);
    mp_doc_add(p, b, "What the request names side by side, on the %s at %s tokens of context%s; "
               "a model without a format named runs in the one the same rule picks (the plan "
               "below is for %s in %s):",
               c->mach_label, count(c, (double)c->ireq.context_tokens),
               c->ireq.batch > 1 ? S(c, " and %d concurrent requests (decode per request; time "
                                                   "to first token of one request alone)",
                                                   c->ireq.batch)
                                 : "",
               c->model_id, qlabel(c, &e->quant));
    mp_block *t = mp_doc_table(p, MP_SEC_SUMMARY, 7,
                               "model\t>parameters\tformat\t>memory\t>decode\t>time to first "
                               "token\tverdict");
    mp_doc_row(p, t, "%s\t%s\t%s\t%s\t%s tok/s\t%s\t%s", c->model_id,
               params_txt(c, mp_arch_params(&c->arch)), qlabel(c, &e->quant),
               gib(c, e->total_bytes), rate(c, e->decode_tok_s), dur(c, c->ires1.ttft_s),
               mp_verdict_name(e->verdict));
    for (int k = 0; k < c->n_alts; k++) {
        const struct alt_model *m = &c->alts[k];
        if (m->error)
            continue;
        mp_doc_row(p, t, "%s\t%s\t%s\t%s\t%s tok/s\t%s\t%s", m->id, params_txt(c, m->params),
                   qlabel(c, &m->req.quant), gib(c, m->res.total_bytes),
                   rate(c, m->res.decode_tok_s), dur(c, m->ttft1_s),
                   mp_verdict_name(m->res.verdict));
    }
    recommend(c);
    /* another model kind (MoE vs dense) has bands of its own: listed once
     * per model after the bands of the rest */
    bool own[MAX_ALTS] = {false};
    bool any_own = false;
    for (int k = 0; k < c->n_alts; k++) {
        const struct alt_model *m = &c->alts[k];
        bool seen = false;
        for (int j = 0; j < k && !seen; j++)
            seen = own[j] && strcmp(c->alts[j].id, m->id) == 0;
        own[k] = !m->error && !seen && strcmp(m->id, c->model_id) != 0 &&
                 (m->res.band_mem_pct != e->band_mem_pct ||
                  m->res.band_decode_pct != e->band_decode_pct ||
                  m->res.band_prefill_pct != e->band_prefill_pct);
        any_own |= own[k];
    }
    mp_block *n = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    mp_doc_add(p, n, "Error bands%s: memory +/-%.0f%%, decode +/-%.0f%%, prefill +/-%.0f%%; "
               "each row is recomputed by its `mlxplan estimate` line in Sources.",
               any_own ? S(c, " of %s", c->model_id) : " of every row", e->band_mem_pct,
               e->band_decode_pct, e->band_prefill_pct);
    for (int k = 0; k < c->n_alts; k++)
        if (own[k])
            mp_doc_add(p, n, "Error bands of %s: memory +/-%.0f%%, decode +/-%.0f%%, prefill "
                       "+/-%.0f%%.",
                       c->alts[k].id, c->alts[k].res.band_mem_pct,
                       c->alts[k].res.band_decode_pct, c->alts[k].res.band_prefill_pct);
    for (int k = 0; k < c->n_alts; k++)
        if (c->alts[k].error)
            mp_doc_add(p, n, "%s could not be estimated: %s.", c->alts[k].id, c->alts[k].error);
    return n;
}

/* A tight verdict's margin (the estimator's sentence: what is left under the
 * GPU limit against the error band, or the wired limit it needs). */
static void tight_margin(mp_plan *p, mp_block *b, mp_verdict v, const char *text)
{
    if (v == MP_TIGHT)
        mp_doc_add(p, b, "Tight: %s.", text);
}

/* From scratch with a prompt length given: the context it sizes, and when
 * the smallest decoder cannot train the whole window here, what that needs. */
static void pretrain_window(mp_pctx *c, mp_block *b)
{
    mp_plan *p = c->p;
    int64_t want = c->context, got = c->preq.seq_len;
    if (got >= want) {
        mp_doc_add(p, b, "Context sized for your %s-token prompts: with a %d-token answer a "
                   "sequence is %s tokens, the model's context (config.py) and its training "
                   "window, batch %d (a step of about 8 x 1,024 tokens), checkpointed.",
                   count(c, (double)c->prompt), MP_PL_ANSWER_TOKENS, count(c, (double)want),
                   c->preq.batch);
        return;
    }
    mp_train_req r = c->preq;
    r.seq_len = want;
    mp_train_result x;
    if (mp_train(&r, &x, NULL) != 0)
        return;
    mp_doc_add(p, b, "Context sized for your %s-token prompts: with a %d-token answer they "
               "need %s tokens, but training this decoder at %s needs %s (mlxplan estimate "
               "--task pretrain, batch 1, checkpointed), over the %s GPU limit; %s is the "
               "longest window it trains in here, so config.py's context is %s and "
               "generate.py refuses longer prompts. Longer needs more memory, or a model "
               "trained at %s and then briefly at the long window on a larger Mac.",
               count(c, (double)c->prompt), MP_PL_ANSWER_TOKENS, count(c, (double)want),
               count(c, (double)want), gib(c, x.total_bytes), gib(c, x.budget_bytes),
               count(c, (double)got), count(c, (double)got), count(c, (double)got));
}

void mp_pl_write_summary(mp_pctx *c)
{
    mp_plan *p = c->p;
    char title[300];
    const char *what = c->pretrain                    ? "Train a transformer from scratch"
                       : (c->sc & MP_INTENT_FINETUNE) ? "Fine-tune"
                       : (c->sc & MP_INTENT_OPTIMIZE) ? "Speed up"
                       : (c->sc & MP_INTENT_QUANTIZE) ? "Quantize"
                       : (c->sc & MP_INTENT_SERVE)    ? "Serve"
                                                      : "Run";
    if (c->pretrain)
        snprintf(title, sizeof title, "%s with MLX on %s", what, c->mach_label);
    else
        snprintf(title, sizeof title, "%s %s%s on %s%s", what, c->model_id,
                 (c->sc & MP_INTENT_SERVE) && (c->sc & MP_INTENT_FINETUNE) ? " and serve it" : "",
                 c->mach_label,
                 !c->near_done ? ""
                 : c->near_planned < 0 ? " (does not fit)"
                 : c->near[c->near_planned].kind == NEAR_BITS
                     ? S(c, " in %s (the nearest option: %s does not fit)",
                         qlabel(c, &c->ires.quant), qlabel(c, &c->asked_res.quant))
                 : c->near[c->near_planned].kind == NEAR_MACS
                     ? S(c, " x %d (the nearest option: one does not hold it)", c->nodes)
                     : S(c, " (the nearest option: %s does not fit)", c->asked_id));
    p->title = S(c, "%s", title);
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    if (c->pretrain) {
        const mp_arch *a = &c->parch;
        p->verdict = S(c, "%s", mp_verdict_name(c->pres.verdict));
        mp_doc_add(p, b, "**Verdict: %s.** A %s-parameter decoder (%lld layers, width %lld, %lld "
                   "heads, context %s) needs %s (+/-%.0f%%) and trains on %s tokens in %s "
                   "(+/-%.0f%%).",
                   p->verdict, params_txt(c, mp_arch_params(a)), (long long)a->n_layers,
                   (long long)a->hidden, (long long)a->n_heads, whole(c, c->preq.seq_len, "tokens"),
                   gib(c, c->pres.total_bytes), c->pres.band_mem_pct, params_txt(c, c->pre_tokens),
                   dur(c, c->pres.total_s), c->pres.band_speed_pct);
        tight_margin(p, b, c->pres.verdict, c->pres.verdict_text);
        if (c->prompt)
            pretrain_window(c, b);
        mp_doc_add(p, b, "Throughput %s tok/s at batch %d x %s tokens; budget %s h.",
                   rate(c, c->pres.tok_s), c->preq.batch, whole(c, c->preq.seq_len, "tokens"),
                   rate(c, c->budget_h));
        for (int i = 0; i < c->n_budget_notes; i++)
            mp_doc_add(p, b, "%s", c->budget_notes[i]);
        return;
    }
    if (c->train) {
        const mp_train_result *t = &c->tres;
        p->verdict = S(c, "%s", mp_verdict_name(t->verdict));
        int nl = t->layers_trained;
        mp_doc_add(p, b, "**Verdict: %s.** %s of %s, base weights in %s: %d layers adapted, batch %d x "
                   "%d accumulation, %s-token sequences%s; %s of %s GPU limit (+/-%.0f%%).",
                   p->verdict, task_title(c->treq.task), c->model_id,
                   qlabel(c, &c->treq.base_quant), nl, c->treq.batch, c->treq.grad_accum,
                   whole(c, c->treq.seq_len, "tokens"), c->treq.grad_checkpoint ? ", checkpointed" : "",
                   gib(c, t->total_bytes), gib(c, t->budget_bytes), t->band_mem_pct);
        tight_margin(p, b, t->verdict, t->verdict_text);
        if (c->data_note)
            mp_doc_add(p, b, "%s", c->data_note);
        else if (c->prompt) {
            int64_t need = c->prompt + MP_PL_ANSWER_TOKENS;
            mp_doc_add(p, b, "Your %s-token prompts with a %d-token answer need %s-token "
                       "sequences; %s (max_seq_length: %lld) %s (Architecture: Window says "
                       "what mlx-lm 0.32.0 does with longer examples).",
                       count(c, (double)c->prompt), MP_PL_ANSWER_TOKENS, count(c, (double)need),
                       count(c, (double)c->treq.seq_len), (long long)c->treq.seq_len,
                       c->treq.seq_len >= need ? "holds them"
                                               : "is the longest window that fits these settings");
        }
        int accum = c->treq.grad_accum > 0 ? c->treq.grad_accum : 1;
        mp_doc_add(p, b, "Training: %s tok/s, %s it/s; %s iterations (%s optimizer updates) "
                   "take %s (+/-%.0f%%).",
                   rate(c, t->tok_s), rate(c, t->it_s), whole(c, c->iters, "iterations"),
                   whole(c, c->iters / accum > 0 ? c->iters / accum : 1, "updates"), dur(c, t->total_s),
                   t->band_speed_pct);
        if (c->base_note)
            mp_doc_add(p, b, "%s", c->base_note);
        for (int i = 0; i < c->n_budget_notes; i++)
            mp_doc_add(p, b, "%s", c->budget_notes[i]);
        if (!isnan(p->spec.observed_tok_s.value) && p->spec.observed_training)
            mp_doc_add(p, b, "You measure %s tok/s of training: %.0f%% of the %s tok/s this "
                       "setup should reach.", rate(c, p->spec.observed_tok_s.value),
                       100.0 * p->spec.observed_tok_s.value / t->tok_s, rate(c, t->tok_s));
    }
    if (c->infer) {
        const mp_infer_result *e = &c->ires;
        const char *lead = c->train ? "Serving the result: " : NULL;
        if (c->near_done) { /* it does not fit as asked: why, the options, the one planned */
            p->verdict = "does not fit";
            mp_pl_write_nearest(c, b);
            b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
            if (c->near_planned >= 0)
                lead = S(c, "Planned below, option %d: ", c->near_planned + 1);
        }
        if (!p->verdict)
            p->verdict = S(c, "%s", c->nofit && c->n_macs >= 2 ? "needs several Macs"
                                                             : mp_verdict_name(e->verdict));
        if (!lead)
            lead = S(c, "**Verdict: %s.** ", p->verdict);
        if (c->near_done && c->near_planned < 0)
            ; /* nothing planned: the figures as asked lead the summary already */
        else if (e->batch > 1)
            mp_doc_add(p, b, "%s%s in %s with %s concurrent requests: %s at %s tokens of context "
                       "each (+/-%.0f%%); decode %s tok/s per request, %s tok/s in all, "
                       "once each cache holds %s tokens (+/-%.0f%%); time to first token %s "
                       "for one %s-token prompt, %s for the last of %d arriving together.",
                       lead, c->model_id, qlabel(c, &e->quant), whole(c, e->batch, "requests"),
                       gib(c, e->total_bytes),
                       count(c, (double)e->context_tokens), e->band_mem_pct,
                       rate(c, e->decode_tok_s), rate(c, e->decode_total_tok_s),
                       count(c, (double)e->context_tokens), e->band_decode_pct,
                       dur(c, c->ires1.ttft_s),
                       count(c, (double)e->prompt_tokens), dur(c, e->ttft_s), e->batch);
        else
            mp_doc_add(p, b, "%s%s in %s: %s at %s tokens of context (+/-%.0f%%); decode %s "
                       "tok/s once the cache holds %s tokens (+/-%.0f%%), time to first token "
                       "%s for a %s-token prompt.",
                       lead, c->model_id, qlabel(c, &e->quant), gib(c, e->total_bytes),
                       count(c, (double)e->context_tokens), e->band_mem_pct,
                       rate(c, e->decode_tok_s), count(c, (double)e->context_tokens),
                       e->band_decode_pct, dur(c, e->ttft_s),
                       count(c, (double)e->prompt_tokens));
        if (e->calib && e->decode_label != MP_CAL_ESTIMATED)
            mp_doc_add(p, b, "Speeds %s: %s (Sources).",
                       e->decode_label == MP_CAL_MEASURED ? "measured" : "calibrated",
                       mp_pl_calib_basis(c, "decode", e->calib, MP_RUN_KIND_DECODE,
                                         e->decode_label));
        if (!c->train && c->nodes == 1)
            tight_margin(p, b, e->verdict, e->verdict_text);
        if (c->have_arch)
            mp_understand_machines(p, &c->arch, &c->mach, e);
        if (c->nofit && c->n_macs >= 2)
            mp_doc_add(p, b, "It does not fit one %s (%s GPU limit).", c->mach_label,
                       gib(c, c->mach.gpu_default_bytes));
        if (c->nodes > 1)
            mp_doc_add(p, b, "Split over %d Macs with pipeline parallelism: %s on each, of its "
                       "%s GPU limit. Every token passes through the Macs in turn, so decode "
                       "runs at about one Mac's speed over the whole model; the network hop "
                       "per Mac (Thunderbolt) comes on top and is not modelled.",
                       c->nodes, gib(c, e->total_bytes / c->nodes),
                       gib(c, c->mach.gpu_default_bytes));

        if (!isnan(p->spec.observed_tok_s.value) && !p->spec.observed_training)
            mp_doc_add(p, b, "You measure %s tok/s: %.0f%% of the %s tok/s this setup should "
                       "reach.", rate(c, p->spec.observed_tok_s.value),
                       100.0 * p->spec.observed_tok_s.value / e->decode_tok_s,
                       rate(c, e->decode_tok_s));
    }
    if (c->n_alts)
        b = write_comparison(c);
    mp_doc_add(p, b, "Checked against mlx %s and mlx-lm %s; every number above comes from "
               "`mlxplan estimate` with its basis below.",
               pin("mlx_pin"), pin("mlx_lm_pin"));
}


void mp_pl_finish_understood(mp_pctx *c)
{
    mp_plan *p = c->p;
    if (p->n_assumptions) {
        mp_doc_para(p, MP_SEC_UNDERSTOOD, "Assumptions:");
        mp_block *b = mp_doc_block(p, MP_SEC_UNDERSTOOD, MP_BLK_BULLETS);
        for (int i = 0; i < p->n_assumptions; i++)
            mp_doc_add_item(p, b, &p->assumption_items[i]);
    }
    if (p->n_questions) {
        mp_doc_para(p, MP_SEC_UNDERSTOOD, "Questions that would change the plan:");
        mp_block *b = mp_doc_block(p, MP_SEC_UNDERSTOOD, MP_BLK_BULLETS);
        for (int i = 0; i < p->n_questions; i++)
            mp_doc_add_item(p, b, &p->question_items[i]);
    }
}
