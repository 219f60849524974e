/*
 * flow.h - the headline flows of the planner: each writes its parts of a
 * plan (architecture, steps, code, testing, ...) from decisions the planner
 * took through the engines.  Internal to the planner; every number they
 * print comes from the inputs below or from the engines.
 */
#ifndef MP_PLAN_FLOW_H
#define MP_PLAN_FLOW_H

#include "engine/machine.h"
#include "engine/train.h"
#include "model/arch.h"
#include "plan/plan.h"
#include "util/error.h"

/* ---- training from scratch (flow_pretrain.c) ---- */

typedef struct mp_flow_pretrain {
    const mp_arch *arch;          /* the decoder sized by the planner */
    const mp_train_req *req;      /* its training settings (batch, seq_len, dtype, ...) */
    const mp_train_result *res;   /* the estimate of the run */
    const mp_machine *mach;
    const char *machine_label;    /* "M4 Pro 20c, 48 GB" */
    double tokens;                /* training tokens of the full run */
    double budget_h;              /* the time budget (hours) */
} mp_flow_pretrain;

/* A decoder of about `params` parameters whose blocks, not the embedding
 * table and head, hold most of them: the largest vocabulary of 32000, 16384
 * and 8192 whose table and head stay within 40 % of the parameters (8192
 * when none does).  Errors and ownership as mp_arch_for_size. */
int mp_flow_pretrain_size(double params, mp_dtype dtype, mp_arch *a, mp_error *err);

/* Architecture bullets: the model, its parameter split, data, training, checkpoints. */
void mp_flow_pretrain_architecture(mp_plan *p, mp_block *b, const mp_flow_pretrain *f);
/* The packages the project needs beyond mlx (a pip line with its newline). */
const char *mp_flow_pretrain_pip(void);
/* Implementation steps after the install step, with their shell commands. */
void mp_flow_pretrain_steps(mp_plan *p, mp_block *steps, const mp_flow_pretrain *f);
/* The project: a table of its files, then each file's complete code.
 * Errors: MP_EINVAL when a template asks for a value the flow lacks. */
int mp_flow_pretrain_code(mp_plan *p, const mp_flow_pretrain *f, mp_error *err);
/* Testing bullets (what the tests prove, what to read in the first run). */
void mp_flow_pretrain_testing(mp_plan *p, mp_block *b, const mp_flow_pretrain *f);
/* Deployment bullets: generation, quantization, the mlx_lm folder. */
void mp_flow_pretrain_deployment(mp_plan *p, mp_block *b, const mp_flow_pretrain *f);

#endif
