/* cmd_hw.c - `mlxplan hw list | show NAME | detect`: the chips mlxplan knows
 * and this machine. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/machine.h"
#include "render/hw.h"
#include "render/json.h"
#include "util/text.h"

static int run(const cli_args *args, cli_io *io)
{
    const char *sub = args->pos[0];
    bool json = mp_pv_given(&args->pv, MP_P_JSON);
    int64_t mem = mp_pv_given(&args->pv, MP_P_MEMORY) ? args->pv.v[MP_P_MEMORY].i : 0;

    if (strcmp(sub, "list") == 0) {
        if (args->n_pos > 1)
            return cli_usage_error(&cli_cmd_hw, &io->err, "'hw list' takes no argument, got '%.60s'",
                                   args->pos[1]);
        if (json)
            return mp_json_emit(mp_render_chip_list_json(), &io->out, &io->err);
        mp_render_chip_list_md(&io->out);
        return 0;
    }
    if (strcmp(sub, "show") == 0) {
        if (args->n_pos != 2)
            return cli_usage_error(&cli_cmd_hw, &io->err, "'hw show' needs one chip name");
        mp_chip_match m;
        int rc = mp_chip_resolve(args->pos[1], (int)mem, &m, &io->err);
        if (rc)
            return rc;
        if (mem && (rc = mp_chip_check_memory(&m.chip, (int)mem, &io->err)) != 0)
            return rc;
        if (json)
            return mp_json_emit(mp_render_chip_json(&m.chip, (int)mem), &io->out, &io->err);
        mp_render_chip_md(&m.chip, (int)mem, &io->out);
        return 0;
    }
    if (strcmp(sub, "detect") == 0) {
        if (args->n_pos > 1)
            return cli_usage_error(&cli_cmd_hw, &io->err,
                                   "'hw detect' takes no argument, got '%.60s'", args->pos[1]);
        mp_host h;
        mp_host_detect(&h, &io->err);
        mp_chip chip;
        char note[400];
        int found = mp_machine_host_chip(&h, &chip, note, sizeof note);
        if (json)
            return mp_json_emit(mp_render_host_json(&h, found ? &chip : NULL, note), &io->out,
                                &io->err);
        mp_render_host_md(&h, found ? &chip : NULL, note, &io->out);
        return 0;
    }
    return cli_usage_error(&cli_cmd_hw, &io->err,
                           "unknown 'hw' subcommand '%.60s'; use list, show or detect", sub);
}

const cli_cmd cli_cmd_hw = {
    "hw",
    run,
    "chips: list them, show one with its GPU memory budget, detect this machine",
    "list | show NAME | detect [--json]",
    "NAME is forgiving: 'm3max', 'M3 Max 30c', \"M3 Max (30-core GPU)\", 'm4-pro-20',\n"
    "'rtx 4090'.  A name that fits several GPU bins is reported with all of them;\n"
    "--memory picks the bin when only one is sold with that size.\n"
    "Limits: chip names up to 200 bytes.",
    NULL,
    1,
    2,
    MP_PC_HW,
};
