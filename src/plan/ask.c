/* ask.c - the questions for the essentials a plan assumed; see ask.h. */
#include "plan/ask.h"

#include <stdio.h>
#include <string.h>

#include "util/text.h"

static mp_ask *add(mp_ask *out, int *n, const char *field, const char *question,
                   const char *dflt)
{
    mp_ask *q = &out[(*n)++];
    q->field = field;
    mp_strlcpy(q->question, question, sizeof q->question);
    mp_strlcpy(q->dflt, dflt ? dflt : "", sizeof q->dflt);
    return q;
}

void mp_ask_goal(mp_ask *out)
{
    int n = 0;
    add(out, &n, "goal",
        "What should the plan do (run, fine-tune, train from scratch, serve, quantize, speed up)?",
        "run");
}

/* The plan's scenarios as words ("fine-tune, serve"). */
static void goal_words(unsigned sc, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (int b = 0; b < MP_INTENT_COUNT && k < cap; b++)
        if (sc & (1u << b))
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? ", " : "",
                                  mp_intent_name(1u << b));
    if (!buf[0])
        mp_strlcpy(buf, "run", cap);
}

int mp_plan_asks(const mp_plan *p, mp_ask out[MP_ASK_MAX])
{
    const mp_spec *s = &p->spec;
    int n = 0;
    if (s->intents_prov == MP_PROV_ASSUMED) {
        char words[120];
        goal_words(p->scenarios, words, sizeof words);
        mp_ask_goal(&out[n]);
        mp_strlcpy(out[n++].dflt, words, sizeof out[0].dflt);
    }
    if (p->model_id && (s->model.prov == MP_PROV_ASSUMED || s->model.prov == MP_PROV_NONE) &&
        !(p->scenarios & MP_INTENT_PRETRAIN))
        add(out, &n, "model", "Which model (a Hugging Face id, or a family and size)?",
            p->model_id);
    if (p->machine && (s->chip.prov == MP_PROV_ASSUMED || s->memory_gb.prov == MP_PROV_ASSUMED))
        add(out, &n, "machine", "Which machine (chip and memory, e.g. M3 Max 36GB)?",
            p->machine);
    return n;
}

int mp_ask_apply(char *text, size_t cap, const mp_ask *q, const char *answer, mp_error *err)
{
    size_t k = strlen(text);
    /* the machine's words read as a machine after "on" ("on 64GB", "on M2 Max") */
    const char *lead = strcmp(q->field, "machine") == 0 ? "on " : "";
    int n = snprintf(text + k, cap - k, "%s%s%s", k ? ". " : "", lead, answer);
    if (n < 0 || (size_t)n >= cap - k) {
        text[k] = '\0';
        return mp_error_set(err, MP_ELIMIT, "the request with the answer to '%s' is over the "
                            "limit of %zu bytes", q->question, cap - 2);
    }
    return 0;
}
