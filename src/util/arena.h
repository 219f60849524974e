/*
 * arena.h - one allocation arena per document or request: many small
 * strings and arrays, freed together.  Allocation failure is sticky
 * (mp_arena_failed) so builders can check once at the end.
 */
#ifndef MP_UTIL_ARENA_H
#define MP_UTIL_ARENA_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct mp_arena mp_arena;

mp_arena *mp_arena_new(void);
/* An arena that holds at most `limit_bytes` in its chunks (0: no limit): an
 * allocation past it fails as one out of memory does, and
 * mp_arena_over_limit() then says why. */
mp_arena *mp_arena_new_limited(size_t limit_bytes);
/* Free everything.  Accepts NULL. */
void mp_arena_free(mp_arena *a);
/* Zeroed memory owned by the arena; NULL (and the failed flag) on failure. */
void *mp_arena_alloc(mp_arena *a, size_t n);
char *mp_arena_strdup(mp_arena *a, const char *s);
char *mp_arena_printf(mp_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *mp_arena_vprintf(mp_arena *a, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
bool mp_arena_failed(const mp_arena *a);
/* The arena failed because its byte limit was reached (not malloc). */
bool mp_arena_over_limit(const mp_arena *a);

#endif
