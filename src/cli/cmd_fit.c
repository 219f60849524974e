/* cmd_fit.c - `mlxplan fit`: search the settings, models or machines that fit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/report.h"
#include "engine/fit.h"
#include "engine/sweep.h"
#include "render/fit.h"
#include "render/json.h"
#include "util/text.h"


static int emit(const mp_fit_view *v, const cli_args *args, const mp_fit_row *rows, int n_rows,
                cli_io *io)
{
    int rc = 0;
    if (!cli_flag(args, "json")) {
        mp_render_fit_md(v, &io->out);
    } else {
        cJSON *root = mp_render_fit_json(v);
        rc = root ? mp_json_write(root, &io->out) : MP_ENOMEM;
        cJSON_Delete(root);
        if (rc)
            return mp_error_set(&io->err, rc, "out of memory");
    }
    if (!cli_report_wanted(args))
        return 0;
    /* --html / --svg: the search's charts (`rows`: the format grid, for the
     * formats and models searches) */
    mp_buf md = MP_BUF_INIT;
    mp_chart_set charts;
    mp_chart_set_init(&charts);
    mp_render_fit_md(v, &md);
    mp_charts_fit(v, rows, n_rows, &charts);
    return cli_report_write(args, &md, &charts, io);
}

static int run(const cli_args *args, cli_io *io)
{
    mp_error *err = &io->err;
    const mp_pvals *pv = &args->pv;
    int64_t ctx = mp_pv_given(pv, MP_P_CONTEXT) ? pv->v[MP_P_CONTEXT].i
                                                : mp_param_dflt_i64(MP_P_CONTEXT);
    int64_t limit = mp_pv_given(pv, MP_P_LIMIT) ? pv->v[MP_P_LIMIT].i
                                                : mp_param_dflt_i64(MP_P_LIMIT);
    double min_tok = pv->v[MP_P_MIN_TOK_S].d;
    int rc;

    cli_common c;
    memset(&c, 0, sizeof c);
    mp_fit_view v;
    memset(&v, 0, sizeof v);
    v.context = ctx;
    v.min_tok_s = min_tok;
    if (!cli_get(args, "model")) {
        /* which registry models fit this machine */
        if (cli_get(args, "task"))
            return mp_error_set(err, MP_EUSAGE, "--task needs --model");
        if ((rc = cli_common_machine(args, &c, true, err)) != 0) {
            if (rc == MP_EUSAGE)
                mp_error_clear(err), rc = mp_error_set(err, MP_EUSAGE,
                                                       "fit needs --model, --chip or both "
                                                       "(try 'mlxplan fit --help')");
            return rc;
        }
        mp_fit_model *models = calloc(128, sizeof *models);
        if (!models)
            return mp_error_set(err, MP_ENOMEM, "out of memory");
        int n = 0;
        mp_fit_row *rows = NULL;
        rc = mp_fit_models(&c.mach, ctx, min_tok, models, 128, &n, err);
        if (rc == 0) {
            v.mode = MP_FIT_MODE_MODELS;
            v.mach = &c.mach;
            v.models = models;
            v.n = n < limit ? n : (int)limit;
            if (cli_report_wanted(args) && v.n > 0) {
                /* the grid: every format of the models listed */
                const char *ids[MP_FIT_MAX];
                for (int i = 0; i < v.n; i++)
                    ids[i] = models[i].model_id;
                rows = calloc((size_t)v.n, sizeof *rows);
                rc = rows ? mp_fit_grid(&c.mach, ctx, ids, v.n, rows, err)
                          : mp_error_set(err, MP_ENOMEM, "out of memory");
            }
            if (rc == 0)
                rc = emit(&v, args, rows, rows ? v.n : 0, io);
        }
        free(rows);
        free(models);
        return rc;
    }
    if ((rc = cli_common_load(args, &c, false, err)) != 0)
        return rc;
    v.model_label = c.model_label;
    v.arch = &c.arch;
    v.origin = &c.origin;
    if (!c.have_machine) {
        /* which machines meet the target */
        if (c.task != MP_TASK_INFER) {
            rc = mp_error_set(err, MP_EUSAGE, "a training search needs --chip");
            goto done;
        }
        mp_quant q;
        if (cli_get(args, "quant")) {
            if ((rc = cli_common_quant(args, &c.arch, &q, err)) != 0)
                goto done;
        } else {
            mp_quant q4 = {MP_Q_AFFINE, 4, 64, MP_RECIPE_NONE, c.arch.dtype};
            q = c.arch.has_config_quant ? c.arch.config_quant : q4;
        }
        mp_fit_machine *ms = calloc(64, sizeof *ms);
        if (!ms) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            goto done;
        }
        int n = 0;
        rc = mp_fit_machines(&c.arch, &q, ctx, min_tok, cli_flag(args, "apple-only"), ms, 64, &n,
                             err);
        if (rc == 0) {
            v.mode = MP_FIT_MODE_MACHINES;
            v.quant = &q;
            v.machines = ms;
            v.n = n < limit ? n : (int)limit;
            rc = emit(&v, args, NULL, 0, io);
        }
        free(ms);
        goto done;
    }
    v.mach = &c.mach;
    if (c.task == MP_TASK_INFER) {
        if (cli_get(args, "quant")) {
            rc = mp_error_set(err, MP_EUSAGE, "fit --model --chip searches the formats itself; "
                              "use 'mlxplan estimate --quant' for one format");
            goto done;
        }
        mp_fit_infer *opts_out = calloc(MP_FIT_MAX, sizeof *opts_out);
        if (!opts_out) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            goto done;
        }
        int n = 0;
        mp_fit_infer_req r = {&c.arch, &c.mach, ctx, min_tok, 1, cli_flag(args, "kv-quant"),
                              false};
        rc = mp_fit_inference(&r, opts_out, MP_FIT_MAX, &n, err);
        if (rc == 0 && c.arch.has_config_quant)
            n = mp_fit_keep_stored(&c.arch, opts_out, n);
        mp_fit_row row;
        if (rc == 0 && cli_report_wanted(args))
            rc = mp_fit_row_compute(&c.arch, c.model_label, &c.mach, ctx, &row, err);
        if (rc == 0) {
            v.mode = MP_FIT_MODE_FORMATS;
            v.formats = opts_out;
            v.n = n < limit ? n : (int)limit;
            rc = emit(&v, args, cli_report_wanted(args) ? &row : NULL,
                      cli_report_wanted(args) ? 1 : 0, io);
        }
        free(opts_out);
        goto done;
    }
    if (c.task == MP_TASK_PRETRAIN) {
        rc = mp_error_set(err, MP_EUSAGE, "fit searches fine-tuning settings; for training from "
                          "scratch use 'mlxplan estimate --task pretrain'");
        goto done;
    }
    mp_train_req want;
    if ((rc = cli_common_train_req(args, &c, &want, err)) != 0)
        goto done;
    if (want.num_layers > c.arch.n_layers || want.num_layers == -1)
        want.num_layers = (int)c.arch.n_layers;
    mp_fit_train *tr = calloc(MP_FIT_MAX, sizeof *tr);
    if (!tr) {
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
        goto done;
    }
    int n = 0;
    rc = mp_fit_training(&want, tr, (int)limit, &n, err);
    if (rc == 0) {
        v.mode = MP_FIT_MODE_TRAINING;
        v.training = tr;
        v.train_want = &want;
        v.n = n;
        rc = emit(&v, args, NULL, 0, io);
    }
    free(tr);
done:
    cli_common_release(&c);
    return rc;
}

const cli_cmd cli_cmd_fit = {
    "fit",
    run,
    "search the settings, models or machines that fit",
    "[--model ID] [--chip NAME [--memory GB]] [--task T] [--context N] [--min-tok-s X]",
    "  --model and --chip: the weight formats (and longest context) that run it,\n"
    "                      best quality first; with --task lora|qlora|dora|full, the\n"
    "                      fine-tuning settings that fit.\n"
    "  --chip only:        the registry models that fit, largest first.\n"
    "  --model only:       the machines that meet --context and --min-tok-s.\n"
    "Every option shown was estimated with the same code as 'mlxplan estimate'.\n"
    "Limits: --model up to 400 bytes, a config.json up to 4 MiB and 1000 levels deep,\n"
    "chip names up to 200 bytes, any argument up to 64 KiB.",
    NULL,
    0,
    0,
    MP_PC_FIT,
};
