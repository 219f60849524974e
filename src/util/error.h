/*
 * error.h - the one list of error codes, and the error record that carries
 * a message up to the front-end.
 *
 * Library functions return 0 (MP_OK) or a negative code from MP_ERRORS and,
 * when given a non-NULL `mp_error *`, fill it with a one-line message that
 * names the bad value.  Results travel through out-parameters.  The CLI maps
 * the code to an exit status (mp_error_exit_code), the MCP server to a
 * JSON-RPC error or an isError tool result; both print the same message.
 *
 * A lower layer's message is never overwritten by a caller: mp_error_set()
 * only writes when the record is still empty, so the most specific cause
 * survives.  Use mp_error_prefix() to add context in front of it.
 */
#ifndef MP_UTIL_ERROR_H
#define MP_UTIL_ERROR_H

#include <stddef.h>

/* X(name, value, exit status, short description) */
#define MP_ERRORS(X)                                                        \
    X(MP_OK,          0,  0, "success")                                     \
    X(MP_EUSAGE,     -1,  2, "bad usage")                                   \
    X(MP_EINVAL,     -2,  2, "invalid value")                               \
    X(MP_ENOTFOUND,  -3,  2, "not found")                                   \
    X(MP_EAMBIGUOUS, -4,  2, "ambiguous name")                              \
    X(MP_EPARSE,     -5,  1, "malformed input")                             \
    X(MP_EIO,        -6,  1, "input/output error")                          \
    X(MP_ELIMIT,     -7,  1, "input exceeds a limit")                       \
    X(MP_ENOMEM,     -8,  1, "out of memory")                               \
    X(MP_EUNSUPPORTED, -9, 1, "not supported")                              \
    X(MP_ENETWORK,  -10,  1, "network error")                               \
    X(MP_EINTERNAL, -11,  1, "internal error")                              \
    X(MP_EFOUND,    -12,  1, "problems found")

enum mp_code {
#define MP_ERR_ENUM(name, value, exit_status, desc) name = value,
    MP_ERRORS(MP_ERR_ENUM)
#undef MP_ERR_ENUM
};

#define MP_ERROR_MSG_MAX 512

typedef struct mp_error {
    int code;                      /* an enum mp_code, 0 when unset */
    char msg[MP_ERROR_MSG_MAX];    /* one line, no "mlxplan: " prefix, no newline */
} mp_error;

/* Clear the record.  Accepts NULL. */
void mp_error_clear(mp_error *err);

/* Record `code` with a printf-style message unless `err` already holds one.
 * Returns `code` so callers can write `return mp_error_set(err, ...)`.
 * Accepts err == NULL (then only returns code).  Newlines and control
 * characters in the formatted message are replaced by spaces and bytes
 * that are not valid UTF-8 by '?', so a message is one line of UTF-8. */
int mp_error_set(mp_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Put "context: " in front of the message already recorded (if any). */
void mp_error_prefix(mp_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Exit status for a code: 0 success, 2 usage-type errors, 1 others. */
int mp_error_exit_code(int code);

/* Stable lower-case identifier ("not found", ...) for a code. */
const char *mp_error_desc(int code);

/* Stable symbolic name ("MP_ENOTFOUND") for a code, used in JSON output. */
const char *mp_error_name(int code);

#endif
