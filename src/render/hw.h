/*
 * hw.h - renderers for chips, machine budgets and host detection, in
 * Markdown (for people) and JSON (for programs and the MCP server).
 */
#ifndef MP_RENDER_HW_H
#define MP_RENDER_HW_H

#include <cjson/cJSON.h>

#include "engine/machine.h"
#include "kb/chips.h"
#include "platform/host.h"
#include "util/buf.h"

void mp_render_chip_list_md(mp_buf *out);
cJSON *mp_render_chip_list_json(void);

/* One chip; `memory_gb` 0 = every configuration's budget. */
void mp_render_chip_md(const mp_chip *c, int memory_gb, mp_buf *out);
cJSON *mp_render_chip_json(const mp_chip *c, int memory_gb);

/* A detected host and the chip it resolved to (NULL when none). */
void mp_render_host_md(const mp_host *h, const mp_chip *chip, const char *resolve_note,
                       mp_buf *out);
cJSON *mp_render_host_json(const mp_host *h, const mp_chip *chip, const char *resolve_note);

#endif
