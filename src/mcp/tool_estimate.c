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

#define T_INFER (1u << MP_TASK_INFER)
#define T_LORA (1u << MP_TASK_LORA | 1u << MP_TASK_DORA | 1u << MP_TASK_QLORA)
#define T_FULL (1u << MP_TASK_FULL)
#define T_PRETRAIN (1u << MP_TASK_PRETRAIN)
#define T_TRAIN (T_LORA | T_FULL | T_PRETRAIN)

/* Arguments that belong to some tasks only; a value given for another
 * task would be ignored silently, so it is refused. */
static const mp_mcp_scope scope[] = {
    {"context_tokens", T_INFER}, {"prompt_tokens", T_INFER}, {"kv_bits", T_INFER},
    {"kv_group_size", T_INFER}, {"max_kv_size", T_INFER},
    {"seq_len_tokens", T_TRAIN}, {"optimizer", T_TRAIN}, {"grad_checkpoint", T_TRAIN},
    {"grad_accumulation_steps", T_TRAIN}, {"iters", T_TRAIN}, {"dataset_tokens", T_TRAIN},
    {"num_layers", T_LORA | T_FULL}, {"rank", T_LORA},
    {"dtype", T_PRETRAIN}, {"params", T_PRETRAIN}, {"vocab_size", T_PRETRAIN},
};

static const char *const task_names[] = {"inference", "lora", "dora", "qlora", "full",
                                         "pretrain"};

/* A new llama-style decoder of 'params' parameters (pretrain). */
static int sized_model(const cJSON *args, mp_mcp_model *m, mp_error *err)
{
    memset(m, 0, sizeof *m);
    if (mp_mcp_has(args, "model") || mp_mcp_has(args, "config_json"))
        return mp_error_set(err, MP_EINVAL, "'params' sizes a new model: give it without "
                            "'model' and 'config_json'");
    double params = mp_mcp_num(args, "params", 0);
    mp_dtype dt = MP_DT_F32;
    const char *d = mp_mcp_str(args, "dtype");
    int rc = d ? mp_settings_dtype(d, &dt, err) : 0;
    if (rc == 0)
        rc = mp_arch_for_size(params, mp_mcp_int(args, "vocab_size", 32000), dt, &m->arch, err);
    if (rc)
        return mp_mcp_fail(rc, err);
    m->loaded = true;
    m->origin.kind = MP_ORIGIN_REGISTRY;
    snprintf(m->origin.where, sizeof m->origin.where,
             "a llama-style decoder sized by mlxplan for 'params' %.4g", params);
    snprintf(m->label, sizeof m->label, "%s", m->arch.id);
    return 0;
}

int mp_mcp_tool_estimate(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_task task = MP_TASK_INFER;
    const char *task_s = mp_mcp_str(args, "task");
    if (task_s && mp_task_parse(task_s, &task, err))
        return MP_EINVAL;
    int rc = mp_mcp_scope_check(args, scope, sizeof scope / sizeof scope[0], (int)task, "task",
                                task_names, err);
    if (rc)
        return rc;
    if (mp_mcp_has(args, "vocab_size") && !mp_mcp_has(args, "params"))
        return mp_error_set(err, MP_EINVAL, "'vocab_size' goes with 'params' (a new model); a "
                            "named model has its own vocabulary");

    mp_mcp_model m;
    mp_machine mach;
    bool by_memory = false;
    rc = mp_mcp_has(args, "params") ? sized_model(args, &m, err)
                                    : mp_mcp_model_load(args, &m, err);
    if (rc == 0)
        rc = mp_mcp_machine(args, &mach, &by_memory, err);
    if (rc) {
        mp_mcp_model_release(&m);
        return rc;
    }
    mp_settings s;
    mp_mcp_settings(args, &s);
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
    } else if ((rc = mp_settings_train_req(&s, task, !mp_mcp_has(args, "params"), &m.arch, &mach,
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
    } else {
        mp_mcp_words(err);
    }
    for (int i = 0; i < MP_CMD_STEPS_MAX; i++)
        mp_buf_release(&cmds[i]);
    mp_mcp_model_release(&m);
    return rc;
}
