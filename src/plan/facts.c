/*
 * facts.c - the MLX-LM facts the planner's numbers and commands rest on,
 * read from the knowledge tables instead of written into the planner: the
 * defaults of mlx_lm.lora's config (data/mlx/mlx-lm-lora-config.tsv) and of
 * the mlx-lm commands a plan runs (data/mlx/mlx-lm-cli.tsv).  See planner.h.
 */
#include <math.h>
#include <stdlib.h>

#include "plan/planner.h"

static const struct {
    const char *command; /* NULL: a key of mlx_lm.lora's config */
    const char *key;     /* the flag, or the config key */
} facts[MP_FACT_N] = {
    [MP_FACT_LORA_BATCH] = {NULL, "batch_size"},
    [MP_FACT_LORA_LAYERS] = {NULL, "num_layers"},
    [MP_FACT_LORA_SEQ] = {NULL, "max_seq_length"},
    [MP_FACT_LORA_RANK] = {NULL, "lora_parameters.rank"},
    [MP_FACT_LORA_SCALE] = {NULL, "lora_parameters.scale"},
    [MP_FACT_LORA_ITERS] = {NULL, "iters"},
    [MP_FACT_LORA_SAVE_EVERY] = {NULL, "save_every"},
    [MP_FACT_LORA_EVAL_EVERY] = {NULL, "steps_per_eval"},
    [MP_FACT_SERVER_HOST] = {"mlx_lm.server", "--host"},
    [MP_FACT_SERVER_PORT] = {"mlx_lm.server", "--port"},
    [MP_FACT_SERVER_PROMPT_CACHE] = {"mlx_lm.server", "--prompt-cache-size"},
    [MP_FACT_PPL_SAMPLES] = {"mlx_lm.perplexity", "--num-samples"},
    [MP_FACT_PPL_SEQ] = {"mlx_lm.perplexity", "--sequence-length"},
    [MP_FACT_DWQ_SAMPLES] = {"mlx_lm.dwq", "--num-samples"},
    [MP_FACT_DWQ_SEQ] = {"mlx_lm.dwq", "--max-seq-length"},
    [MP_FACT_AWQ_SAMPLES] = {"mlx_lm.awq", "--num-samples"},
    [MP_FACT_AWQ_SEQ] = {"mlx_lm.awq", "--sequence-length"},
};

const char *mp_pl_fact_text(mp_fact f)
{
    if ((unsigned)f >= MP_FACT_N)
        return NULL;
    if (!facts[f].command) {
        const mp_lora_key_row *r = mp_kb_lora_key(facts[f].key);
        return r ? r->dflt : NULL;
    }
    const mp_cli_row *r = mp_kb_cli_find(facts[f].command, facts[f].key);
    return r ? r->dflt : NULL;
}

double mp_pl_fact(mp_fact f)
{
    const char *s = mp_pl_fact_text(f);
    if (!s || !s[0])
        return NAN;
    char *end;
    double v = strtod(s, &end);
    return *end == '\0' && isfinite(v) ? v : NAN;
}

int mp_pl_fact_int(mp_fact f)
{
    double v = mp_pl_fact(f);
    return isfinite(v) && fabs(v) < 1e9 ? (int)v : 0;
}
