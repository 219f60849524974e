/*
 * read.c - the line readers behind mp_runs_read (see read.h): clean each line
 * (colour codes, carriage-return progress, box-drawing borders, log
 * prefixes), try each format's patterns on it, keep the figures and note
 * which lines were used and which were not understood.
 *
 * Formats follow the print statements of mlx-lm 0.32.0 (generate.py,
 * benchmark.py, cli_ui.py, tuner/trainer.py, server.py) and of older
 * releases (tuner/trainer.py before cli_ui: "Iter N: Train loss ...").
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs/read.h"
#include "util/text.h"

#define LINE_MAX_BYTES 4096

static const char *const format_names[] = {
    [MP_RUN_FMT_NONE] = "none",           [MP_RUN_FMT_GENERATE] = "generate",
    [MP_RUN_FMT_BATCH] = "batch_generate", [MP_RUN_FMT_BENCHMARK] = "benchmark",
    [MP_RUN_FMT_LORA] = "lora",           [MP_RUN_FMT_CHAT] = "chat",
    [MP_RUN_FMT_SERVER] = "server",       [MP_RUN_FMT_API] = "api",
};

const char *mp_run_format_name(mp_run_format f)
{
    if ((unsigned)f < sizeof format_names / sizeof format_names[0])
        return format_names[f];
    return "none";
}

mp_run_format mp_run_format_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
        if (strcmp(format_names[i], name) == 0)
            return (mp_run_format)i;
    return MP_RUN_FMT_NONE;
}

bool mp_run_is_training(const mp_run_reading *r)
{
    return r->format == MP_RUN_FMT_LORA;
}

/* ---- numbers ----------------------------------------------------------- */

enum num_style {
    NUM_DEC,   /* printed with decimals (":.3f"): a lone comma is a decimal comma */
    NUM_GROUP, /* printed with thousands grouping and no decimals (":,.0f") */
    NUM_ANY,   /* a Python repr: point decimals and exponents */
};

typedef struct reader {
    mp_run_reading *r;
    int line_no;
    bool in_text;          /* between generate's "==========" lines */
    int n_figures;         /* figures taken */
    int first_rejected;    /* line of the first rejected value, 0 none */
    char first_rejected_what[48];
    char first_rejected_text[MP_RUNS_NOTE_TEXT];
    double train_speeds[256];
    int n_train_speeds;
    double trial_prompt, trial_gen, trial_peak; /* sums over trials */
    int n_trial;
    bool have_average;
} reader;

static void skip_spaces(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

/* Match literal `s` at *p (after spaces); advance past it on success. */
static bool lit(const char **p, const char *s)
{
    const char *q = *p;
    skip_spaces(&q);
    size_t n = strlen(s);
    if (strncmp(q, s, n) != 0)
        return false;
    *p = q + n;
    return true;
}

/* Read a number at *p (after spaces) in the given style.  A leading '-' is
 * kept so absurd negative values can be named.  Sets *comma when a decimal
 * comma was read as a point. */
static bool num(const char **p, enum num_style style, double *v, bool *comma)
{
    const char *q = *p;
    skip_spaces(&q);
    char tok[64];
    size_t n = 0;
    if (*q == '-' || *q == '+')
        tok[n++] = *q++;
    const char *start = q;
    while ((isdigit((unsigned char)*q) || *q == '.' || *q == ',' ||
            (style == NUM_ANY && (*q == 'e' || *q == 'E' ||
                                  ((*q == '-' || *q == '+') && (q[-1] == 'e' || q[-1] == 'E'))))) &&
           n < sizeof tok - 1)
        tok[n++] = *q++;
    tok[n] = '\0';
    if (q == start || !isdigit((unsigned char)*start))
        return false;
    /* a trailing separator belongs to the sentence ("123.4, ...") */
    while (n > 1 && (tok[n - 1] == ',' || tok[n - 1] == '.')) {
        tok[--n] = '\0';
        q--;
    }
    if (style == NUM_GROUP) {
        /* a group separator is followed by exactly three digits */
        for (size_t i = 0; i < n; i++)
            if ((tok[i] == ',' || tok[i] == '.') &&
                (i + 3 >= n + 0 || !isdigit((unsigned char)tok[i + 1]) ||
                 !isdigit((unsigned char)tok[i + 2]) || !isdigit((unsigned char)tok[i + 3]) ||
                 (i + 4 < n && tok[i + 4] != ',' && tok[i + 4] != '.')))
                return false;
    }
    char clean[64];
    size_t m = 0;
    const char *lastc = strrchr(tok, ','), *lastp = strrchr(tok, '.');
    int n_comma = 0;
    for (size_t i = 0; i < n; i++)
        n_comma += tok[i] == ',';
    for (size_t i = 0; i < n; i++) {
        char c = tok[i];
        if (style == NUM_GROUP) {
            if (c == ',' || c == '.')
                continue; /* grouping; the field has no decimals */
        } else if (style == NUM_DEC && c == ',') {
            if (lastp && lastp > &tok[i])
                continue;                       /* "1,234.5": grouping */
            if (n_comma == 1 && &tok[i] == lastc) {
                c = '.';                        /* "293,266": decimal comma */
                *comma = true;
            } else {
                continue;
            }
        } else if (style == NUM_DEC && c == '.' && lastc && lastc > &tok[i]) {
            continue;                           /* "1.234,5": grouping point */
        } else if (style == NUM_ANY && c == ',') {
            break;
        }
        clean[m++] = c;
    }
    clean[m] = '\0';
    char *end;
    double d = strtod(clean, &end);
    if (end == clean || *end != '\0' || !isfinite(d))
        return false;
    *v = d;
    *p = q;
    return true;
}

/* ---- notes ------------------------------------------------------------- */

static void note(reader *rd, mp_run_line_kind kind, const char *what, const char *line)
{
    mp_run_reading *r = rd->r;
    switch (kind) {
    case MP_RUN_LINE_USED: r->n_used++; break;
    case MP_RUN_LINE_UNKNOWN: r->n_unknown++; break;
    case MP_RUN_LINE_WARNING: r->n_warnings++; break;
    case MP_RUN_LINE_REJECTED: r->n_rejected++; break;
    }
    if (kind == MP_RUN_LINE_REJECTED && !rd->first_rejected) {
        rd->first_rejected = rd->line_no;
        mp_strlcpy(rd->first_rejected_what, what, sizeof rd->first_rejected_what);
        mp_strlcpy(rd->first_rejected_text, line, sizeof rd->first_rejected_text);
        mp_clean_line(rd->first_rejected_text);
    }
    if (r->n_notes >= MP_RUNS_MAX_NOTES)
        return;
    mp_run_note *nt = &r->notes[r->n_notes++];
    nt->line_no = rd->line_no;
    nt->kind = kind;
    mp_strlcpy(nt->what, what, sizeof nt->what);
    size_t len = strlen(line);
    if (len >= sizeof nt->text) {
        /* cut on a character boundary, then mark the cut */
        size_t cut = sizeof nt->text - 4;
        while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
        /* and on a word boundary, so no flag is printed cut in half */
        size_t word = cut;
        while (word > 0 && line[word - 1] != ' ')
            word--;
        if (word > sizeof nt->text / 2)
            cut = word;
        memcpy(nt->text, line, cut);
        memcpy(nt->text + cut, "...", 4);
    } else {
        memcpy(nt->text, line, len + 1);
    }
    mp_clean_line(nt->text);
}

/* Keep value v in *slot when it lies in [lo, hi]; else note it rejected.
 * Returns true when kept. */
static bool keep(reader *rd, double *slot, double v, double lo, double hi, bool lo_open)
{
    if (v < lo || v > hi || (lo_open && v <= lo))
        return false;
    *slot = v;
    (void)rd;
    return true;
}

static void take_setup_format(mp_run_reading *r, mp_run_format f)
{
    /* the first timing format seen decides; a generate paste that also
     * shows a GenerationResponse stays generate */
    if (r->format == MP_RUN_FMT_NONE || r->format == MP_RUN_FMT_SERVER)
        r->format = f;
}

/* ---- limits on figures -------------------------------------------------- */

#define GEN_TPS_MAX 100000.0      /* no Mac decodes faster, even batched */
#define PROMPT_TPS_MAX 1000000.0
#define TOKENS_MAX 1e8
#define PEAK_GB_MAX 10000.0
#define TRAIN_TPS_MAX 1000000.0

/* ---- generate / batch_generate / old generate --------------------------- */

/* "Prompt: N tokens, X tokens-per-sec" or (older) "Prompt: X tokens-per-sec" */
static bool speed_line(reader *rd, const char *p, const char *label, double *tokens,
                       double *tps, double tps_max, const char *line, mp_run_format f)
{
    if (!lit(&p, label))
        return false;
    double a, b;
    bool comma = false;
    const char *at = p;
    if (!num(&p, NUM_DEC, &a, &comma))
        return false;
    bool has_count = false;
    const char *q = p;
    if (lit(&q, "tokens,")) {
        /* a count has no decimals: a comma in it groups thousands */
        bool c2 = false;
        if (!num(&at, NUM_GROUP, &a, &c2))
            return false;
        comma = false;
        if (!num(&q, NUM_DEC, &b, &comma) || !lit(&q, "tokens-per-sec"))
            return false;
        has_count = true;
        p = q;
    } else if (!lit(&p, "tokens-per-sec")) {
        return false;
    } else {
        b = a;
    }
    char what[48];
    snprintf(what, sizeof what, "%s speed", label[0] == 'P' ? "prompt" : "generation");
    if ((has_count && (a < 0 || a > TOKENS_MAX || a != floor(a))) ||
        !(b > 0 && b <= tps_max)) {
        note(rd, MP_RUN_LINE_REJECTED, what, line);
        return true;
    }
    if (has_count)
        *tokens = a;
    *tps = b;
    rd->r->decimal_comma |= comma;
    take_setup_format(rd->r, f);
    rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, what, line);
    return true;
}

static bool peak_line(reader *rd, const char *p, const char *line, mp_run_format f)
{
    if (!lit(&p, "Peak memory:"))
        return false;
    double v;
    bool comma = false;
    if (!num(&p, NUM_DEC, &v, &comma) || !lit(&p, "GB"))
        return false;
    if (!keep(rd, &rd->r->peak_memory_gb, v, 0, PEAK_GB_MAX, true)) {
        note(rd, MP_RUN_LINE_REJECTED, "peak memory", line);
        return true;
    }
    rd->r->decimal_comma |= comma;
    take_setup_format(rd->r, f);
    rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, "peak memory", line);
    return true;
}

static bool generate_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    mp_run_format f = MP_RUN_FMT_GENERATE;
    if (lit(&p, "[batch_generate]")) {
        f = MP_RUN_FMT_BATCH;
        const char *q = p;
        if (lit(&q, "Finished processing")) {
            note(rd, MP_RUN_LINE_USED, "batch progress", line);
            return true;
        }
    }
    if (speed_line(rd, p, "Prompt:", &r->prompt_tokens, &r->prompt_tok_per_s, PROMPT_TPS_MAX,
                   line, f) ||
        speed_line(rd, p, "Generation:", &r->gen_tokens, &r->gen_tok_per_s, GEN_TPS_MAX, line,
                   f) ||
        peak_line(rd, p, line, f))
        return true;
    if (f == MP_RUN_FMT_GENERATE && strcmp(p, "No text generated for this prompt") == 0) {
        note(rd, MP_RUN_LINE_USED, "no text generated", line);
        return true;
    }
    return false;
}

/* ---- benchmark ----------------------------------------------------------- */

/* "prompt_tps=1.000, generation_tps=2.000, peak_memory=3.000[, total_time=..]" */
static bool bench_fields(const char *p, double *ptps, double *gtps, double *peak, bool *comma)
{
    *ptps = *gtps = *peak = -1;
    while (*p) {
        skip_spaces(&p);
        const char *eq = strchr(p, '=');
        if (!eq)
            break;
        size_t klen = (size_t)(eq - p);
        const char *v = eq + 1;
        double d;
        if (!num(&v, NUM_DEC, &d, comma))
            return false;
        if (klen == 10 && strncmp(p, "prompt_tps", 10) == 0)
            *ptps = d;
        else if (klen == 14 && strncmp(p, "generation_tps", 14) == 0)
            *gtps = d;
        else if (klen == 11 && strncmp(p, "peak_memory", 11) == 0)
            *peak = d;
        p = v;
        skip_spaces(&p);
        if (*p == ',')
            p++;
    }
    return *ptps >= 0 || *gtps >= 0;
}

static bool benchmark_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    if (strcmp(p, "Running warmup..") == 0) {
        note(rd, MP_RUN_LINE_USED, "benchmark warmup", line);
        return true;
    }
    const char *q = p;
    if (lit(&q, "Timing with prompt_tokens=")) {
        double pt, gt, b;
        bool comma = false;
        if (!num(&q, NUM_GROUP, &pt, &comma) || !lit(&q, ", generation_tokens=") ||
            !num(&q, NUM_GROUP, &gt, &comma) || !lit(&q, ", batch_size=") ||
            !num(&q, NUM_GROUP, &b, &comma))
            return false;
        if (pt < 1 || pt > TOKENS_MAX || gt < 1 || gt > TOKENS_MAX || b < 1 || b > 4096) {
            note(rd, MP_RUN_LINE_REJECTED, "benchmark setup", line);
            return true;
        }
        r->prompt_tokens = pt;
        r->gen_tokens = gt;
        r->batch_size = (int64_t)b;
        take_setup_format(r, MP_RUN_FMT_BENCHMARK);
        note(rd, MP_RUN_LINE_USED, "benchmark setup", line);
        return true;
    }
    bool trial = false;
    q = p;
    if (lit(&q, "Trial ")) {
        double n;
        bool c = false;
        if (!num(&q, NUM_GROUP, &n, &c) || !lit(&q, ":"))
            return false;
        trial = true;
    } else if (!lit(&q, "Averages:")) {
        return false;
    }
    double ptps, gtps, peak;
    bool comma = false;
    if (!bench_fields(q, &ptps, &gtps, &peak, &comma))
        return false;
    const char *what = trial ? "benchmark trial" : "benchmark average";
    if (!(ptps > 0 && ptps <= PROMPT_TPS_MAX) || !(gtps > 0 && gtps <= GEN_TPS_MAX) ||
        !(peak > 0 && peak <= PEAK_GB_MAX)) {
        note(rd, MP_RUN_LINE_REJECTED, what, line);
        return true;
    }
    r->decimal_comma |= comma;
    take_setup_format(r, MP_RUN_FMT_BENCHMARK);
    if (trial) {
        rd->trial_prompt += ptps;
        rd->trial_gen += gtps;
        rd->trial_peak = fmax(rd->trial_peak, peak);
        rd->n_trial++;
        r->n_trials = rd->n_trial;
    } else {
        rd->have_average = true;
        r->prompt_tok_per_s = ptps;
        r->gen_tok_per_s = gtps;
        r->peak_memory_gb = peak;
        r->averaged = true;
    }
    rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, what, line);
    return true;
}

/* ---- lora: old "Iter N:" lines ----------------------------------------- */

static bool iter_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    if (!lit(&p, "Iter "))
        return false;
    double it;
    bool comma = false;
    if (!num(&p, NUM_GROUP, &it, &comma) || !lit(&p, ":"))
        return false;
    skip_spaces(&p);
    if (strncmp(p, "Saved adapter weights", 21) == 0) {
        note(rd, MP_RUN_LINE_USED, "adapter save", line);
        take_setup_format(r, MP_RUN_FMT_LORA);
        return true;
    }
    double loss = -1, tps = -1, its = -1, tokens = -1, peak = -1, val = -1, lr = -1;
    bool any = false, bad = false;
    while (*p) {
        skip_spaces(&p);
        struct { const char *key; double *slot; } keys[] = {
            {"Train loss", &loss}, {"Val loss", &val}, {"Learning Rate", &lr},
            {"It/sec", &its}, {"Tokens/sec", &tps}, {"Trained Tokens", &tokens},
            {"Peak mem", &peak}, {"Val took", NULL},
        };
        bool matched = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *q = p;
            if (!lit(&q, keys[k].key))
                continue;
            double v;
            if (!num(&q, NUM_ANY, &v, &comma))
                return false;
            if (keys[k].slot)
                *keys[k].slot = v;
            if (v < 0)
                bad = true;
            lit(&q, "GB");
            lit(&q, "s");
            p = q;
            matched = any = true;
            break;
        }
        if (!matched)
            break;
        skip_spaces(&p);
        if (*p == ',')
            p++;
    }
    if (!any)
        return false;
    take_setup_format(r, MP_RUN_FMT_LORA);
    if (bad || (tps >= 0 && !(tps > 0 && tps <= TRAIN_TPS_MAX)) || (its >= 0 && its == 0) ||
        (peak >= 0 && !(peak > 0 && peak <= PEAK_GB_MAX))) {
        note(rd, MP_RUN_LINE_REJECTED, val >= 0 ? "validation" : "training report", line);
        return true;
    }
    if (it > (double)r->last_iter)
        r->last_iter = (int64_t)it;
    if (val >= 0) {
        r->val_loss = val;
        note(rd, MP_RUN_LINE_USED, "validation loss", line);
        return true;
    }
    if (loss >= 0)
        r->train_loss = loss;
    if (tps > 0 && rd->n_train_speeds < (int)(sizeof rd->train_speeds / sizeof rd->train_speeds[0]))
        rd->train_speeds[rd->n_train_speeds++] = tps;
    if (its > 0)
        r->train_it_per_s = its;
    if (tokens >= 0)
        r->trained_tokens = tokens;
    if (peak > 0)
        r->peak_memory_gb = fmax(r->peak_memory_gb, peak);
    r->n_train_reports++;
    if (tps > 0)
        rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, "training report", line);
    return true;
}

/* ---- lora: 0.32's table (cli_ui.TrainUI) and header panel --------------- */

static bool lora_table_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    if (strncmp(p, "iter", 4) == 0 && strstr(p, "train_loss") && strstr(p, "tok/s")) {
        take_setup_format(r, MP_RUN_FMT_LORA);
        note(rd, MP_RUN_LINE_USED, "training table header", line);
        return true;
    }
    if (strncmp(p, "save ", 5) == 0 && strstr(p, "adapters.safetensors")) {
        take_setup_format(r, MP_RUN_FMT_LORA);
        note(rd, MP_RUN_LINE_USED, "adapter save", line);
        return true;
    }
    const char *q = p;
    if (lit(&q, "train ") && strchr(q, '%') && strchr(q, '/')) {
        /* progress bar "train ████ 100% · 30/30" */
        const char *slash = strrchr(q, '/');
        const char *v = slash + 1;
        double total;
        bool c = false;
        if (num(&v, NUM_GROUP, &total, &c) && total >= 1 && total <= 1e9) {
            r->total_iters = (int64_t)total;
            take_setup_format(r, MP_RUN_FMT_LORA);
            note(rd, MP_RUN_LINE_USED, "training progress", line);
            return true;
        }
        return false;
    }
    q = p;
    double it, a;
    bool comma = false;
    if (!isdigit((unsigned char)*q) || !num(&q, NUM_GROUP, &it, &comma))
        return false;
    if (lit(&q, "val")) {
        double secs;
        if (!num(&q, NUM_DEC, &a, &comma) || !num(&q, NUM_DEC, &secs, &comma) || !lit(&q, "s"))
            return false;
        take_setup_format(r, MP_RUN_FMT_LORA);
        if (a < 0 || secs < 0) {
            note(rd, MP_RUN_LINE_REJECTED, "validation", line);
            return true;
        }
        r->val_loss = a;
        if (it > (double)r->last_iter)
            r->last_iter = (int64_t)it;
        note(rd, MP_RUN_LINE_USED, "validation loss", line);
        return true;
    }
    double tps, ktok;
    if (!num(&q, NUM_DEC, &a, &comma))
        return false;
    if (!lit(&q, "\xe2\x96\xbc") && !lit(&q, "\xe2\x96\xb2")) /* ▼ ▲ */
        return false;
    if (!num(&q, NUM_GROUP, &tps, &comma) || !num(&q, NUM_DEC, &ktok, &comma) || !lit(&q, "k"))
        return false;
    take_setup_format(r, MP_RUN_FMT_LORA);
    if (a < 0 || !(tps > 0 && tps <= TRAIN_TPS_MAX) || ktok < 0) {
        note(rd, MP_RUN_LINE_REJECTED, "training report", line);
        return true;
    }
    r->train_loss = a;
    if (rd->n_train_speeds < (int)(sizeof rd->train_speeds / sizeof rd->train_speeds[0]))
        rd->train_speeds[rd->n_train_speeds++] = tps;
    r->trained_tokens = ktok * 1000.0;
    if (it > (double)r->last_iter)
        r->last_iter = (int64_t)it;
    r->n_train_reports++;
    rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, "training report", line);
    return true;
}

/* A header panel row "model    X" (after the borders were cut). */
static bool panel_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    static const char *const keys[] = {"model", "type", "dataset", "optimizer",
                                       "batch \xc2\xb7 iters", "max seq", "max tokens"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        size_t n = strlen(keys[k]);
        if (strncmp(p, keys[k], n) != 0 || p[n] != ' ' || p[n + 1] != ' ')
            continue;
        const char *v = p + n;
        skip_spaces(&v);
        if (!*v)
            return false;
        bool comma = false;
        double d, d2;
        switch (k) {
        case 0:
            mp_strlcpy(r->model, v, sizeof r->model);
            break;
        case 1: {
            size_t w = strcspn(v, " ");
            if (w >= sizeof r->fine_tune_type)
                return false;
            memcpy(r->fine_tune_type, v, w);
            r->fine_tune_type[w] = '\0';
            const char *q = strstr(v, "\xc2\xb7");
            if (q) {
                q += 2;
                if (num(&q, NUM_GROUP, &d, &comma) && lit(&q, "layers"))
                    r->lora_layers = (int64_t)d;
                if (lit(&q, "\xc2\xb7") && lit(&q, "rank") && num(&q, NUM_GROUP, &d, &comma))
                    r->lora_rank = (int64_t)d;
            }
            break;
        }
        case 4:
            if (!num(&v, NUM_GROUP, &d, &comma) || !lit(&v, "\xc2\xb7") ||
                !num(&v, NUM_GROUP, &d2, &comma))
                return false;
            r->batch_size = (int64_t)d;
            r->total_iters = (int64_t)d2;
            break;
        case 5:
            if (!num(&v, NUM_GROUP, &d, &comma))
                return false;
            r->max_seq_length = (int64_t)d;
            break;
        case 6:
            if (!num(&v, NUM_GROUP, &d, &comma))
                return false;
            r->max_tokens = (int64_t)d;
            break;
        default:
            break;
        }
        note(rd, MP_RUN_LINE_USED, "setup (header panel)", line);
        return true;
    }
    if (strncmp(p, "\xe2\x80\xba ", 4) == 0 || strncmp(p, "commands ", 9) == 0 ||
        strcmp(p, "bye") == 0) {
        /* mlx_lm.chat's prompt marker "› ", its help row and its goodbye */
        take_setup_format(r, MP_RUN_FMT_CHAT);
        note(rd, MP_RUN_LINE_USED, "chat prompt", line);
        return true;
    }
    if (strncmp(p, "mlx_lm.lora", 11) == 0 || strncmp(p, "mlx_lm.chat", 11) == 0) {
        mp_strlcpy(r->command, p[7] == 'l' ? "mlx_lm.lora" : "mlx_lm.chat", sizeof r->command);
        note(rd, MP_RUN_LINE_USED, "header panel title", line);
        return true;
    }
    return false;
}

/* Lines mlx_lm.lora prints around its reports (old and new). */
static bool lora_chatter(reader *rd, const char *p, const char *line)
{
    static const char *const starts[] = {
        "Loading pretrained model", "Loading datasets", "Training", "Testing",
        "Trainable parameters:", "Starting training", "Saved final weights to",
        "Test loss ", "Loading fine-tuned weights", "Loading configuration file",
    };
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        size_t n = strlen(starts[i]);
        if (strncmp(p, starts[i], n) == 0 && (i != 2 || p[n] == '\0') && (i != 3 || p[n] == '\0')) {
            if (i >= 4)
                take_setup_format(rd->r, MP_RUN_FMT_LORA);
            note(rd, MP_RUN_LINE_USED, "training progress", line);
            return true;
        }
    }
    return false;
}

/* ---- chat --------------------------------------------------------------- */

static bool chat_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    double n, g, pr, pk;
    bool comma = false;
    const char *q = p;
    if (!num(&q, NUM_GROUP, &n, &comma) || !lit(&q, "tokens \xc2\xb7") ||
        !num(&q, NUM_DEC, &g, &comma) || !lit(&q, "tok/s \xc2\xb7 prompt") ||
        !num(&q, NUM_DEC, &pr, &comma) || !lit(&q, "tok/s \xc2\xb7 peak") ||
        !num(&q, NUM_DEC, &pk, &comma) || !lit(&q, "GB"))
        return false;
    take_setup_format(r, MP_RUN_FMT_CHAT);
    if (n < 0 || !(g > 0 && g <= GEN_TPS_MAX) || !(pr > 0 && pr <= PROMPT_TPS_MAX) ||
        !(pk > 0 && pk <= PEAK_GB_MAX)) {
        note(rd, MP_RUN_LINE_REJECTED, "chat turn", line);
        return true;
    }
    /* the last turn counts: its prompt holds the whole conversation */
    r->gen_tokens = n;
    r->gen_tok_per_s = g;
    r->prompt_tok_per_s = pr;
    r->peak_memory_gb = fmax(r->peak_memory_gb, pk);
    r->decimal_comma |= comma;
    r->n_trials++;
    rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, "chat turn", line);
    return true;
}

/* ---- server ------------------------------------------------------------- */

static bool server_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    const char *q = p;
    if (lit(&q, "Prompt processing progress:") || lit(&q, "Starting httpd at") ||
        lit(&q, "Prompt Cache:")) {
        take_setup_format(r, MP_RUN_FMT_SERVER);
        note(rd, MP_RUN_LINE_USED, "server log", line);
        return true;
    }
    /* access log: 127.0.0.1 - - [date] "POST /v1/chat/completions HTTP/1.1" 200 - */
    if (strstr(p, "\"POST /v1/") || strstr(p, "\"GET /v1/")) {
        take_setup_format(r, MP_RUN_FMT_SERVER);
        if (strstr(p, "\"POST /v1/"))
            r->n_requests++;
        note(rd, MP_RUN_LINE_USED, "server request", line);
        return true;
    }
    /* the JSON usage object, whole or a line of it */
    const char *u;
    bool used = false;
    bool comma = false;
    if ((u = strstr(p, "\"prompt_tokens\":")) != NULL) {
        const char *v = u + 16;
        double d;
        if (num(&v, NUM_GROUP, &d, &comma) && d >= 0 && d <= TOKENS_MAX) {
            r->prompt_tokens = d;
            used = true;
        }
    }
    if ((u = strstr(p, "\"completion_tokens\":")) != NULL) {
        const char *v = u + 20;
        double d;
        if (num(&v, NUM_GROUP, &d, &comma) && d >= 0 && d <= TOKENS_MAX) {
            r->gen_tokens = d;
            used = true;
        }
    }
    if (used) {
        take_setup_format(r, MP_RUN_FMT_SERVER);
        rd->n_figures++;
        note(rd, MP_RUN_LINE_USED, "token counts (usage)", line);
        return true;
    }
    if (strstr(p, "\"total_tokens\":") || strstr(p, "\"usage\":")) {
        note(rd, MP_RUN_LINE_USED, "token counts (usage)", line);
        return true;
    }
    return false;
}

/* ---- GenerationResponse(...) or its fields ------------------------------ */

static bool api_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    struct { const char *key; double *slot; double lo, hi; } keys[] = {
        {"prompt_tokens=", &r->prompt_tokens, 0, TOKENS_MAX},
        {"prompt_tps=", &r->prompt_tok_per_s, 0, PROMPT_TPS_MAX},
        {"generation_tokens=", &r->gen_tokens, 0, TOKENS_MAX},
        {"generation_tps=", &r->gen_tok_per_s, 0, GEN_TPS_MAX},
        {"peak_memory=", &r->peak_memory_gb, 0, PEAK_GB_MAX},
    };
    bool is_repr = strstr(p, "GenerationResponse(") != NULL;
    double vals[5];
    int found = 0;
    bool comma = false;
    for (size_t k = 0; k < 5; k++) {
        vals[k] = -1;
        const char *hit = p;
        /* the key must start a field, not end another ("prompt_tps" inside
         * "..._prompt_tps") */
        while ((hit = strstr(hit, keys[k].key)) != NULL) {
            if (hit == p || hit[-1] == ' ' || hit[-1] == ',' || hit[-1] == '(')
                break;
            hit++;
        }
        if (!hit)
            continue;
        const char *v = hit + strlen(keys[k].key);
        double d;
        if (!num(&v, NUM_ANY, &d, &comma))
            continue;
        vals[k] = d;
        found++;
        if (d < keys[k].lo || d > keys[k].hi || ((k == 1 || k == 3 || k == 4) && d <= 0) ||
            ((k == 0 || k == 2) && d != floor(d))) {
            note(rd, MP_RUN_LINE_REJECTED, "GenerationResponse", line);
            return true;
        }
    }
    if (found == 0 || (!is_repr && found < 2 && strncmp(p, "prompt_", 7) != 0 &&
                       strncmp(p, "generation_", 11) != 0 && strncmp(p, "peak_memory", 11) != 0))
        return false;
    for (size_t k = 0; k < 5; k++)
        if (vals[k] >= 0)
            *keys[k].slot = vals[k];
    take_setup_format(r, MP_RUN_FMT_API);
    rd->n_figures++;
    note(rd, MP_RUN_LINE_USED, is_repr ? "GenerationResponse" : "GenerationResponse field", line);
    return true;
}

/* ---- warnings ----------------------------------------------------------- */

static bool warning_line(reader *rd, const char *p, const char *line)
{
    mp_run_reading *r = rd->r;
    const char *q = p;
    if (lit(&q, "[WARNING] Generating with a model that requires")) {
        double mb, lim;
        bool comma = false;
        if (num(&q, NUM_GROUP, &mb, &comma) && lit(&q, "MB which is close to the maximum recommended size of") &&
            num(&q, NUM_GROUP, &lim, &comma) && mb > 0 && lim > 0) {
            r->warn_model_mb = mb;
            r->warn_limit_mb = lim;
            note(rd, MP_RUN_LINE_USED, "wired-limit warning", line);
            return true;
        }
    }
    if (strncmp(p, "[WARNING]", 9) == 0 || strstr(p, "Warning:") || strstr(p, "WARNING") ||
        strstr(p, "warnings.warn") || strncmp(p, "Traceback", 9) == 0 ||
        strstr(p, "is deprecated") || strstr(p, "Fetching ") == p) {
        note(rd, MP_RUN_LINE_WARNING, strncmp(p, "Fetching ", 9) == 0 ? "download progress" : "warning",
             line);
        return true;
    }
    return false;
}

/* ---- command lines ------------------------------------------------------- */

/* Split `s` into words (quotes group, backslash-newline joins); at most
 * `max` words, each NUL-terminated inside `store`. */
static int split_words(const char *s, char *store, size_t cap, char **words, int max)
{
    int n = 0;
    size_t o = 0;
    while (*s && n < max) {
        while (*s == ' ' || *s == '\t' || (*s == '\\' && (s[1] == ' ' || s[1] == '\0')))
            s++;
        if (!*s)
            break;
        if (o + 1 >= cap)
            break;
        words[n++] = store + o;
        char quote = 0;
        while (*s && (quote || (*s != ' ' && *s != '\t'))) {
            if (!quote && (*s == '"' || *s == '\'')) {
                quote = *s++;
                continue;
            }
            if (quote && *s == quote) {
                quote = 0;
                s++;
                continue;
            }
            if (o + 1 < cap)
                store[o++] = *s;
            s++;
        }
        store[o++] = '\0';
    }
    return n;
}

static const char *const known_commands[] = {"generate", "benchmark", "lora", "chat", "server"};

bool mp_runs_read_command(const char *line, mp_run_reading *r)
{
    const char *m = strstr(line, "mlx_lm");
    while (m && m != line && m[-1] != ' ' && m[-1] != '/' && m[-1] != '\t')
        m = strstr(m + 1, "mlx_lm");
    if (!m || (m[6] != '.' && m[6] != ' '))
        return false;
    /* the word before must be a shell prompt, python -m, or nothing */
    const char *rest = m + 7;
    size_t w = strcspn(rest, " \t");
    int ci = -1;
    for (size_t i = 0; i < sizeof known_commands / sizeof known_commands[0]; i++)
        if (strlen(known_commands[i]) == w && strncmp(rest, known_commands[i], w) == 0)
            ci = (int)i;
    if (ci < 0)
        return false;
    snprintf(r->command, sizeof r->command, "mlx_lm.%s", known_commands[ci]);
    char store[LINE_MAX_BYTES];
    char *words[128];
    int n = split_words(rest + w, store, sizeof store, words, 128);
    for (int i = 0; i < n; i++) {
        const char *a = words[i];
        const char *v = NULL;
        char flag[48];
        const char *eq = strchr(a, '=');
        if (a[0] == '-' && eq && (size_t)(eq - a) < sizeof flag) {
            memcpy(flag, a, (size_t)(eq - a));
            flag[eq - a] = '\0';
            v = eq + 1;
        } else {
            mp_strlcpy(flag, a, sizeof flag);
            if (i + 1 < n && a[0] == '-')
                v = words[i + 1];
        }
        bool took = true;
        int64_t iv = 0;
        bool is_int = v && mp_parse_i64(v, 0, 100000000, "", &iv, NULL) == 0;
        if (strcmp(flag, "--model") == 0 && v)
            mp_strlcpy(r->model, v, sizeof r->model);
        else if (ci == 1 && (strcmp(flag, "--prompt-tokens") == 0 || strcmp(flag, "-p") == 0) && is_int)
            r->prompt_tokens = (double)iv;
        else if (ci == 1 && (strcmp(flag, "--generation-tokens") == 0 || strcmp(flag, "-g") == 0) && is_int)
            r->gen_tokens = (double)iv;
        else if ((strcmp(flag, "--batch-size") == 0 || (ci == 1 && strcmp(flag, "-b") == 0)) && is_int)
            r->batch_size = iv;
        else if ((strcmp(flag, "--max-tokens") == 0 || (ci != 1 && strcmp(flag, "-m") == 0)) && is_int)
            r->max_tokens = iv;
        else if (strcmp(flag, "--max-kv-size") == 0 && is_int)
            r->max_kv_size = iv;
        else if (strcmp(flag, "--kv-bits") == 0 && is_int)
            r->kv_bits = iv;
        else if (strcmp(flag, "--num-layers") == 0 && is_int)
            r->lora_layers = iv;
        else if (strcmp(flag, "--iters") == 0 && is_int)
            r->total_iters = iv;
        else if (strcmp(flag, "--max-seq-length") == 0 && is_int)
            r->max_seq_length = iv;
        else if (strcmp(flag, "--fine-tune-type") == 0 && v)
            mp_strlcpy(r->fine_tune_type, v, sizeof r->fine_tune_type);
        else
            took = false;
        if (took && !eq)
            i++;
    }
    return true;
}

/* ---- line cleaning -------------------------------------------------------- */

/* Clean raw line `in[0..n)` into `out` (cap bytes): text after the last
 * carriage return, ANSI escapes removed, NUL and control bytes turned into
 * spaces, box-drawing borders ("│", "╭", "╰") cut, log prefixes removed,
 * leading and trailing blanks trimmed. */
static void clean(const char *in, size_t n, char *out, size_t cap)
{
    /* a progress line rewritten with \r: keep the last non-empty segment */
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (in[i] == '\r' && i + 1 < n)
            start = i + 1;
    size_t o = 0;
    for (size_t i = start; i < n && o + 1 < cap; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == 0x1b) {
            if (i + 1 < n && in[i + 1] == '[') {
                i += 2;
                while (i < n && !((in[i] >= '@' && in[i] <= '~')))
                    i++;
            }
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            c = ' ';
        out[o++] = (char)c;
    }
    out[o] = '\0';
    /* borders of rich's panels: U+2502 │, U+256D ╭, U+2570 ╰, U+256E ╮, U+256F ╯ */
    char *s = out;
    while (*s == ' ')
        s++;
    if (strncmp(s, "\xe2\x94\x82", 3) == 0)
        s += 3;
    else if (strncmp(s, "\xe2\x95\xad", 3) == 0 || strncmp(s, "\xe2\x95\xb0", 3) == 0) {
        /* "╭─ mlx_lm.lora ───╮": keep the title */
        s += 3;
        while (strncmp(s, "\xe2\x94\x80", 3) == 0 || *s == ' ')
            s += *s == ' ' ? 1 : 3;
        char *e = s;
        while (*e && strncmp(e, "\xe2\x94\x80", 3) != 0)
            e++;
        *e = '\0';
        /* a bottom border has no title: only its corner is left */
        if (strcmp(s, "\xe2\x95\xaf") == 0 || strcmp(s, "\xe2\x95\xae") == 0)
            *s = '\0';
    }
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' '))
        s[--len] = '\0';
    if (len >= 3 && strcmp(s + len - 3, "\xe2\x94\x82") == 0)
        s[len -= 3] = '\0';
    while (len && (s[len - 1] == ' '))
        s[--len] = '\0';
    while (*s == ' ')
        s++;
    /* log prefixes: "2026-01-02 10:11:12,345 - INFO - ", "INFO:root:" */
    const char *q = s;
    if (isdigit((unsigned char)q[0]) && strlen(q) > 24 && q[4] == '-' && q[10] == ' ') {
        const char *dash = strstr(q, " - ");
        if (dash) {
            const char *lvl = dash + 3;
            const char *dash2 = strstr(lvl, " - ");
            if (dash2 && dash2 - lvl <= 8)
                s = (char *)dash2 + 3;
        }
    } else if (strncmp(q, "INFO:root:", 10) == 0) {
        s += 10;
    }
    /* a Python prompt ">>> print(r)" */
    if (strncmp(s, ">>> ", 4) == 0)
        s += 4;
    memmove(out, s, strlen(s) + 1);
}

static bool is_separator(const char *s)
{
    size_t n = strlen(s);
    if (n < 10)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '=')
            return false;
    return true;
}

static bool looks_like_prompt_line(const char *s)
{
    /* "$ cmd", "% cmd", "(venv) user@host dir % cmd", "❯ cmd" */
    return strstr(s, "mlx_lm") != NULL;
}

static void read_line(reader *rd, const char *p)
{
    mp_run_reading *r = rd->r;
    if (!*p)
        return;
    if (is_separator(p)) {
        rd->in_text = !rd->in_text;
        take_setup_format(r, MP_RUN_FMT_GENERATE);
        note(rd, MP_RUN_LINE_USED, "generate separator", p);
        return;
    }
    if (rd->in_text)
        return; /* generated text */
    if (looks_like_prompt_line(p) && mp_runs_read_command(p, r)) {
        note(rd, MP_RUN_LINE_USED, "command line", p);
        return;
    }
    if (warning_line(rd, p, p) || generate_line(rd, p, p) || benchmark_line(rd, p, p) ||
        iter_line(rd, p, p) || lora_table_line(rd, p, p) || chat_line(rd, p, p) ||
        api_line(rd, p, p) || server_line(rd, p, p) || panel_line(rd, p, p) ||
        lora_chatter(rd, p, p))
        return;
    note(rd, MP_RUN_LINE_UNKNOWN, "not understood", p);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void init_reading(mp_run_reading *r)
{
    memset(r, 0, sizeof *r);
    r->prompt_tokens = r->prompt_tok_per_s = r->gen_tokens = r->gen_tok_per_s = -1;
    r->peak_memory_gb = -1;
    r->train_tok_per_s = r->train_it_per_s = r->train_loss = r->val_loss = -1;
    r->trained_tokens = -1;
    r->warn_model_mb = r->warn_limit_mb = -1;
    r->batch_size = r->last_iter = r->total_iters = -1;
    r->lora_layers = r->lora_rank = r->max_seq_length = -1;
    r->max_tokens = r->max_kv_size = r->kv_bits = -1;
}

int mp_runs_read(const char *text, size_t len, mp_run_reading *out, mp_error *err)
{
    init_reading(out);
    if (len > MP_RUNS_MAX_INPUT_BYTES)
        return mp_error_set(err, MP_ELIMIT, "the output is %zu bytes, over the limit of %u bytes",
                            len, MP_RUNS_MAX_INPUT_BYTES);
    bool blank = true;
    for (size_t i = 0; i < len && blank; i++)
        blank = isspace((unsigned char)text[i]) || text[i] == '\0';
    if (blank)
        return mp_error_set(err, MP_EPARSE, "the input is empty: paste what mlx_lm printed");
    reader *rd = calloc(1, sizeof *rd);
    char *line = malloc(LINE_MAX_BYTES * 2);
    if (!rd || !line) {
        free(rd);
        free(line);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    rd->r = out;
    char first[MP_RUNS_NOTE_TEXT] = "";
    size_t i = 0;
    char joined[LINE_MAX_BYTES];
    joined[0] = '\0';
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        rd->line_no++;
        out->n_lines++;
        size_t n = j - i > LINE_MAX_BYTES - 1 ? LINE_MAX_BYTES - 1 : j - i;
        clean(text + i, n, line, LINE_MAX_BYTES);
        i = j + 1;
        /* a command continued with "\" joins the next line */
        size_t ll = strlen(line);
        if ((joined[0] || strstr(line, "mlx_lm")) && ll && line[ll - 1] == '\\' && !rd->in_text) {
            line[ll - 1] = ' ';
            size_t jl = strlen(joined);
            snprintf(joined + jl, sizeof joined - jl, "%s", line);
            continue;
        }
        if (joined[0]) {
            size_t jl = strlen(joined);
            snprintf(joined + jl, sizeof joined - jl, "%s", line);
            mp_strlcpy(line, joined, LINE_MAX_BYTES);
            joined[0] = '\0';
        }
        if (!first[0] && line[0]) {
            mp_strlcpy(first, line, sizeof first);
            mp_clean_line(first);
        }
        read_line(rd, line);
    }
    if (joined[0])
        read_line(rd, joined);
    /* benchmark without its "Averages:" line (a truncated paste): mean of trials */
    if (out->format == MP_RUN_FMT_BENCHMARK && !rd->have_average && rd->n_trial > 0) {
        out->prompt_tok_per_s = rd->trial_prompt / rd->n_trial;
        out->gen_tok_per_s = rd->trial_gen / rd->n_trial;
        out->peak_memory_gb = rd->trial_peak;
    }
    /* training speed: the median over reports; the first report also paid
     * for compilation and warm-up, so it is left out when there are others */
    if (rd->n_train_speeds > 0) {
        int skip = rd->n_train_speeds > 1 ? 1 : 0;
        int m = rd->n_train_speeds - skip;
        qsort(rd->train_speeds + skip, (size_t)m, sizeof(double), cmp_double);
        double *v = rd->train_speeds + skip;
        out->train_tok_per_s = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    }
    int rc = 0;
    bool has_speed = out->gen_tok_per_s > 0 || out->prompt_tok_per_s > 0 ||
                     out->train_tok_per_s > 0 || out->train_it_per_s > 0 ||
                     (out->format == MP_RUN_FMT_SERVER && rd->n_figures > 0);
    if (!has_speed) {
        if (rd->first_rejected)
            rc = mp_error_set(err, MP_EINVAL, "line %d: absurd %s in '%s'", rd->first_rejected,
                              rd->first_rejected_what, rd->first_rejected_text);
        else if (out->format == MP_RUN_FMT_SERVER)
            rc = mp_error_set(err, MP_EPARSE,
                              "the server log carries no timings (line %d read); time the same "
                              "model with mlx_lm.benchmark and paste its output",
                              out->n_lines);
        else if (out->format != MP_RUN_FMT_NONE)
            rc = mp_error_set(err, MP_EPARSE,
                              "the %s output has no speed line (truncated before the figures?)",
                              mp_run_format_name(out->format));
        else
            rc = mp_error_set(err, MP_EPARSE,
                              "no line of mlx-lm output recognised (first line: '%.60s')", first);
    }
    free(line);
    free(rd);
    return rc;
}
