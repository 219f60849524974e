/* fit.c - the fit use-case: the formats, models, machines or fine-tuning
 * settings that fit; see app.h. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "engine/settings.h"

#define MODELS_MAX 128
#define MACHINES_MAX 64

/* The search the settings given ask for (the command line names none). */
static int mode_of(const mp_pvals *pv, mp_task task, int *mode, mp_error *err)
{
    bool model = mp_pv_given(pv, MP_P_MODEL) || mp_pv_given(pv, MP_P_CONFIG_JSON);
    bool chip = mp_pv_given(pv, MP_P_CHIP);
    if (!model) {
        if (mp_pv_given(pv, MP_P_TASK))
            return mp_error_set(err, MP_EUSAGE, "%s needs %s", mp_pname(MP_P_TASK),
                                mp_pname(MP_P_MODEL));
        if (!chip)
            return mp_error_set(err, MP_EUSAGE, "fit needs %s, %s or both (try 'mlxplan fit "
                                "--help')", mp_pname(MP_P_MODEL), mp_pname(MP_P_CHIP));
        *mode = MP_FIT_MODE_MODELS;
    } else if (!chip) {
        if (task != MP_TASK_INFER)
            return mp_error_set(err, MP_EUSAGE, "a training search needs %s", mp_pname(MP_P_CHIP));
        *mode = MP_FIT_MODE_MACHINES;
    } else if (task == MP_TASK_INFER) {
        if (mp_pv_given(pv, MP_P_QUANT))
            return mp_error_set(err, MP_EUSAGE, "fit %s %s searches the formats itself; use "
                                "'mlxplan estimate %s' for one format", mp_pname(MP_P_MODEL),
                                mp_pname(MP_P_CHIP), mp_pname(MP_P_QUANT));
        *mode = MP_FIT_MODE_FORMATS;
    } else {
        *mode = MP_FIT_MODE_TRAINING;
    }
    return 0;
}

/* What the named search needs (the MCP tool names it). */
static int needs_of(const mp_pvals *pv, int mode, mp_error *err)
{
    const char *name = mp_param_mode_names[mode];
    if (mode != MP_FIT_MODE_MODELS && !mp_pv_given(pv, MP_P_MODEL) &&
        !mp_pv_given(pv, MP_P_CONFIG_JSON))
        return mp_error_set(err, MP_EUSAGE, "mode '%s' needs %s (or %s)", name,
                            mp_pname(MP_P_MODEL), mp_pname(MP_P_CONFIG_JSON));
    if (mode != MP_FIT_MODE_MACHINES && !mp_pv_given(pv, MP_P_CHIP))
        return mp_error_set(err, MP_EUSAGE, "mode '%s' needs %s", name, mp_pname(MP_P_CHIP));
    return 0;
}

static int search(const mp_fit_in *in, mp_task task, int limit, mp_fit_out *out, mp_error *err)
{
    const mp_pvals *pv = in->pv;
    mp_fit_view *v = &out->view;
    mp_settings s;
    mp_settings_from_pvals(pv, &s);
    const mp_arch *a = &out->model.arch;
    int n = 0, rc;
    if (v->mode == MP_FIT_MODE_MODELS) {
        mp_fit_model *models = out->found = calloc(MODELS_MAX, sizeof *models);
        if (!models)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        if ((rc = mp_fit_models(&out->mach, v->context, v->min_tok_s, models, MODELS_MAX, &n,
                                err)))
            return rc;
        v->models = models;
        v->n = n < limit ? n : limit;
        if (in->want_rows && v->n > 0) {
            /* the grid: every format of the models listed */
            const char *ids[MP_FIT_MAX];
            for (int i = 0; i < v->n; i++)
                ids[i] = models[i].model_id;
            if (!(out->grid = calloc((size_t)v->n, sizeof *out->grid)))
                return mp_error_set(err, MP_ENOMEM, "out of memory");
            if ((rc = mp_fit_grid(&out->mach, v->context, ids, v->n, out->grid, err)))
                return rc;
            out->rows = out->grid;
            out->n_rows = v->n;
        }
    } else if (v->mode == MP_FIT_MODE_FORMATS) {
        mp_fit_infer *opts = out->found = calloc(MP_FIT_MAX, sizeof *opts);
        if (!opts)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        mp_fit_infer_req r = {a, &out->mach, v->context, v->min_tok_s, 1,
                              mp_pv_given(pv, MP_P_KV_QUANT), false};
        if ((rc = mp_fit_inference(&r, opts, MP_FIT_MAX, &n, err)))
            return rc;
        if (a->has_config_quant)
            n = mp_fit_keep_stored(a, opts, n);
        v->formats = opts;
        v->n = n < limit ? n : limit;
        if (in->want_rows) {
            if ((rc = mp_fit_row_compute(a, out->model.label, &out->mach, v->context, &out->row,
                                         err)))
                return rc;
            out->rows = &out->row;
            out->n_rows = 1;
        }
    } else if (v->mode == MP_FIT_MODE_MACHINES) {
        mp_fit_machine *ms = out->found = calloc(MACHINES_MAX, sizeof *ms);
        if (!ms)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, a->dtype};
        out->quant = a->has_config_quant ? a->config_quant : q4;
        if ((s.given & MP_SET_QUANT) && (rc = mp_settings_quant(&s, a, &out->quant, err)))
            return rc;
        if ((rc = mp_fit_machines(a, &out->quant, v->context, v->min_tok_s,
                                  mp_pv_given(pv, MP_P_APPLE_ONLY), ms, MACHINES_MAX, &n, err)))
            return rc;
        v->quant = &out->quant;
        v->machines = ms;
        v->n = n < limit ? n : limit;
    } else {
        if ((rc = mp_settings_train_req(&s, task, false, a, &out->mach, &out->want, err)) ||
            (rc = mp_app_data(pv, &out->want, &out->data, err)))
            return rc;
        if (out->want.num_layers > a->n_layers || out->want.num_layers == -1)
            out->want.num_layers = (int)a->n_layers;
        mp_fit_train *tr = out->found = calloc(MP_FIT_MAX, sizeof *tr);
        if (!tr)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        if ((rc = mp_fit_training(&out->want, tr, limit, &n, err)))
            return rc;
        v->training = tr;
        v->train_want = &out->want;
        v->n = n < limit ? n : limit;
    }
    return 0;
}

int mp_fit_run(const mp_fit_in *in, mp_fit_out *out, mp_error *err)
{
    const mp_pvals *pv = in->pv;
    memset(out, 0, sizeof *out);
    mp_fit_view *v = &out->view;
    int mode = in->mode, rc;
    /* the named training search fine-tunes with LoRA unless told */
    mp_task task = mode == MP_FIT_MODE_TRAINING ? MP_TASK_LORA : MP_TASK_INFER;
    if (mp_pv_given(pv, MP_P_TASK) && (rc = mp_task_parse(pv->v[MP_P_TASK].s, &task, err)))
        return rc;
    if (mode < 0)
        rc = mode_of(pv, task, &mode, err);
    else
        rc = needs_of(pv, mode, err);
    if (rc || (rc = mp_param_check_mode(pv, MP_PC_FIT, mode, err)))
        return rc;
    if (mode == MP_FIT_MODE_TRAINING && task == MP_TASK_PRETRAIN && in->mode < 0)
        return mp_error_set(err, MP_EUSAGE, "fit searches fine-tuning settings; for training from "
                            "scratch use 'mlxplan estimate %s pretrain'", mp_pname(MP_P_TASK));
    if (mode == MP_FIT_MODE_TRAINING && (task == MP_TASK_INFER || task == MP_TASK_PRETRAIN))
        return mp_error_set(err, MP_EUSAGE, "mode 'training' searches fine-tuning settings: %s "
                            "takes lora, dora, qlora or full, not '%s'",
                            mp_pname(MP_P_TASK), mp_task_name(task));
    v->mode = (mp_fit_mode)mode;
    v->context = mp_pv_given(pv, MP_P_CONTEXT) ? pv->v[MP_P_CONTEXT].i
                                               : mp_param_dflt_i64(MP_P_CONTEXT);
    v->min_tok_s = pv->v[MP_P_MIN_TOK_S].d;
    int limit = mp_pv_given(pv, MP_P_LIMIT) ? (int)pv->v[MP_P_LIMIT].i
                                            : (int)mp_param_dflt_i64(MP_P_LIMIT);
    if (mode != MP_FIT_MODE_MODELS) {
        if ((rc = mp_app_model_load(pv, in->allow_paths, &out->model, err)))
            return rc;
        v->model_label = out->model.label;
        v->arch = &out->model.arch;
        v->origin = &out->model.origin;
    }
    if (mode != MP_FIT_MODE_MACHINES) {
        if ((rc = mp_app_machine(pv, &out->mach, NULL, err)))
            return rc;
        v->mach = &out->mach;
        /* the user's runs of this machine scale every option's speed */
        if (mp_app_calib_wanted(pv) && mp_app_machine_calib(&out->mach, &out->calib, NULL, 0)) {
            out->mach.calib = &out->calib;
            v->calib = &out->calib;
        }
    }
    return search(in, task, limit, out, err);
}

void mp_fit_out_release(mp_fit_out *out)
{
    free(out->found);
    free(out->grid);
    out->found = NULL;
    out->grid = NULL;
    mp_app_model_release(&out->model);
    mp_tdata_release(&out->data);
}
