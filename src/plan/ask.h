/*
 * ask.h - the essentials a request left open (what to do, which model,
 * which machine), as at most three questions, each with the answer the plan
 * assumed as its default.  The command line asks them at a terminal
 * (src/cli/cmd_plan.c) and plans again with the answers; the plan's JSON
 * (and so the MCP plan tool) lists them under "ask".
 */
#ifndef MP_PLAN_ASK_H
#define MP_PLAN_ASK_H

#include <stddef.h>

#include "plan/plan.h"

#define MP_ASK_MAX 3

typedef struct mp_ask {
    const char *field;   /* "goal", "model", "machine" */
    char question[200];  /* one line, ends with '?' */
    char dflt[160];      /* the assumed answer ("run", "Qwen/Qwen3-14B", "M4 Pro 20c, 48 GB") */
} mp_ask;

/* The questions for the essentials `p` assumed, in the order goal, model,
 * machine; returns how many (0..MP_ASK_MAX).  A field given by the request,
 * a flag, the journal or this machine is never asked. */
int mp_plan_asks(const mp_plan *p, mp_ask out[MP_ASK_MAX]);

/* The question asked when the request says nothing plannable (mp_plan_build
 * failed with MP_PLAN_NOTHING_MSG): what to do, default "run". */
void mp_ask_goal(mp_ask *out);

/* Append `answer` for `field` to the request `text` (NUL-terminated, in a
 * buffer of `cap` bytes) so that planning it again reads the answer with
 * the words of the request.  Returns MP_ELIMIT (message in `err`) when the
 * result would not fit. */
int mp_ask_apply(char *text, size_t cap, const mp_ask *q, const char *answer, mp_error *err);

#endif
