/* cmd_models.c - `mlxplan models list | show ID | inspect DIR`. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "model/registry.h"
#include "model/safetensors.h"
#include "render/json.h"
#include "render/models.h"

static const cli_opt opts[] = {
    {"family", 'f', CLI_VALUE, "NAME", "list: only this family (llama, qwen3, gemma3, ...)"},
    {"json", 0, CLI_SWITCH, NULL, "print JSON instead of Markdown"},
    {NULL, 0, CLI_SWITCH, NULL, NULL},
};

static int emit(cJSON *root, cli_io *io)
{
    int rc = root ? mp_json_write(root, &io->out) : MP_ENOMEM;
    cJSON_Delete(root);
    return rc ? mp_error_set(&io->err, rc, "out of memory") : 0;
}

static int run(const cli_args *args, cli_io *io)
{
    const char *sub = args->pos[0];
    bool json = cli_flag(args, "json");
    if (strcmp(sub, "list") == 0) {
        if (args->n_pos > 1)
            return cli_usage_error(&cli_cmd_models, &io->err,
                                   "'models list' takes no argument, got '%.60s'", args->pos[1]);
        const char *fam = cli_get(args, "family");
        if (fam) {
            bool known = false;
            for (size_t i = 0; i < mp_model_rows_len; i++)
                if (strcmp(mp_model_rows[i].family, fam) == 0)
                    known = true;
            if (!known)
                return mp_error_set(&io->err, MP_ENOTFOUND,
                                    "no model of family '%.40s' (see 'mlxplan models list')", fam);
        }
        if (json)
            return emit(mp_render_model_list_json(fam), io);
        mp_render_model_list_md(fam, &io->out);
        return 0;
    }
    if (strcmp(sub, "show") == 0 || strcmp(sub, "inspect") == 0) {
        bool inspect = sub[0] == 'i';
        if (args->n_pos != 2)
            return cli_usage_error(&cli_cmd_models, &io->err, "'models %s' needs one %s", sub,
                                   inspect ? "model folder" : "model name or path");
        mp_arch a;
        mp_origin o;
        int rc = mp_model_load(args->pos[1], &a, &o, &io->err);
        if (rc)
            return rc;
        if (!inspect) {
            rc = json ? emit(mp_render_model_json(&a, &o), io)
                      : (mp_render_model_md(&a, &o, &io->out), 0);
            mp_arch_release(&a);
            return rc;
        }
        if (o.kind != MP_ORIGIN_DIR) {
            mp_arch_release(&a);
            return mp_error_set(&io->err, MP_EINVAL,
                                "'models inspect' needs a model folder (config.json and "
                                "*.safetensors), not '%.200s'",
                                args->pos[1]);
        }
        mp_st_model st;
        rc = mp_st_read_dir(args->pos[1], &st, &io->err);
        if (rc == 0) {
            if (json)
                rc = emit(mp_render_inspect_json(args->pos[1], &a, &st), io);
            else
                mp_render_inspect_md(args->pos[1], &a, &st, &io->out);
            mp_st_release(&st);
        }
        mp_arch_release(&a);
        return rc;
    }
    return cli_usage_error(&cli_cmd_models, &io->err,
                           "unknown 'models' subcommand '%.60s'; use list, show or inspect", sub);
}

const cli_cmd cli_cmd_models = {
    "models",
    run,
    "model registry: list, show one, inspect a local model folder",
    "list | show ID | inspect DIR [--json]",
    "show takes a registry id (older repo names work: meta-llama/Meta-Llama-3.1-8B),\n"
    "a config.json path or a model folder.  inspect reads a folder's config.json and\n"
    "safetensors headers (sharded or not, with or without an index) and reports exact\n"
    "bytes per dtype and the parameter count, without reading tensor data.\n"
    "Limits: names up to 400 bytes; config.json up to 4 MiB; safetensors headers up to\n"
    "100 MB, at most 1024 files per folder; JSON nested at most 1000 levels deep.",
    opts,
    1,
    2,
};
