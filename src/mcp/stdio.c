/*
 * stdio.c - the MCP stdio transport: newline-delimited messages read from
 * one file descriptor, answers written to another; see server.h.
 *
 * Reading uses read(2) into a fixed chunk rather than getline(), so a line
 * past the limit is never held in memory: the reader answers it once and
 * then drops bytes until the next newline.  A final line without a newline
 * is still handled at end of input.  Every answer is written in full
 * before the next message is read, so the client sees answers in order.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mcp/server.h"

#define CHUNK_BYTES 65536

static int write_all(int fd, const char *p, size_t n, mp_error *err)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return mp_error_set(err, MP_EIO, "cannot write to the client: %s",
                                k < 0 ? strerror(errno) : "nothing written");
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Send what `out` holds and empty it. */
static int flush_out(mp_buf *out, int fd, mp_error *err)
{
    int st = mp_buf_status(out);
    if (st) {
        mp_buf_reset(out);
        return mp_error_set(err, st, "cannot build an answer: %s", mp_error_desc(st));
    }
    int rc = out->len ? write_all(fd, out->data, out->len, err) : 0;
    mp_buf_reset(out);
    return rc;
}

int mp_mcp_serve(mp_mcp_server *s, int in_fd, int out_fd, mp_error *err)
{
    size_t max_line = mp_mcp_max_line_bytes(s);
    mp_buf line = MP_BUF_INIT, out = MP_BUF_INIT;
    char chunk[CHUNK_BYTES];
    bool skipping = false; /* inside a line that passed the limit */
    int rc = 0;
    line.cap = max_line + 1;

    for (;;) {
        ssize_t n = read(in_fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = mp_error_set(err, MP_EIO, "cannot read from the client: %s", strerror(errno));
            break;
        }
        if (n == 0) { /* end of input: a last line without its newline still counts */
            if (!skipping && line.len) {
                mp_mcp_handle(s, line.data, line.len, &out);
                rc = flush_out(&out, out_fd, err);
            }
            break;
        }
        const char *p = chunk, *end = chunk + n;
        while (p < end && rc == 0) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t seg = (size_t)((nl ? nl : end) - p);
            if (!skipping && line.len + seg > max_line) {
                /* answer at once; the rest of the line is dropped as it arrives */
                skipping = true;
                mp_buf_reset(&line);
                mp_mcp_reply_too_long(s, &out);
                rc = flush_out(&out, out_fd, err);
            } else if (!skipping) {
                mp_buf_append(&line, p, seg);
            }
            if (!nl)
                break;
            if (!skipping && rc == 0) {
                mp_mcp_handle(s, line.data ? line.data : "", line.len, &out);
                rc = flush_out(&out, out_fd, err);
            }
            skipping = false;
            mp_buf_reset(&line);
            p = nl + 1;
        }
        if (rc)
            break;
    }
    mp_buf_release(&line);
    mp_buf_release(&out);
    return rc;
}
