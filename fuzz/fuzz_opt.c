/*
 * fuzz_opt.c - libFuzzer target for the option parser (cli_parse) of every
 * command, and its usage text.  Input: see cli_input.h.  Must hold: a
 * refusal is one line naming the command's --help; an accepted command
 * line has its positional count within the command's bounds and every
 * value pointing at one of the arguments.
 */
#include "cli_input.h"

static bool is_arg(const cli_input *in, const char *v)
{
    for (int i = 0; i < in->argc; i++)
        if (v >= in->argv[i] && v <= in->argv[i] + strlen(in->argv[i]))
            return true;
    return strcmp(v, "1") == 0; /* a switch */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_input in;
    cli_input_split(data, size, &in);
    cli_args *a = malloc(sizeof *a);
    if (!a)
        abort();
    mp_error e;
    mp_error_clear(&e);
    int rc = cli_parse(in.cmd, in.argc, in.argv, a, &e);
    if (rc != 0) {
        fuzz_check_one_line(e.msg);
        bool usage = rc == MP_EUSAGE && strstr(e.msg, "--help");
        bool value = rc == MP_EINVAL && strncmp(e.msg, "--", 2) == 0;
        if (!usage && !value)
            abort();
    } else {
        if (!a->help && (a->n_pos < in.cmd->min_pos ||
                         (in.cmd->max_pos >= 0 && a->n_pos > in.cmd->max_pos)))
            abort();
        for (size_t i = 0; i < a->n_opts; i++) {
            if (a->value[i] && !is_arg(&in, a->value[i]))
                abort();
            for (int k = 0; k < a->n_multi[i]; k++)
                if (!is_arg(&in, a->multi[i][k]))
                    abort();
        }
        for (int i = 0; i < a->n_pos; i++)
            if (!is_arg(&in, a->pos[i]))
                abort();
    }
    mp_buf usage = MP_BUF_INIT;
    cli_usage(in.cmd, &usage);
    if (mp_buf_status(&usage) != 0)
        abort();
    mp_buf_release(&usage);
    free(a);
    cli_input_release(&in);
    return 0;
}
