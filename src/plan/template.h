/*
 * template.h - the project files a plan hands out: templates from
 * data/plan/ (compiled in through data/plan/templates.tsv) with
 * placeholders @NAME@ filled from the plan's decisions.
 */
#ifndef MP_PLAN_TEMPLATE_H
#define MP_PLAN_TEMPLATE_H

#include <stddef.h>

#include "kb/tables.h"
#include "util/buf.h"
#include "util/error.h"

/* One placeholder and its text (without the @ signs). */
typedef struct mp_tpl_var {
    const char *name, *value;
} mp_tpl_var;

/* Append `text` to `out` with every @NAME@ replaced by its value in `vars`.
 * An @ not followed by NAME@ (capitals, digits, _) is copied as is (Python
 * decorators).  Errors: MP_EINVAL naming the first placeholder `vars` lacks;
 * `out` then holds the text up to it. */
int mp_tpl_render(mp_buf *out, const char *text, const mp_tpl_var *vars, size_t n,
                  mp_error *err);

/* The project files of `flow` ("pretrain", ...) in table order: `*n` rows,
 * or NULL with *n = 0 when the flow has none.  Static storage. */
const mp_plan_file_row *mp_tpl_files(const char *flow, size_t *n);

struct mp_plan;
/* The project files of `flow` into the plan's Code patterns: a table of
 * path and purpose, then each file rendered with `vars` as a code block
 * (yaml for .yaml, else python).  Errors: those of mp_tpl_render; the
 * files before the failing one stay written. */
int mp_tpl_write(struct mp_plan *p, const char *flow, const mp_tpl_var *vars, size_t n,
                 mp_error *err);

#endif
