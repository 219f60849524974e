/*
 * cli_input.h - turn a fuzz input into a command line, for the targets that
 * drive the CLI (fuzz_opt, fuzz_cli): the first line names the command (or,
 * when it names none, its first byte picks one), every further line is one
 * argument.  At most CLI_INPUT_MAX_ARGS arguments.
 */
#ifndef MP_FUZZ_CLI_INPUT_H
#define MP_FUZZ_CLI_INPUT_H

#include "cli/cli.h"
#include "fuzz.h"

#define CLI_INPUT_MAX_ARGS 96

typedef struct cli_input {
    const cli_cmd *cmd;
    int argc;
    char *argv[CLI_INPUT_MAX_ARGS + 1];
    char *text; /* owns the argument strings */
} cli_input;

static const cli_cmd *const cli_input_cmds[] = {
#define CLI_INPUT_ENTRY(name) &cli_cmd_##name,
    CLI_COMMANDS(CLI_INPUT_ENTRY)
#undef CLI_INPUT_ENTRY
};

/* Fill `in` from the input; release with cli_input_release. */
static inline void cli_input_split(const uint8_t *data, size_t size, cli_input *in)
{
    memset(in, 0, sizeof *in);
    in->text = fuzz_cstr(data, size);
    char *p = in->text;
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    size_t n_cmds = sizeof cli_input_cmds / sizeof cli_input_cmds[0];
    for (size_t i = 0; i < n_cmds; i++)
        if (strcmp(cli_input_cmds[i]->name, p) == 0)
            in->cmd = cli_input_cmds[i];
    if (!in->cmd)
        in->cmd = cli_input_cmds[(unsigned char)p[0] % n_cmds];
    while (nl && in->argc < CLI_INPUT_MAX_ARGS) {
        p = nl + 1;
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        in->argv[in->argc++] = p;
    }
    in->argv[in->argc] = NULL;
}

static inline void cli_input_release(cli_input *in)
{
    free(in->text);
    in->text = NULL;
}

#endif
