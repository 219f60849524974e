/* model.c - the model and the machine a request names, for every use-case;
 * see app.h. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "engine/settings.h"

/* A new llama-style decoder of 'params' parameters (pretrain). */
static int sized_model(const mp_pvals *pv, mp_app_model *m, mp_error *err)
{
    mp_dtype dt = MP_DT_F32;
    int rc = mp_pv_given(pv, MP_P_DTYPE) ? mp_settings_dtype(pv->v[MP_P_DTYPE].s, &dt, err) : 0;
    int64_t vocab = mp_pv_given(pv, MP_P_VOCAB) ? pv->v[MP_P_VOCAB].i
                                                : mp_param_dflt_i64(MP_P_VOCAB);
    double params = pv->v[MP_P_PARAMS].d;
    if (rc == 0)
        rc = mp_arch_for_size(params, vocab, dt, &m->arch, err);
    if (rc)
        return rc;
    m->loaded = true;
    m->origin.kind = MP_ORIGIN_REGISTRY;
    const char *text = pv->v[MP_P_PARAMS].s; /* as typed, on the command line */
    if (text)
        snprintf(m->origin.where, sizeof m->origin.where,
                 "a llama-style decoder sized by mlxplan for %s %s", mp_pname(MP_P_PARAMS), text);
    else
        snprintf(m->origin.where, sizeof m->origin.where,
                 "a llama-style decoder sized by mlxplan for %s %.4g", mp_pname(MP_P_PARAMS),
                 params);
    snprintf(m->label, sizeof m->label, "%s", m->arch.id);
    return 0;
}

int mp_app_model_load(const mp_pvals *pv, bool allow_paths, mp_app_model *m, mp_error *err)
{
    memset(m, 0, sizeof *m);
    bool name = mp_pv_given(pv, MP_P_MODEL), config = mp_pv_given(pv, MP_P_CONFIG_JSON);
    if (mp_pv_given(pv, MP_P_PARAMS)) {
        if (name || config)
            return mp_error_set(err, MP_EUSAGE, "give %s or %s, not both", mp_pname(MP_P_MODEL),
                                mp_pname(MP_P_PARAMS));
        return sized_model(pv, m, err);
    }
    if (name && config)
        return mp_error_set(err, MP_EUSAGE, "give %s or %s, not both", mp_pname(MP_P_MODEL),
                            mp_pname(MP_P_CONFIG_JSON));
    if (!name && !config)
        return mp_error_set(err, MP_EUSAGE, "%s", mp_say(MP_SAY_GIVE_MODEL));
    int rc;
    if (config) {
        const char *text = pv->v[MP_P_CONFIG_JSON].s;
        if ((rc = mp_arch_from_json(text, strlen(text), "config_json", &m->arch, err)) != 0)
            return rc;
        m->origin.kind = MP_ORIGIN_FILE;
        m->from_text = true;
        snprintf(m->origin.where, sizeof m->origin.where, "given as %s",
                 mp_pname(MP_P_CONFIG_JSON));
        snprintf(m->label, sizeof m->label, "%s", m->arch.model_type);
    } else {
        const char *id = pv->v[MP_P_MODEL].s;
        mp_load_opts lo = {mp_pv_given(pv, MP_P_OFFLINE)};
        rc = allow_paths ? mp_model_load(id, &lo, &m->arch, &m->origin, err)
                         : mp_model_load_name(id, &lo, &m->arch, &m->origin, err);
        if (rc)
            return rc;
        snprintf(m->label, sizeof m->label, "%s", id);
    }
    m->loaded = true;
    return 0;
}

void mp_app_model_release(mp_app_model *m)
{
    if (m->loaded)
        mp_arch_release(&m->arch);
    m->loaded = false;
}

const char *mp_app_model_hf(const mp_app_model *m)
{
    if (m->from_text)
        return "<hf-repo-of-this-config>"; /* a config.json's text does not say its repo */
    return m->origin.kind == MP_ORIGIN_REGISTRY ? m->arch.id : m->label;
}

int mp_app_machine(const mp_pvals *pv, mp_machine *m, bool *by_memory, mp_error *err)
{
    if (!mp_pv_given(pv, MP_P_CHIP))
        return mp_error_set(err, MP_EUSAGE, "%s is required %s", mp_pname(MP_P_CHIP),
                            mp_say(MP_SAY_HW_LIST));
    int mem = mp_pv_given(pv, MP_P_MEMORY) ? (int)pv->v[MP_P_MEMORY].i : 0;
    mp_chip_match match;
    int rc = mp_chip_resolve(pv->v[MP_P_CHIP].s, mem, &match, err);
    if (rc == 0)
        rc = mp_machine_init(m, &match.chip, mem, err);
    if (rc == 0 && by_memory)
        *by_memory = match.by_memory;
    return rc;
}
