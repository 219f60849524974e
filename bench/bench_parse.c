/*
 * bench_parse.c - how well `mlxplan plan` understands requests written the
 * way people write them: each request of a corpus is planned (offline, no
 * machine detection) and the fields it states are compared with what the
 * plan took from it.  Prints the field accuracy, the requests without a plan
 * and the refusals; with a baseline, exits 1 when a field that the baseline
 * gets right is now wrong (the ctest `plan.parse`), so accuracy cannot fall.
 *
 *   bench_parse CORPUS [BASELINE] [--write-baseline] [--quiet]
 *
 * CORPUS: tests/plan/requests.tsv, lines ID <TAB> REQUEST <TAB> FIELDS, where
 * FIELDS is `name=value` separated by ';' (names in `fields` below).
 * BASELINE: lines ID <TAB> FIELD of the fields known to be wrong today
 * (`--write-baseline` rewrites it from this run).
 */
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan/plan.h"
#include "util/text.h"

#define MAX_REQ 512
#define MAX_FAIL 4096

typedef struct failure {
    char id[32];
    char field[24];
} failure;

static struct {
    int n;
    failure f[MAX_FAIL];
} fails, base;

static void add_fail(const char *id, const char *field)
{
    if (fails.n < MAX_FAIL) {
        mp_strlcpy(fails.f[fails.n].id, id, sizeof fails.f[0].id);
        mp_strlcpy(fails.f[fails.n].field, field, sizeof fails.f[0].field);
        fails.n++;
    }
}

static bool in_base(const char *id, const char *field)
{
    for (int i = 0; i < base.n; i++)
        if (strcmp(base.f[i].id, id) == 0 && strcmp(base.f[i].field, field) == 0)
            return true;
    return false;
}

static const struct {
    const char *name;
    unsigned bit;
} intent_names[] = {
    {"run", MP_INTENT_RUN},         {"finetune", MP_INTENT_FINETUNE},
    {"pretrain", MP_INTENT_PRETRAIN}, {"optimize", MP_INTENT_OPTIMIZE},
    {"quantize", MP_INTENT_QUANTIZE}, {"serve", MP_INTENT_SERVE},
    {"evaluate", MP_INTENT_EVALUATE}, {"distributed", MP_INTENT_DISTRIBUTED},
    {"cuda", MP_INTENT_CUDA},
};

/* "M3 Max 30c, 36 GB" -> chip "M3 Max 30c", memory 36 */
static void machine_parts(const char *machine, char *chip, size_t cap, int *mem)
{
    *mem = 0;
    chip[0] = '\0';
    if (!machine)
        return;
    const char *comma = strstr(machine, ", ");
    size_t n = comma ? (size_t)(comma - machine) : strlen(machine);
    mp_strlcpy(chip, machine, n + 1 < cap ? n + 1 : cap);
    if (comma)
        *mem = (int)strtol(comma + 2, NULL, 10);
}

/* "M3 Max" names "M3 Max 30c" (a bin of it) but "M3" does not name "M3 Max 30c". */
static bool chip_matches(const char *want, const char *chip)
{
    size_t n = strlen(want);
    if (mp_ieq(want, chip))
        return true;
    if (strncasecmp(want, chip, n) != 0 || chip[n] != ' ')
        return false;
    const char *rest = chip + n + 1;
    size_t d = strspn(rest, "0123456789");
    return d > 0 && rest[d] == 'c' && rest[d + 1] == '\0';
}

static bool num_eq(double got, const char *want)
{
    if (mp_ieq(want, "none"))
        return isnan(got);
    double w = strtod(want, NULL);
    return !isnan(got) && fabs(got - w) <= 1e-4 * fabs(w) + 1e-9;
}

/* Compare one expected field with the plan; `got` receives what the plan has. */
static bool check_field(const char *name, const char *want, const mp_plan *p, int rc,
                        const mp_error *e, char *got, size_t cap)
{
    got[0] = '\0';
    if (strcmp(name, "refuse") == 0) {
        snprintf(got, cap, "%s", rc == MP_EUNSUPPORTED ? "1" : rc ? "error" : "a plan");
        return (rc == MP_EUNSUPPORTED) == (strcmp(want, "1") == 0);
    }
    if (rc || !p) {
        snprintf(got, cap, "no plan: %.100s", e->msg);
        return false;
    }
    const mp_spec *s = &p->spec;
    char chip[96];
    int mem;
    machine_parts(p->machine, chip, sizeof chip, &mem);
    if (strcmp(name, "intent") == 0) {
        bool ok = true;
        size_t k = 0;
        for (size_t i = 0; i < sizeof intent_names / sizeof intent_names[0]; i++)
            if (p->scenarios & intent_names[i].bit)
                k += (size_t)snprintf(got + k, cap > k ? cap - k : 0, "%s%s", k ? "+" : "",
                                      intent_names[i].name);
        char buf[128];
        mp_strlcpy(buf, want, sizeof buf);
        for (char *save = NULL, *t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
            bool neg = t[0] == '!';
            unsigned bit = 0;
            for (size_t i = 0; i < sizeof intent_names / sizeof intent_names[0]; i++)
                if (strcmp(intent_names[i].name, t + neg) == 0)
                    bit = intent_names[i].bit;
            if (!bit || ((p->scenarios & bit) != 0) == neg)
                ok = false;
        }
        return ok;
    }
    if (strcmp(name, "model") == 0) {
        /* the model understood: the one the request names, also when it does not
         * fit and the plan follows a nearer option */
        const char *m = p->asked_model_id ? p->asked_model_id : p->model_id;
        snprintf(got, cap, "%s", m ? m : "(none)");
        return m && mp_ieq(m, want);
    }
    if (strcmp(name, "chip") == 0) {
        snprintf(got, cap, "%s", chip);
        return chip_matches(want, chip);
    }
    if (strcmp(name, "mem") == 0) {
        snprintf(got, cap, "%d", mem);
        return mem == strtol(want, NULL, 10);
    }
    if (strcmp(name, "verdict") == 0) {
        snprintf(got, cap, "%s", p->verdict ? p->verdict : "(none)");
        return p->verdict && mp_ieq(p->verdict, want);
    }
    if (strcmp(name, "task") == 0 || strcmp(name, "quant") == 0 || strcmp(name, "format") == 0) {
        const mp_sfield *f = strcmp(name, "task") == 0    ? &s->task
                             : strcmp(name, "quant") == 0 ? &s->quant
                                                          : &s->data_format;
        snprintf(got, cap, "%s", f->value[0] ? f->value : "none");
        return mp_ieq(got, want);
    }
    if (strcmp(name, "compare") == 0) {
        snprintf(got, cap, "%d", s->n_alt_models + s->n_alt_quants);
        return s->n_alt_models + s->n_alt_quants == strtol(want, NULL, 10);
    }
    static const struct {
        const char *name;
        size_t off;
    } nums[] = {
        {"ctx", offsetof(mp_spec, context)},        {"users", offsetof(mp_spec, users)},
        {"examples", offsetof(mp_spec, data_examples)}, {"tokens", offsetof(mp_spec, data_tokens)},
        {"hours", offsetof(mp_spec, budget_hours)}, {"macs", offsetof(mp_spec, n_macs)},
        {"kv", offsetof(mp_spec, kv_bits)},         {"size", offsetof(mp_spec, model_size)},
        {"target", offsetof(mp_spec, target_tok_s)}, {"observed", offsetof(mp_spec, observed_tok_s)},
        {"batch", offsetof(mp_spec, batch)},        {"ckpt", offsetof(mp_spec, grad_ckpt)},
        {"prompt", offsetof(mp_spec, prompt_tokens)}, {"rate", offsetof(mp_spec, request_rate)},
        {"bytes", offsetof(mp_spec, data_bytes)},
    };
    if (strcmp(name, "layers") == 0) {
        double v = s->num_layers.value;
        if (v == MP_SPEC_ALL_LAYERS)
            snprintf(got, cap, "all");
        else
            snprintf(got, cap, "%g", v);
        return strcmp(want, "all") == 0 ? v == MP_SPEC_ALL_LAYERS : num_eq(v, want);
    }
    if (strcmp(name, "use") == 0) {
        snprintf(got, cap, "%s", s->use.value[0] ? s->use.value : "none");
        return mp_ieq(got, want);
    }
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if (strcmp(name, nums[i].name) == 0) {
            const mp_nfield *f = (const mp_nfield *)((const char *)s + nums[i].off);
            snprintf(got, cap, "%g", f->value);
            return num_eq(f->value, want);
        }
    snprintf(got, cap, "(unknown field '%s')", name);
    return false;
}

int main(int argc, char **argv)
{
    const char *corpus = NULL, *baseline = NULL;
    bool write_base = false, quiet = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--write-baseline") == 0)
            write_base = true;
        else if (strcmp(argv[i], "--quiet") == 0)
            quiet = true;
        else if (!corpus)
            corpus = argv[i];
        else if (!baseline)
            baseline = argv[i];
        else {
            fprintf(stderr, "bench_parse: unexpected argument '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!corpus || (write_base && !baseline)) {
        fprintf(stderr, "usage: bench_parse CORPUS [BASELINE] [--write-baseline] [--quiet]\n");
        return 2;
    }
    char *text = NULL;
    size_t len = 0;
    mp_error e;
    mp_error_clear(&e);
    if (mp_read_file(corpus, 1 << 22, "request corpus", &text, &len, &e) != 0) {
        fprintf(stderr, "bench_parse: %s\n", e.msg);
        return 1;
    }
    if (baseline && !write_base) {
        char *bt = NULL;
        size_t bl = 0;
        mp_error_clear(&e);
        if (mp_read_file(baseline, 1 << 20, "parse baseline", &bt, &bl, &e) != 0) {
            fprintf(stderr, "bench_parse: %s\n", e.msg);
            free(text);
            return 1;
        }
        for (char *save = NULL, *line = strtok_r(bt, "\n", &save); line && base.n < MAX_FAIL;
             line = strtok_r(NULL, "\n", &save)) {
            if (line[0] == '#')
                continue;
            char *tab = strchr(line, '\t');
            if (!tab)
                continue;
            *tab = '\0';
            mp_strlcpy(base.f[base.n].id, line, sizeof base.f[0].id);
            mp_strlcpy(base.f[base.n].field, tab + 1, sizeof base.f[0].field);
            base.n++;
        }
        free(bt);
    }
    int n_req = 0, n_fields = 0, n_ok = 0, no_plan = 0, refuse_want = 0, refused = 0;
    int regressions = 0, line_no = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        if (!t1 || !t2) {
            fprintf(stderr, "bench_parse: %s: a line without three tab-separated columns: "
                    "'%.60s'\n", corpus, line);
            free(text);
            return 1;
        }
        *t1 = *t2 = '\0';
        const char *id = line, *request = t1 + 1;
        char fields[1024];
        mp_strlcpy(fields, t2 + 1, sizeof fields);
        /* "\t" and "\n" in a request stand for those bytes */
        char req_text[2048];
        size_t k = 0;
        for (const char *p = request; *p && k + 1 < sizeof req_text; p++) {
            if (p[0] == '\\' && p[1] == 't') {
                req_text[k++] = '\t';
                p++;
            } else if (p[0] == '\\' && p[1] == 'n') {
                req_text[k++] = '\n';
                p++;
            } else {
                req_text[k++] = *p;
            }
        }
        req_text[k] = '\0';
        if (n_req >= MAX_REQ)
            break;
        n_req++;
        mp_plan_req req;
        memset(&req, 0, sizeof req);
        req.text = req_text;
        req.offline = true;
        req.names_only = true;
        mp_plan *p = NULL;
        mp_error_clear(&e);
        int rc = mp_plan_build(&req, &p, &e);
        bool want_refuse = strstr(fields, "refuse=1") != NULL;
        refuse_want += want_refuse;
        if (rc == MP_EUNSUPPORTED && want_refuse)
            refused++;
        if (rc && !want_refuse) {
            no_plan++;
            if (!quiet)
                printf("%s: no plan: %s\n", id, e.msg);
        }
        char *fsave = NULL;
        for (char *f = strtok_r(fields, ";", &fsave); f; f = strtok_r(NULL, ";", &fsave)) {
            char *eq = strchr(f, '=');
            if (!eq)
                continue;
            *eq = '\0';
            const char *name = f, *want = eq + 1;
            char got[256];
            n_fields++;
            if (check_field(name, want, p, rc, &e, got, sizeof got)) {
                n_ok++;
                continue;
            }
            add_fail(id, name);
            bool regress = baseline && !write_base && !in_base(id, name);
            regressions += regress;
            if (!quiet || regress)
                printf("%s %s%s: want %s, got %s   [%s]\n", regress ? "REGRESSION" : "miss", id,
                       "", want, got, name);
        }
        mp_plan_free(p);
    }
    free(text);
    printf("requests: %d\n", n_req);
    printf("field accuracy: %d/%d (%.1f%%)\n", n_ok, n_fields,
           n_fields ? 100.0 * n_ok / n_fields : 0.0);
    printf("requests without a plan (not counting expected refusals): %d\n", no_plan);
    printf("refusals: %d/%d expected refusals refused\n", refused, refuse_want);
    if (write_base) {
        FILE *f = fopen(baseline, "w");
        if (!f) {
            fprintf(stderr, "bench_parse: cannot write '%s'\n", baseline);
            return 1;
        }
        fprintf(f, "# bench_parse baseline: the fields of tests/plan/requests.tsv that the "
                   "plan gets wrong today (ID <TAB> FIELD).\n# plan.parse fails on any other "
                   "wrong field; regenerate with bench_parse CORPUS BASELINE --write-baseline.\n");
        for (int i = 0; i < fails.n; i++)
            fprintf(f, "%s\t%s\n", fails.f[i].id, fails.f[i].field);
        fclose(f);
        printf("baseline written: %s (%d fields wrong)\n", baseline, fails.n);
    } else if (baseline) {
        int fixed = 0;
        for (int i = 0; i < base.n; i++) {
            bool still = false;
            for (int j = 0; j < fails.n; j++)
                still |= strcmp(fails.f[j].id, base.f[i].id) == 0 &&
                         strcmp(fails.f[j].field, base.f[i].field) == 0;
            fixed += !still;
        }
        printf("against the baseline: %d regressions, %d baseline misses now right%s\n",
               regressions, fixed, fixed ? " (regenerate the baseline to keep them)" : "");
        (void)line_no;
        return regressions ? 1 : 0;
    }
    return 0;
}
