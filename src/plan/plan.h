/*
 * plan.h - the plan document: structured data first (sections of typed
 * blocks, the spec with provenance, key numbers with their basis), rendered
 * to Markdown or JSON by render/plan.h.
 *
 * A block's items are not Markdown: each is a run of typed spans (plain
 * text, emphasis, code, and numbers with their value, unit and, for the
 * plan's key numbers, their name, label and basis), so the renderers decide
 * the markup and JSON carries the numbers as numbers.
 *
 * mp_plan_build() reads the request (flags, text, journal, this machine),
 * takes every decision through the engines (infer, train, fit) and fills the
 * twelve sections of the design: summary, what was understood, architecture,
 * dependencies, implementation steps, performance targets, code patterns,
 * testing, optimisation guide, deployment, todo checklist, sources.  No
 * number in a plan is written by hand: each comes from an engine result.
 */
#ifndef MP_PLAN_PLAN_H
#define MP_PLAN_PLAN_H

#include <stdbool.h>

#include "engine/fit.h"
#include "engine/infer.h"
#include "engine/sweep.h"
#include "engine/train.h"
#include "model/registry.h"
#include "plan/spec.h"
#include "runs/calib.h"
#include "runs/diagnose.h"
#include "util/arena.h"
#include "util/error.h"

typedef enum mp_blk_kind {
    MP_BLK_PARA,
    MP_BLK_BULLETS,
    MP_BLK_NUMBERED,
    MP_BLK_CHECKLIST,
    MP_BLK_CODE,
    MP_BLK_TABLE,
} mp_blk_kind;

/* How a number was obtained. */
typedef enum mp_label {
    MP_LABEL_NONE,        /* not said (a number of the text that is no key number) */
    MP_LABEL_ESTIMATED,   /* computed by the engines from the model and the machine */
    MP_LABEL_CALIBRATED,  /* fitted to runs measured on this machine */
    MP_LABEL_MEASURED,    /* measured (given by the user, or a recorded run) */
    MP_LABEL_INPUT,       /* a setting of the plan: given in the request, or chosen */
} mp_label;

/* "estimated", "calibrated", "measured", "input"; NULL for MP_LABEL_NONE. */
const char *mp_label_name(mp_label l);

/* A number printed in the plan. */
typedef struct mp_value {
    double value;         /* in `unit` (bytes, not GiB; seconds, not hours) */
    const char *unit;     /* "bytes", "tok/s", "s", "parameters", "tokens", ...; NULL when unsaid */
    const char *name;     /* the key number it is (mp_plan_number.name), "error_band_pct"
                           * for an error band ("+/-45%"), or NULL */
    mp_label label;       /* with `name`: its label */
    const char *basis;    /* with `name`: its basis */
} mp_value;

typedef enum mp_span_kind {
    MP_SPAN_TEXT,
    MP_SPAN_STRONG,       /* emphasis (a verdict, a step's title) */
    MP_SPAN_CODE,         /* a command, a flag, a file or module name */
    MP_SPAN_VALUE,        /* a number: `text` as printed ("18.8 GiB", "8,192"), `value` */
} mp_span_kind;

typedef struct mp_span {
    mp_span_kind kind;
    const char *text;
    const mp_value *value; /* MP_SPAN_VALUE only */
} mp_span;

/* One paragraph, list item or table cell. */
typedef struct mp_item {
    int n;
    const mp_span *spans;
} mp_item;

typedef struct mp_block {
    mp_blk_kind kind;
    const char *lang;     /* code: "sh", "python", "yaml", "jsonl", "json" */
    const char *path;     /* code: the file it goes in, or NULL */
    int ncols;            /* table columns; the first row is the header */
    int n;                /* items (table: cells; code: one item of one text span) */
    mp_item *items;
} mp_block;

typedef struct mp_section {
    const char *id;       /* "summary", "understood", ... (stable, for JSON) */
    const char *title;
    int n, cap;
    mp_block *blocks;
} mp_section;

enum {
    MP_SEC_SUMMARY,
    MP_SEC_UNDERSTOOD,
    MP_SEC_ARCHITECTURE,
    MP_SEC_DEPENDENCIES,
    MP_SEC_STEPS,
    MP_SEC_TARGETS,
    MP_SEC_CODE,
    MP_SEC_TESTING,
    MP_SEC_OPTIMIZATION,
    MP_SEC_DEPLOYMENT,
    MP_SEC_TODO,
    MP_SEC_SOURCES,
    MP_SEC_COUNT
};

#define MP_PLAN_MAX_NUMBERS 32

/* A key number of the plan, with its unit and where it came from. */
typedef struct mp_plan_number {
    const char *name;     /* "decode_tok_s", "total_bytes", ... */
    double value;
    const char *unit;
    mp_label label;
    const char *basis;
} mp_plan_number;

/* A measured run a plan judges: the planner's setup, and the speed the
 * request reports (the paste, when there is one, is mp_plan_hooks.measured). */
typedef struct mp_plan_measure {
    const char *model_id;      /* the planned model (a paste that names one wins) */
    const char *quant;         /* the planned format as --quant takes it ("4", "bf16") */
    int group;                 /* its --group-size (affine), 0 = the default */
    const mp_machine *mach;
    bool inference;            /* an inference setup (else the planned fine-tune) */
    int64_t context_tokens, prompt_tokens;
    int batch;
    double observed_tok_s;     /* the request's number; NAN without one */
    bool by_mlx_lm;            /* the request says mlx_lm timed it (not the user's loop) */
} mp_plan_measure;

#define MP_PLAN_JUDGED_NOTES 8

/* The run judged: the runs diagnosis (runs/diagnose.h) and what it rests on. */
typedef struct mp_plan_judged {
    mp_diagnosis diag;
    char what[200];            /* "mlx_lm.generate output (FILE): lines 3, 5, 6 read" */
    char setup[300];           /* the setup estimated: model, format, machine, context, batch */
    int n_notes;               /* assumptions, lines not understood */
    char notes[MP_PLAN_JUDGED_NOTES][200];
} mp_plan_judged;

/* What the layer above the planner (src/app) lends it: the user's runs of
 * the machine and the runs diagnosis.  Any member may be NULL. */
typedef struct mp_plan_hooks {
    void *ctx;
    /* The calibration of machine `m` on the user's runs (engine/mcal.h);
     * false when there is none. */
    bool (*calibrate)(void *ctx, const mp_machine *m, mp_calib *out);
    /* Judge the measured run against the estimate of its setup, as `mlxplan
     * runs add` does.  Errors (a paste that cannot be read) end the plan. */
    int (*diagnose)(void *ctx, const mp_plan_measure *m, mp_plan_judged *out, mp_error *err);
    /* Read the fine-tuning data at `path` (a JSONL file, or a folder with
     * train.jsonl) as `mlxplan estimate --data` does (engine/tdata.h), into
     * `out` (released with mp_tdata_release, also after an error); errors end
     * the plan.  NULL: files are not read (MCP), the path is only named. */
    int (*read_data)(void *ctx, const char *path, struct mp_tdata *out, mp_error *err);
    const char *measured;      /* pasted mlx_lm output to judge, or NULL */
    size_t measured_len;
    const char *measured_name; /* where it came from ("run.txt", "the 'measured' argument") */
} mp_plan_hooks;

typedef struct mp_plan_req {
    const char *text;          /* the request in plain words (may be empty with flags) */
    const char *model, *chip, *task, *data;
    int memory_gb;             /* 0 = not given */
    int64_t context;           /* 0 = not given */
    double budget_hours;       /* 0 = not given */
    double target_tok_s;       /* 0 = not given */
    int users;                 /* concurrent requests to serve; 0 = not given */
    const char *journal_dir;   /* NULL = no journal */
    bool strict;               /* missing essentials are errors */
    bool detect;               /* may read this machine (hw detect) */
    bool offline;              /* never ask the Hugging Face Hub for a model */
    bool names_only;           /* never read a model path named by the request (MCP) */
    bool want_sweep;           /* also compute the context sweep (for charts) */
    const mp_plan_hooks *hooks; /* NULL: no calibration, no runs diagnosis */
} mp_plan_req;

typedef struct mp_plan {
    mp_arena *arena;
    mp_spec spec;
    const char *title;
    const char *verdict;       /* "fits", "tight", "does not fit", "needs several Macs" */
    const char *summary;
    unsigned scenarios;        /* mp_intent bits the plan covers */
    const char *model_id;      /* resolved model, or NULL */
    const char *asked_model_id;/* the model the request names when it does not fit and the
                                * plan follows a nearer option (model_id), else NULL */
    const char *machine;       /* "M3 Max 30c, 36 GB" */
    int n_numbers;
    mp_plan_number numbers[MP_PLAN_MAX_NUMBERS];
    /* `mlxplan estimate` command lines that recompute the plan's numbers
     * (NULL when the plan has no such part, or it spans several Macs) */
    const char *reproduce_infer, *reproduce_train;
    /* ... and of the other models the request names, compared in the summary */
    int n_reproduce_compared;
    const char *reproduce_compared[(MP_SPEC_MAX_ALT_MODELS + 1) * (MP_SPEC_MAX_ALT_QUANTS + 1)];
    /* the engine results behind the document, for charts (NULL when the
     * plan has no such part); `sweep` only with req.want_sweep */
    const mp_machine *machine_spec;
    const mp_infer_result *infer;
    const mp_context_sweep *sweep;
    const mp_train_result *train;
    const char *infer_subject, *train_subject; /* chart subtitles */
    /* as plain text (what the JSON lists) and as items (for the sections) */
    int n_questions, n_assumptions;
    const char *questions[16];
    const char *assumptions[16];
    mp_item question_items[16];
    mp_item assumption_items[16];
    mp_section sections[MP_SEC_COUNT];
    /* every number the sections print (the spans point into it) */
    int n_values, cap_values;
    mp_value **values;
} mp_plan;

/* Build a plan.  Errors: MP_EUSAGE for an empty request without flags,
 * MP_EINVAL for a request with nothing to plan (names what was missing),
 * MP_EUNSUPPORTED for something MLX cannot do (says why), MP_EIO for an
 * unreadable journal, the resolution errors of models and chips, and, with
 * `strict`, MP_EINVAL for a missing essential.  The caller frees with
 * mp_plan_free(). */
int mp_plan_build(const mp_plan_req *req, mp_plan **out, mp_error *err);
/* How mp_plan_build's MP_EINVAL message starts when the request says
 * nothing it can plan (no model, task or machine). */
#define MP_PLAN_NOTHING_MSG "found nothing to plan"
void mp_plan_free(mp_plan *p);

#endif
