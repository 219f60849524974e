/*
 * write_judged.c - a measured run in a plan: the figure the request reports
 * ("only 9 tok/s") or the output it comes with (plan --measured FILE, the
 * MCP 'measured' argument), judged by the runs diagnosis of the layer above
 * (mp_plan_hooks.diagnose: the same function as `mlxplan runs add`), and
 * written as the plan's verdict on it: measured against expected with the
 * band, the verdict, and the causes ranked for this case with their check,
 * fix and computed gain.  See planner.h.
 */
#include <math.h>
#include <string.h>

#include "plan/flow.h"
#include "plan/planner.h"

int mp_pl_judge(mp_pctx *c, bool by_mlx_lm, const mp_plan_judged **out)
{
    *out = NULL;
    const mp_plan_hooks *h = c->req->hooks;
    const mp_spec *s = &c->p->spec;
    /* the request's figure in the slow-inference diagnosis; a paste anywhere */
    bool observed = c->slow && !isnan(s->observed_tok_s.value) && !s->observed_training;
    if (!h || !h->diagnose || !c->have_mach || !(h->measured || (observed && c->infer)))
        return 0;
    bool infer = c->infer && !(c->train && !h->measured);
    const mp_quant *q = infer ? &c->ireq.quant : c->train ? &c->treq.base_quant : NULL;
    bool affine = q && q->mode == MP_Q_AFFINE && !q->recipe;
    const char *ql = !q ? NULL : affine ? S(c, "%d", q->bits) : quant_arg(c, q);
    mp_plan_measure m = {
        .model_id = c->have_arch ? c->model_id : NULL,
        .quant = ql,
        .group = affine ? q->group : 0,
        .mach = &c->mach,
        .inference = infer,
        .context_tokens = infer ? c->ireq.context_tokens : 0,
        .prompt_tokens = infer ? c->ireq.prompt_tokens : 0,
        .batch = infer ? c->ireq.batch : 1,
        .observed_tok_s = observed ? s->observed_tok_s.value : NAN,
        .by_mlx_lm = by_mlx_lm,
    };
    mp_plan_judged *j = mp_arena_alloc(c->p->arena, sizeof *j);
    if (!j)
        return mp_error_set(c->err, MP_ENOMEM, "out of memory");
    memset(j, 0, sizeof *j);
    int rc = h->diagnose(h->ctx, &m, j, c->err);
    if (rc)
        return rc;
    if (j->diag.verdict == MP_DIAG_NONE)
        return 0;
    const mp_diagnosis *d = &j->diag;
    mp_doc_number(c->p, "measured_tok_s", d->measured_tok_s, "tok/s", MP_LABEL_MEASURED,
                  mp_doc_str(c->p, "%s", j->what));
    mp_doc_number(c->p, "expected_tok_s", d->expected_tok_s, "tok/s", MP_LABEL_ESTIMATED,
                  mp_doc_str(c->p, "mlxplan estimate for the setup run: %s (not calibrated "
                             "on your runs)", j->setup));
    *out = j;
    return 0;
}

/* "decode" -> "generation", as mlx_lm prints it. */
static const char *kind_words(mp_run_kind k)
{
    return k == MP_RUN_KIND_DECODE ? "generation" : k == MP_RUN_KIND_PREFILL ? "prompt"
                                                                             : "training";
}

static const char *gain_text(mp_plan *p, const mp_diag_cause *x)
{
    if (!(x->gain_x > 0))
        return "";
    return mp_doc_str(p, " Gain: %sx%.1f (%s).", x->gain_upper ? "at most " : "", x->gain_x,
             x->gain_basis);
}

void mp_flow_judged_summary(mp_plan *p, mp_block *b, const mp_plan_judged *j)
{
    const mp_diagnosis *d = &j->diag;
    mp_doc_add(p, b, "**Measured %s %s tok/s against %s expected: %s (%.0f%% of it, band %s..%s "
               "tok/s).** The diagnosis of `mlxplan runs add` on %s.",
               kind_words(d->kind), mp_doc_rate(p, d->measured_tok_s),
               mp_doc_rate(p, d->expected_tok_s), mp_diag_verdict_name(d->verdict),
               100 * d->ratio, mp_doc_rate(p, d->low_tok_s), mp_doc_rate(p, d->high_tok_s),
               j->what);
    if (d->n_causes > 0 && (d->verdict == MP_DIAG_SLOWER || d->verdict == MP_DIAG_MUCH_SLOWER)) {
        const mp_diag_cause *x = &d->causes[0];
        mp_doc_add(p, b, "Most likely first (%s): %s; fix: %s.%s", x->id, x->evidence, x->fix,
                   gain_text(p, x));
    }
}

void mp_flow_judged(mp_plan *p, const mp_plan_judged *j)
{
    const mp_diagnosis *d = &j->diag;
    mp_doc_para(p, MP_SEC_OPTIMIZATION,
                "Your run (%s) against the estimate for the setup it ran, %s: %s %s tok/s "
                "measured, %s tok/s expected +/-%.0f%% (%s..%s tok/s): %s, %.0f%% of the "
                "estimate. Judged as `mlxplan runs add` judges a run, against the model alone "
                "(not calibrated on your runs, which would hide the gap).",
                j->what, j->setup, kind_words(d->kind), mp_doc_rate(p, d->measured_tok_s),
                mp_doc_rate(p, d->expected_tok_s), d->band_pct, mp_doc_rate(p, d->low_tok_s),
                mp_doc_rate(p, d->high_tok_s), mp_diag_verdict_name(d->verdict), 100 * d->ratio);
    if (j->n_notes > 0) {
        mp_block *nb = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_BULLETS);
        for (int i = 0; i < j->n_notes; i++)
            mp_doc_add(p, nb, "%s", j->notes[i]);
    }
    if (d->n_causes == 0) {
        mp_doc_para(p, MP_SEC_OPTIMIZATION, "%s",
                    d->verdict == MP_DIAG_FASTER
                        ? "Faster than the estimate's band: nothing to fix; `mlxplan runs add` "
                          "keeps the run so that estimates on this machine calibrate on it."
                        : "Inside the estimate's band: the machine does what this setup "
                          "allows; only fewer bits, a shorter context or a faster machine make "
                          "it faster.");
        return;
    }
    mp_doc_para(p, MP_SEC_OPTIMIZATION, "Causes ranked for this run (strongest evidence first, "
                "then the larger computed gain), each with the command that checks it:");
    mp_block *b = mp_doc_block(p, MP_SEC_OPTIMIZATION, MP_BLK_NUMBERED);
    for (int i = 0; i < d->n_causes; i++) {
        const mp_diag_cause *x = &d->causes[i];
        mp_doc_add(p, b, "**%s**: %s. Check: `%s`. Fix: %s.%s", x->id, x->evidence, x->check,
                   x->fix, gain_text(p, x));
    }
}
