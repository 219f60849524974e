/*
 * read.c - the reading loop behind mp_runs_read (see read.h): split the
 * paste into lines, clean each (colour codes, carriage-return progress,
 * box-drawing borders, log prefixes), read pasted mlx_lm command lines,
 * hand the rest to the format patterns (lines.c) and sum up: benchmark
 * means, the median training speed, the error when nothing was read.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runs/read.h"
#include "runs/reader.h"
#include "util/text.h"

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
    /* an environment prefix that puts MLX on the CPU ("X=cpu mlx_lm...") */
    for (const char *e = strstr(line, "=cpu"); e && e < m; e = strstr(e + 1, "=cpu"))
        if (e[4] == ' ' || e[4] == '\t')
            r->cpu_device = true;
    char store[MP_RD_LINE_MAX_BYTES];
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
        mp_rd_take_format(r, MP_RUN_FMT_GENERATE);
        mp_rd_note(rd, MP_RUN_LINE_USED, "generate separator", p);
        return;
    }
    if (rd->in_text)
        return; /* generated text */
    if (strstr(p, "Device(cpu"))
        r->cpu_device = true;
    char before[sizeof r->model];
    mp_strlcpy(before, r->model, sizeof before);
    if (looks_like_prompt_line(p) && mp_runs_read_command(p, r)) {
        char named[sizeof r->model];
        mp_strlcpy(named, r->model, sizeof named);
        mp_strlcpy(r->model, before, sizeof r->model);
        if (named[0])
            mp_rd_model(rd, named);
        mp_rd_note(rd, MP_RUN_LINE_USED, "command line", p);
        return;
    }
    if (mp_rd_warning_line(rd, p, p) || mp_rd_generate_line(rd, p, p) || mp_rd_benchmark_line(rd, p, p) ||
        mp_rd_iter_line(rd, p, p) || mp_rd_lora_table_line(rd, p, p) || mp_rd_chat_line(rd, p, p) ||
        mp_rd_api_line(rd, p, p) || mp_rd_server_line(rd, p, p) || mp_rd_panel_line(rd, p, p) ||
        mp_rd_lora_chatter(rd, p, p))
        return;
    mp_rd_note(rd, MP_RUN_LINE_UNKNOWN, "not understood", p);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void mp_runs_reading_init(mp_run_reading *r)
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
    r->first_tok_per_s = r->last_tok_per_s = -1;
}

int mp_runs_read(const char *text, size_t len, mp_run_reading *out, mp_error *err)
{
    mp_runs_reading_init(out);
    if (len > MP_RUNS_MAX_INPUT_BYTES)
        return mp_error_set(err, MP_ELIMIT, "the output is %zu bytes, over the limit of %u bytes",
                            len, MP_RUNS_MAX_INPUT_BYTES);
    bool blank = true;
    for (size_t i = 0; i < len && blank; i++)
        blank = isspace((unsigned char)text[i]) || text[i] == '\0';
    if (blank)
        return mp_error_set(err, MP_EPARSE, "the input is empty: paste what mlx_lm printed");
    reader *rd = calloc(1, sizeof *rd);
    char *line = malloc(MP_RD_LINE_MAX_BYTES * 2);
    if (!rd || !line) {
        free(rd);
        free(line);
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    }
    rd->r = out;
    char first[MP_RUNS_NOTE_TEXT] = "";
    size_t i = 0;
    char joined[MP_RD_LINE_MAX_BYTES];
    joined[0] = '\0';
    while (i < len) {
        size_t j = i;
        while (j < len && text[j] != '\n')
            j++;
        rd->line_no++;
        out->n_lines++;
        size_t n = j - i > MP_RD_LINE_MAX_BYTES - 1 ? MP_RD_LINE_MAX_BYTES - 1 : j - i;
        clean(text + i, n, line, MP_RD_LINE_MAX_BYTES);
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
            mp_strlcpy(line, joined, MP_RD_LINE_MAX_BYTES);
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
        out->first_tok_per_s = rd->train_speeds[skip];
        out->last_tok_per_s = rd->train_speeds[rd->n_train_speeds - 1];
        qsort(rd->train_speeds + skip, (size_t)m, sizeof(double), cmp_double);
        double *v = rd->train_speeds + skip;
        out->train_tok_per_s = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    }
    int rc = 0;
    if (rd->conflict_line) {
        rc = mp_error_set(err, MP_EINVAL, "line %d names model '%s', line %d '%.100s': the "
                          "paste holds two runs; paste one at a time", rd->conflict_line,
                          rd->conflict_model, rd->model_line, out->model);
        free(line);
        free(rd);
        return rc;
    }
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

