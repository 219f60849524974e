/*
 * spec_model.c - the model a request names, read into the spec for spec.c:
 * an exact Hugging Face id, a registry id, or a family with a version and a
 * size ("Llama 3.1 8B", "qwen3-14b"), matched against the registry by the
 * closest name; other names become the models to compare with.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/registry.h"
#include "plan/spec.h"
#include "plan/spec_words.h"
#include "util/text.h"

/* A model name taken apart: family, version, size in parameters, extra words. */
typedef struct mname {
    char family[24];
    char version[12];
    double size;
    int n_extra;
    char extra[6][16];
} mname;

static const char *const families[] = {"llama", "tinyllama", "qwen", "mistral", "mixtral", "gemma",
                                       "phi", "deepseek", "gptoss", "smollm", "kimi", "glm",
                                       "minimax", "gpt", "qwq", "devstral", NULL};

/* Parse a bare repo name ("Llama-3.1-8B-Instruct") or request words. */
static void parse_name(const char *const *parts, int n, mname *m)
{
    memset(m, 0, sizeof *m);
    m->size = NAN;
    for (int i = 0; i < n; i++) {
        char w[48];
        mp_strlcpy(w, parts[i], sizeof w);
        for (char *p = w; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        if (!m->family[0]) {
            /* "qwen3", "phi4", "smollm2", "gemma3n": family letters then a version */
            for (int f = 0; families[f]; f++) {
                size_t fl = strlen(families[f]);
                if (strncmp(w, families[f], fl) == 0 &&
                    (w[fl] == '\0' || isdigit((unsigned char)w[fl]) || w[fl] == '.')) {
                    /* longest family first is ensured by the order tinyllama < llama */
                    mp_strlcpy(m->family, families[f], sizeof m->family);
                    if (w[fl])
                        mp_strlcpy(m->version, w + fl, sizeof m->version);
                    break;
                }
            }
            continue; /* words before the family ("meta") say nothing */
        }
        size_t wl = strlen(w);
        double v;
        if (!m->version[0] && isdigit((unsigned char)w[0]) && wl <= 4 &&
            strspn(w, "0123456789.") == wl && isnan(m->size)) {
            mp_strlcpy(m->version, w, sizeof m->version);
        } else if (!m->version[0] && w[0] == 'v' && wl >= 2 && wl <= 5 &&
                   strspn(w + 1, "0123456789.") == wl - 1) {
            mp_strlcpy(m->version, w + 1, sizeof m->version); /* "V3", "v0.3" */
        } else if (wl >= 2 && (w[wl - 1] == 'b' || w[wl - 1] == 'm') &&
                   strspn(w, "0123456789.") == wl - 1 && isnan(m->size)) {
            v = strtod(w, NULL) * (w[wl - 1] == 'b' ? 1e9 : 1e6);
            m->size = v;
        } else if (m->n_extra < 6) {
            /* "it", "chat" and typos ("insturct") name the instruct variant */
            bool instruct = strcmp(w, "it") == 0 || strcmp(w, "chat") == 0 ||
                            (wl >= 6 && mp_edit_distance_max(w, "instruct", 2) <= 2);
            const char *e = instruct ? "instruct" : w;
            mp_strlcpy(m->extra[m->n_extra++], e, sizeof m->extra[0]);
        }
    }
    if (strcmp(m->family, "gpt") == 0 && m->n_extra && strcmp(m->extra[0], "oss") == 0)
        mp_strlcpy(m->family, "gptoss", sizeof m->family);
}

static void split_repo(const char *id, char parts[][48], const char **ptrs, int *n)
{
    const char *b = strrchr(id, '/');
    b = b ? b + 1 : id;
    *n = 0;
    while (*b && *n < 12) {
        size_t k = strcspn(b, "-_ ");
        if (k) {
            mp_strlcpy(parts[*n], b, k + 1 < 48 ? k + 1 : 48);
            ptrs[*n] = parts[*n];
            (*n)++;
        }
        b += k;
        b += strspn(b, "-_ ");
    }
}

/* The name parts of a registry or Hub id ("Qwen/Qwen3-8B" -> qwen, 3, 8B). */
static void parse_id(const char *id, mname *out)
{
    char parts[12][48];
    const char *ptrs[12];
    int n;
    split_repo(id, parts, ptrs, &n);
    parse_name(ptrs, n, out);
}

static bool has_extra(const mname *m, const char *w)
{
    for (int i = 0; i < m->n_extra; i++)
        if (strcmp(m->extra[i], w) == 0)
            return true;
    return false;
}

static double score(const mname *want, const mname *row, bool prefer_instruct)
{
    if (strcmp(want->family, row->family) != 0)
        return -1e9;
    double s = 10;
    if (want->version[0]) {
        if (strcmp(want->version, row->version) == 0)
            s += 5;
        else if (row->version[0] && strncmp(row->version, want->version, strlen(want->version)) == 0)
            s += 1; /* "3" for "3.1" */
        else
            s -= 6;
    }
    if (!isnan(want->size)) {
        if (!isnan(row->size) && fabs(row->size / want->size - 1) < 0.02)
            s += 6;
        else
            s -= 8;
    }
    for (int i = 0; i < want->n_extra; i++)
        if (has_extra(row, want->extra[i]))
            s += 2;
    for (int i = 0; i < row->n_extra; i++) {
        if (strcmp(row->extra[i], "instruct") == 0)
            s += prefer_instruct ? 1 : -0.3;
        else if (!has_extra(want, row->extra[i]))
            s -= 1.5; /* unrequested variants (mini, coder, distill) rank below the plain one */
    }
    return s;
}

/* Record in s->model_variant_missing the variant words of `want` (the
 * request's name) that registry row `id` lacks: an Instruct, Coder, VL or
 * embedding model planned with its sibling must say so. */
static void variants_missing(mp_spec *s, const mname *want, const char *id)
{
    static const char *const variants[] = {"instruct", "coder", "vl", "embedding", "distill",
                                           "math", "thinking", "base", NULL};
    mname row;
    parse_id(id, &row);
    size_t k = 0;
    s->model_variant_missing[0] = '\0';
    for (int i = 0; i < want->n_extra; i++) {
        if (!one_of(want->extra[i], variants) || has_extra(&row, want->extra[i]))
            continue;
        if (strcmp(want->extra[i], "base") == 0 && !has_extra(&row, "instruct"))
            continue; /* a base model is what "base" asks for */
        k += (size_t)snprintf(s->model_variant_missing + k, sizeof s->model_variant_missing - k,
                              "%s%s", k ? " " : "", want->extra[i]);
        if (k >= sizeof s->model_variant_missing)
            break;
    }
}

static void unknown_family(mp_spec *s, const words *ws, int size_at);

/* One model found in the text.  The first of a parse becomes s->model (with
 * its size when the text gave one); later, different ones named in the
 * request itself are the models to compare it with ("Qwen3-8B or Llama 3.1
 * 8B?").  `first` holds the id taken first in this parse. */
static void take_model(mp_spec *s, char *first, const char *id, mp_prov prov, const char *ev,
                       double size)
{
    if (!first[0]) {
        mp_strlcpy(first, id, MP_SPEC_TEXT);
        mp_spec_set_str(s, &s->model, "model", id, prov, ev);
        if (!isnan(size))
            mp_spec_set_num(s, &s->model_size, "model size", size, prov, ev);
        return;
    }
    if (prov != MP_PROV_REQUEST || mp_ieq(first, id))
        return;
    for (int k = 0; k < s->n_alt_models; k++)
        if (mp_ieq(s->alt_models[k].value, id))
            return;
    if (s->n_alt_models >= MP_SPEC_MAX_ALT_MODELS)
        return;
    mp_sfield *f = &s->alt_models[s->n_alt_models++];
    mp_strlcpy(f->value, id, sizeof f->value);
    f->prov = prov;
    mp_strlcpy(f->evidence, ev, sizeof f->evidence);
}

/* The registry row a word names exactly, or NULL. */
static const mp_model_row *registry_word(const char *w)
{
    for (size_t r = 0; r < mp_model_rows_len; r++)
        if (mp_ieq(mp_model_rows[r].id, w))
            return &mp_model_rows[r];
    return NULL;
}

/* True when word `w` is a repo id ("Qwen/Qwen3-8B", "mlx-community/X-4bit"):
 * ORG/NAME, not a rate ("tok/s") or a data format, and either in the
 * registry or shaped like a Hugging Face id. */
static bool repo_id_word(const char *w)
{
    const char *slash = strchr(w, '/');
    if (!slash || slash == w || !slash[1] || strchr(slash + 1, '/') || strstr(w, "tok") ||
        strcmp(w, "prompt/completion") == 0 || w[0] == '.')
        return false;
    return registry_word(w) || strstr(w, "mlx-community/") || strchr(w, '-');
}

void mp_spec_read_model(mp_spec *s, const words *ws, const char *orig, mp_prov prov)
{
    char first[MP_SPEC_TEXT] = "";
    /* explicit repo ids first, in the order of the text */
    for (int i = 0; i < ws->n; i++) {
        const char *w = ws->w[i];
        if (!repo_id_word(w))
            continue;
        const mp_model_row *row = registry_word(w);
        if (row) {
            take_model(s, first, row->id, prov, w, NAN);
        } else {
            /* keep the spelling the user typed: repo ids are case-sensitive */
            const char *at = mp_istr(orig, w);
            char id[MP_SPEC_TEXT];
            mp_strlcpy(id, at ? at : w, strlen(w) + 1 < sizeof id ? strlen(w) + 1 : sizeof id);
            take_model(s, first, id, prov, id, NAN);
        }
    }
    /* a chat-tuned variant unless the request trains from scratch or asks
     * for the base model ("the base model", "base weights") */
    bool prefer_instruct = !(s->intents & MP_INTENT_PRETRAIN) &&
                           !any_word(ws, (const char *const[]){"base", NULL});
    for (int i = 0; i < ws->n; i++) {
        if (repo_id_word(ws->w[i]))
            continue; /* read above */
        /* a registry repo name typed whole ("mistral-7b-v0.3"): that model */
        const mp_model_row *exact = strchr(ws->w[i], '-') ? mp_registry_find(ws->w[i]) : NULL;
        if (exact && i + 1 < ws->n) {
            /* unless a variant word follows ("phi-4 mini", "qwen3-8b instruct") */
            static const char *const variant[] = {"mini", "instruct", "it", "chat", "coder",
                                                  "vl", "small", "medium", "large", "distill",
                                                  "base", "flash", "next", "thinking", "nano",
                                                  "vision", "embedding", "math", NULL};
            if (one_of(ws->w[i + 1], variant))
                exact = NULL;
        }
        if (exact) {
            char xp[12][48];
            const char *xptr[12];
            int xn;
            mname xm;
            split_repo(ws->w[i], xp, xptr, &xn);
            parse_name(xptr, xn, &xm);
            take_model(s, first, exact->id, prov, ws->w[i], xm.size);
            continue;
        }
        size_t wl0 = strlen(ws->w[i]);
        if ((wl0 > 6 && strcmp(ws->w[i] + wl0 - 6, "-style") == 0) ||
            (wl0 > 5 && strcmp(ws->w[i] + wl0 - 5, "-like") == 0))
            continue; /* "a llama-style model" names an architecture, not a model */
        bool starts_family = false;
        for (int f = 0; families[f]; f++)
            if (strncmp(ws->w[i], families[f], strlen(families[f])) == 0 ||
                (strcmp(families[f], "gptoss") == 0 && strncmp(ws->w[i], "gpt-oss", 7) == 0))
                starts_family = true;
        if (!starts_family)
            continue;
        const char *parts[6] = {NULL};
        int n = 0;
        for (int j = i; j < ws->n && n < 6; j++) {
            static const char *const stop[] = {
                "on", "with", "for", "and", "to", "in", "using", "at", "model", "models", "so",
                "that", "from", "my", "a", "the", "across", "over", "via", "through", "into",
                "as", "is", "it's", "runs", "running", "generates", "generating", "gets",
                "only", "but", "which", "when", "locally", "two", "three", "four", "five",
                "six", "seven", "eight", "bit", "quantized", "mac", "macs", "or", "vs",
                "vs.", "versus", "than", "not", "instead", "against", "rather", "either",
                "both", "also", NULL};
            const char *w = ws->w[j];
            size_t wl = strlen(w);
            /* a format ("4-bit", "8bit") or a memory size ("64gb") ends a name too */
            bool is_stop = one_of(w, stop) || strstr(w, "-bit") ||
                           (wl > 3 && strcmp(w + wl - 3, "bit") == 0) ||
                           (wl > 2 && strcmp(w + wl - 2, "gb") == 0 &&
                            isdigit((unsigned char)w[0]));
            if (is_stop && j > i)
                break;
            parts[n++] = ws->w[j];
        }
        /* "llama-3.1-8b" arrives as one word: split it */
        char sub[12][48];
        const char *subp[12];
        int ns = 0;
        if (n == 0)
            continue;
        if (n == 1 || strchr(parts[0], '-')) {
            split_repo(parts[0], sub, subp, &ns);
            for (int k = 1; k < n && ns < 12; k++)
                subp[ns++] = parts[k];
        } else {
            for (int k = 0; k < n; k++)
                subp[ns++] = parts[k];
        }
        mname want;
        parse_name(subp, ns, &want);
        if (!want.family[0])
            continue;
        /* "the 8b llama": a size right before the family */
        if (isnan(want.size) && i > 0) {
            const char *pw = ws->w[i - 1];
            size_t pl = strlen(pw);
            if (pl >= 2 && isdigit((unsigned char)pw[0]) && strspn(pw, "0123456789.") == pl - 1 &&
                (pw[pl - 1] == 'b' || pw[pl - 1] == 'm'))
                want.size = strtod(pw, NULL) * (pw[pl - 1] == 'b' ? 1e9 : 1e6);
        }
        if (strcmp(want.family, "gpt") == 0)
            continue; /* "gpt" alone is too vague (gpt-4 is not open) */
        double best = -1e9;
        const mp_model_row *hit = NULL;
        for (size_t r = 0; r < mp_model_rows_len; r++) {
            mname row;
            parse_id(mp_model_rows[r].id, &row);
            double sc = score(&want, &row, prefer_instruct);
            if (sc > best) {
                best = sc;
                hit = &mp_model_rows[r];
            }
        }
        char ev[MP_SPEC_TEXT];
        evidence(ws, i, i + n - 1, ev, sizeof ev);
        if (hit && best >= 10 && (!isnan(want.size) || want.version[0])) {
            if (!first[0] && prov == MP_PROV_REQUEST)
                variants_missing(s, &want, hit->id);
            take_model(s, first, hit->id, prov, ev, want.size);
            i += n - 1;
        } else if ((!isnan(want.size) || want.version[0]) && (!hit || best < 10)) {
            /* a name with a size or version the registry does not hold */
            if (prov == MP_PROV_REQUEST && !s->unknown_model[0])
                mp_strlcpy(s->unknown_model, ev, sizeof s->unknown_model);
            i += n - 1;
        } else if (hit && best >= 10 && !first[0]) {
            /* a family without size or version: the plan assumes one */
            mp_strlcpy(first, hit->id, sizeof first);
            mp_spec_set_str(s, &s->model, "model", hit->id, MP_PROV_ASSUMED, ev);
            i += n - 1;
        }
    }
    if (first[0])
        return;
    /* a size alone: "a 7B model", "1B parameters", "70B-class models" */
    for (int i = 0; i < ws->n; i++) {
        char w[WORD_LEN];
        mp_strlcpy(w, ws->w[i], sizeof w);
        static const char *const sfx[] = {"-class", "-ish", "-sized", "-size", "-range",
                                          "-param", "-parameter", NULL};
        for (int k = 0; sfx[k]; k++) {
            size_t l = strlen(w), sl = strlen(sfx[k]);
            if (l > sl && strcmp(w + l - sl, sfx[k]) == 0)
                w[l - sl] = '\0';
        }
        size_t wl = strlen(w);
        /* "2b tokens", "1m documents" count data, not parameters */
        if (i + 1 < ws->n && (one_of(ws->w[i + 1], mp_spec_data_nouns) ||
                              one_of(ws->w[i + 1], (const char *const[]){
                                  "tokens", "tok", "words", "characters", "chars", "lines",
                                  "files", NULL})))
            continue;
        if (wl >= 2 && (w[wl - 1] == 'b' || w[wl - 1] == 'm') &&
            strspn(w, "0123456789.") == wl - 1 && isdigit((unsigned char)w[0])) {
            double v = strtod(w, NULL) * (w[wl - 1] == 'b' ? 1e9 : 1e6);
            if (v < 1e6 || v > 2e12)
                continue;
            if (isnan(s->model_size.value) || s->model_size.prov != prov) {
                mp_spec_set_num(s, &s->model_size, "model size", v, prov, w);
                if (prov == MP_PROV_REQUEST)
                    unknown_family(s, ws, i);
                if (prov != MP_PROV_REQUEST)
                    return;
                continue;
            }
            /* a second size class of the request ("7B vs 14B") is compared */
            bool seen = v == s->model_size.value;
            for (int k = 0; k < s->n_alt_sizes; k++)
                seen |= s->alt_sizes[k] == v;
            if (!seen && s->n_alt_sizes < MP_SPEC_MAX_ALT_SIZES) {
                mp_strlcpy(s->alt_size_words[s->n_alt_sizes], w, sizeof s->alt_size_words[0]);
                s->alt_sizes[s->n_alt_sizes++] = v;
            }
        }
    }
}

/* A size after a name the registry does not know ("granite 3.3 8b", "olmo 2
 * 7b", "command-r 35b"): the word before the size (a version number
 * between them skipped) is a name when it is made of letters (and '-') and
 * is no word of a request; it goes in s->unknown_model, so the plan says
 * the model is unknown and asks for its Hub id instead of swapping it
 * silently for a registry model of that size. */
static void unknown_family(mp_spec *s, const words *ws, int size_at)
{
    static const char *const not_names[] = {
        "a", "an", "the", "run", "running", "for", "of", "on", "with", "my", "vs", "versus",
        "or", "and", "to", "model", "models", "coding", "coder", "chat", "llm", "about",
        "fine-tune", "finetune", "tune", "train", "training", "serve", "serving", "quantize",
        "between", "than", "is", "are", "any", "some", "best", "good", "biggest", "largest",
        "smallest", "under", "over", "around", "like", "local", "open", "instruct", "base",
        "same", "one", "two", "new", "this", "that", "which", "what", "can", "i", "it",
        "use", "using", "want", "need", "try", "test", "from", "into", "at", "in", "by",
        "up", "only", "just", "class", "size", "sized", "dense", "moe", "param", "params",
        "parameter", "parameters", "fit", "fits", "load", "host", "deploy", "pick", "get",
        "evaluate", "eval", "benchmark", "compare", "do", "does", "will", "should", NULL};
    if (s->unknown_model[0] || size_at < 1)
        return;
    int j = size_at - 1;
    const char *w = ws->w[j];
    if (strspn(w, "0123456789.") == strlen(w) && j > 0) /* a version: "3.3", "2" */
        w = ws->w[--j];
    size_t n = strlen(w);
    if (n < 3 || strspn(w, "abcdefghijklmnopqrstuvwxyz-") != n || one_of(w, not_names))
        return;
    char ev[MP_SPEC_TEXT];
    evidence(ws, j, size_at, ev, sizeof ev);
    mp_strlcpy(s->unknown_model, ev, sizeof s->unknown_model);
}

/* A size part of a name ("8b", "0.5B", "135M") whoever the family, or NAN. */
static double any_size(const char *const *parts, int n)
{
    for (int i = 0; i < n; i++) {
        size_t l = strlen(parts[i]);
        char last = (char)tolower((unsigned char)parts[i][l ? l - 1 : 0]);
        if (l >= 2 && (last == 'b' || last == 'm') && isdigit((unsigned char)parts[i][0]) &&
            strspn(parts[i], "0123456789.") == l - 1)
            return strtod(parts[i], NULL) * (last == 'b' ? 1e9 : 1e6);
    }
    return NAN;
}

/* Parameters of a registry row: its name's size, else its config's count. */
static double row_params(const mp_model_row *row, const mname *rm)
{
    if (!isnan(rm->size))
        return rm->size;
    mp_arch a;
    if (mp_registry_arch(row, &a, NULL) != 0)
        return NAN;
    double n = mp_arch_params(&a);
    mp_arch_release(&a);
    return n;
}

const mp_model_row *mp_spec_nearest_model(const char *name, char *why, size_t cap)
{
    char p[12][48];
    const char *pp[12];
    int n;
    split_repo(name, p, pp, &n);
    mname want;
    parse_name(pp, n, &want);
    double size = !isnan(want.size) ? want.size : any_size(pp, n);
    bool coder = false;
    for (int i = 0; i < n; i++)
        coder |= mp_ieq(pp[i], "coder") || mp_ieq(pp[i], "code");
    for (int pass = 0; pass < 2; pass++) {
        if ((pass == 0 && !want.family[0]) || (pass == 1 && isnan(size)))
            continue;
        const mp_model_row *best = NULL;
        double best_d = INFINITY;
        for (size_t r = 0; r < mp_model_rows_len; r++) {
            const mp_model_row *row = &mp_model_rows[r];
            mname rm;
            parse_id(row->id, &rm);
            if (pass == 0 && strcmp(rm.family, want.family) != 0)
                continue;
            if (pass == 1 && !mp_registry_has_use(row, coder ? "coding" : "chat"))
                continue;
            double d;
            if (isnan(size)) {
                d = -score(&want, &rm, true);
            } else {
                double rs = row_params(row, &rm);
                if (isnan(rs) || rs <= 0)
                    continue;
                /* nearest in log size; a variant word of the name breaks ties */
                d = fabs(log(rs / size)) - (pass == 0 ? 0.01 * score(&want, &rm, true) : 0);
            }
            if (d < best_d) {
                best_d = d;
                best = row;
            }
        }
        if (best) {
            if (why)
                snprintf(why, cap, "%s", pass == 0 ? (isnan(size) ? "same family, closest name"
                                                                   : "same family, nearest size")
                                                   : (coder ? "a coding model nearest in size"
                                                            : "a chat model nearest in size"));
            return best;
        }
    }
    return NULL;
}
