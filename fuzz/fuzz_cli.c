/*
 * fuzz_cli.c - libFuzzer target for whole commands: parse a command line
 * (see cli_input.h) and run the command's handler as main() would, so
 * every option value reaches the engines and renderers.  `mcp` (it reads
 * standard input) is skipped.  The process works in an empty scratch
 * folder with host detection, the caches and the Hub pointed at nothing,
 * and arguments that name absolute or parent paths or write files are
 * skipped, so no input reads the machine's files or writes any.  Must
 * hold: success leaves a document within the buffer cap (JSON that parses
 * back with --json); a failure is one line with a known code.
 */
#include "cli_input.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_isolate();
    return 0;
}

/* Options that write files (plan --write / --out, --html, --svg) are left
 * to the e2e cases: here they would fill the scratch folder. */
static bool writes(const char *a)
{
    static const char *const opts[] = {"--write", "--out", "-o", "--html", "--svg"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        size_t n = strlen(opts[i]);
        if (strncmp(a, opts[i], n) == 0 && (a[n] == '\0' || a[n] == '='))
            return true;
    }
    return false;
}

static bool safe_args(const cli_input *in)
{
    for (int i = 0; i < in->argc; i++)
        if (in->argv[i][0] == '/' || strstr(in->argv[i], "..") || strchr(in->argv[i], '~') ||
            writes(in->argv[i]))
            return false;
    return in->cmd != &cli_cmd_mcp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cli_input in;
    cli_input_split(data, size, &in);
    if (!safe_args(&in)) {
        cli_input_release(&in);
        return 0;
    }
    cli_args *a = malloc(sizeof *a);
    if (!a)
        abort();
    cli_io io;
    mp_buf_init(&io.out);
    mp_error_clear(&io.err);
    io.argv0 = "mlxplan";
    int rc = cli_parse(in.cmd, in.argc, in.argv, a, &io.err);
    if (rc == 0 && !a->help) {
        rc = in.cmd->run(a, &io);
        if (rc == 0 || rc == MP_EFOUND) {
            if (mp_buf_status(&io.out) != 0)
                abort();
            if (cli_get_if(a, "json") && io.out.len) {
                cJSON *j = cJSON_ParseWithLength(io.out.data, io.out.len);
                if (!j)
                    abort();
                cJSON_Delete(j);
            }
        } else {
            if (rc > 0 || rc < MP_EFOUND || !mp_error_desc(rc))
                abort();
            if (io.err.code)
                fuzz_check_one_line(io.err.msg);
        }
    }
    mp_buf_release(&io.out);
    free(a);
    cli_input_release(&in);
    return 0;
}
