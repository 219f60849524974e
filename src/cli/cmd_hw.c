/* cmd_hw.c - `mlxplan hw list | show NAME | detect`: the chips mlxplan knows
 * and this machine. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/machine.h"
#include "render/hw.h"
#include "render/json.h"
#include "util/text.h"

static const cli_opt opts[] = {
    {"memory", 'M', CLI_VALUE, "GB", "memory size for 'show': budget of that configuration only"},
    {"json", 0, CLI_SWITCH, NULL, "print JSON instead of Markdown"},
    {NULL, 0, CLI_SWITCH, NULL, NULL},
};

static int emit_json(cJSON *root, cli_io *io)
{
    if (!root)
        return mp_error_set(&io->err, MP_ENOMEM, "out of memory");
    int rc = mp_json_write(root, &io->out);
    cJSON_Delete(root);
    return rc ? mp_error_set(&io->err, rc, "out of memory") : 0;
}

/* Resolve what `hw detect` read into one of our chips, when it can. */
static int host_chip(const mp_host *h, mp_chip *chip, char *note, size_t cap)
{
    note[0] = '\0';
    if (strstr(h->cpu_brand, "Apple M") == NULL) {
        if (h->has_nvidia) {
            mp_chip_match m;
            if (mp_chip_resolve(h->nvidia_name, 0, &m, NULL) == 0) {
                *chip = m.chip;
                return 1;
            }
            snprintf(note, cap, "NVIDIA GPU '%s' is not in mlxplan's table; pass --chip with the "
                     "closest one (mlxplan hw list).", h->nvidia_name);
            return 0;
        }
        snprintf(note, cap, "No Apple Silicon or NVIDIA GPU found: MLX runs here only on the CPU "
                 "(pip install \"mlx[cpu]\"); mlxplan's GPU estimates do not apply.");
        return 0;
    }
    char name[192];
    if (h->gpu_cores)
        snprintf(name, sizeof name, "%s %dc", h->cpu_brand, h->gpu_cores);
    else if (h->cpu_p + h->cpu_e)
        snprintf(name, sizeof name, "%s %d-core CPU", h->cpu_brand, h->cpu_p + h->cpu_e);
    else
        snprintf(name, sizeof name, "%s", h->cpu_brand);
    int gb = (int)(h->memory_gib + 0.5);
    mp_chip_match m;
    mp_error e;
    mp_error_clear(&e);
    if (mp_chip_resolve(name, gb, &m, &e) == 0) {
        *chip = m.chip;
        snprintf(note, cap, "Use: --chip \"%s\" --memory %d", m.chip.short_name, gb);
        return 1;
    }
    snprintf(note, cap, "Could not pin down the chip: %s", e.msg);
    return 0;
}

static int run(const cli_args *args, cli_io *io)
{
    const char *sub = args->pos[0];
    bool json = cli_flag(args, "json");
    int64_t mem = 0;
    const char *mem_s = cli_get(args, "memory");
    if (mem_s && mp_parse_i64(mem_s, 1, 4096, "--memory", &mem, &io->err))
        return MP_EINVAL;

    if (strcmp(sub, "list") == 0) {
        if (args->n_pos > 1)
            return cli_usage_error(&cli_cmd_hw, &io->err, "'hw list' takes no argument, got '%.60s'",
                                   args->pos[1]);
        if (json)
            return emit_json(mp_render_chip_list_json(), io);
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
            return emit_json(mp_render_chip_json(&m.chip, (int)mem), io);
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
        int found = host_chip(&h, &chip, note, sizeof note);
        if (json)
            return emit_json(mp_render_host_json(&h, found ? &chip : NULL, note), io);
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
    "--memory picks the bin when only one is sold with that size.",
    opts,
    1,
    2,
};
