/*
 * param.h - the parameter table (kb/params.def) and what reads it: each
 * setting's id, type, unit, range, default, the commands and tasks it goes
 * with, its command-line and MCP spellings and its help text, defined once.
 *
 * Front-ends read values in their own syntax into one mp_pvals with the
 * readers below (typed and range-checked against the table); the engines
 * and the use-cases (src/app) read mp_pvals.  A message names a setting
 * with mp_pname(id), which writes it in the spelling of the front-end that
 * is running ("--kv-bits" for the command line, 'kv_bits' for MCP; the
 * front-end picks it once with mp_param_set_spelling), so no front-end
 * rewrites engine messages.  Pointers to other commands that differ per
 * front-end ("see 'mlxplan hw list'") come from mp_say() the same way.
 *
 * To add a setting, read the header of kb/params.def.
 */
#ifndef MP_KB_PARAM_H
#define MP_KB_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

typedef enum mp_param_type {
    MP_PT_SWITCH, /* boolean; on the command line a flag without value */
    MP_PT_INT,    /* whole number */
    MP_PT_TOKENS, /* whole number; the command line takes a K/M suffix (32k) */
    MP_PT_NUM,    /* finite decimal */
    MP_PT_COUNT,  /* decimal; the command line takes K/M/B/T suffixes (125M) */
    MP_PT_TEXT,   /* a string */
    MP_PT_LIST,   /* strings: on the command line a repeatable option, over
                   * MCP an array (at most MP_PLIST_MAX items; LO, HI bound
                   * each item's length) */
} mp_param_type;

/* Most items of one MP_PT_LIST setting, and of all of them together. */
#define MP_PLIST_MAX 32
#define MP_PLIST_POOL 64

/* Row flags. */
enum { MP_PF_OPEN = 1u << 0 }; /* CHOICES: MCP's list; the engine parses the text */

/* Commands / tools that take a setting (column CMDS). */
enum {
    MP_PC_ESTIMATE = 1u << 0,
    MP_PC_FIT = 1u << 1,
    MP_PC_PLAN = 1u << 2,
    MP_PC_DOCS = 1u << 3,
    MP_PC_MODEL_INFO = 1u << 4, /* the MCP model_info tool */
    MP_PC_HW = 1u << 5,         /* `hw` (chip and memory are its words there) */
    MP_PC_MODELS = 1u << 6,     /* `models` */
    MP_PC_CHECK = 1u << 7,      /* `check` and the MCP check_code tool */
    MP_PC_RUNS = 1u << 8,       /* `runs` */
    MP_PC_MCP = 1u << 9,        /* `mcp` (the server's own options) */
    MP_PC_DOCS_SEARCH = 1u << 10, /* the MCP docs_search tool */
    MP_PC_DOCS_SHOW = 1u << 11,   /* the MCP docs_show tool */
    MP_PC_HARDWARE = 1u << 12,    /* the MCP hardware tool */
};

/* Commands whose absent settings come from elsewhere, so their help and
 * schemas show no default: plan reads them from the request, hw shows
 * every memory size, runs add from the pasted output or this machine. */
#define MP_PC_NO_DEFAULTS (MP_PC_PLAN | MP_PC_HW | MP_PC_HARDWARE | MP_PC_RUNS)

/* Tasks (column TASKS): bit i is mp_task i (engine/train.h; the order is
 * checked there). */
enum {
    MP_PTASK_INFER = 1u << 0,
    MP_PTASK_LORA = 1u << 1,
    MP_PTASK_DORA = 1u << 2,
    MP_PTASK_QLORA = 1u << 3,
    MP_PTASK_FULL = 1u << 4,
    MP_PTASK_PRETRAIN = 1u << 5,
    MP_PTASK_N = 6,
};

/* Fit searches (column MODES): bit i is mp_fit_mode i. */
enum {
    MP_PMODE_FORMATS = 1u << 0,
    MP_PMODE_MODELS = 1u << 1,
    MP_PMODE_MACHINES = 1u << 2,
    MP_PMODE_TRAINING = 1u << 3,
    MP_PMODE_N = 4,
};

typedef enum mp_param_id {
#define P(ID, ...) MP_P_##ID,
#include "kb/params.def"
#undef P
    MP_P_N
} mp_param_id;

typedef struct mp_param {
    mp_param_id id;
    const char *key;       /* "kv_bits" */
    mp_param_type type;
    unsigned flags;        /* MP_PF_* */
    const char *unit;      /* "tokens", "" */
    double lo, hi;         /* value range; length range for MP_PT_TEXT */
    const char *dflt;      /* as shown in help; "" none */
    unsigned cmds;         /* MP_PC_* */
    unsigned tasks;        /* MP_PTASK_* */
    unsigned modes;        /* MP_PMODE_* */
    const char *cli;       /* "kv-bits"; "" when not on the command line */
    char short_name;       /* 0 none */
    const char *arg;       /* "N"; "" for switches */
    const char *mcp;       /* "kv_bits"; "" when not over MCP */
    const char *choices;   /* "2,3,4,5,6,8"; "" any */
    const char *help;      /* one line, without the default */
    const char *cli_flag;  /* "--kv-bits" */
    const char *mcp_name;  /* "'kv_bits'" */
} mp_param;

/* The table, indexed by mp_param_id. */
extern const mp_param mp_param_table[MP_P_N];

/* The row of a command or tool of `cmd` (MP_PC_*) by its spelling; NULL
 * when none has it (two commands may spell different settings alike:
 * `fit --limit` and `docs --limit`). */
const mp_param *mp_param_by_cli(const char *name, size_t len, unsigned cmd);
const mp_param *mp_param_by_mcp(const char *name, unsigned cmd);

/* What a row takes, for messages: "a boolean", "a string", "a number",
 * "an array of strings". */
const char *mp_param_type_word(mp_param_id id);

/* ---- spellings ------------------------------------------------------------ */

typedef enum mp_spelling { MP_SPELL_CLI, MP_SPELL_MCP } mp_spelling;

/* The front-end running (process-wide; default MP_SPELL_CLI). */
void mp_param_set_spelling(mp_spelling s);
mp_spelling mp_param_spelling(void);

/* The setting as the running front-end writes it: "--kv-bits" or
 * "'kv_bits'"; the other front-end's spelling (or the key) when it has
 * none. */
const char *mp_pname(mp_param_id id);

/* Words that point at another part of the front-end. */
typedef enum mp_say_id {
    MP_SAY_HW_LIST,       /* "(see 'mlxplan hw list')" */
    MP_SAY_MODELS_LIST,   /* "(see 'mlxplan models list')" */
    MP_SAY_MODEL_FILE,    /* "a config.json or a model folder" */
    MP_SAY_PASS_QUANT,    /* "pass --quant (e.g. 4)" */
    MP_SAY_OFFLINE_LOCAL, /* "(--offline stays local)" */
    MP_SAY_DOCS_TRY,      /* "(try 'mlxplan docs " ... "')" opening */
    MP_SAY_GIVE_MODEL,    /* "--model is required (see 'mlxplan models list')" */
    MP_SAY_N
} mp_say_id;
const char *mp_say(mp_say_id id);

/* ---- values --------------------------------------------------------------- */

typedef struct mp_pval {
    bool given;
    int64_t i;       /* INT, TOKENS; SWITCH: 1 */
    double d;        /* every number type (i as a double for INT, TOKENS) */
    const char *s;   /* TEXT; for the command line every value as typed (borrowed) */
    const char *const *list; /* LIST: n items (borrowed strings, in pool) */
    int n;
} mp_pval;

typedef struct mp_pvals {
    mp_pval v[MP_P_N];
    const char *pool[MP_PLIST_POOL]; /* the items of every LIST value */
    int pool_used;
} mp_pvals;

static inline bool mp_pv_given(const mp_pvals *p, mp_param_id id)
{
    return p->v[id].given;
}

/* A value as command-line text, checked against the row: number syntax and
 * range (mp_parse_* messages, naming mp_pname(id)), CHOICES unless the row
 * is MP_PF_OPEN.  A SWITCH takes NULL.  MP_EUSAGE / MP_EINVAL. */
int mp_param_read_text(mp_pvals *out, mp_param_id id, const char *text, mp_error *err);

/* Typed values (MCP arguments): `v` must fit the row's type (a whole
 * number for INT and TOKENS), range and CHOICES.  MP_EINVAL otherwise. */
int mp_param_read_number(mp_pvals *out, mp_param_id id, double v, mp_error *err);
int mp_param_read_string(mp_pvals *out, mp_param_id id, const char *s, mp_error *err);
int mp_param_read_bool(mp_pvals *out, mp_param_id id, bool v, mp_error *err);
/* A LIST value of `n` items (either front-end): at most MP_PLIST_MAX
 * (MP_ELIMIT otherwise).  Item lengths (LO..HI) are checked by the MCP
 * schema, and on the command line by the engine that reads them. */
int mp_param_read_list(mp_pvals *out, mp_param_id id, const char *const *items, int n,
                       mp_error *err);

/* MP_EINVAL naming the first setting given in `p` that does not go with
 * task `task` (an mp_task) of a command of `cmd`:
 * "--rank does not apply to task 'full'; it goes with task lora, dora or
 * qlora". */
int mp_param_check_task(const mp_pvals *p, unsigned cmd, int task, mp_error *err);

/* The same for fit search `mode` (an mp_fit_mode): "'chip' does not apply
 * to mode 'machines'; it goes with mode formats, models or training". */
int mp_param_check_mode(const mp_pvals *p, unsigned cmd, int mode, mp_error *err);

/* The default of a row whose DFLT is a number. */
int64_t mp_param_dflt_i64(mp_param_id id);

/* The help line for a command or tool of `cmd` (MP_PC_*): HELP, then
 * "(default X)" from DFLT unless `cmd` is one of MP_PC_NO_DEFAULTS. */
void mp_param_help(mp_param_id id, unsigned cmd, char *buf, size_t cap);

/* The task and fit-mode names the checks use ("inference", "formats"). */
extern const char *const mp_param_task_names[MP_PTASK_N];
extern const char *const mp_param_mode_names[MP_PMODE_N];

#endif
