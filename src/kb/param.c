/* param.c - the parameter table compiled from kb/params.def, its readers,
 * spellings and checks; see param.h. */
#include "kb/param.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

/* the names params.def uses for its columns */
#define SWITCH MP_PT_SWITCH
#define INT MP_PT_INT
#define TOKENS MP_PT_TOKENS
#define NUM MP_PT_NUM
#define COUNT MP_PT_COUNT
#define TEXT MP_PT_TEXT
#define LIST MP_PT_LIST
#define PF_OPEN MP_PF_OPEN
#define C_ESTIMATE MP_PC_ESTIMATE
#define C_FIT MP_PC_FIT
#define C_PLAN MP_PC_PLAN
#define C_DOCS MP_PC_DOCS
#define C_MODEL_INFO MP_PC_MODEL_INFO
#define C_HW MP_PC_HW
#define C_MODELS MP_PC_MODELS
#define C_CHECK MP_PC_CHECK
#define C_RUNS MP_PC_RUNS
#define C_MCP MP_PC_MCP
#define C_DOCS_SEARCH MP_PC_DOCS_SEARCH
#define C_DOCS_SHOW MP_PC_DOCS_SHOW
#define C_HARDWARE MP_PC_HARDWARE
#define T_INFER MP_PTASK_INFER
#define T_LORA (MP_PTASK_LORA | MP_PTASK_DORA | MP_PTASK_QLORA)
#define T_FULL MP_PTASK_FULL
#define T_PRETRAIN MP_PTASK_PRETRAIN
#define T_TRAIN (T_LORA | T_FULL | T_PRETRAIN)
#define T_ALL (T_INFER | T_TRAIN)
#define M_FORMATS MP_PMODE_FORMATS
#define M_MODELS MP_PMODE_MODELS
#define M_MACHINES MP_PMODE_MACHINES
#define M_TRAINING MP_PMODE_TRAINING
#define M_ALL (M_FORMATS | M_MODELS | M_MACHINES | M_TRAINING)

const mp_param mp_param_table[MP_P_N] = {
#define P(ID, KEY, TYPE, FLAGS, UNIT, LO, HI, DFLT, CMDS, TASKS, MODES, CLI, SHORT, ARG, MCP,  \
          CHOICES, HELP)                                                                       \
    [MP_P_##ID] = {.id = MP_P_##ID, .key = KEY, .type = TYPE, .flags = FLAGS, .unit = UNIT,   \
                   .lo = LO, .hi = HI, .dflt = DFLT, .cmds = CMDS, .tasks = TASKS,            \
                   .modes = MODES, .cli = CLI, .short_name = SHORT, .arg = ARG, .mcp = MCP,   \
                   .choices = CHOICES, .help = HELP,                                          \
                   .cli_flag = CLI[0] ? "--" CLI : "'" KEY "'",                               \
                   .mcp_name = MCP[0] ? "'" MCP "'" : "--" CLI},
#include "kb/params.def"
#undef P
};

const char *const mp_param_task_names[MP_PTASK_N] = {"inference", "lora", "dora",
                                                     "qlora",     "full", "pretrain"};
const char *const mp_param_mode_names[MP_PMODE_N] = {"formats", "models", "machines",
                                                     "training"};

const mp_param *mp_param_by_cli(const char *name, size_t len, unsigned cmd)
{
    for (int i = 0; i < MP_P_N; i++)
        if ((mp_param_table[i].cmds & cmd) && mp_param_table[i].cli[0] &&
            strlen(mp_param_table[i].cli) == len && strncmp(mp_param_table[i].cli, name, len) == 0)
            return &mp_param_table[i];
    return NULL;
}

const mp_param *mp_param_by_mcp(const char *name, unsigned cmd)
{
    for (int i = 0; i < MP_P_N; i++)
        if ((mp_param_table[i].cmds & cmd) && mp_param_table[i].mcp[0] &&
            strcmp(mp_param_table[i].mcp, name) == 0)
            return &mp_param_table[i];
    return NULL;
}

/* "a boolean", "a string", "an array", "a number": what a row takes. */
static const char *type_word(const mp_param *p)
{
    switch (p->type) {
    case MP_PT_SWITCH:
        return "a boolean";
    case MP_PT_TEXT:
        return "a string";
    case MP_PT_LIST:
        return "an array of strings";
    default:
        return "a number";
    }
}

const char *mp_param_type_word(mp_param_id id)
{
    return (unsigned)id < MP_P_N ? type_word(&mp_param_table[id]) : "?";
}

/* ---- spellings ------------------------------------------------------------ */

static mp_spelling spelling = MP_SPELL_CLI;

void mp_param_set_spelling(mp_spelling s)
{
    spelling = s;
}

mp_spelling mp_param_spelling(void)
{
    return spelling;
}

const char *mp_pname(mp_param_id id)
{
    if ((unsigned)id >= MP_P_N)
        return "?";
    return spelling == MP_SPELL_MCP ? mp_param_table[id].mcp_name : mp_param_table[id].cli_flag;
}

static const char *const says[MP_SAY_N][2] = {
    [MP_SAY_HW_LIST] = {"(see 'mlxplan hw list')", "(call hardware with action 'list')"},
    [MP_SAY_MODELS_LIST] = {"(see 'mlxplan models list')", "(a registry or Hugging Face id)"},
    [MP_SAY_MODEL_FILE] = {"a config.json or a model folder",
                           "or the text of a config.json as 'config_json'"},
    [MP_SAY_PASS_QUANT] = {"pass --quant (e.g. 4)", "pass 'quant' (e.g. q4)"},
    [MP_SAY_OFFLINE_LOCAL] = {"(--offline stays local)", "(\"offline\": true stays local)"},
    [MP_SAY_DOCS_TRY] = {"(try 'mlxplan docs ", "(try docs_search with query '"},
    [MP_SAY_GIVE_MODEL] = {"--model is required (see 'mlxplan models list')",
                           "give 'model' (a registry or Hugging Face id such as "
                           "'Qwen/Qwen3-8B') or 'config_json' (the text of a config.json)"},
};

const char *mp_say(mp_say_id id)
{
    if ((unsigned)id >= MP_SAY_N)
        return "";
    return says[id][spelling == MP_SPELL_MCP];
}

/* ---- values --------------------------------------------------------------- */

/* Whether `v` (a number) or `s` (a text) is among the row's CHOICES. */
static bool in_choices(const mp_param *p, double v, const char *s)
{
    const char *c = p->choices;
    while (*c) {
        const char *end = strchr(c, ',');
        size_t n = end ? (size_t)(end - c) : strlen(c);
        if (s ? strlen(s) == n && strncmp(c, s, n) == 0 : strtod(c, NULL) == v)
            return true;
        c += n + (end ? 1 : 0);
    }
    return false;
}

/* "2, 3, 4, 5, 6 or 8" */
static void choices_text(const mp_param *p, char *buf, size_t cap)
{
    size_t k = 0;
    int n = 1;
    for (const char *c = p->choices; *c; c++)
        n += *c == ',';
    int at = 0;
    buf[0] = '\0';
    for (const char *c = p->choices; *c && k < cap;) {
        const char *end = strchr(c, ',');
        size_t len = end ? (size_t)(end - c) : strlen(c);
        at++;
        k += (size_t)snprintf(buf + k, cap - k, "%s%.*s", at == 1 ? "" : at == n ? " or " : ", ",
                              (int)len, c);
        c += len + (end ? 1 : 0);
    }
}

static int not_a_choice(const mp_param *p, const char *given, mp_error *err)
{
    char list[400];
    choices_text(p, list, sizeof list);
    return mp_error_set(err, MP_EINVAL, "%s must be %s, got %s", mp_pname(p->id), list, given);
}

int mp_param_read_text(mp_pvals *out, mp_param_id id, const char *text, mp_error *err)
{
    const mp_param *p = &mp_param_table[id];
    mp_pval *v = &out->v[id];
    const char *name = mp_pname(id);
    int rc = 0;
    v->s = text; /* as typed, for messages */
    switch (p->type) {
    case MP_PT_SWITCH:
        v->i = 1;
        v->d = 1;
        break;
    case MP_PT_INT:
        rc = mp_parse_i64(text, (int64_t)p->lo, (int64_t)p->hi, name, &v->i, err);
        v->d = (double)v->i;
        break;
    case MP_PT_TOKENS:
    case MP_PT_COUNT:
        rc = mp_parse_count(text, p->lo, p->hi, name, &v->d, err);
        v->i = (int64_t)v->d;
        break;
    case MP_PT_NUM:
        rc = mp_parse_f64(text, p->lo, p->hi, name, &v->d, err);
        break;
    case MP_PT_LIST:
        return mp_param_read_list(out, id, &text, 1, err);
    case MP_PT_TEXT:
        v->s = text;
        if (p->choices[0] && !(p->flags & MP_PF_OPEN) && !in_choices(p, 0, text)) {
            char q[64];
            snprintf(q, sizeof q, "'%.40s'", text);
            return not_a_choice(p, q, err);
        }
        break;
    }
    if (rc)
        return rc;
    if (p->type != MP_PT_TEXT && p->choices[0] && !(p->flags & MP_PF_OPEN) &&
        !in_choices(p, v->d, NULL)) {
        char q[64];
        snprintf(q, sizeof q, "'%.40s'", text ? text : "");
        return not_a_choice(p, q, err);
    }
    v->given = true;
    return 0;
}

int mp_param_read_number(mp_pvals *out, mp_param_id id, double d, mp_error *err)
{
    const mp_param *p = &mp_param_table[id];
    const char *name = mp_pname(id);
    bool whole = p->type == MP_PT_INT || p->type == MP_PT_TOKENS;
    if (p->type == MP_PT_SWITCH || p->type == MP_PT_TEXT || p->type == MP_PT_LIST)
        return mp_error_set(err, MP_EINVAL, "%s must be %s, got a number", name, type_word(p));
    if (!isfinite(d) || (whole && d != floor(d)))
        return mp_error_set(err, MP_EINVAL, "%s must be %s, got %.17g", name,
                            whole ? "an integer" : "a finite number", d);
    if (d < p->lo || d > p->hi)
        return mp_error_set(err, MP_EINVAL, "%s must be between %.17g and %.17g, got %.17g",
                            name, p->lo, p->hi, d);
    if (p->choices[0] && !in_choices(p, d, NULL)) {
        char q[40];
        snprintf(q, sizeof q, "%.17g", d);
        return not_a_choice(p, q, err);
    }
    mp_pval *v = &out->v[id];
    v->d = d;
    v->i = (int64_t)d;
    v->given = true;
    return 0;
}

int mp_param_read_string(mp_pvals *out, mp_param_id id, const char *s, mp_error *err)
{
    const mp_param *p = &mp_param_table[id];
    if (p->type != MP_PT_TEXT)
        return mp_error_set(err, MP_EINVAL, "%s must be %s, got a string", mp_pname(id),
                            type_word(p));
    size_t n = 0;
    for (const char *c = s; *c; c++)
        n += ((unsigned char)*c & 0xc0) != 0x80;
    if ((double)n < p->lo || (double)n > p->hi)
        return mp_error_set(err, MP_EINVAL, "%s must have %.0f to %.0f characters, got %zu",
                            mp_pname(id), p->lo, p->hi, n);
    if (p->choices[0] && !in_choices(p, 0, s)) {
        char q[64];
        snprintf(q, sizeof q, "'%.40s'", s);
        return not_a_choice(p, q, err);
    }
    out->v[id].s = s;
    out->v[id].given = true;
    return 0;
}

int mp_param_read_bool(mp_pvals *out, mp_param_id id, bool b, mp_error *err)
{
    if (mp_param_table[id].type != MP_PT_SWITCH)
        return mp_error_set(err, MP_EINVAL, "%s must be %s, got a boolean", mp_pname(id),
                            type_word(&mp_param_table[id]));
    /* false is as good as absent: a switch only ever turns something on */
    out->v[id].given = b;
    out->v[id].i = b;
    out->v[id].d = b;
    return 0;
}

int mp_param_read_list(mp_pvals *out, mp_param_id id, const char *const *items, int n,
                       mp_error *err)
{
    const mp_param *p = &mp_param_table[id];
    if (p->type != MP_PT_LIST)
        return mp_error_set(err, MP_EINVAL, "%s must be %s, got an array", mp_pname(id),
                            type_word(p));
    if (n > MP_PLIST_MAX || out->pool_used + n > MP_PLIST_POOL)
        return mp_error_set(err, MP_ELIMIT, "%s takes at most %d items, got %d", mp_pname(id),
                            MP_PLIST_MAX, n);
    /* item lengths: the MCP schema checks them, on the command line the engine */
    mp_pval *v = &out->v[id];
    const char **at = &out->pool[out->pool_used];
    memcpy(at, items, (size_t)n * sizeof *items);
    out->pool_used += n;
    v->list = at;
    v->n = n;
    v->given = n > 0;
    return 0;
}

/* ---- checks --------------------------------------------------------------- */

static int scope_error(const mp_param *p, const char *what, const char *const *names, int n_names,
                       unsigned where, int at, mp_error *err)
{
    char list[200] = "";
    size_t k = 0;
    int count = 0, total = __builtin_popcount(where);
    for (int b = 0; b < n_names && k < sizeof list; b++) {
        if (!(where & (1u << b)))
            continue;
        count++;
        k += (size_t)snprintf(list + k, sizeof list - k, "%s%s",
                              count == 1 ? "" : count == total ? " or " : ", ", names[b]);
    }
    return mp_error_set(err, MP_EINVAL, "%s does not apply to %s '%s'; it goes with %s %s",
                        mp_pname(p->id), what, names[at], what, list);
}

/* The first setting of `cmd` given in `pv` whose TASKS (or MODES, `modes`)
 * lacks choice `at`. */
static int check_scope(const mp_pvals *pv, unsigned cmd, int at, bool modes, mp_error *err)
{
    int n = modes ? MP_PMODE_N : MP_PTASK_N;
    if (at < 0 || at >= n)
        return 0;
    for (int i = 0; i < MP_P_N; i++) {
        const mp_param *p = &mp_param_table[i];
        unsigned where = modes ? p->modes : p->tasks;
        if (pv->v[i].given && (p->cmds & cmd) && !(where & (1u << at)))
            return scope_error(p, modes ? "mode" : "task",
                               modes ? mp_param_mode_names : mp_param_task_names, n, where, at,
                               err);
    }
    return 0;
}

int mp_param_check_task(const mp_pvals *pv, unsigned cmd, int task, mp_error *err)
{
    return check_scope(pv, cmd, task, false, err);
}

int mp_param_check_mode(const mp_pvals *pv, unsigned cmd, int mode, mp_error *err)
{
    return check_scope(pv, cmd, mode, true, err);
}

int64_t mp_param_dflt_i64(mp_param_id id)
{
    return strtoll(mp_param_table[id].dflt, NULL, 10);
}

void mp_param_help(mp_param_id id, unsigned cmd, char *buf, size_t cap)
{
    const mp_param *p = &mp_param_table[id];
    if (!p->dflt[0] || (cmd & MP_PC_NO_DEFAULTS))
        snprintf(buf, cap, "%s", p->help);
    else if (p->dflt[0] >= '0' && p->dflt[0] <= '9')
        snprintf(buf, cap, "%s (default %s)", p->help, p->dflt);
    else
        snprintf(buf, cap, "%s (default: %s)", p->help, p->dflt);
}
