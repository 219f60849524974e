/* suggest.c - closest-name suggestions; see suggest.h. */
#include "kb/suggest.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

void mp_suggest_init(mp_suggest *s, const char *query)
{
    memset(s, 0, sizeof *s);
    size_t n = mp_fold(query, s->query, sizeof s->query);
    s->max_distance = n < 4 ? 1 : n < 8 ? 2 : (int)(n / 3);
}

void mp_suggest_offer(mp_suggest *s, const char *key, const char *display)
{
    char k[128];
    if (mp_fold(key, k, sizeof k) == 0 || s->query[0] == '\0')
        return;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->name[i], display) == 0)
            return;
    size_t ql = strlen(s->query), kl = strlen(k);
    int score;
    if (strstr(k, s->query) && ql >= 3) {
        score = (int)(kl - ql) / 4; /* contains the query */
    } else {
        /* bounded: every name of the docs tables is offered for each
         * unknown word, and most are far */
        int d = mp_edit_distance_max(s->query, k, s->max_distance);
        if (d > s->max_distance)
            return;
        score = d * 2 + 1;
    }
    /* insert keeping the best MP_SUGGEST_MAX, stable for equal scores */
    int pos = s->n;
    while (pos > 0 && s->score[pos - 1] > score)
        pos--;
    if (pos >= MP_SUGGEST_MAX)
        return;
    int last = s->n < MP_SUGGEST_MAX ? s->n : MP_SUGGEST_MAX - 1;
    for (int i = last; i > pos; i--) {
        s->score[i] = s->score[i - 1];
        memcpy(s->name[i], s->name[i - 1], sizeof s->name[i]);
    }
    s->score[pos] = score;
    mp_strlcpy(s->name[pos], display, sizeof s->name[pos]);
    if (s->n < MP_SUGGEST_MAX)
        s->n++;
}

bool mp_suggest_text(const mp_suggest *s, char *buf, size_t cap)
{
    size_t k = 0;
    if (cap)
        buf[0] = '\0';
    for (int i = 0; i < s->n && k < cap; i++) {
        const char *sep = i == 0 ? "" : i == s->n - 1 ? " or " : ", ";
        k += (size_t)snprintf(buf + k, cap - k, "%s'%s'", sep, s->name[i]);
    }
    return s->n > 0;
}
