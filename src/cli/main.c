/*
 * main.c - the mlxplan command line: find the command, parse its options,
 * run it, write its document once, map errors to exit codes.
 *
 * Exit status: 0 success; 1 failure (unreadable or malformed input, I/O,
 * problems found by `check`); 2 bad usage (unknown command or option, bad
 * value, unknown or ambiguous name).  Errors are one line on stderr:
 * "mlxplan: <message>".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "kb/kb.h"
#include "util/text.h"

static const cli_cmd *const commands[] = {
#define CLI_ENTRY(name) &cli_cmd_##name,
    CLI_COMMANDS(CLI_ENTRY)
#undef CLI_ENTRY
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

static const cli_cmd *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

static void main_usage(mp_buf *out)
{
    mp_buf_puts(out,
                "usage: mlxplan COMMAND [ARGS...]\n\n"
                "Offline planning for Apple MLX and MLX-LM: memory, speed, settings, commands\n"
                "and code, computed from the model's architecture and the chip's specs.\n\n"
                "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        mp_buf_printf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    mp_buf_puts(out, "\n  help CMD   show the help of CMD (same as 'mlxplan CMD --help')\n"
                     "\noptions:\n"
                     "  -h, --help     show this help\n"
                     "  --version      print mlxplan's version and the MLX / MLX-LM versions "
                     "it describes\n"
                     "\nlimits: an argument up to 64 KiB, 1024 arguments per command; each\n"
                     "command's --help gives its own\n"
                     "\nexample:\n"
                     "  mlxplan estimate --model Qwen/Qwen3-8B --chip \"M4 Pro 20c\" --memory 24 "
                     "--quant 4\n");
}

static int write_all(FILE *f, const mp_buf *b)
{
    if (b->len && fwrite(b->data, 1, b->len, f) != b->len)
        return -1;
    return fflush(f) == 0 ? 0 : -1;
}

static int unknown_command(const char *name)
{
    char best[32] = "";
    int bestd = 3;
    for (size_t i = 0; i < N_COMMANDS && name[0]; i++) {
        int d = mp_edit_distance(name, commands[i]->name);
        if (d < bestd) {
            bestd = d;
            snprintf(best, sizeof best, "%s", commands[i]->name);
        }
    }
    if (best[0])
        fprintf(stderr, "mlxplan: unknown command '%.60s'; did you mean '%s'? (try 'mlxplan --help')\n",
                name, best);
    else
        fprintf(stderr, "mlxplan: unknown command '%.60s' (try 'mlxplan --help')\n", name);
    return 2;
}

static int run_command(const cli_cmd *cmd, int argc, char **argv)
{
    cli_io io;
    mp_buf_init(&io.out);
    mp_error_clear(&io.err);
    io.argv0 = "mlxplan";
    cli_args args;
    int rc = cli_parse(cmd, argc, argv, &args, &io.err);
    if (rc == 0 && args.help) {
        cli_usage(cmd, &io.out);
    } else if (rc == 0) {
        rc = cmd->run(&args, &io);
    }
    if (rc == 0 || rc == MP_EFOUND) {
        int st = mp_buf_status(&io.out);
        if (st != 0) {
            fprintf(stderr, "mlxplan: output too large or out of memory\n");
            mp_buf_release(&io.out);
            return 1;
        }
        if (write_all(stdout, &io.out) != 0) {
            fprintf(stderr, "mlxplan: cannot write output: %s\n", strerror(errno));
            mp_buf_release(&io.out);
            return 1;
        }
    }
    if (rc != 0 && rc != MP_EFOUND)
        fprintf(stderr, "mlxplan: %s\n",
                io.err.code ? io.err.msg : mp_error_desc(rc));
    mp_buf_release(&io.out);
    return mp_error_exit_code(rc);
}

int main(int argc, char **argv)
{
    mp_buf out = MP_BUF_INIT;
    if (argc < 2) {
        main_usage(&out);
        fputs(mp_buf_cstr(&out), stderr);
        mp_buf_release(&out);
        return 2;
    }
    const char *first = argv[1];
    bool top_option = strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0 ||
                      strcmp(first, "--version") == 0 || strcmp(first, "version") == 0;
    if (top_option && argc > 2) {
        fprintf(stderr, "mlxplan: '%s' takes no argument, got '%.60s' (try 'mlxplan --help')\n",
                first, argv[2]);
        return 2;
    }
    if (strcmp(first, "-h") == 0 || strcmp(first, "--help") == 0) {
        main_usage(&out);
        int rc = write_all(stdout, &out) == 0 ? 0 : 1;
        mp_buf_release(&out);
        return rc;
    }
    if (strcmp(first, "--version") == 0 || strcmp(first, "version") == 0) {
        mp_kb_version_text(&out);
        int rc = write_all(stdout, &out) == 0 ? 0 : 1;
        mp_buf_release(&out);
        return rc;
    }
    if (strcmp(first, "help") == 0) {
        if (argc < 3) {
            main_usage(&out);
            int rc = write_all(stdout, &out) == 0 ? 0 : 1;
            mp_buf_release(&out);
            return rc;
        }
        if (argc > 3) {
            fprintf(stderr, "mlxplan: 'help' takes one command name (try 'mlxplan --help')\n");
            return 2;
        }
        const cli_cmd *cmd = find_command(argv[2]);
        if (!cmd)
            return unknown_command(argv[2]);
        char *help_argv[] = {"--help"};
        return run_command(cmd, 1, help_argv);
    }
    if (first[0] == '-') {
        /* the top level's own options; a command's option before the command */
        static const char *const top[] = {"--help", "--version"};
        const char *near = NULL;
        for (size_t i = 0; i < sizeof top / sizeof top[0] && strlen(first) > 2; i++)
            if (mp_edit_distance(first, top[i]) <= 2)
                near = top[i];
        if (near)
            fprintf(stderr, "mlxplan: unknown option '%.60s'; did you mean '%s'? (try "
                            "'mlxplan --help')\n", first, near);
        else
            fprintf(stderr, "mlxplan: unknown option '%.60s' (try 'mlxplan --help')\n", first);
        return 2;
    }
    const cli_cmd *cmd = find_command(first);
    if (!cmd)
        return unknown_command(first);
    return run_command(cmd, argc - 2, argv + 2);
}
