/*
 * mp_pl_write_sources.c - the third phase of the planner, part 4 (see planner.h): the sources
 * of every fact, the `mlxplan estimate` lines that recompute the numbers,
 * and copies of the engine results for the charts.
 */
#include <stdio.h>

#include "engine/mcal.h"
#include "plan/planner.h"

/* `mlxplan estimate` lines with the plan's exact inputs: the user (and the
 * consistency test) can recompute every number. */
static void write_reproduce(mp_pctx *c)
{
    mp_plan *p = c->p;
    if (!c->have_mach)
        return;
    const char *machine = S(c, "--chip \"%s\" --memory %d", c->mach.chip.short_name,
                            c->mach.memory_gb);
    if (c->infer && c->nodes == 1)
        p->reproduce_infer = S(c, "mlxplan estimate --model %s %s --quant %s --context %lld "
                                  "--prompt %lld --batch %d%s",
                               c->model_id, machine, quant_arg(c, &c->ireq.quant),
                               (long long)c->ireq.context_tokens,
                               (long long)c->ireq.prompt_tokens, c->ireq.batch,
                               c->ireq.kv_bits ? S(c, " --kv-bits %d", c->ireq.kv_bits) : "");
    if (c->train) {
        const mp_train_req *t = &c->treq;
        p->reproduce_train = S(c, "mlxplan estimate --model %s %s --task %s%s --batch %d --seq %lld "
                                  "--num-layers %d%s --optimizer %s --grad-accum %d "
                                  "--iters %lld%s%s",
                               c->model_id, machine, mp_task_name(t->task),
                               t->base_quant.mode != MP_Q_FLOAT
                                   ? S(c, " --quant %s", quant_arg(c, &t->base_quant)) : "",
                               t->batch, (long long)t->seq_len, t->num_layers,
                               t->task == MP_TASK_FULL ? "" : S(c, " --rank %d", t->rank),
                               mp_optim_name(t->optim), t->grad_accum, (long long)t->iters,
                               t->grad_checkpoint ? " --grad-checkpoint" : "",
                               t->data ? S(c, " --data %s", c->p->spec.data_path.value) : "");
    }
    if (c->pretrain) {
        const mp_train_req *t = &c->preq;
        p->reproduce_train = S(c, "mlxplan estimate --task pretrain --params %.0f --vocab %lld %s "
                                  "--batch %d --seq %lld --optimizer %s --dtype %s "
                                  "--dataset-tokens %.0f%s",
                               c->pre_size, (long long)c->parch.vocab, machine,
                               t->batch, (long long)t->seq_len, mp_optim_name(t->optim),
                               mp_dtype_name(t->train_dtype), c->pre_tokens,
                               t->grad_checkpoint ? " --grad-checkpoint" : "");
    }
}

void mp_pl_write_sources(mp_pctx *c, const mp_plan_req *req)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_SOURCES, MP_BLK_BULLETS);
    char w[600];
    if (c->have_arch) {
        switch (c->origin.kind) {
        case MP_ORIGIN_REGISTRY:
            snprintf(w, sizeof w, "the mlxplan registry (%s)", c->origin.where);
            break;
        default:
            snprintf(w, sizeof w, "%s%s%s", c->origin.where, c->origin.revision[0] ? " @ " : "",
                     c->origin.revision);
        }
        mp_doc_add(p, b, "Model: config.json of %s, from %s.", c->model_id, w);
    }
    if (c->have_mach)
        mp_doc_add(p, b, "Machine: %s: %s GB/s%s (%s).", c->mach.chip.name,
                   bandwidth(c, c->mach.chip.bandwidth_gbs),
                   c->mach.chip.gpu_cores > 0 ? S(c, ", %d GPU cores", c->mach.chip.gpu_cores)
                                              : "",
                   c->mach.chip.source);
    mp_doc_add(p, b, "Speed model: constants in data/calibration/speed-constants.tsv, fitted "
               "on data/calibration/mlx-eval.tsv, mlx-eval-2.tsv, mlx-cuda-h100.tsv, "
               "mlx-cuda-h100-2.tsv and mlx-public.tsv; "
               "error bands from data/calibration/error-bands.tsv.");
    if (c->mach.calib)
        for (int k = 0; k < MP_RUN_KIND_N; k++) {
            char line[MP_BASIS_LEN];
            if (mp_mcal_basis(&c->mach.calib->kind[k], line, sizeof line))
                mp_doc_add(p, b, "Your runs (%s speeds): %s; `mlxplan runs list` shows them, "
                           "`--no-calibration` plans with the model alone.",
                           mp_run_kind_name((mp_run_kind)k), line);
        }
    write_reproduce(c);
    if (p->reproduce_infer)
        mp_doc_add(p, b, "Inference numbers: `%s`.", p->reproduce_infer);
    if (p->reproduce_train)
        mp_doc_add(p, b, "Training numbers: `%s`.", p->reproduce_train);
    for (int k = 0; k < c->n_alts; k++)
        if (c->alts[k].reproduce) {
            p->reproduce_compared[p->n_reproduce_compared++] = c->alts[k].reproduce;
            mp_doc_add(p, b, "Compared with %s: `%s`.", c->alts[k].id, c->alts[k].reproduce);
        }
    mp_doc_add(p, b, "MLX %s and MLX-LM %s facts from the sources at mlx %.9s and mlx-lm %.9s; "
               "install pins mlx==%s, mlx-lm==%s.",
               pin("mlx_snapshot_version"), pin("mlx_lm_snapshot_version"),
               pin("mlx_snapshot_commit"), pin("mlx_lm_snapshot_commit"), pin("mlx_pin"),
               pin("mlx_lm_pin"));
    if (req->journal_dir && c->journal.n_files)
        mp_doc_add(p, b, "Project journal: %s in %s.", c->journal.files, req->journal_dir);
}

/* Copies of the engine results for whoever draws the plan's charts. */
void mp_pl_keep_results(mp_pctx *c)
{
    mp_plan *p = c->p;
    if (!c->have_mach)
        return;
    mp_machine *m = mp_arena_alloc(p->arena, sizeof *m);
    if (!m)
        return;
    *m = c->nodes > 1 ? c->fit_mach : c->mach;
    p->machine_spec = m;
    if (c->infer) {
        mp_infer_result *r = mp_arena_alloc(p->arena, sizeof *r);
        if (r) {
            *r = c->ires;
            p->infer = r;
            p->infer_subject = mp_doc_plain(p, S(c, "%s, %s, %s tokens", c->model_id,
                                                 qlabel(c, &r->quant),
                                                 count(c, (double)r->context_tokens)));
        }
        mp_context_sweep *sw = c->req->want_sweep ? mp_arena_alloc(p->arena, sizeof *sw) : NULL;
        if (sw && mp_infer_sweep(&c->ireq, sw, NULL) == 0)
            p->sweep = sw;
    }
    const mp_train_result *t = c->train ? &c->tres : c->pretrain ? &c->pres : NULL;
    if (t) {
        mp_train_result *r = mp_arena_alloc(p->arena, sizeof *r);
        if (r) {
            *r = *t;
            p->train = r;
            p->train_subject = c->train ? S(c, "%s of %s", task_title(c->treq.task), c->model_id)
                                        : mp_doc_plain(p, S(c, "%s-parameter decoder from scratch",
                                            params_txt(c, mp_arch_params(&c->parch))));
        }
    }
}
