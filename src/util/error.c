/* error.c - the error record; see error.h. */
#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

void mp_error_clear(mp_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->msg[0] = '\0';
}

int mp_error_set(mp_error *err, int code, const char *fmt, ...)
{
    if (!err || err->code != 0)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    mp_clean_line(err->msg);
    err->code = code;
    return code;
}

void mp_error_prefix(mp_error *err, const char *fmt, ...)
{
    if (!err || err->code == 0)
        return;
    char head[MP_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    /* head + ": " + old message, truncated to the record's size */
    char joined[MP_ERROR_MSG_MAX];
    size_t n = strlen(head);
    if (n > sizeof joined - 3)
        n = sizeof joined - 3;
    memcpy(joined, head, n);
    memcpy(joined + n, ": ", 2);
    n += 2;
    size_t m = strlen(err->msg);
    if (m > sizeof joined - 1 - n)
        m = sizeof joined - 1 - n;
    memcpy(joined + n, err->msg, m);
    joined[n + m] = '\0';
    memcpy(err->msg, joined, n + m + 1);
    mp_clean_line(err->msg);
}

int mp_error_exit_code(int code)
{
    switch (code) {
#define MP_ERR_EXIT(name, value, exit_status, desc) case name: return exit_status;
        MP_ERRORS(MP_ERR_EXIT)
#undef MP_ERR_EXIT
    }
    return 1;
}

const char *mp_error_desc(int code)
{
    switch (code) {
#define MP_ERR_DESC(name, value, exit_status, desc) case name: return desc;
        MP_ERRORS(MP_ERR_DESC)
#undef MP_ERR_DESC
    }
    return "unknown error";
}

const char *mp_error_name(int code)
{
    switch (code) {
#define MP_ERR_NAME(name, value, exit_status, desc) case name: return #name;
        MP_ERRORS(MP_ERR_NAME)
#undef MP_ERR_NAME
    }
    return "MP_EUNKNOWN";
}
