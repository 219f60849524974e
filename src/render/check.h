/*
 * check.h - renderers for the findings of `mlxplan check`: compiler-style
 * text for people and editors, JSON for programs and the MCP server.
 */
#ifndef MP_RENDER_CHECK_H
#define MP_RENDER_CHECK_H

#include <cjson/cJSON.h>

#include "check/check.h"
#include "util/buf.h"

/* One block per finding:
 *   file:line:col: severity [MLX101] message
 *     hint: ...
 *     practice: LAZY-001 - <the practice's rule>
 * then a summary line ("3 problems (1 error, 2 warnings) in 2 files"). */
void mp_render_check_text(const mp_check_result *r, mp_buf *out);

/* {"findings": [{file, line, col, severity, rule, name, message, hint,
 * practice, practice_rule}], "counts": {files, files_with_findings, errors,
 * warnings, notes, total}}.  The caller frees the tree; NULL when out of
 * memory. */
cJSON *mp_render_check_json(const mp_check_result *r);

/* The summary line alone, without a newline. */
void mp_render_check_summary(const mp_check_result *r, mp_buf *out);

#endif
