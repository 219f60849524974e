/* buf.c - growable string with a cap; see buf.h. */
#include "util/buf.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

void mp_buf_init(mp_buf *b)
{
    mp_buf zero = MP_BUF_INIT;
    *b = zero;
}

void mp_buf_release(mp_buf *b)
{
    if (!b)
        return;
    free(b->data);
    size_t cap = b->cap;
    mp_buf_init(b);
    b->cap = cap;
}

void mp_buf_reset(mp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
    b->overflow = false;
    b->oom = false;
}

static size_t cap_of(const mp_buf *b)
{
    return b->cap ? b->cap : MP_BUF_DEFAULT_CAP;
}

/* Make room for `extra` more bytes plus the NUL.  False when refused. */
static bool reserve(mp_buf *b, size_t extra)
{
    if (b->overflow || b->oom)
        return false;
    if (extra > cap_of(b) - b->len) {
        b->overflow = true;
        return false;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->alloc)
        return true;
    size_t n = b->alloc ? b->alloc : 256;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    char *p = realloc(b->data, n);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->alloc = n;
    return true;
}

void mp_buf_append(mp_buf *b, const void *data, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mp_buf_puts(mp_buf *b, const char *s)
{
    mp_buf_append(b, s, strlen(s));
}

void mp_buf_putc(mp_buf *b, char c)
{
    mp_buf_append(b, &c, 1);
}

void mp_buf_repeat(mp_buf *b, char c, size_t n)
{
    if (!reserve(b, n))
        return;
    memset(b->data + b->len, c, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mp_buf_vprintf(mp_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        mp_buf_append(b, small, (size_t)n);
        return;
    }
    if (!reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void mp_buf_printf(mp_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mp_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *mp_buf_cstr(const mp_buf *b)
{
    return b->data ? b->data : "";
}

char *mp_buf_detach(mp_buf *b, size_t *len_out)
{
    char *p = b->data;
    size_t len = b->len;
    if (!p) {
        p = malloc(1);
        if (!p)
            return NULL;
        p[0] = '\0';
        len = 0;
    }
    size_t cap = b->cap;
    mp_buf_init(b);
    b->cap = cap;
    if (len_out)
        *len_out = len;
    return p;
}

int mp_buf_status(const mp_buf *b)
{
    if (b->oom)
        return MP_ENOMEM;
    if (b->overflow)
        return MP_ELIMIT;
    return 0;
}
