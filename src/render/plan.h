/*
 * plan.h - the plan document as Markdown (for people) and JSON (for tools:
 * the parsed request under "spec" with each field's value and provenance,
 * the key numbers with their label and basis, and the sections as typed
 * blocks whose items are spans: text, emphasis, code and numbers with their
 * value and unit, never Markdown).
 */
#ifndef MP_RENDER_PLAN_H
#define MP_RENDER_PLAN_H

#include <cjson/cJSON.h>

#include "plan/plan.h"
#include "util/buf.h"

void mp_render_plan_md(const mp_plan *p, mp_buf *out);
cJSON *mp_render_plan_json(const mp_plan *p);

#endif
