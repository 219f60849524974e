/* calib.c - local calibration of an estimate: the user's runs of the same
 * machine scale its speeds (runs/calib.h fits the factors); see app.h. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "runs/store.h"
#include "util/text.h"

/* The runs of this machine; none when the database is absent or cannot be
 * read (an estimate never fails for the user's runs). */
static int machine_runs(mp_estimate_out *out, mp_run_row **rows)
{
    char path[4096];
    bool own;
    mp_runs_db *db = NULL;
    int n = 0;
    *rows = NULL;
    if (mp_runs_db_path(path, sizeof path, &own, NULL) != 0 ||
        mp_runs_open(path, false, &db, NULL) != 0 || !db)
        return 0;
    if (mp_runs_select(db, out->mach.chip.short_name, out->mach.memory_gb, rows, &n, NULL) != 0)
        n = 0;
    mp_runs_close(db);
    mp_strlcpy(out->calib_db, path, sizeof out->calib_db);
    return n;
}

/* The value of kind `k` after calibration: the exact setup's measured
 * figure, else the estimate times the factor. */
static double apply(const mp_calib_kind *k, double v)
{
    if (k->label == MP_CAL_MEASURED)
        return k->measured_tok_s;
    return k->label == MP_CAL_CALIBRATED ? v * k->factor : v;
}

void mp_app_calibrate(mp_estimate_out *out)
{
    memset(&out->calib, 0, sizeof out->calib);
    mp_run_row *rows = NULL;
    int n = machine_runs(out, &rows);
    char ql[64];
    mp_calib_setup s = {out->model.label, ql, mp_task_name(out->task), 0, 1};
    if (out->task == MP_TASK_INFER) {
        mp_quant_label(&out->inf.quant, ql, sizeof ql);
        s.context_tokens = out->inf.context_tokens;
        s.batch = out->inf.batch;
    } else {
        mp_quant_label(&out->treq.base_quant, ql, sizeof ql);
        s.context_tokens = out->treq.seq_len;
        s.batch = out->treq.batch;
    }
    mp_calib_fit(rows, n, &s, &out->calib);
    free(rows);
    if (!out->calib.used)
        return;
    if (out->task == MP_TASK_INFER) {
        mp_infer_result *r = &out->inf;
        const mp_calib_kind *d = &out->calib.kind[MP_RUN_KIND_DECODE];
        const mp_calib_kind *p = &out->calib.kind[MP_RUN_KIND_PREFILL];
        if (d->label != MP_CAL_ESTIMATED) {
            /* a run's generation speed is all sequences' (batch_generate, benchmark) */
            double total = apply(d, r->decode_total_tok_s);
            double f = r->decode_total_tok_s > 0 ? total / r->decode_total_tok_s : 1;
            r->decode_total_tok_s = total;
            r->decode_tok_s *= f;
            for (int i = 0; i < r->n_curve; i++)
                r->curve[i].decode_tok_s *= f;
        }
        if (p->label != MP_CAL_ESTIMATED && r->prefill_tok_s > 0) {
            double v = apply(p, r->prefill_tok_s);
            r->ttft_s *= r->prefill_tok_s / v;
            r->prefill_tok_s = v;
        }
    } else {
        mp_train_result *r = &out->tr;
        const mp_calib_kind *t = &out->calib.kind[MP_RUN_KIND_TRAIN];
        if (t->label != MP_CAL_ESTIMATED && r->tok_s > 0) {
            double v = apply(t, r->tok_s), f = v / r->tok_s;
            r->tok_s = v;
            r->it_s *= f;
            r->step_s /= f;
            r->total_s /= f;
            r->chinchilla_s /= f;
        }
    }
}
