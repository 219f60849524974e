/*
 * plan.h - the plan document as Markdown (for people) and JSON (for tools:
 * the parsed request under "spec" with each field's value and provenance,
 * the key numbers with their label and basis, and the sections as typed
 * blocks whose items are spans: text, emphasis, code and numbers with their
 * value and unit, never Markdown), and HTML (render/html.h's page, written
 * from the same spans: each number a <data> element with its value, unit
 * and, for a key number, name, label and basis).
 */
#ifndef MP_RENDER_PLAN_H
#define MP_RENDER_PLAN_H

#include <cjson/cJSON.h>

#include "plan/plan.h"
#include "render/charts.h"
#include "util/buf.h"

void mp_render_plan_md(const mp_plan *p, mp_buf *out);
cJSON *mp_render_plan_json(const mp_plan *p);
/* The plan as one self-contained HTML page, appended to `out`: the sections
 * of the Markdown with the same words, `charts` (may be NULL) after the
 * section their `section` names ("1. Summary and verdict", "" after the
 * title).  No Markdown is read on the way. */
void mp_render_plan_html(const mp_plan *p, const mp_chart_set *charts, mp_buf *out);

#endif
