/* mcal.c - local calibration applied to the estimators' results; see mcal.h. */
#include "engine/mcal.h"

#include <stdio.h>

#include "engine/infer.h"
#include "engine/train.h"

/* The value of kind `k` after calibration: the exact setup's measured
 * figure, else the estimate times the factor; `v` when k has no runs. */
static double apply(const mp_calib_kind *k, double v)
{
    if (k->label == MP_CAL_MEASURED)
        return k->measured_tok_s;
    return k->label == MP_CAL_CALIBRATED ? v * k->factor : v;
}

void mp_mcal_infer(const mp_calib *c, mp_infer_result *r)
{
    if (!c || !c->used)
        return;
    r->calib = c;
    const mp_calib_kind *d = &c->kind[MP_RUN_KIND_DECODE];
    const mp_calib_kind *p = &c->kind[MP_RUN_KIND_PREFILL];
    if (d->label != MP_CAL_ESTIMATED && r->decode_total_tok_s > 0) {
        /* a run's generation speed is all sequences' (batch_generate, benchmark) */
        double total = apply(d, r->decode_total_tok_s);
        double f = total / r->decode_total_tok_s;
        r->decode_total_tok_s = total;
        r->decode_tok_s *= f;
        for (int i = 0; i < r->n_curve; i++)
            r->curve[i].decode_tok_s *= f;
        r->decode_label = d->label;
    }
    if (p->label != MP_CAL_ESTIMATED && r->prefill_tok_s > 0) {
        double v = apply(p, r->prefill_tok_s);
        r->ttft_s *= r->prefill_tok_s / v;
        r->prefill_tok_s = v;
        r->prefill_label = p->label;
    }
}

void mp_mcal_train(const mp_calib *c, mp_train_result *r)
{
    if (!c || !c->used)
        return;
    const mp_calib_kind *t = &c->kind[MP_RUN_KIND_TRAIN];
    if (t->label == MP_CAL_ESTIMATED || !(r->tok_s > 0))
        return;
    r->calib = c;
    double v = apply(t, r->tok_s), f = v / r->tok_s;
    r->tok_s = v;
    r->it_s *= f;
    r->step_s /= f;
    r->total_s /= f;
    r->chinchilla_s /= f;
    r->speed_label = t->label;
}

size_t mp_mcal_basis(const mp_calib_kind *k, char *buf, size_t cap)
{
    if (cap == 0)
        return 0;
    buf[0] = '\0';
    if (k->label == MP_CAL_ESTIMATED)
        return 0;
    char ids[96] = "";
    size_t n = 0;
    for (int i = 0; i < k->n_ids && n < sizeof ids; i++)
        n += (size_t)snprintf(ids + n, sizeof ids - n, "%s%lld", i ? ", " : "",
                              (long long)k->ids[i]);
    const char *more = k->n_runs > k->n_ids ? ", ..." : "";
    int w;
    if (k->label == MP_CAL_MEASURED)
        w = snprintf(buf, cap, "measured: the median of %d of your runs of this exact setup "
                     "(of runs %s%s)", k->n_exact, ids, more);
    else
        w = snprintf(buf, cap, "calibrated on %d of your runs on this machine (run%s %s%s): "
                     "x%.2f, the median of measured / estimated%s", k->n_runs,
                     k->n_runs == 1 ? "" : "s", ids, more, k->factor,
                     k->bounded ? " (bounded)" : "");
    return w < 0 ? 0 : (size_t)w < cap ? (size_t)w : cap - 1;
}
