/* diagnose.c - the verdict rule and the ranking of causes; see diagnose.h. */
#include "runs/diagnose.h"

#include <stdlib.h>
#include <string.h>

static const char *const verdict_names[] = {
    [MP_DIAG_NONE] = "not judged",         [MP_DIAG_AS_EXPECTED] = "as expected",
    [MP_DIAG_SLOWER] = "slower",           [MP_DIAG_MUCH_SLOWER] = "much slower",
    [MP_DIAG_FASTER] = "faster",
};

const char *mp_diag_verdict_name(mp_diag_verdict v)
{
    return (unsigned)v < sizeof verdict_names / sizeof verdict_names[0] ? verdict_names[v]
                                                                        : "not judged";
}

void mp_diag_judge(mp_diagnosis *d, mp_run_kind kind, double measured, double expected,
                   double band_pct)
{
    d->kind = kind;
    d->measured_tok_s = measured;
    d->expected_tok_s = expected;
    d->band_pct = band_pct;
    if (!(measured > 0) || !(expected > 0)) {
        d->verdict = MP_DIAG_NONE;
        d->ratio = 0;
        return;
    }
    double f = 1 + (band_pct > 0 ? band_pct / 100 : 0);
    d->ratio = measured / expected;
    d->low_tok_s = expected / f;
    d->high_tok_s = expected * f;
    if (measured > d->high_tok_s)
        d->verdict = MP_DIAG_FASTER;
    else if (measured >= d->low_tok_s)
        d->verdict = MP_DIAG_AS_EXPECTED;
    else if (measured >= d->low_tok_s / 2)
        d->verdict = MP_DIAG_SLOWER;
    else
        d->verdict = MP_DIAG_MUCH_SLOWER;
}

static int cmp_cause(const void *a, const void *b)
{
    const mp_diag_cause *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->gain_x != y->gain_x)
        return x->gain_x < y->gain_x ? 1 : -1;
    return strcmp(x->id, y->id);
}

void mp_diag_rank(mp_diagnosis *d)
{
    int k = 0;
    for (int i = 0; i < d->n_causes; i++)
        if (d->causes[i].score > 0)
            d->causes[k++] = d->causes[i];
    d->n_causes = k;
    qsort(d->causes, (size_t)k, sizeof d->causes[0], cmp_cause);
    /* a cause with strong evidence that accounts for most of the gap leaves
     * the generic ones (no evidence of their own) out */
    const mp_diag_cause *top = k ? &d->causes[0] : NULL;
    if (top && top->score >= 0.9 && d->ratio > 0 && top->gain_x >= 0.8 / d->ratio) {
        int j = 0;
        for (int i = 0; i < d->n_causes; i++)
            if (d->causes[i].score >= 0.3)
                d->causes[j++] = d->causes[i];
        d->n_causes = j;
    }
}
