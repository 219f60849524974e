/* tool_hw.c - the MCP `hardware` tool: the chips mlxplan knows, one chip
 * with its GPU memory budget, and this machine.  Same engine and renderers
 * as `mlxplan hw`. */
#include <string.h>

#include "engine/machine.h"
#include "mcp/args.h"
#include "mcp/tools.h"
#include "render/hw.h"

/* The result object: {"action": ..., <key>: item}; takes `item`. */
static int wrap(mp_mcp_result *res, const char *action, const char *key, cJSON *item,
                mp_error *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !item || !cJSON_AddStringToObject(o, "action", action)) {
        cJSON_Delete(o);
        cJSON_Delete(item);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    cJSON_AddItemToObject(o, key, item);
    res->structured = o;
    return 0;
}

int mp_mcp_tool_hardware(const cJSON *args, mp_mcp_result *res, mp_error *err)
{
    mp_pvals pv;
    int rc = mp_mcp_read_params(args, MP_PC_HARDWARE, &pv, err);
    if (rc)
        return rc;
    const char *action = pv.v[MP_P_HW_ACTION].s;
    const char *chip_name = pv.v[MP_P_CHIP].s;
    bool mem = mp_pv_given(&pv, MP_P_MEMORY);
    int memory_gb = mem ? (int)pv.v[MP_P_MEMORY].i : 0;

    if (strcmp(action, "show") != 0 && (chip_name || mem))
        return mp_error_set(err, MP_EINVAL, "%s and %s go with action 'show' only; drop them for '%s'",
                            mp_pname(MP_P_CHIP), mp_pname(MP_P_MEMORY), action);
    if (strcmp(action, "list") == 0) {
        mp_render_chip_list_md(&res->text);
        cJSON *list = mp_render_chip_list_json();
        cJSON *chips = cJSON_DetachItemFromObjectCaseSensitive(list, "chips");
        cJSON_Delete(list);
        return wrap(res, action, "chips", chips, err);
    }
    if (strcmp(action, "show") == 0) {
        if (!chip_name)
            return mp_error_set(err, MP_EINVAL,
                                "action 'show' needs 'chip', e.g. {\"action\": \"show\", \"chip\": "
                                "\"M3 Max 30c\"}; action 'list' names every chip");
        mp_chip_match m;
        rc = mp_chip_resolve(chip_name, memory_gb, &m, err);
        if (rc)
            return rc;
        if (memory_gb && (rc = mp_chip_check_memory(&m.chip, memory_gb, err)) != 0)
            return rc;
        mp_render_chip_md(&m.chip, memory_gb, &res->text);
        return wrap(res, action, "chip", mp_render_chip_json(&m.chip, memory_gb), err);
    }
    /* detect: the schema's enum leaves nothing else */
    mp_host h;
    mp_host_detect(&h, NULL);
    mp_chip chip;
    char note[400];
    int found = mp_machine_host_chip(&h, &chip, note, sizeof note);
    mp_render_host_md(&h, found ? &chip : NULL, note, &res->text);
    return wrap(res, action, "host", mp_render_host_json(&h, found ? &chip : NULL, note), err);
}
