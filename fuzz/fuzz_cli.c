/*
 * fuzz_cli.c - libFuzzer target for whole commands: parse a command line
 * (see cli_input.h) and run the command's handler as main() would, so
 * every option value reaches the engines and renderers.  `mcp` (it reads
 * standard input) is skipped.  The process works in an empty scratch
 * folder with host detection pointed at nothing, and arguments that name
 * absolute or parent paths are skipped, so no input reads the machine's
 * files.  Must hold: success leaves a document within the buffer cap (JSON
 * that parses back with --json); a failure is one line with a known code.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli_input.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[] = "/tmp/mlxplan-fuzz-cli-XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0)
        abort();
    setenv("MLXPLAN_PROC_ROOT", dir, 1);
    setenv("MLXPLAN_NVIDIA_SMI", "", 1);
    return 0;
}

static bool safe_args(const cli_input *in)
{
    for (int i = 0; i < in->argc; i++)
        if (in->argv[i][0] == '/' || strstr(in->argv[i], "..") || strchr(in->argv[i], '~'))
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
