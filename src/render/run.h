/*
 * run.h - renderers for one run compared with its estimate (runs add, runs
 * read with a setup) and for the stored runs (list, show), in Markdown and
 * JSON.  Every figure carries its label: measured (read from the output),
 * estimated (the model, no calibration) and the setup part's source.
 */
#ifndef MP_RENDER_RUN_H
#define MP_RENDER_RUN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "runs/diagnose.h"
#include "runs/read.h"
#include "runs/store.h"
#include "util/buf.h"

typedef struct mp_run_view {
    const mp_run_reading *reading;
    const mp_run_row *row;          /* setup, measured figures, plain estimate */
    bool have_estimate;
    const double *band_pct;         /* [MP_RUN_KIND_N] */
    int n_assumed;
    const char (*assumed)[200];
    const char *no_estimate;        /* why there is none ("" when there is one) */
    int64_t id;                     /* stored id, 0 when not stored */
    const char *db_path;            /* where it was stored */
    const mp_diagnosis *diag;       /* the verdict and causes; NULL none */
    const char *title;              /* the heading in place of "# Run ..." (one level down
                                     * throughout: a section of a plan); NULL: own document */
} mp_run_view;

/* The diagnosis alone: "## Diagnosis", the verdict line, the ranked causes
 * (also used by plan for a measured run). */
void mp_render_diagnosis_md(const mp_diagnosis *d, mp_buf *out);
cJSON *mp_render_diagnosis_json(const mp_diagnosis *d);
/* The same with a heading of `level` (2 or 3) '#'. */
void mp_render_diagnosis_level_md(const mp_diagnosis *d, int level, mp_buf *out);

/* "# Run N added" (or "# Run output read" when not stored): the setup with
 * where each part came from, the assumptions, the measured figures beside
 * the estimate for the same setup. */
void mp_render_run_md(const mp_run_view *v, mp_buf *out);
cJSON *mp_render_run_json(const mp_run_view *v);

/* The stored runs as a table / a JSON object {"database":..., "runs":[...]}. */
void mp_render_runs_list_md(const mp_run_row *rows, int n, const char *db_path, mp_buf *out);
cJSON *mp_render_runs_list_json(const mp_run_row *rows, int n, const char *db_path);

/* One stored run (runs show): its row and the reading stored with it
 * (reading_json: the text stored, may be NULL). */
void mp_render_run_row_md(const mp_run_row *row, const char *reading_json, mp_buf *out);
cJSON *mp_render_run_row_json(const mp_run_row *row, const char *reading_json);

/* One stored row's fields as JSON (for the list and show). */
cJSON *mp_render_run_row_fields(const mp_run_row *row);

#endif
