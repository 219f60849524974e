/*
 * understand.c - what the words of a request leave open, turned into stated
 * assumptions instead of errors (see understand.h): a machine that does not
 * exist as written, a memory size without a chip, a model named only by its
 * size ("a 7B", "70B-class models").
 */
#include "plan/understand.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "engine/fit.h"
#include "kb/chips.h"
#include "model/registry.h"
#include "plan/doc.h"
#include "util/fmt.h"
#include "util/text.h"

/* The tiers of the chip data, lowest first. */
#define N_TIERS ((int)(sizeof mp_apple_tier_names / sizeof mp_apple_tier_names[0]))

/* "M2" + Pro -> "M2 Pro"; the base tier is the family alone. */
static void chip_name(const char *family, mp_apple_tier tier, char *buf, size_t cap)
{
    if (tier == MP_APPLE_TIER_BASE)
        snprintf(buf, cap, "%s", family);
    else
        snprintf(buf, cap, "%s %s", family, mp_apple_tier_names[tier]);
}

/* Whether some bin of family+tier is sold with `gb`. */
static bool tier_offers(const char *family, mp_apple_tier tier, int gb)
{
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        if (c.vendor == MP_VENDOR_APPLE && strcmp(c.family, family) == 0 &&
            c.tier == tier && mp_chip_offers_memory(&c, gb))
            return true;
    }
    return false;
}

static void set_assumed(mp_sfield *f, const char *value)
{
    mp_strlcpy(f->value, value, sizeof f->value);
    f->prov = MP_PROV_ASSUMED;
}

/* A memory size and no chip ("on 8GB"): the newest Apple chip sold with it,
 * lowest tier first (provisional chips aside). */
static void chip_for_memory(mp_plan *p, int gb)
{
    mp_spec *s = &p->spec;
    const mp_chip *best = NULL;
    mp_chip all[160];
    size_t n = 0;
    char others[160] = "";
    size_t k = 0;
    for (size_t i = 0; i < mp_chip_count() && n < sizeof all / sizeof all[0]; i++) {
        mp_chip_get(i, &all[n]);
        mp_chip *c = &all[n];
        if (c->vendor != MP_VENDOR_APPLE || c->provisional || !mp_chip_offers_memory(c, gb))
            continue;
        if (!best || c->year > best->year || (c->year == best->year && c->tier < best->tier))
            best = c;
        n++;
    }
    if (!best)
        return; /* no chip has it: resolve_machine names the options */
    char name[64];
    chip_name(best->family, best->tier, name, sizeof name);
    for (size_t i = 0; i < n && k < sizeof others; i++) {
        char o[64];
        chip_name(all[i].family, all[i].tier, o, sizeof o);
        if (strcmp(o, name) != 0 && !strstr(others, o))
            k += (size_t)snprintf(others + k, sizeof others - k, "%s%s", k ? ", " : "", o);
    }
    set_assumed(&s->chip, name);
    mp_strlcpy(s->chip.evidence, s->memory_gb.evidence, sizeof s->chip.evidence);
    mp_doc_assume(p, "The machine is an %s with %d GB: the request gives the memory but no chip, "
                  "and the %s is the newest chip sold with %d GB%s%s.", name, gb, name, gb,
                  others[0] ? "; also " : "", others);
    mp_doc_question(p, "Which Mac has the %d GB (chip and GPU cores)?  `mlxplan hw detect` "
                       "prints it.", gb);
}

/* A chip named with a memory size none of its bins is sold with: a higher
 * tier of the same family that has it ("M2 32GB" -> M2 Pro), else the
 * chip's nearest memory size. */
static void fix_chip_memory(mp_plan *p, const mp_chip *c, int gb)
{
    mp_spec *s = &p->spec;
    if (c->vendor != MP_VENDOR_APPLE)
        return;
    char found[3][64];
    int nf = 0;
    for (int t = (int)c->tier + 1; t < N_TIERS && nf < 3; t++)
        if (tier_offers(c->family, (mp_apple_tier)t, gb))
            chip_name(c->family, (mp_apple_tier)t, found[nf++], sizeof found[0]);
    char was[64];
    chip_name(c->family, c->tier, was, sizeof was);
    char mem_text[64];
    mp_chip_memory_text(c, mem_text, sizeof mem_text);
    if (nf > 0) {
        set_assumed(&s->chip, found[0]);
        mp_doc_assume(p, "No %s is sold with %d GB (it comes with %s GB); the %s%s%s does: "
                      "planned for the %s.", was, gb, mem_text, found[0],
                      nf > 1 ? " and the " : "", nf > 1 ? found[1] : "", found[0]);
        mp_doc_question(p, "Is it the %s%s%s with %d GB?", found[0], nf > 1 ? " or the " : "",
                        nf > 1 ? found[1] : "", gb);
        return;
    }
    int near = 0;
    if (c->mem_is_range && c->n_mem_opts == 2) {
        near = gb < c->mem_opts_gb[0] ? c->mem_opts_gb[0] : c->mem_opts_gb[1];
    } else {
        for (int i = 0; i < c->n_mem_opts; i++)
            if (!near || abs(c->mem_opts_gb[i] - gb) < abs(near - gb))
                near = c->mem_opts_gb[i];
    }
    if (!near)
        return;
    s->memory_gb.value = near;
    s->memory_gb.prov = MP_PROV_ASSUMED;
    mp_doc_assume(p, "No %s is sold with %d GB (it comes with %s GB): planned with %d GB, the "
                  "nearest.", was, gb, mem_text, near);
    mp_doc_question(p, "How much memory does your %s have (%s GB)?", was, mem_text);
}

static void machine(mp_plan *p)
{
    mp_spec *s = &p->spec;
    /* flags are taken as given (a size a chip lacks stays an error) */
    if (isnan(s->memory_gb.value) || s->memory_gb.prov != MP_PROV_REQUEST ||
        s->chip.prov > MP_PROV_REQUEST || (s->intents & MP_INTENT_CUDA))
        return;
    int gb = (int)s->memory_gb.value;
    if (!s->chip.value[0]) {
        chip_for_memory(p, gb);
        return;
    }
    mp_chip_match m;
    int rc = mp_chip_resolve(s->chip.value, 0, &m, NULL);
    if (rc == 0) {
        if (!mp_chip_offers_memory(&m.chip, gb))
            fix_chip_memory(p, &m.chip, gb);
        return;
    }
    if (rc != MP_EAMBIGUOUS || m.n_candidates == 0)
        return;
    for (int i = 0; i < m.n_candidates; i++)
        if (mp_chip_offers_memory(&m.candidates[i], gb))
            return;
    fix_chip_memory(p, &m.candidates[0], gb);
}

/* Whether a registry id is a chat-tuned model (run plans prefer those). */
static bool chat_tuned(const char *id)
{
    return mp_istr(id, "instruct") || mp_istr(id, "-it") || mp_istr(id, "chat") ||
           mp_istr(id, "gpt-oss");
}

/* "chat-tuned " for a registry row tagged chat (or named so), "" otherwise. */
static const char *tuned(const mp_model_row *row)
{
    return mp_registry_has_use(row, "chat") || (!row->use[0] && chat_tuned(row->id))
               ? "chat-tuned "
               : "";
}

/* The registry model nearest `want` parameters (within 35%), of use `use`
 * first ("" for any), tuned before base; NULL when none is near.  Its
 * parameters in *n_out. */
static const mp_model_row *nearest_of_size(double want, const char *use, double *n_out)
{
    double best_d = INFINITY;
    const mp_model_row *best = NULL;
    *n_out = 0;
    for (size_t r = 0; r < mp_model_rows_len; r++) {
        const mp_model_row *row = &mp_model_rows[r];
        mp_arch a;
        if (mp_registry_arch(row, &a, NULL) != 0)
            continue;
        double n = mp_arch_params(&a);
        mp_arch_release(&a);
        double d = fabs(log(n / want));
        if (d > log(1.35))
            continue;
        /* the request's use first ("qwq 32b" asks for reasoning), then
         * tuned models: base models only when no tuned one is near */
        if (use[0] && !mp_registry_has_use(row, use))
            d += 0.5;
        if (mp_registry_has_use(row, "base") || (!row->use[0] && !chat_tuned(row->id)))
            d += 1;
        if (d < best_d) {
            best_d = d;
            best = row;
            *n_out = n;
        }
    }
    return best;
}

/* The other size classes a request compares ("7B vs 14B coding models"):
 * each the registry model nearest its size, of the request's use, added to
 * the models compared with the reason. */
static void alt_sizes(mp_plan *p, const char *use)
{
    mp_spec *s = &p->spec;
    for (int k = 0; k < s->n_alt_sizes && s->n_alt_models < MP_SPEC_MAX_ALT_MODELS; k++) {
        double n;
        const mp_model_row *row = nearest_of_size(s->alt_sizes[k], use, &n);
        if (!row || mp_ieq(row->id, s->model.value))
            continue;
        mp_sfield *f = &s->alt_models[s->n_alt_models++];
        mp_strlcpy(f->value, row->id, sizeof f->value);
        f->prov = MP_PROV_ASSUMED;
        mp_strlcpy(f->evidence, s->alt_size_words[k], sizeof f->evidence);
        mp_doc_assume(p, "'%s' is compared as %s (%.1fB parameters), the %s%smodel of "
                      "mlxplan's registry nearest that size.", s->alt_size_words[k], row->id,
                      n / 1e9, use[0] && mp_registry_has_use(row, use) ? use : "",
                      use[0] && mp_registry_has_use(row, use) ? " " : tuned(row));
    }
}

/* A size and no model ("a 7B", "70B-class models"): the registry model
 * nearest that size, of the request's use first, tuned before base. */
static void model_for_size(mp_plan *p)
{
    mp_spec *s = &p->spec;
    if (s->model.value[0] || isnan(s->model_size.value) || (s->intents & MP_INTENT_PRETRAIN))
        return;
    const char *use = strcmp(s->use.value, "small") == 0 ? "edge" : s->use.value;
    double want = s->model_size.value;
    double best_n;
    const mp_model_row *best = nearest_of_size(want, use, &best_n);
    alt_sizes(p, use);
    if (!best)
        return;
    set_assumed(&s->model, best->id);
    mp_strlcpy(s->model.evidence, s->model_size.evidence, sizeof s->model.evidence);
    if (s->unknown_model[0])
        snprintf(s->model_note, sizeof s->model_note,
                 "'%s' is not in mlxplan's registry: planned with %s (%.1fB parameters), the "
                 "%s%smodel it holds nearest that size.", s->unknown_model, best->id,
                 best_n / 1e9, use[0] && mp_registry_has_use(best, use) ? use : "",
                 use[0] && mp_registry_has_use(best, use) ? " " : tuned(best));
    else
        snprintf(s->model_note, sizeof s->model_note,
                 "The model is %s (%.1fB parameters), the %s%smodel of mlxplan's registry "
                 "nearest the size the request gives ('%s').", best->id, best_n / 1e9,
                 use[0] && mp_registry_has_use(best, use) ? use : "",
                 use[0] && mp_registry_has_use(best, use) ? " " : tuned(best),
                 s->model_size.evidence);
}

/* A model named with a variant the registry model taken for it lacks
 * ("qwen2.5 14b instruct" -> Qwen/Qwen2.5-14B): never a silent swap. */
static void variant_note(mp_plan *p)
{
    const mp_spec *s = &p->spec;
    if (!s->model_variant_missing[0] || !s->model.value[0])
        return;
    /* an instruct, base or coder model has its sibling's architecture and size */
    char words[sizeof s->model_variant_missing];
    mp_strlcpy(words, s->model_variant_missing, sizeof words);
    bool same_shape = true;
    for (char *save = NULL, *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
        same_shape &= strcmp(w, "instruct") == 0 || strcmp(w, "base") == 0 ||
                      strcmp(w, "coder") == 0;
    mp_doc_assume(p, "'%s' names the %s variant, which mlxplan's registry does not hold: "
                  "planned with %s, %s; `--model ORG/NAME` with the variant's Hugging Face id "
                  "reads its own config.json.",
                  s->model.evidence, s->model_variant_missing, s->model.value,
                  same_shape ? "the same architecture and size (memory and speed as estimated "
                               "hold for the variant)"
                             : "its nearest sibling (the variant's extra parts, such as a "
                               "vision encoder, are not in these figures)");
}

/* Two context lengths named in the request: the plan is for the longer;
 * say so (a --context flag overrides both, and then nothing is said). */
static void context_note(mp_plan *p)
{
    const mp_spec *s = &p->spec;
    if (s->alt_context <= 0 || s->context.prov != MP_PROV_REQUEST)
        return;
    char longer[32], shorter[32];
    mp_fmt_count(s->context.value, longer, sizeof longer);
    mp_fmt_count(s->alt_context, shorter, sizeof shorter);
    mp_doc_assume(p, "'%s' names two context lengths: planned at the longer, %s tokens, which "
                  "bounds memory and the slowest step; at %s tokens the same setup needs less "
                  "memory and runs faster than these figures.",
                  s->context.evidence, longer, shorter);
}

void mp_understand(mp_plan *p)
{
    machine(p);
    model_for_size(p);
    variant_note(p);
    context_note(p);
}

static double gib_of(double bytes)
{
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

/* ---- memory sizes compared: "is the 64 GB or the 128 GB worth it" ------------------ */

typedef struct size_row {
    int gb;
    mp_machine mach;
    bool ok;             /* a bin of the chip is sold with it */
    int n;               /* formats that fit */
    mp_fit_infer best;
    int64_t longest;     /* tokens at the best format */
} size_row;

/* Fill row `r` (r->gb set) for model `a` on `chip`: the plan's own format
 * when `planned_on` is the planned machine `m` and one Mac holds the plan,
 * else the highest-quality format that fits (mp_fit_inference's first),
 * and the longest context of that format. */
static void fill_row(size_row *r, const mp_arch *a, const mp_chip *chip,
                     const mp_machine *planned_on, const mp_infer_result *planned)
{
    int64_t cap = a->max_position > 0 ? a->max_position : 131072;
    r->ok = mp_machine_init(&r->mach, chip, r->gb, NULL) == 0;
    r->n = 0;
    if (!r->ok)
        return;
    static mp_fit_infer opts[MP_FIT_MAX];
    mp_fit_infer_req fr = {a, &r->mach, planned->context_tokens, 0, 1, false, false};
    if (planned_on && planned->verdict_point != MP_NO_FIT &&
        planned->total_bytes <= planned_on->gpu_max_bytes) { /* one Mac holds the plan */
        r->n = 1;
        r->best.quant = planned->quant;
        r->best.est = *planned;
    } else if (mp_fit_inference(&fr, opts, MP_FIT_MAX, &r->n, NULL) != 0) {
        r->n = 0;
    } else if (r->n > 0) {
        r->best = opts[0];
    }
    if (r->n > 0)
        r->longest = mp_fit_max_context(a, &r->mach, &r->best.quant, 1, 0, cap, true);
}

static void chips_compared(mp_plan *p, const mp_arch *a, const mp_machine *m,
                           const mp_infer_result *planned);

void mp_understand_machines(mp_plan *p, const mp_arch *a, const mp_machine *m,
                            const mp_infer_result *planned)
{
    int64_t context = planned->context_tokens;
    const mp_spec *s = &p->spec;
    if (m->chip.vendor != MP_VENDOR_APPLE)
        return;
    if (s->n_alt_chips > 0) {
        chips_compared(p, a, m, planned);
        return;
    }
    if (s->n_alt_memory == 0)
        return;
    size_row rows[1 + MP_SPEC_MAX_ALT_MEMORY];
    int nr = 0;
    rows[nr++].gb = m->memory_gb;
    for (int k = 0; k < s->n_alt_memory; k++)
        rows[nr++].gb = (int)s->alt_memory_gb[k];
    for (int i = 1; i < nr; i++) /* smallest first */
        for (int j = i; j > 0 && rows[j].gb < rows[j - 1].gb; j--) {
            size_row t = rows[j];
            rows[j] = rows[j - 1];
            rows[j - 1] = t;
        }
    for (int i = 0; i < nr; i++) {
        size_row *r = &rows[i];
        mp_chip_match cm;
        const mp_chip *chip = &m->chip;
        if (s->chip.value[0] && mp_chip_resolve(s->chip.value, r->gb, &cm, NULL) == 0)
            chip = &cm.chip;
        fill_row(r, a, chip, r->gb == m->memory_gb ? m : NULL, planned);
    }
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_PARA);
    char ctx[32];
    mp_fmt_count((double)context, ctx, sizeof ctx);
    mp_doc_add(p, b, "The memory sizes the request compares, for %s at %s tokens of context "
               "(estimated; the planned size in the plan's format, each other size in the "
               "highest-quality format that fits under 90%% of its GPU limit, as `mlxplan fit` "
               "ranks them):", a->id, ctx);
    mp_block *t = mp_doc_table(p, MP_SEC_SUMMARY, 7,
                               "machine\t>GPU limit\tformat\t>memory\t>decode\t>longest context "
                               "that runs (raised wired limit)\tverdict");
    for (int i = 0; i < nr; i++) {
        const size_row *r = &rows[i];
        if (!r->ok) {
            mp_doc_row(p, t, "%s, %d GB\t-\tnot sold with %d GB\t-\t-\t-\t-",
                       m->chip.family, r->gb, r->gb);
            continue;
        }
        if (r->n == 0) {
            mp_doc_row(p, t, "%s, %d GB\t%.1f GiB\tnone fits\t-\t-\t-\tdoes not fit",
                       r->mach.chip.short_name, r->gb, gib_of(r->mach.gpu_default_bytes));
            continue;
        }
        char ql[64], lg[32];
        mp_quant_label(&r->best.quant, ql, sizeof ql);
        mp_fmt_count((double)r->longest, lg, sizeof lg);
        mp_doc_row(p, t, "%s, %d GB\t%.1f GiB\t%s\t%.1f GiB\t%.1f tok/s\t%s tokens\t%s",
                   r->mach.chip.short_name, r->gb, gib_of(r->mach.gpu_default_bytes), ql,
                   gib_of(r->best.est.total_bytes), r->best.est.decode_tok_s, lg,
                   mp_verdict_name(r->best.est.verdict));
    }
    /* what the largest size buys over the smallest that runs the model */
    const size_row *lo = NULL, *hi = NULL;
    for (int i = 0; i < nr; i++)
        if (rows[i].ok && rows[i].n > 0) {
            if (!lo)
                lo = &rows[i];
            hi = &rows[i];
        }
    mp_block *n = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    if (!lo) {
        mp_doc_add(p, n, "None of these sizes runs %s at %s tokens.", a->id, ctx);
    } else if (lo == hi) {
        mp_doc_add(p, n, "Only the %d GB version runs %s at %s tokens.", lo->gb, a->id, ctx);
    } else {
        char ql[64], qh[64];
        mp_quant_label(&lo->best.quant, ql, sizeof ql);
        mp_quant_label(&hi->best.quant, qh, sizeof qh);
        bool better = mp_quant_quality(&hi->best.quant) > mp_quant_quality(&lo->best.quant);
        char bw[64];
        if (hi->mach.chip.bandwidth_gbs == lo->mach.chip.bandwidth_gbs)
            snprintf(bw, sizeof bw, "%.0f GB/s on both", hi->mach.chip.bandwidth_gbs);
        else
            snprintf(bw, sizeof bw, "%.0f vs %.0f GB/s", hi->mach.chip.bandwidth_gbs,
                     lo->mach.chip.bandwidth_gbs);
        if (better)
            mp_doc_add(p, n, "For %s, the %d GB version buys precision, not speed: %s instead of "
                       "%s%s. Decode reads every weight per token from memory (%s), so the "
                       "larger weights decode at %.1f tok/s against %.1f.",
                       a->id, hi->gb, qh, ql,
                       hi->longest > lo->longest ? ", and a longer context" : "", bw,
                       hi->best.est.decode_tok_s, lo->best.est.decode_tok_s);
        else
            mp_doc_add(p, n, "For %s, the %d GB version runs the same format as the %d GB one "
                       "(%s)%s, at %.1f against %.1f tok/s (%s).", a->id, hi->gb,
                       lo->gb, qh, hi->longest > lo->longest ? " with a longer context" : "",
                       hi->best.est.decode_tok_s, lo->best.est.decode_tok_s, bw);
        if (!better && hi->longest <= lo->longest)
            mp_doc_add(p, n, "More memory pays here only for a larger model (the next size "
                       "class) or several models loaded at once.");
        mp_doc_add(p, n, "Each row comes from `mlxplan fit --model %s --chip \"%s\" --memory %d "
                   "--context %lld` with that row's chip and memory.", a->id,
                   hi->mach.chip.short_name, hi->gb, (long long)context);
    }
}

/* ---- chips compared: "M3 Max or M4 Pro for 30B models" ----------------------------- */

/* The planned machine and each chip the request compares it with, side by
 * side for model `a`: a chip with the memory the request gives it, else its
 * smallest size that runs the model in a format that fits, else its
 * smallest; then the better Mac for the model and why. */
/* What a better verdict says of a machine. */
static const char *verdict_says(mp_verdict v)
{
    return v == MP_FITS ? "it fits with the band's margin" : "it runs, tight";
}

/* Row `r` for a chip named without memory: the plan's format (`planned`)
 * on the smallest size of `chip` whose point estimate fits under 90% of its
 * GPU limit, else its largest; false when the chip has no size. */
static bool same_format(size_row *r, const mp_arch *a, const mp_chip *chip,
                        const mp_infer_result *planned)
{
    int64_t cap = a->max_position > 0 ? a->max_position : 131072;
    bool done = false;
    for (int j = 0; j < chip->n_mem_opts && !chip->mem_is_range && !done; j++) {
        r->gb = chip->mem_opts_gb[j];
        if (mp_machine_init(&r->mach, chip, r->gb, NULL) != 0)
            continue;
        mp_infer_req q = {a, &r->mach, planned->quant, planned->context_tokens,
                          planned->prompt_tokens, 1, 0, 64, 0, 0, NULL};
        if (mp_infer(&q, &r->best.est, NULL) != 0)
            continue;
        r->ok = true;
        r->n = r->best.est.verdict_point != MP_NO_FIT;
        r->best.quant = planned->quant;
        done = r->best.est.verdict_point == MP_FITS;
    }
    if (r->n > 0)
        r->longest = mp_fit_max_context(a, &r->mach, &r->best.quant, 1, 0, cap, true);
    return r->ok;
}

static void chips_compared(mp_plan *p, const mp_arch *a, const mp_machine *m,
                           const mp_infer_result *planned)
{
    const mp_spec *s = &p->spec;
    size_row rows[1 + MP_SPEC_MAX_ALT_CHIPS];
    const char *chosen[1 + MP_SPEC_MAX_ALT_CHIPS] = {NULL};
    int nr = 0;
    rows[nr].gb = m->memory_gb;
    fill_row(&rows[nr++], a, &m->chip, m, planned);
    bool paired = s->n_alt_memory == s->n_alt_chips;
    for (int k = 0; k < s->n_alt_chips; k++) {
        size_row *r = &rows[nr];
        int gb = paired ? (int)s->alt_memory_gb[k] : 0;
        mp_chip_match cm;
        /* a name of several bins ("m4 pro") is planned on the first, the
         * fewest GPU cores, as the planned machine is */
        if (mp_chip_resolve(s->alt_chips[k].value, gb, &cm, NULL) != 0) {
            if (cm.n_candidates == 0)
                continue;
            cm.chip = cm.candidates[0];
        }
        if (gb) {
            r->gb = gb;
            fill_row(r, a, &cm.chip, NULL, planned);
        } else if (!same_format(r, a, &cm.chip, planned)) {
            continue;
        } else {
            chosen[nr] = " (its smallest size that holds the plan's format)";
        }
        nr++;
    }
    if (nr < 2)
        return;
    char ctx[32];
    mp_fmt_count((double)planned->context_tokens, ctx, sizeof ctx);
    mp_block *b = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_PARA);
    mp_doc_add(p, b, "The Macs the request compares, for %s at %s tokens of context "
               "(estimated; the planned Mac in the plan's format; a chip named with its memory "
               "in the highest-quality format that fits under 90%% of its GPU limit, as "
               "`mlxplan fit` ranks them; a chip named without memory in the plan's format, on "
               "its smallest size that holds it under 90%%):", a->id, ctx);
    mp_block *t = mp_doc_table(p, MP_SEC_SUMMARY, 8,
                               "machine\t>bandwidth\t>GPU limit\tformat\t>memory\t>decode\t"
                               ">longest context that runs (raised wired limit)\tverdict");
    for (int i = 0; i < nr; i++) {
        const size_row *r = &rows[i];
        if (!r->ok || r->n == 0) {
            mp_doc_row(p, t, "%s, %d GB\t%.0f GB/s\t%.1f GiB\tnone fits\t-\t-\t-\tdoes not fit",
                       r->mach.chip.short_name, r->gb, r->mach.chip.bandwidth_gbs,
                       gib_of(r->mach.gpu_default_bytes));
            continue;
        }
        char ql[64], lg[32];
        mp_quant_label(&r->best.quant, ql, sizeof ql);
        mp_fmt_count((double)r->longest, lg, sizeof lg);
        mp_doc_row(p, t, "%s, %d GB%s\t%.0f GB/s\t%.1f GiB\t%s\t%.1f GiB\t%.1f tok/s\t%s "
                   "tokens\t%s", r->mach.chip.short_name, r->gb,
                   chosen[i] ? chosen[i] : "",
                   r->mach.chip.bandwidth_gbs, gib_of(r->mach.gpu_default_bytes), ql,
                   gib_of(r->best.est.total_bytes), r->best.est.decode_tok_s, lg,
                   mp_verdict_name(r->best.est.verdict));
    }
    /* the better Mac: the best verdict, then the faster decode */
    const size_row *best = NULL, *other = NULL;
    for (int i = 0; i < nr; i++) {
        const size_row *r = &rows[i];
        if (!r->ok || r->n == 0)
            continue;
        int rank = r->best.est.verdict == MP_FITS ? 2 : r->best.est.verdict == MP_TIGHT;
        int brank = best ? (best->best.est.verdict == MP_FITS ? 2
                                                              : best->best.est.verdict == MP_TIGHT)
                         : -1;
        if (!best || rank > brank ||
            (rank == brank && r->best.est.decode_tok_s > best->best.est.decode_tok_s))
            best = r;
    }
    for (int i = 0; i < nr; i++)
        if (&rows[i] != best && rows[i].ok && rows[i].n > 0 &&
            (!other || rows[i].best.est.decode_tok_s > other->best.est.decode_tok_s))
            other = &rows[i];
    mp_block *n = mp_doc_block(p, MP_SEC_SUMMARY, MP_BLK_BULLETS);
    if (!best) {
        mp_doc_add(p, n, "None of these Macs runs %s at %s tokens.", a->id, ctx);
        return;
    }
    if (!other) {
        mp_doc_add(p, n, "Only the %s with %d GB runs %s at %s tokens.",
                   best->mach.chip.short_name, best->gb, a->id, ctx);
    } else {
        char qb[64], qo[64];
        mp_quant_label(&best->best.quant, qb, sizeof qb);
        mp_quant_label(&other->best.quant, qo, sizeof qo);
        bool safer = best->best.est.verdict != other->best.est.verdict;
        mp_doc_add(p, n, "For %s, the %s with %d GB is the better Mac: %s (%s, %.1f tok/s) "
                   "where the %s with %d GB is %s (%s, %.1f tok/s)%s. Decode reads every "
                   "weight per token from memory: %.0f against %.0f GB/s%s.",
                   a->id, best->mach.chip.short_name, best->gb,
                   safer ? verdict_says(best->best.est.verdict) : "it decodes faster", qb,
                   best->best.est.decode_tok_s, other->mach.chip.short_name, other->gb,
                   mp_verdict_name(other->best.est.verdict), qo, other->best.est.decode_tok_s,
                   safer && other->best.est.decode_tok_s > best->best.est.decode_tok_s
                       ? ": the other decodes faster but with less margin under its GPU limit"
                       : "",
                   best->mach.chip.bandwidth_gbs, other->mach.chip.bandwidth_gbs,
                   best->longest > other->longest ? ", and it holds a longer context" : "");
    }
    mp_doc_add(p, n, "Each row comes from `mlxplan fit --model %s --chip \"%s\" --memory %d "
               "--context %lld` with that row's chip and memory.", a->id,
               best->mach.chip.short_name, best->gb, (long long)planned->context_tokens);
}
