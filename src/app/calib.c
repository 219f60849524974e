/* calib.c - local calibration from the user's runs database: the runs of
 * one machine fitted into an mp_calib (runs/calib.h), which the estimators
 * apply (engine/mcal.h); see app.h. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "engine/mcal.h"
#include "runs/store.h"
#include "util/text.h"

/* The runs of machine `m`; none when the database is absent or cannot be
 * read (a figure never fails for the user's runs).  Its path into db. */
static int machine_runs(const mp_machine *m, mp_run_row **rows, char *db, size_t cap)
{
    char path[4096];
    bool own;
    mp_runs_db *h = NULL;
    int n = 0;
    *rows = NULL;
    if (mp_runs_db_path(path, sizeof path, &own, NULL) != 0 ||
        mp_runs_open(path, false, &h, NULL) != 0 || !h)
        return 0;
    if (mp_runs_select(h, m->chip.short_name, m->memory_gb, rows, &n, NULL) != 0)
        n = 0;
    mp_runs_close(h);
    if (db)
        mp_strlcpy(db, path, cap);
    return n;
}

bool mp_app_machine_calib(const mp_machine *m, mp_calib *c, char *db, size_t cap)
{
    mp_run_row *rows = NULL;
    int n = machine_runs(m, &rows, db, cap);
    mp_calib_fit(rows, n, NULL, c);
    free(rows);
    return c->used;
}

bool mp_app_calib_wanted(const mp_pvals *pv)
{
    return !mp_pv_given(pv, MP_P_NO_CALIBRATION);
}

void mp_app_calibrate(mp_estimate_out *out)
{
    memset(&out->calib, 0, sizeof out->calib);
    mp_run_row *rows = NULL;
    int n = machine_runs(&out->mach, &rows, out->calib_db, sizeof out->calib_db);
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
    /* the exact setup of a run is known here only: the estimate is scaled
     * after it was made (out->mach carries no calibration) */
    mp_calib_fit(rows, n, &s, &out->calib);
    free(rows);
    if (out->task == MP_TASK_INFER)
        mp_mcal_infer(&out->calib, &out->inf);
    else
        mp_mcal_train(&out->calib, &out->tr);
}
