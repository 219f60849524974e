/* calib.c - per-machine factors from the user's runs; see calib.h. */
#include "runs/calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const label_names[] = {"estimated", "calibrated", "measured"};

const char *mp_calib_label_name(mp_calib_label l)
{
    return (unsigned)l < 3 ? label_names[l] : "estimated";
}

static void figs(const mp_run_row *r, int k, double *m, double *e)
{
    switch (k) {
    case MP_RUN_KIND_DECODE: *m = r->gen_tok_s; *e = r->exp_gen_tok_s; break;
    case MP_RUN_KIND_PREFILL: *m = r->prompt_tok_s; *e = r->exp_prompt_tok_s; break;
    default: *m = r->train_tok_s; *e = r->exp_train_tok_s; break;
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static bool exact(const mp_run_row *r, const mp_calib_setup *s)
{
    if (!s || strcasecmp(r->model, s->model) != 0 || strcmp(r->quant, s->quant) != 0 ||
        strcmp(r->task, s->task) != 0 || r->batch != s->batch)
        return false;
    double a = (double)r->context_tokens, b = (double)s->context_tokens;
    return b > 0 && fabs(a - b) <= 0.1 * b;
}

void mp_calib_fit(const mp_run_row *rows, int n, const mp_calib_setup *setup, mp_calib *c)
{
    memset(c, 0, sizeof *c);
    double *ratios = n > 0 ? malloc((size_t)n * sizeof *ratios) : NULL;
    double *exacts = n > 0 ? malloc((size_t)n * sizeof *exacts) : NULL;
    for (int k = 0; k < MP_RUN_KIND_N; k++) {
        mp_calib_kind *ck = &c->kind[k];
        ck->factor = 1;
        if (!ratios || !exacts)
            continue;
        int nr = 0, ne = 0;
        for (int i = 0; i < n; i++) {
            double m, e;
            figs(&rows[i], k, &m, &e);
            if (!(m > 0) || !(e > 0))
                continue;
            ratios[nr++] = m / e;
            if (ck->n_ids < MP_CALIB_MAX_IDS)
                ck->ids[ck->n_ids++] = rows[i].id;
            if (exact(&rows[i], setup))
                exacts[ne++] = m;
        }
        if (nr == 0)
            continue;
        c->used = true;
        ck->n_runs = nr;
        ck->raw_median = median(ratios, nr);
        ck->factor = fmin(MP_CALIB_FACTOR_MAX, fmax(MP_CALIB_FACTOR_MIN, ck->raw_median));
        ck->bounded = ck->factor != ck->raw_median;
        ck->label = MP_CAL_CALIBRATED;
        if (ne > 0) {
            ck->label = MP_CAL_MEASURED;
            ck->n_exact = ne;
            ck->measured_tok_s = median(exacts, ne);
        }
    }
    free(ratios);
    free(exacts);
}
