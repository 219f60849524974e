/* tool_estimate.c - the MCP `estimate` tool: memory and speed of one model
 * on one machine, for inference, fine-tuning or training from scratch.
 * The same engines, settings rules (engine/settings.h), commands and
 * renderers as `mlxplan estimate`, so both answer alike. */
#include <stdio.h>
#include <string.h>

#include "engine/fit.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "plan/commands.h"
#include "render/estimate.h"

/* A new llama-style decoder of 'params' parameters (pretrain). */
static int sized_model(const mp_pvals *pv, mp_mcp_model *m, mp_error *err)
{
    memset(m, 0, sizeof *m);
    if (mp_pv_given(pv, MP_P_MODEL) || mp_pv_given(pv, MP_P_CONFIG_JSON))
        return mp_error_set(err, MP_EINVAL, "%s sizes a new model: give it without "
                            "%s and %s", mp_pname(MP_P_PARAMS), mp_pname(MP_P_MODEL),
                            mp_pname(MP_P_CONFIG_JSON));
    double params = pv->v[MP_P_PARAMS].d;
    mp_dtype dt = MP_DT_F32;
    int rc = mp_pv_given(pv, MP_P_DTYPE) ? mp_settings_dtype(pv->v[MP_P_DTYPE].s, &dt, err) : 0;
    int64_t vocab = mp_pv_given(pv, MP_P_VOCAB) ? pv->v[MP_P_VOCAB].i
                                                : mp_param_dflt_i64(MP_P_VOCAB);
    if (rc == 0)
        rc = mp_arch_for_size(params, vocab, dt, &m->arch, err);
    if (rc)
        return rc;
    m->loaded = true;
    m->origin.kind = MP_ORIGIN_REGISTRY;
    snprintf(m->origin.where, sizeof m->origin.where,
             "a llama-style decoder sized by mlxplan for %s %.4g", mp_pname(MP_P_PARAMS),
             params);
    snprintf(m->label, sizeof m->label, "%s", m->arch.id);
    return 0;
}

int mp_mcp_tool_estimate(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_ESTIMATE, &pv, err);
    if (rc)
        return rc;
    mp_task task = MP_TASK_INFER;
    if (mp_pv_given(&pv, MP_P_TASK) && mp_task_parse(pv.v[MP_P_TASK].s, &task, err))
        return MP_EINVAL;
    if ((rc = mp_param_check_task(&pv, MP_PC_ESTIMATE, (int)task, err)) != 0)
        return rc;
    if (mp_pv_given(&pv, MP_P_VOCAB) && !mp_pv_given(&pv, MP_P_PARAMS))
        return mp_error_set(err, MP_EINVAL, "%s goes with %s (a new model); a "
                            "named model has its own vocabulary", mp_pname(MP_P_VOCAB),
                            mp_pname(MP_P_PARAMS));

    mp_mcp_model m;
    mp_machine mach;
    bool by_memory = false;
    rc = mp_pv_given(&pv, MP_P_PARAMS) ? sized_model(&pv, &m, err)
                                       : mp_mcp_model_load(args, &m, err);
    if (rc == 0)
        rc = mp_mcp_machine(args, &mach, &by_memory, err);
    if (rc) {
        mp_mcp_model_release(&m);
        return rc;
    }
    mp_settings s;
    mp_settings_from_pvals(&pv, &s);
    mp_estimate_view v;
    memset(&v, 0, sizeof v);
    v.model_label = m.label;
    v.origin = &m.origin;
    v.arch = &m.arch;
    v.mach = &mach;
    v.chip_by_memory = by_memory;
    mp_buf cmds[MP_CMD_STEPS_MAX] = {MP_BUF_INIT, MP_BUF_INIT, MP_BUF_INIT};
    mp_infer_req ireq;
    mp_infer_result inf;
    mp_train_req treq;
    mp_train_result tr;
    mp_remedy remedies[MP_MAX_REMEDIES];
    if (task == MP_TASK_INFER) {
        if ((rc = mp_settings_infer_req(&s, &m.arch, &mach, &ireq, err)) == 0 &&
            (rc = mp_infer(&ireq, &inf, err)) == 0) {
            v.inf = &inf;
            v.n_remedies = mp_fit_remedies(&ireq, &inf, remedies, MP_MAX_REMEDIES);
            v.remedies = remedies;
            v.n_commands = mp_cmd_estimate_steps(cmds, mp_mcp_model_hf(&m), &ireq, NULL);
        }
    } else if ((rc = mp_settings_train_req(&s, task, !mp_pv_given(&pv, MP_P_PARAMS), &m.arch, &mach,
                                           &treq, err)) == 0 &&
               (rc = mp_train(&treq, &tr, err)) == 0) {
        v.treq = &treq;
        v.tr = &tr;
        v.n_commands = mp_cmd_estimate_steps(cmds, mp_mcp_model_hf(&m), NULL, &treq);
    }
    for (int i = 0; rc == 0 && i < v.n_commands; i++) {
        if (mp_buf_status(&cmds[i]))
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
        v.commands[i] = mp_buf_cstr(&cmds[i]);
    }
    if (rc == 0) {
        mp_render_estimate_md(&v, &res->text);
        rc = mp_mcp_set_result(res, mp_render_estimate_json(&v), err);
    }
    for (int i = 0; i < MP_CMD_STEPS_MAX; i++)
        mp_buf_release(&cmds[i]);
    mp_mcp_model_release(&m);
    return rc;
}
