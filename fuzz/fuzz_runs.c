/*
 * fuzz_runs.c - libFuzzer target for the readers of pasted mlx-lm output
 * (src/runs) and the run use-case behind `runs read` / the MCP tools: read,
 * settle the setup (model named by the paste, else Qwen/Qwen3-8B, on an M3
 * Max 30c 36 GB), estimate and diagnose.  Must hold: a reading that
 * succeeds has a positive, finite speed within the readers' limits and
 * notes that are NUL-terminated one-line text; a refusal is one line; the
 * renderers' JSON parses back; a diagnosis has a known verdict and its
 * causes are ranked.
 */
#include <math.h>

#include "app/runs.h"
#include "fuzz.h"
#include "render/run.h"
#include "render/runs.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_isolate();
    setenv("MLXPLAN_HOME", ".", 1); /* never the user's runs */
    return 0;
}

static void check_fig(double v, double hi)
{
    if (v != -1 && !(v > 0 && v <= hi && isfinite(v)))
        abort();
}

static void check_reading(const mp_run_reading *r)
{
    check_fig(r->gen_tok_per_s, 100000.0);
    check_fig(r->prompt_tok_per_s, 1000000.0);
    check_fig(r->train_tok_per_s, 1000000.0);
    if (r->n_notes < 0 || r->n_notes > MP_RUNS_MAX_NOTES)
        abort();
    for (int i = 0; i < r->n_notes; i++) {
        if (memchr(r->notes[i].text, '\0', sizeof r->notes[i].text) == NULL ||
            memchr(r->notes[i].what, '\0', sizeof r->notes[i].what) == NULL)
            abort();
        fuzz_check_one_line(r->notes[i].text);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mp_run_out o; /* large: one at a time */
    mp_pvals pv;
    memset(&pv, 0, sizeof pv);
    mp_error e;
    mp_error_clear(&e);
    if (mp_param_read_text(&pv, MP_P_CHIP, "M3 Max 30c", &e) ||
        mp_param_read_text(&pv, MP_P_MEMORY, "36", &e))
        abort();
    mp_run_in in = {&pv, (const char *)data, size, false, false, true};
    int rc = mp_run_prepare(&in, &o, &e);
    if (rc == 0) {
        check_reading(&o.reading);
        const mp_diagnosis *d = &o.diag;
        if (d->verdict < MP_DIAG_NONE || d->verdict > MP_DIAG_FASTER ||
            d->n_causes < 0 || d->n_causes > MP_DIAG_MAX_CAUSES)
            abort();
        for (int i = 1; i < d->n_causes; i++)
            if (d->causes[i].score > d->causes[i - 1].score)
                abort();
        mp_run_view v = {&o.reading, &o.row,        o.have_estimate, o.band_pct, o.n_assumed,
                         o.assumed,  o.no_estimate, 0,               "",         &o.diag, NULL};
        fuzz_check_json(mp_render_run_json(&v));
        mp_buf md = MP_BUF_INIT;
        mp_render_run_md(&v, &md);
        mp_buf_release(&md);
    } else {
        fuzz_check_one_line(e.msg);
    }
    mp_run_out_release(&o);
    return 0;
}
