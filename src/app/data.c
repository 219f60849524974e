/* data.c - the --data setting of the training use-cases (estimate, fit):
 * read the examples and hand them to the training request; see app.h. */
#include "app/app.h"

#include <string.h>

int mp_app_data_file(const char *path, mp_train_req *req, mp_tdata *d, mp_error *err)
{
    memset(d, 0, sizeof *d);
    int rc = mp_tdata_read(path, d, err);
    if (rc || !req)
        return rc;
    /* fewer examples than a batch: refused here, before any search */
    mp_tdata_batches b;
    if ((rc = mp_tdata_batches_of(d, req->batch, req->seq_len, &b, err)) != 0)
        return rc;
    mp_tdata_batches_release(&b);
    /* mlx_lm.lora batches valid.jsonl alike at its first evaluation */
    if (d->n_valid > 0 && (rc = mp_tdata_batches_of_valid(d, req->batch, req->seq_len, &b, err)))
        return rc;
    mp_tdata_batches_release(&b);
    req->data = d;
    return 0;
}

int mp_app_data(const mp_pvals *pv, mp_train_req *req, mp_tdata *d, mp_error *err)
{
    memset(d, 0, sizeof *d);
    if (!mp_pv_given(pv, MP_P_DATA))
        return 0;
    if (mp_pv_given(pv, MP_P_DATASET_TOKENS))
        return mp_error_set(err, MP_EUSAGE, "%s and %s both size the data: give one",
                            mp_pname(MP_P_DATA), mp_pname(MP_P_DATASET_TOKENS));
    return mp_app_data_file(pv->v[MP_P_DATA].s, req, d, err);
}
