/*
 * buf.h - a growable byte string with a size cap.
 *
 * Every renderer writes into an mp_buf; the front-end writes it out once, so a
 * failing command never leaves half a document on stdout or on disk.  The
 * buffer is always NUL-terminated.  Growth stops at `cap` bytes (default
 * MP_BUF_DEFAULT_CAP); past it, appends set `overflow` and are dropped, and
 * mp_buf_status() reports MP_ELIMIT, so a runaway renderer cannot eat memory.
 * Allocation failure is sticky in the same way (MP_ENOMEM).
 */
#ifndef MP_UTIL_BUF_H
#define MP_UTIL_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define MP_BUF_DEFAULT_CAP ((size_t)64 << 20) /* 64 MiB */

typedef struct mp_buf {
    char *data;      /* NUL-terminated; NULL until first append */
    size_t len;      /* bytes used, excluding the NUL */
    size_t alloc;    /* bytes allocated */
    size_t cap;      /* maximum len; 0 means MP_BUF_DEFAULT_CAP */
    bool overflow;   /* an append was dropped because of cap */
    bool oom;        /* an allocation failed */
} mp_buf;

#define MP_BUF_INIT {NULL, 0, 0, 0, false, false}

void mp_buf_init(mp_buf *b);
/* Free the storage and reset to empty.  Accepts NULL. */
void mp_buf_release(mp_buf *b);
/* Keep the storage, set length to 0 and clear the sticky flags. */
void mp_buf_reset(mp_buf *b);

void mp_buf_append(mp_buf *b, const void *data, size_t n);
void mp_buf_puts(mp_buf *b, const char *s);
void mp_buf_putc(mp_buf *b, char c);
void mp_buf_printf(mp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mp_buf_vprintf(mp_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append `n` copies of `c`. */
void mp_buf_repeat(mp_buf *b, char c, size_t n);

/* The contents as a C string ("" when empty); owned by the buffer. */
const char *mp_buf_cstr(const mp_buf *b);

/* Take ownership of the contents (caller frees); the buffer becomes empty.
 * Returns a malloc'd "" for an empty buffer, NULL on allocation failure. */
char *mp_buf_detach(mp_buf *b, size_t *len_out);

/* 0, MP_ELIMIT after an overflow, MP_ENOMEM after an allocation failure. */
int mp_buf_status(const mp_buf *b);

#endif
