/* tool_fit.c - the MCP `fit` tool: the searches of engine/fit.h, one per
 * mode (formats of a model on a chip, registry models for a chip, machines
 * for a model, fine-tuning settings), rendered as `mlxplan fit` renders
 * them.  The CLI picks the search from the flags given; here the caller
 * names it, and arguments of another mode are refused. */
#include <stdlib.h>
#include <string.h>

#include "engine/fit.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/fit.h"

enum { M_FORMATS, M_MODELS, M_MACHINES, M_TRAINING };

#define MACHINES_MAX 64

/* The machines search's format and results. */
typedef struct machines_buf {
    mp_quant quant;
    mp_fit_machine found[MACHINES_MAX];
} machines_buf;

/* The search's result lives in `buf` (calloc'd, freed by the caller). */
static int search(int mode, const mp_pvals *pv, const mp_mcp_model *m, const mp_machine *mach,
                  mp_fit_view *v, mp_train_req *want, void **buf, mp_error *err)
{
    int limit = mp_pv_given(pv, MP_P_LIMIT) ? (int)pv->v[MP_P_LIMIT].i
                                            : (int)mp_param_dflt_i64(MP_P_LIMIT);
    int n = 0, rc;
    mp_settings s;
    mp_settings_from_pvals(pv, &s);
    if (mode == M_MODELS) {
        mp_fit_model *models = *buf = calloc(128, sizeof *models);
        if (!models)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        rc = mp_fit_models(mach, v->context, v->min_tok_s, models, 128, &n, err);
        v->models = models;
    } else if (mode == M_FORMATS) {
        mp_fit_infer *opts = *buf = calloc(MP_FIT_MAX, sizeof *opts);
        if (!opts)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        mp_fit_infer_req r = {&m->arch, mach, v->context, v->min_tok_s, 1,
                              mp_pv_given(pv, MP_P_KV_QUANT), false};
        rc = mp_fit_inference(&r, opts, MP_FIT_MAX, &n, err);
        if (rc == 0 && m->arch.has_config_quant)
            n = mp_fit_keep_stored(&m->arch, opts, n);
        v->formats = opts;
    } else if (mode == M_MACHINES) {
        machines_buf *mb = *buf = calloc(1, sizeof *mb);
        if (!mb)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, m->arch.dtype};
        mb->quant = m->arch.has_config_quant ? m->arch.config_quant : q4;
        if ((s.given & MP_SET_QUANT) && (rc = mp_settings_quant(&s, &m->arch, &mb->quant, err)))
            return rc;
        rc = mp_fit_machines(&m->arch, &mb->quant, v->context, v->min_tok_s,
                             mp_pv_given(pv, MP_P_APPLE_ONLY), mb->found, MACHINES_MAX, &n, err);
        v->quant = &mb->quant;
        v->machines = mb->found;
    } else {
        mp_task task = MP_TASK_LORA;
        if (mp_pv_given(pv, MP_P_TASK) &&
            (rc = mp_task_parse(pv->v[MP_P_TASK].s, &task, err)) != 0)
            return rc;
        if (task == MP_TASK_INFER || task == MP_TASK_PRETRAIN)
            return mp_error_set(err, MP_EINVAL, "mode 'training' searches fine-tuning "
                                "settings: %s takes lora, dora, qlora or full, not '%s'",
                                mp_pname(MP_P_TASK), pv->v[MP_P_TASK].s);
        if ((rc = mp_settings_train_req(&s, task, false, &m->arch, mach, want, err)) != 0)
            return rc;
        if (want->num_layers > m->arch.n_layers || want->num_layers == -1)
            want->num_layers = (int)m->arch.n_layers;
        mp_fit_train *tr = *buf = calloc(MP_FIT_MAX, sizeof *tr);
        if (!tr)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        rc = mp_fit_training(want, tr, limit, &n, err);
        v->training = tr;
        v->train_want = want;
    }
    v->mode = mode == M_FORMATS ? MP_FIT_MODE_FORMATS
              : mode == M_MODELS ? MP_FIT_MODE_MODELS
              : mode == M_MACHINES ? MP_FIT_MODE_MACHINES
                                   : MP_FIT_MODE_TRAINING;
    v->n = n < limit ? n : limit;
    return rc;
}

int mp_mcp_tool_fit(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    const char *mode_s = mp_mcp_str(args, "mode");
    int mode = 0;
    while (strcmp(mp_param_mode_names[mode], mode_s) != 0 && mode < M_TRAINING)
        mode++;
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_FIT, &pv, err);
    if (rc == 0)
        rc = mp_param_check_mode(&pv, MP_PC_FIT, mode, err);
    if (rc)
        return rc;
    bool model_given = mp_pv_given(&pv, MP_P_MODEL) || mp_pv_given(&pv, MP_P_CONFIG_JSON);
    if (mode != M_MODELS && !model_given)
        return mp_error_set(err, MP_EINVAL, "mode '%s' needs 'model' (or 'config_json')",
                            mode_s);
    if (mode != M_MACHINES && !mp_pv_given(&pv, MP_P_CHIP))
        return mp_error_set(err, MP_EINVAL, "mode '%s' needs 'chip'", mode_s);

    mp_mcp_model m;
    memset(&m, 0, sizeof m);
    mp_machine mach;
    rc = mode != M_MODELS ? mp_mcp_model_load(args, &m, err) : 0;
    if (rc == 0 && mode != M_MACHINES)
        rc = mp_mcp_machine(args, &mach, NULL, err);
    mp_fit_view v;
    memset(&v, 0, sizeof v);
    v.context = mp_pv_given(&pv, MP_P_CONTEXT) ? pv.v[MP_P_CONTEXT].i
                                               : mp_param_dflt_i64(MP_P_CONTEXT);
    v.min_tok_s = pv.v[MP_P_MIN_TOK_S].d;
    if (m.loaded) {
        v.model_label = m.label;
        v.arch = &m.arch;
        v.origin = &m.origin;
    }
    if (mode != M_MACHINES)
        v.mach = &mach;
    mp_train_req want;
    void *buf = NULL;
    if (rc == 0)
        rc = search(mode, &pv, &m, &mach, &v, &want, &buf, err);
    if (rc == 0) {
        mp_render_fit_md(&v, &res->text);
        rc = mp_mcp_set_result(res, mp_render_fit_json(&v), err);
    }
    free(buf);
    mp_mcp_model_release(&m);
    return rc;
}
