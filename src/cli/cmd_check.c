/* cmd_check.c - `mlxplan check FILE.py...`: the static checker of MLX code
 * (src/check/check.h) with compiler-style or JSON output. */
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "cli/cli.h"
#include "render/check.h"
#include "render/json.h"

static int run(const cli_args *args, cli_io *io)
{
    const mp_pval *sel = &args->pv.v[MP_P_RULES], *ign = &args->pv.v[MP_P_IGNORE];
    mp_check_options o;
    mp_error e;
    mp_error_clear(&e);
    if (mp_check_options_select(&o, sel->list, sel->n, ign->list, ign->n, &e))
        return strstr(e.msg, "--help") ? mp_error_set(&io->err, MP_EUSAGE, "%s", e.msg)
                                       : cli_usage_error(&cli_cmd_check, &io->err, "%s", e.msg);
    if (o.enabled == 0)
        return cli_usage_error(&cli_cmd_check, &io->err, "every rule is ignored; nothing to check");

    mp_check_result res = MP_CHECK_RESULT_INIT;
    for (int i = 0; i < args->n_pos; i++) {
        bool stdin_arg = args->pos[i][0] == '-' && args->pos[i][1] == '\0';
        int rc = stdin_arg ? mp_check_stream(stdin, "<stdin>", &o, &res, &io->err)
                           : mp_check_file(args->pos[i], &o, &res, &io->err);
        if (rc) {
            mp_check_result_release(&res);
            return rc;
        }
    }
    int rc = 0;
    if (mp_pv_given(&args->pv, MP_P_JSON)) {
        rc = mp_json_emit(mp_render_check_json(&res), &io->out, &io->err);
    } else {
        mp_render_check_text(&res, &io->out);
    }
    if (rc == 0 && res.n)
        rc = MP_EFOUND;
    mp_check_result_release(&res);
    return rc;
}

const cli_cmd cli_cmd_check = {
    "check",
    run,
    "static check of MLX Python code: unknown names, slow or wrong patterns",
    "FILE.py... [--json] [--rule RULE]... [--ignore RULE]...",
    "Reads Python source (it never runs it) and reports problems like a compiler:\n"
    "  FILE:LINE:COL: SEVERITY [RULE] message\n"
    "    hint: how to fix it\n"
    "    practice: the MLX practice it comes from (see 'mlxplan docs')\n"
    "Columns count characters from 1.  FILE '-' reads standard input (shown as\n"
    "<stdin>).  Names are checked against the mlx and mlx-lm versions 'mlxplan\n"
    "--version' names.  A comment '# mlxplan: ignore[RULE,...]' on the reported\n"
    "line silences those rules there ('# mlxplan: ignore' silences all of them).\n"
    "Exit status: 0 no problems, 1 problems found or a file that cannot be read or\n"
    "is not valid Python (at most 2 MiB of UTF-8 text), 2 bad usage.\n"
    "\n"
    "rules (ID  name (severity, practice), then what it reports):\n" MP_CHECK_RULES_HELP,
    NULL,
    1,
    -1,
    MP_PC_CHECK,
};
