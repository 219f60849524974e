/*
 * runs.h - renderers for the user's own runs: what a reader took from pasted
 * mlx-lm output (every figure labelled measured, with the line it came from),
 * in Markdown and JSON.
 */
#ifndef MP_RENDER_RUNS_H
#define MP_RENDER_RUNS_H

#include <cjson/cJSON.h>

#include "runs/read.h"
#include "util/buf.h"

/* The figures and setup read, then the lines used and not understood. */
void mp_render_reading_md(const mp_run_reading *r, mp_buf *out);
/* The same as a JSON object (the caller deletes it); NULL when out of memory. */
cJSON *mp_render_reading_json(const mp_run_reading *r);
/* Only the figures and setup as JSON fields added to `obj` (for runs show). */
void mp_render_reading_fields_json(const mp_run_reading *r, cJSON *obj);

#endif
