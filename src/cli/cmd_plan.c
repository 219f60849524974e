/* cmd_plan.c - placeholder until the plan command lands. */
#include "cli/cli.h"

static int run(const cli_args *args, cli_io *io)
{
    (void)args;
    return mp_error_set(&io->err, MP_EUNSUPPORTED, "'plan' is not built yet");
}

static const cli_opt opts[] = {{NULL, 0, CLI_SWITCH, NULL, NULL}};

const cli_cmd cli_cmd_plan = {"plan", run, "(not built yet)", "", NULL, opts, 0, -1};
