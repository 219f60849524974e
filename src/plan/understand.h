/*
 * understand.h - after the request is read, what its words leave open is
 * turned into an assumption the plan states, never an error, where a
 * reasonable one exists:
 *  - a memory size and no chip ("on 8GB"): the newest chip sold with it;
 *  - a chip with a memory size it is not sold with ("M2 32GB"): the higher
 *    tier of that family that has it (M2 Pro), else the nearest size;
 *  - a size and no model ("a 7B", "70B-class"): the registry model nearest
 *    that size, chat-tuned first (spec.model_note says why).
 */
#ifndef MP_PLAN_UNDERSTAND_H
#define MP_PLAN_UNDERSTAND_H

#include "plan/plan.h"

/* Fill the open fields of p->spec as above, with notes in the plan. */
void mp_understand(mp_plan *p);

/* The memory sizes a request compares ("the 64 GB or the 128 GB M4 Max",
 * p->spec.alt_memory_gb) for model `a` at the planned context, side by side
 * in the summary: per size the chip bin sold with it, the format (the
 * plan's, `planned` on the planned machine `m`; else the best that fits),
 * its memory, decode speed and verdict, and the longest context at that
 * format; then what the larger size buys.
 * Nothing when the request names one size. */
void mp_understand_machines(mp_plan *p, const mp_arch *a, const mp_machine *m,
                            const mp_infer_result *planned);

#endif
