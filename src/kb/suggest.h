/*
 * suggest.h - "did you mean" for every name look-up (chips, models, API
 * names, flags).  Offer each known name; keep the few closest to what the
 * user typed by edit distance on folded text (case, spaces and punctuation
 * ignored), with a bonus for names that contain the query.
 */
#ifndef MP_KB_SUGGEST_H
#define MP_KB_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

#define MP_SUGGEST_MAX 3

typedef struct mp_suggest {
    char query[128];                 /* folded query */
    int max_distance;                /* accept up to this distance */
    int n;
    int score[MP_SUGGEST_MAX];       /* lower is better */
    char name[MP_SUGGEST_MAX][96];   /* display names, copied */
} mp_suggest;

/* Start a suggestion round for `query`. */
void mp_suggest_init(mp_suggest *s, const char *query);

/* Consider `display` (copied), compared through `key` (what is folded and
 * measured; usually the same string).  Equal displays are kept once. */
void mp_suggest_offer(mp_suggest *s, const char *key, const char *display);

/* "'a', 'b' or 'c'" into buf; false (and "") when nothing was close. */
bool mp_suggest_text(const mp_suggest *s, char *buf, size_t cap);

#endif
