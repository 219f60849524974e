/*
 * server.h - mlxplan's Model Context Protocol server: JSON-RPC 2.0 messages,
 * one per line, answered by a method table; the tools come from tools.h.
 *
 * Two layers, so each can be tested alone:
 *  - the protocol layer, mp_mcp_handle(): one message (the bytes of one
 *    line) in, zero or one answer line out.  Everything a request
 *    allocates is freed before it returns, so a session's memory does not
 *    grow with the number of requests;
 *  - the transport, mp_mcp_serve(): reads lines from a file descriptor with
 *    a hard length limit (a longer line is skipped up to its newline
 *    without being buffered, and answered with an error) and writes the
 *    answers to another.
 *
 * Protocol revisions (checked against the specification's own text):
 *  - legacy, with the `initialize` handshake: 2025-11-25, 2025-06-18,
 *    2025-03-26, 2024-11-05.  `initialize` answers with the client's
 *    version when it is one of these, else with 2025-11-25.  JSON-RPC
 *    batches are accepted only in a session that negotiated 2025-03-26 (the
 *    one revision that had them; 2025-06-18 removed them); otherwise an
 *    array is answered with one -32600 error.  Tool titles, output schemas
 *    and structuredContent exist from 2025-06-18 on; older sessions get the
 *    structured result as a second text block instead, and tool
 *    annotations from 2025-03-26 on.
 *  - modern, stateless: 2026-07-28.  A request whose
 *    params._meta["io.modelcontextprotocol/protocolVersion"] names it is
 *    served on its own, without a handshake (clientCapabilities is then
 *    required, -32602 without it); results carry resultType "complete" and
 *    the server's identity in _meta; list results carry ttlMs and
 *    cacheScope.  `server/discover` lists every version above.  An unknown
 *    version there is answered with -32022 and the supported list.
 *
 * Requests that arrive before `initialize` are served as 2025-11-25, so a
 * client that skips the handshake still works.  Notifications are never
 * answered.  Request ids are echoed exactly as sent (numbers by their
 * original text).  Errors: -32700 unparsable JSON or invalid UTF-8 (id
 * null), -32600 not a valid request, over-long line or refused batch,
 * -32601 unknown method, -32602 bad params (including an unknown tool or
 * non-object arguments), -32603 internal, -32022 unsupported version.  A
 * tool whose arguments break its schema, or whose engine refuses the
 * request, answers with a normal result marked isError: true.
 */
#ifndef MP_MCP_SERVER_H
#define MP_MCP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"
#include "util/error.h"

/* Longest message accepted (bytes, without the newline). */
#define MP_MCP_MAX_LINE_BYTES ((size_t)4 << 20)
/* Longest answer written; a larger result becomes a -32603 error. */
#define MP_MCP_MAX_REPLY_BYTES ((size_t)16 << 20)

/* Every protocol revision served, newest first (for help texts; a unit
 * test keeps it equal to the server's table). */
#define MP_MCP_PROTOCOL_VERSIONS "2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05"

typedef struct mp_mcp_options {
    FILE *log;               /* one line per message here (stderr); NULL: quiet */
    size_t max_line_bytes;   /* 0: MP_MCP_MAX_LINE_BYTES */
    size_t max_reply_bytes;  /* 0: MP_MCP_MAX_REPLY_BYTES */
} mp_mcp_options;

typedef struct mp_mcp_server mp_mcp_server;

/* Create a server: parses and checks every tool schema once.  `opts` may be
 * NULL.  Returns 0 with *out set (free with mp_mcp_server_free), MP_ENOMEM,
 * or MP_EINTERNAL when a schema of the tool table is malformed. */
int mp_mcp_server_new(const mp_mcp_options *opts, mp_mcp_server **out, mp_error *err);

/* Free a server.  Accepts NULL. */
void mp_mcp_server_free(mp_mcp_server *s);

/* Handle one message: `len` bytes at `msg`, without the newline (a final
 * '\r' and surrounding blanks are ignored; a blank message is skipped).
 * Appends the answer, one JSON text and a '\n', to `out`, or nothing for
 * notifications and client responses.  Never fails on bad input (that is
 * answered); returns 0, or the status of `out` (MP_ENOMEM / MP_ELIMIT) when
 * the answer could not be appended. */
int mp_mcp_handle(mp_mcp_server *s, const char *msg, size_t len, mp_buf *out);

/* Append the answer to a line longer than the limit (-32600, id null). */
void mp_mcp_reply_too_long(mp_mcp_server *s, mp_buf *out);

/* The line limit in force (the transport stops buffering past it). */
size_t mp_mcp_max_line_bytes(const mp_mcp_server *s);

/* The protocol version `initialize` negotiated; NULL before it. */
const char *mp_mcp_session_version(const mp_mcp_server *s);

/* Serve until end of input: read messages from `in_fd`, one per line,
 * write answers to `out_fd`.  Returns 0 at end of input; MP_EIO with a
 * message when reading or writing fails (a closed or broken output ends
 * the loop at once); MP_ENOMEM. */
int mp_mcp_serve(mp_mcp_server *s, int in_fd, int out_fd, mp_error *err);

#endif
