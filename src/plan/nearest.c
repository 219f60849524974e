/*
 * nearest.c - a run that does not fit one Mac as asked (part of the decide
 * and write phases, see planner.h): why it does not fit, then the nearest
 * options that work, ranked as a user would weigh them (issue 16):
 *   1. the same model at fewer bits, on this Mac (3 bits at least);
 *   2. a smaller model of the same use (coding stays coding), on this Mac;
 *   3. the smallest Mac that holds it as asked (else at 4-bit);
 *   4. several of these Macs, only when 2-4 suffice.
 * The plan then follows the first option that runs on this Mac, else on
 * 2-4 of them; it never plans a step on one Mac for what needs several.
 * Every figure comes from mp_infer with the request's context, prompt and
 * batch, the row's `mlxplan estimate` line printed with it.
 */
#include <math.h>
#include <string.h>

#include "plan/planner.h"

/* The use the smaller model must share: the request's, else the first of
 * coding / vision / reasoning the asked model's registry row carries, else
 * chat (a base model's nearest is a chat model: base is not for chat). */
static const char *asked_use(const mp_pctx *c)
{
    if (c->p->spec.use.value[0])
        return mp_pl_use_tag(&c->p->spec);
    const mp_model_row *row = mp_registry_find(c->model_id);
    static const char *const order[] = {"coding", "vision", "reasoning"};
    for (size_t i = 0; row && i < sizeof order / sizeof order[0]; i++)
        if (mp_registry_has_use(row, order[i]))
            return order[i];
    return "chat";
}

/* Estimate `r` with another model / format / machine (NULL: keep); true
 * when its point estimate is within the GPU limit (fits or tight). */
static bool estimate_as(const mp_infer_req *r, const mp_arch *a, const mp_quant *q,
                        const mp_machine *m, mp_infer_result *res)
{
    mp_infer_req x = *r;
    if (a)
        x.arch = a;
    if (q)
        x.quant = *q;
    if (m)
        x.mach = m;
    return mp_infer(&x, res, NULL) == 0 && res->verdict_point != MP_NO_FIT;
}

static mp_quant affine(int bits, mp_dtype dt)
{
    return (mp_quant){MP_Q_AFFINE, bits, 64, MP_RECIPE_NONE, dt};
}

static struct near_opt *add_opt(mp_pctx *c, int kind, const char *id, const mp_quant *q,
                                const mp_machine *m, int macs, const mp_infer_result *res)
{
    struct near_opt *o = &c->near[c->n_near++];
    o->kind = kind;
    o->id = S(c, "%s", id);
    o->quant = *q;
    o->mach = *m;
    o->macs = macs;
    o->res = *res;
    o->reproduce = S(c, "mlxplan estimate --model %s --chip \"%s\" --memory %d --quant %s "
                        "--context %lld --prompt %lld --batch %d",
                     o->id, m->chip.short_name, m->memory_gb, quant_arg(c, q),
                     (long long)c->ireq.context_tokens, (long long)c->ireq.prompt_tokens,
                     c->ireq.batch);
    return o;
}

/* 1. the same model at the most bits (8 down to 3, fewer than asked) whose
 * point estimate fits this Mac under 90% of its GPU limit, else the most
 * that is tight; none for a checkpoint stored quantized (mlx_lm.convert
 * re-quantizes from the float weights). */
static void fewer_bits(mp_pctx *c)
{
    static const int bits[] = {8, 6, 5, 4, 3};
    const mp_arch *a = &c->arch;
    const mp_quant *asked = &c->ireq.quant;
    if (a->has_config_quant)
        return;
    int tight = -1;
    mp_infer_result tight_res;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        if (asked->mode != MP_Q_FLOAT && asked->bits <= bits[i])
            continue;
        mp_quant q = affine(bits[i], a->dtype);
        mp_infer_result res;
        if (!estimate_as(&c->ireq, NULL, &q, NULL, &res))
            continue;
        if (res.verdict_point == MP_FITS) {
            add_opt(c, NEAR_BITS, c->model_id, &q, &c->mach, 1, &res);
            return;
        }
        if (tight < 0) {
            tight = bits[i];
            tight_res = res;
        }
    }
    if (tight > 0) {
        mp_quant q = affine(tight, a->dtype);
        add_opt(c, NEAR_BITS, c->model_id, &q, &c->mach, 1, &tight_res);
    }
}

/* 2. the largest registry model of the asked use, smaller than the asked
 * one, whose point estimate fits this Mac at 4-bit (its own format when
 * stored quantized); the asked model's family breaks ties. */
static void smaller_model(mp_pctx *c)
{
    const char *use = c->near_use;
    const mp_model_row *asked_row = mp_registry_find(c->model_id);
    double asked_n = mp_arch_params(&c->arch);
    const mp_model_row *pick = NULL;
    double pick_n = 0;
    mp_quant pick_q = affine(4, MP_DT_BF16);
    mp_infer_result pick_res;
    for (size_t i = 0; i < mp_model_rows_len; i++) {
        const mp_model_row *row = &mp_model_rows[i];
        if (!mp_registry_has_use(row, use) || mp_registry_has_use(row, "base") ||
            mp_registry_has_use(row, "embedding"))
            continue;
        mp_arch m;
        if (mp_registry_arch(row, &m, NULL) != 0)
            continue;
        double n = mp_arch_params(&m);
        mp_quant q = m.has_config_quant ? m.config_quant : affine(4, m.dtype);
        mp_infer_result res;
        bool same_family = asked_row && pick && strcmp(row->family, asked_row->family) == 0 &&
                           strcmp(pick->family, asked_row->family) != 0;
        if (n < asked_n && (n > pick_n || (n == pick_n && same_family)) &&
            estimate_as(&c->ireq, &m, &q, NULL, &res) && res.verdict_point == MP_FITS) {
            pick = row;
            pick_n = n;
            pick_q = q;
            pick_res = res;
        }
        mp_arch_release(&m);
    }
    if (pick)
        add_opt(c, NEAR_MODEL, pick->id, &pick_q, &c->mach, 1, &pick_res);
}

/* How close chip `ch` is to the user's `own` (higher is closer): the same
 * family and tier ("M3" "Max"), the same family, then the newest year. */
static int kinship(const mp_chip *ch, const mp_chip *own)
{
    bool fam = strcmp(ch->family, own->family) == 0;
    return (fam && ch->tier == own->tier) * 20000 + fam * 10000 + ch->year;
}

/* 3. the smallest Mac whose point estimate fits the model as asked, among
 * the Apple chips sold today (fewest GB; on a tie the one nearest the
 * user's, kinship); at 4-bit when no Mac holds it as asked. */
static void bigger_mac(mp_pctx *c)
{
    const mp_quant *asked = &c->ireq.quant;
    mp_quant q4 = affine(4, c->arch.dtype);
    const mp_quant *formats[2] = {asked, &q4};
    int nf = asked->mode == MP_Q_FLOAT || asked->bits > 4 ? 2 : 1;
    for (int f = 0; f < nf; f++) {
        mp_machine best;
        mp_infer_result best_res;
        int best_gb = 0, best_kin = 0;
        for (size_t i = 0; i < mp_chip_count(); i++) {
            mp_chip ch;
            mp_chip_get(i, &ch);
            if (ch.vendor != MP_VENDOR_APPLE || ch.provisional || ch.mem_is_range)
                continue;
            int kin = kinship(&ch, &c->mach.chip);
            for (int k = 0; k < ch.n_mem_opts; k++) {
                mp_machine m;
                mp_infer_result res;
                int gb = ch.mem_opts_gb[k];
                bool better = !best_gb || gb < best_gb || (gb == best_gb && kin > best_kin);
                if (gb > c->mach.memory_gb && better &&
                    mp_machine_init(&m, &ch, gb, NULL) == 0 &&
                    estimate_as(&c->ireq, NULL, formats[f], &m, &res) &&
                    res.verdict_point == MP_FITS) {
                    best = m;
                    best_res = res;
                    best_gb = gb;
                    best_kin = kin;
                }
            }
        }
        if (best_gb) {
            add_opt(c, NEAR_MAC, c->model_id, formats[f], &best, 1, &best_res);
            return;
        }
    }
}

/* 4. 2-4 of these Macs with pipeline parallelism (c->macs_needed). */
static void several_macs(mp_pctx *c)
{
    int n = c->macs_needed;
    if (n < 2 || n > 4)
        return;
    mp_machine all = c->mach;
    all.ram_bytes *= n;
    all.gpu_default_bytes *= n;
    all.gpu_max_bytes *= n;
    mp_infer_result res;
    if (estimate_as(&c->ireq, NULL, NULL, &all, &res))
        add_opt(c, NEAR_MACS, c->model_id, &c->ireq.quant, &c->mach, n, &res);
}

int mp_pl_nearest(mp_pctx *c)
{
    c->near_done = true;
    c->near_planned = -1;
    c->asked_id = c->model_id;
    c->asked_res = c->ires;
    c->p->asked_model_id = c->model_id;
    c->n_near = 0;
    c->near_use = asked_use(c);
    fewer_bits(c);
    smaller_model(c);
    bigger_mac(c);
    several_macs(c);
    /* a request that compares machines keeps its model: the comparison
     * answers it, and the options say what runs it here */
    bool compares = c->p->spec.n_alt_memory > 0;
    for (int i = 0; i < c->n_near && c->near_planned < 0 && !compares; i++)
        if (c->near[i].kind == NEAR_BITS || c->near[i].kind == NEAR_MODEL)
            c->near_planned = i;
    for (int i = 0; i < c->n_near && c->near_planned < 0 && !compares; i++)
        if (c->near[i].kind == NEAR_MACS)
            c->near_planned = i;
    if (c->near_planned < 0) { /* nothing planned: the request as asked, no run steps */
        c->p->asked_model_id = NULL;
        return mp_pl_decide_inference(c);
    }
    const struct near_opt *o = &c->near[c->near_planned];
    if (o->kind == NEAR_MODEL) {
        mp_arch_release(&c->arch);
        c->have_arch = false;
        int rc = mp_pl_load_model(c, o->id);
        if (rc)
            return rc;
        if (isnan(c->p->spec.context.value) && c->arch.max_position > 0 &&
            c->arch.max_position < c->context)
            c->context = c->arch.max_position;
    }
    if (o->kind == NEAR_MACS) {
        c->force_nodes = o->macs;
        c->sc |= MP_INTENT_DISTRIBUTED;
        c->n_macs = o->macs;
    } else {
        c->force_quant = true;
        c->forced_quant = o->quant;
    }
    return mp_pl_decide_inference(c);
}

/* ---- write: the summary's lines --------------------------------------------------- */

static const char *opt_name(mp_pctx *c, const struct near_opt *o)
{
    switch (o->kind) {
    case NEAR_BITS: return "the same model, fewer bits";
    case NEAR_MODEL: return S(c, "a smaller %s model", c->near_use);
    case NEAR_MAC: return "the smallest Mac that holds it";
    default: return "several of these Macs (pipeline)";
    }
}

void mp_pl_write_nearest(mp_pctx *c, mp_block *b)
{
    mp_plan *p = c->p;
    const mp_infer_result *e = &c->asked_res;
    mp_doc_add(p, b, "**Verdict: does not fit.** %s in %s needs %s at %s tokens of context "
               "(+/-%.0f%%) on the %s: %s.",
               c->asked_id, qlabel(c, &e->quant), gib(c, e->total_bytes),
               count(c, (double)e->context_tokens), e->band_mem_pct, c->mach_label,
               e->verdict_text);
    if (c->n_near == 0) {
        mp_doc_add(p, b, "Nothing close works: no smaller model of its use fits this Mac, no "
                   "Mac sold today holds it, and it would need %s of these Macs (more than "
                   "the 2-4 a Thunderbolt cluster sensibly takes). Name a smaller model or "
                   "another machine; no step below runs it here.",
                   whole(c, c->macs_needed, "Macs"));
        return;
    }
    mp_doc_add(p, b, "Nearest options that work, ranked (each estimated as the request: %s "
               "tokens of context, %s-token prompt); the plan below follows option %d:",
               count(c, (double)c->ireq.context_tokens), count(c, (double)c->ireq.prompt_tokens),
               c->near_planned + 1);
    mp_block *t = mp_doc_table(p, MP_SEC_SUMMARY, 8,
                               ">#\toption\tmodel\tformat\tmachine\t>memory\t>decode\tverdict");
    for (int i = 0; i < c->n_near; i++) {
        const struct near_opt *o = &c->near[i];
        mp_doc_row(p, t, "%d\t%s\t%s\t%s\t%s\t%s\t%s tok/s\t%s", i + 1, opt_name(c, o), o->id,
                   qlabel(c, &o->quant),
                   o->macs > 1 ? S(c, "%d x %s", o->macs, c->mach_label)
                               : S(c, "%s, %d GB", o->mach.chip.short_name, o->mach.memory_gb),
                   o->macs > 1 ? S(c, "%s per Mac", gib(c, o->res.total_bytes / o->macs))
                               : gib(c, o->res.total_bytes),
                   rate(c, o->res.decode_tok_s), mp_verdict_name(o->res.verdict));
    }
    b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    for (int i = 0; i < c->n_near; i++)
        mp_doc_add(p, b, "Option %d: `%s`%s.", i + 1, c->near[i].reproduce,
                   c->near[i].macs > 1 ? S(c, " (the whole model on one Mac; each of the %d "
                                                "holds 1/%d of it)", c->near[i].macs,
                                              c->near[i].macs)
                                       : "");
    if (c->macs_needed > 4)
        mp_doc_add(p, b, "Several Macs are no option: it needs %s of these, more than the "
                   "2-4 a Thunderbolt cluster sensibly takes.", whole(c, c->macs_needed, "Macs"));
}

void mp_pl_write_no_run(mp_pctx *c)
{
    mp_plan *p = c->p;
    mp_block *b = mp_doc_block(p, MP_SEC_STEPS, MP_BLK_BULLETS);
    mp_doc_add(p, b, "No step here runs %s on the %s: it does not fit. Plan the option you "
               "take (Summary) on its own:", c->asked_id, c->mach_label);
    mp_buf sh = MP_BUF_INIT;
    for (int i = 0; i < c->n_near; i++) {
        const struct near_opt *o = &c->near[i];
        const mp_quant *q = &o->quant;
        const char *fmt = q->mode == MP_Q_FLOAT   ? mp_dtype_name(q->dtype)
                          : q->mode == MP_Q_MXFP4 ? "mxfp4"
                                                  : S(c, "%d-bit", q->bits);
        mp_buf_printf(&sh, "mlxplan plan --model %s --chip \"%s\" --memory %d --context %lld "
                           "\"run it in %s%s\"\n",
                      o->id, o->mach.chip.short_name, o->mach.memory_gb,
                      (long long)c->ireq.context_tokens, fmt,
                      o->macs > 1 ? S(c, " on %d Macs", o->macs) : "");
    }
    if (c->n_near)
        mp_doc_code(p, MP_SEC_STEPS, "sh", NULL, mp_buf_cstr(&sh));
    mp_buf_release(&sh);
    static const int empty[] = {MP_SEC_TARGETS, MP_SEC_CODE, MP_SEC_TESTING,
                                MP_SEC_OPTIMIZATION, MP_SEC_DEPLOYMENT};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        mp_doc_para(p, empty[i], "None here: nothing runs on this Mac as asked; the plan of "
                    "the option you take (Implementation steps) gives them.");
}
