/* cmd_mcp.c - `mlxplan mcp`: the engine as Model Context Protocol tools for
 * coding agents, over stdin/stdout until the client closes the input. */
#include <signal.h>
#include <unistd.h>

#include "cli/cli.h"
#include "mcp/server.h"
#include "mcp/tools.h"

static int run(const cli_args *args, cli_io *io)
{
    (void)io->argv0;
    mp_mcp_options o = {0};
    if (mp_pv_given(&args->pv, MP_P_LOG))
        o.log = stderr;
    /* a client that goes away must end the loop with an error, not a signal */
    struct sigaction sa;
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, NULL);

    mp_mcp_server *s = NULL;
    int rc = mp_mcp_server_new(&o, &s, &io->err);
    if (rc)
        return rc;
    rc = mp_mcp_serve(s, STDIN_FILENO, STDOUT_FILENO, &io->err);
    mp_mcp_server_free(s);
    return rc;
}

const cli_cmd cli_cmd_mcp = {
    "mcp",
    run,
    "serve the engine as MCP tools over stdio (for Claude Code and other agents)",
    "[--log]",
    "Runs a Model Context Protocol server on standard input and output: one JSON-RPC\n"
    "2.0 message per line in, one answer per line out, nothing else on stdout.  It\n"
    "stops with status 0 when the input ends.  Started by an MCP client, not by hand:\n"
    "\n"
    "  claude mcp add mlxplan -- mlxplan mcp\n"
    "\n"
    "or in a project's .mcp.json:\n"
    "\n"
    "  {\"mcpServers\": {\"mlxplan\": {\"command\": \"mlxplan\", \"args\": [\"mcp\"]}}}\n"
    "\n"
    "Tools: plan, estimate, fit, hardware (list, show, detect), model_info,\n"
    "docs_search, docs_show, check_code.  Each returns Markdown for people and\n"
    "structured content that matches its published output schema; a bad argument\n"
    "comes back as a tool error that says what to change.  A tool whose engine is\n"
    "not in this build answers \"not available in this build\".\n"
    "\n"
    "Protocol versions: " MP_MCP_PROTOCOL_VERSIONS ".\n"
    "2026-07-28 is served statelessly (server/discover, per-request _meta); the\n"
    "others through the initialize handshake.  JSON-RPC batches only in 2025-03-26.\n"
    "Messages longer than 4 MiB are refused.  Logs go to stderr, and only with --log.",
    NULL,
    0,
    0,
    MP_PC_MCP,
};
