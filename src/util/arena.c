/* arena.c - chunked bump allocator; see arena.h. */
#include "util/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];
} chunk;

struct mp_arena {
    chunk *head;
    bool failed;
    bool over_limit;
    size_t limit_bytes; /* 0: none */
    size_t chunk_bytes; /* held in chunks so far */
};

mp_arena *mp_arena_new(void)
{
    return calloc(1, sizeof(mp_arena));
}

mp_arena *mp_arena_new_limited(size_t limit_bytes)
{
    mp_arena *a = mp_arena_new();
    if (a)
        a->limit_bytes = limit_bytes;
    return a;
}

void mp_arena_free(mp_arena *a)
{
    if (!a)
        return;
    for (chunk *c = a->head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    free(a);
}

void *mp_arena_alloc(mp_arena *a, size_t n)
{
    if (!a || a->failed)
        return NULL;
    size_t align = sizeof(max_align_t);
    n = (n + align - 1) / align * align;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 64 * 1024 ? n : 64 * 1024;
        if (a->limit_bytes && (cap > a->limit_bytes || a->chunk_bytes > a->limit_bytes - cap)) {
            a->failed = a->over_limit = true;
            return NULL;
        }
        chunk *c = malloc(sizeof(chunk) + cap);
        if (!c) {
            a->failed = true;
            return NULL;
        }
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
        a->chunk_bytes += cap;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

char *mp_arena_strdup(mp_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = mp_arena_alloc(a, n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

char *mp_arena_vprintf(mp_arena *a, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *p = mp_arena_alloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *mp_arena_printf(mp_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = mp_arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

bool mp_arena_failed(const mp_arena *a)
{
    return !a || a->failed;
}

bool mp_arena_over_limit(const mp_arena *a)
{
    return a && a->over_limit;
}
