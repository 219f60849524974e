/*
 * spec_words.h - the word helpers of the request reader (spec.c and
 * spec_settings.c): the text split into lower-case words, word and phrase
 * tests, numbers as people write them ("12k", "1.5m", "10,000"), evidence
 * quotes.  Internal to src/plan/.
 */
#ifndef MP_PLAN_SPEC_WORDS_H
#define MP_PLAN_SPEC_WORDS_H

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/spec.h"

#define MAX_WORDS 4096
#define WORD_LEN 48

typedef struct words {
    int n;
    char w[MAX_WORDS][WORD_LEN]; /* lower-case; letters, digits, '.', '-', '/', '_' kept */
    bool taken[MAX_WORDS];       /* a number a setting has read (spec_settings.c) */
} words;

/* Split into words: runs of letters, digits and . - / _ + (trailing
 * punctuation trimmed). */
static inline void split(const char *text, size_t len, words *ws)
{
    ws->n = 0;
    size_t i = 0;
    while (i < len && ws->n < MAX_WORDS) {
        unsigned char c = (unsigned char)text[i];
        if (!(isalnum(c) && c < 0x80)) {
            i++;
            continue;
        }
        int k = 0;
        while (i < len) {
            c = (unsigned char)text[i];
            unsigned char prev = i > 0 ? (unsigned char)text[i - 1] : 0;
            unsigned char next = i + 1 < len ? (unsigned char)text[i + 1] : 0;
            /* "32,768" is one number, "Q&A" one word */
            bool keep = (isalnum(c) && c < 0x80) || c == '.' || c == '-' || c == '/' || c == '_' ||
                        c == '+' || (c == ',' && isdigit(prev) && isdigit(next)) ||
                        (c == '&' && isalpha(prev) && isalpha(next));
            if (!keep)
                break;
            if (k < WORD_LEN - 1)
                ws->w[ws->n][k++] = (char)tolower(c);
            i++;
        }
        while (k > 0 && strchr(".-/_+", ws->w[ws->n][k - 1]))
            k--;
        ws->w[ws->n][k] = '\0';
        if (k)
            ws->taken[ws->n++] = false;
    }
}

static inline bool is(const words *ws, int i, const char *w)
{
    return i >= 0 && i < ws->n && strcmp(ws->w[i], w) == 0;
}

static inline bool one_of(const char *w, const char *const *list)
{
    for (const char *const *p = list; *p; p++)
        if (strcmp(w, *p) == 0)
            return true;
    return false;
}

/* Whether "kv" (or "kv-cache") is among the three words before or after word i. */
static inline bool kv_word_near(const words *ws, int i)
{
    for (int j = i - 3; j <= i + 3; j++)
        if (j >= 0 && j < ws->n && j != i &&
            (strcmp(ws->w[j], "kv") == 0 || strcmp(ws->w[j], "kv-cache") == 0 ||
             strcmp(ws->w[j], "kv-bits") == 0))
            return true;
    return false;
}

static inline bool any_word(const words *ws, const char *const *list)
{
    for (int i = 0; i < ws->n; i++)
        for (const char *const *p = list; *p; p++)
            if (strcmp(ws->w[i], *p) == 0)
                return true;
    return false;
}

static inline bool any_prefix(const words *ws, const char *const *list)
{
    for (int i = 0; i < ws->n; i++)
        for (const char *const *p = list; *p; p++)
            if (strncmp(ws->w[i], *p, strlen(*p)) == 0)
                return true;
    return false;
}

/* Case-insensitive phrase search in the raw text (for multi-word cues). */
static inline bool phrase(const char *lower, const char *p)
{
    return strstr(lower, p) != NULL;
}

/* "12", "12.5", "12k", "1.5m", "2b", "10,000" -> value; false when not a number. */
static inline bool number(const char *w, double k_mult, double *out)
{
    char buf[WORD_LEN];
    size_t n = 0;
    for (const char *p = w; *p && n + 1 < sizeof buf; p++)
        if (*p != ',')
            buf[n++] = *p;
    buf[n] = '\0';
    if (!n || !(isdigit((unsigned char)buf[0]) ||
                (buf[0] == '.' && isdigit((unsigned char)buf[1]))))
        return false;
    char *end;
    double v = strtod(buf, &end);
    if (end == buf || !isfinite(v))
        return false;
    if (*end == 'k' && end[1] == '\0')
        v *= k_mult;
    else if (*end == 'm' && end[1] == '\0')
        v *= 1e6;
    else if (*end == 'b' && end[1] == '\0')
        v *= 1e9;
    else if (*end != '\0')
        return false;
    *out = v;
    return true;
}

static inline bool number_word(const char *w, double *out)
{
    static const char *const names[] = {"one", "two", "three", "four", "five", "six",
                                        "seven", "eight", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(w, names[i]) == 0) {
            *out = i + 1;
            return true;
        }
    return number(w, 1000, out);
}

static inline void evidence(const words *ws, int from, int to, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int i = from < 0 ? 0 : from; i <= to && i < ws->n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i > from ? " " : "", ws->w[i]);
}

/* "ten million" -> "10m", "100 billion" -> "100b": one number word each. */
void mp_spec_word_numbers(words *ws);

/* Read the settings stated in words (spec_settings.c): batch, sequence
 * length, layers, checkpointing, prompt length, request rate, data size, use
 * case; marks the numbers it takes. */
void mp_spec_read_settings(mp_spec *s, words *ws, const char *lower, mp_prov prov);

/* Read the model the request names (spec_model.c) and the others it
 * compares with; `orig` is the request with its case kept (for Hub ids). */
void mp_spec_read_model(mp_spec *s, const words *ws, const char *orig, mp_prov prov);

/* The nouns that make a number a count of data ("10k examples"; NULL-terminated). */
extern const char *const *const mp_spec_data_nouns;

#endif
