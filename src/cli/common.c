/* common.c - shared option handling for estimate, fit and plan; see common.h.
 * Values were read and range-checked from the parameter table by cli_parse
 * (args->pv); this resolves the model and the machine they name. */
#include "cli/common.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

int cli_common_machine(const cli_args *args, cli_common *c, bool required, mp_error *err)
{
    const mp_pvals *pv = &args->pv;
    const char *chip = mp_pv_given(pv, MP_P_CHIP) ? pv->v[MP_P_CHIP].s : NULL;
    int mem = mp_pv_given(pv, MP_P_MEMORY) ? (int)pv->v[MP_P_MEMORY].i : 0;
    if (!chip) {
        if (required)
            return mp_error_set(err, MP_EUSAGE, "%s is required %s", mp_pname(MP_P_CHIP),
                                mp_say(MP_SAY_HW_LIST));
        return 0;
    }
    mp_chip_match m;
    int rc = mp_chip_resolve(chip, mem, &m, err);
    if (rc)
        return rc;
    rc = mp_machine_init(&c->mach, &m.chip, mem, err);
    if (rc)
        return rc;
    c->have_machine = true;
    c->chip_by_memory = m.by_memory;
    return 0;
}

int cli_common_load(const cli_args *args, cli_common *c, bool need_machine, mp_error *err)
{
    const mp_pvals *pv = &args->pv;
    memset(c, 0, sizeof *c);
    c->task = MP_TASK_INFER;
    int rc;
    if (mp_pv_given(pv, MP_P_TASK) && (rc = mp_task_parse(pv->v[MP_P_TASK].s, &c->task, err)))
        return rc;
    bool model = mp_pv_given(pv, MP_P_MODEL), params = mp_pv_given(pv, MP_P_PARAMS);
    if (params && model)
        return mp_error_set(err, MP_EUSAGE, "give %s or %s, not both", mp_pname(MP_P_MODEL),
                            mp_pname(MP_P_PARAMS));
    if (params) {
        if (c->task != MP_TASK_PRETRAIN)
            return mp_error_set(err, MP_EUSAGE, "%s sizes a new model: use it with %s "
                                "pretrain", mp_pname(MP_P_PARAMS), mp_pname(MP_P_TASK));
        int64_t vocab = mp_pv_given(pv, MP_P_VOCAB) ? pv->v[MP_P_VOCAB].i
                                                    : mp_param_dflt_i64(MP_P_VOCAB);
        mp_dtype dt = MP_DT_F32;
        if (mp_pv_given(pv, MP_P_DTYPE) &&
            (rc = mp_settings_dtype(pv->v[MP_P_DTYPE].s, &dt, err)) != 0)
            return rc;
        if ((rc = mp_arch_for_size(pv->v[MP_P_PARAMS].d, vocab, dt, &c->arch, err)) != 0)
            return rc;
        c->model_label = c->arch.id;
        c->origin.kind = MP_ORIGIN_REGISTRY;
        snprintf(c->origin.where, sizeof c->origin.where,
                 "a llama-style decoder sized by mlxplan for %s %s", mp_pname(MP_P_PARAMS),
                 cli_get(args, "params"));
    } else {
        if (!model)
            return mp_error_set(err, MP_EUSAGE, "%s is required %s", mp_pname(MP_P_MODEL),
                                mp_say(MP_SAY_MODELS_LIST));
        mp_load_opts lo = cli_load_opts(args);
        const char *name = pv->v[MP_P_MODEL].s;
        if ((rc = mp_model_load(name, &lo, &c->arch, &c->origin, err)) != 0)
            return rc;
        c->model_label = name;
    }
    c->have_arch = true;
    rc = cli_common_machine(args, c, need_machine, err);
    if (rc)
        cli_common_release(c);
    return rc;
}

void cli_common_release(cli_common *c)
{
    if (c->have_arch)
        mp_arch_release(&c->arch);
    c->have_arch = false;
}

mp_load_opts cli_load_opts(const cli_args *args)
{
    mp_load_opts o = {cli_get_if(args, "offline") != NULL};
    return o;
}

int cli_common_quant(const cli_args *args, const mp_arch *a, mp_quant *q, mp_error *err)
{
    mp_settings s;
    mp_settings_from_pvals(&args->pv, &s);
    return mp_settings_quant(&s, a, q, err);
}

int cli_common_infer_req(const cli_args *args, cli_common *c, mp_infer_req *req, mp_error *err)
{
    mp_settings s;
    mp_settings_from_pvals(&args->pv, &s);
    return mp_settings_infer_req(&s, &c->arch, &c->mach, req, err);
}

int cli_common_train_req(const cli_args *args, cli_common *c, mp_train_req *req, mp_error *err)
{
    mp_settings s;
    mp_settings_from_pvals(&args->pv, &s);
    return mp_settings_train_req(&s, c->task, mp_pv_given(&args->pv, MP_P_MODEL), &c->arch,
                                 &c->mach, req, err);
}
