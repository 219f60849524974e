/* estimate.c - the estimate use-case: one model on one machine, for
 * inference, fine-tuning or training from scratch; see app.h. */
#include <string.h>

#include "app/app.h"
#include "engine/settings.h"

int mp_estimate_run(const mp_estimate_in *in, mp_estimate_out *out, mp_error *err)
{
    const mp_pvals *pv = in->pv;
    memset(out, 0, sizeof *out);
    for (int i = 0; i < MP_CMD_STEPS_MAX; i++)
        mp_buf_init(&out->cmds[i]);
    out->task = MP_TASK_INFER;
    int rc;
    if (mp_pv_given(pv, MP_P_TASK) && (rc = mp_task_parse(pv->v[MP_P_TASK].s, &out->task, err)))
        return rc;
    /* a setting of another task would be ignored silently: refused */
    if ((rc = mp_param_check_task(pv, MP_PC_ESTIMATE, (int)out->task, err)) != 0)
        return rc;
    if (mp_pv_given(pv, MP_P_VOCAB) && !mp_pv_given(pv, MP_P_PARAMS))
        return mp_error_set(err, MP_EUSAGE, "%s goes with %s (a new model); a named model has "
                            "its own vocabulary", mp_pname(MP_P_VOCAB), mp_pname(MP_P_PARAMS));
    bool by_memory = false;
    if ((rc = mp_app_model_load(pv, in->allow_paths, &out->model, err)) != 0 ||
        (rc = mp_app_machine(pv, &out->mach, &by_memory, err)) != 0)
        return rc;
    mp_estimate_view *v = &out->view;
    v->model_label = out->model.label;
    v->origin = &out->model.origin;
    v->arch = &out->model.arch;
    v->mach = &out->mach;
    v->chip_by_memory = by_memory;
    const char *hf = mp_app_model_hf(&out->model);
    mp_settings s;
    mp_settings_from_pvals(pv, &s);
    if (out->task == MP_TASK_INFER) {
        if ((rc = mp_settings_infer_req(&s, &out->model.arch, &out->mach, &out->ireq, err)) ||
            (rc = mp_infer(&out->ireq, &out->inf, err)))
            return rc;
        v->inf = &out->inf;
        if (in->want_sweep) {
            if ((rc = mp_infer_sweep(&out->ireq, &out->sweep_data, err)) != 0)
                return rc;
            out->sweep = &out->sweep_data;
        }
        v->n_remedies = mp_fit_remedies(&out->ireq, &out->inf, out->remedies, MP_MAX_REMEDIES);
        v->remedies = out->remedies;
        v->n_commands = mp_cmd_estimate_steps(out->cmds, hf, &out->ireq, NULL);
    } else {
        if ((rc = mp_settings_train_req(&s, out->task, !mp_pv_given(pv, MP_P_PARAMS),
                                        &out->model.arch, &out->mach, &out->treq, err)) ||
            (rc = mp_app_data(pv, &out->treq, &out->data, err)))
            return rc;
        v->treq = &out->treq;
        v->tr = &out->tr;
        if (!out->treq.data) {
            if ((rc = mp_train(&out->treq, &out->tr, err)) != 0)
                return rc;
        } else {
            if ((rc = mp_train_on_data(&out->treq, &out->data, &out->td, err)) != 0)
                return rc;
            mp_train_data_result(&out->td, &out->tr);
            v->treq = &out->td.worst_req; /* the memory shown is the longest batch's */
            v->td = &out->td;
        }
        v->n_commands = mp_cmd_estimate_steps(out->cmds, hf, NULL, &out->treq);
    }
    if (!in->plain && !mp_pv_given(pv, MP_P_NO_CALIBRATION)) {
        mp_app_calibrate(out);
        v->calib = &out->calib;
    }
    for (int i = 0; i < v->n_commands; i++) {
        if (mp_buf_status(&out->cmds[i]))
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        v->commands[i] = mp_buf_cstr(&out->cmds[i]);
    }
    return 0;
}

void mp_estimate_out_release(mp_estimate_out *out)
{
    for (int i = 0; i < MP_CMD_STEPS_MAX; i++)
        mp_buf_release(&out->cmds[i]);
    mp_app_model_release(&out->model);
    mp_tdata_release(&out->data);
    mp_train_data_release(&out->td);
}
