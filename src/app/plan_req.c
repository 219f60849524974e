/* plan_req.c - the plan use-case: the settings of a plan request
 * (kb/params.def rows of C_PLAN) as the planner's mp_plan_req, and the plan
 * built from them, for both front-ends; see app.h. */
#include "app/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/runs.h"
#include "util/file.h"
#include "util/text.h"

void mp_plan_req_from_params(const mp_pvals *pv, mp_plan_req *req)
{
    const mp_pval *v = pv->v;
    memset(req, 0, sizeof *req);
    req->text = v[MP_P_REQUEST].s;
    req->model = v[MP_P_MODEL].s;
    req->chip = v[MP_P_CHIP].s;
    req->task = v[MP_P_TASK].s;
    req->data = v[MP_P_PLAN_DATA].s;
    req->memory_gb = v[MP_P_MEMORY].given ? (int)v[MP_P_MEMORY].i : 0;
    req->context = v[MP_P_CONTEXT].given ? v[MP_P_CONTEXT].i : 0;
    req->budget_hours = v[MP_P_BUDGET_HOURS].given ? v[MP_P_BUDGET_HOURS].d : 0;
    req->target_tok_s = v[MP_P_MIN_TOK_S].given ? v[MP_P_MIN_TOK_S].d : 0;
    req->users = v[MP_P_USERS].given ? (int)v[MP_P_USERS].i : 0;
    req->strict = v[MP_P_STRICT].given;
    req->offline = v[MP_P_OFFLINE].given;
}

/* What the hooks lend the planner (plan.h: mp_plan_hooks). */
typedef struct hook_ctx {
    mp_plan_hooks hooks;
    bool names_only;
    char label[300];     /* errors of the paste start with it: "--measured run.txt" */
} hook_ctx;

static bool calibrate_hook(void *ctx, const mp_machine *m, mp_calib *out)
{
    (void)ctx;
    return mp_app_machine_calib(m, out, NULL, 0);
}

/* Note `fmt` into j (its notes are bounded). */
static void judged_note(mp_plan_judged *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void judged_note(mp_plan_judged *j, const char *fmt, ...)
{
    if (j->n_notes >= MP_PLAN_JUDGED_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->notes[j->n_notes++], sizeof j->notes[0], fmt, ap);
    va_end(ap);
}

/* The runs diagnosis of the measured run (mp_run_for_plan, as `runs add`). */
static int diagnose_hook(void *ctx, const mp_plan_measure *m, mp_plan_judged *j, mp_error *err)
{
    const hook_ctx *h = ctx;
    mp_run_out *o = calloc(1, sizeof *o);
    if (!o)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int rc = mp_run_for_plan(m, h->hooks.measured, h->hooks.measured_len, h->names_only, o, err);
    if (rc) {
        if (h->hooks.measured)
            mp_error_prefix(err, "%s", h->label);
    } else {
        j->diag = o->diag;
        const mp_run_reading *r = &o->reading;
        if (h->hooks.measured)
            snprintf(j->what, sizeof j->what, "%s output in %s, %d of %d lines read",
                     r->command[0] ? r->command : mp_run_format_name(r->format),
                     h->hooks.measured_name, r->n_used, r->n_lines);
        else
            snprintf(j->what, sizeof j->what, "the %.1f tok/s of the request, timed %s",
                     m->observed_tok_s, m->by_mlx_lm ? "by mlx_lm" : "by your own code");
        const mp_run_row *w = &o->row;
        snprintf(j->setup, sizeof j->setup, "%s in %s on the %s %lld GB, %lld tokens of context, "
                 "batch %lld", w->model, w->quant, w->chip, (long long)w->memory_gb,
                 (long long)w->context_tokens, (long long)w->batch);
        for (int i = 0; i < o->n_assumed; i++)
            judged_note(j, "Assumed: %s.", o->assumed[i]);
        if (h->hooks.measured && r->n_unknown > 0)
            judged_note(j, "%d line%s of the output not understood (`mlxplan runs read` lists "
                        "them).", r->n_unknown, r->n_unknown == 1 ? "" : "s");
    }
    mp_run_out_release(o);
    free(o);
    return rc;
}

/* The fine-tuning data a plan names (--data PATH, or a file in the request). */
static int read_data_hook(void *ctx, const char *path, mp_tdata *out, mp_error *err)
{
    (void)ctx;
    return mp_app_data_file(path, NULL, out, err);
}

/* The 'measured' setting: the CLI names a file, MCP passes the text. */
static int read_measured(const mp_plan_in *in, hook_ctx *h, char **owned, mp_error *err)
{
    const char *v = in->pv->v[MP_P_MEASURED].s;
    *owned = NULL;
    if (!v)
        return 0;
    if (in->allow_paths) {
        size_t len = 0;
        int rc = mp_read_file(v, MP_RUNS_MAX_INPUT_BYTES, "measured run", owned, &len, err);
        if (rc)
            return rc;
        h->hooks.measured = *owned;
        h->hooks.measured_len = len;
        h->hooks.measured_name = v;
        snprintf(h->label, sizeof h->label, "%s %.200s", mp_pname(MP_P_MEASURED), v);
        return 0;
    }
    h->hooks.measured = v;
    h->hooks.measured_len = strlen(v);
    h->hooks.measured_name = mp_pname(MP_P_MEASURED);
    snprintf(h->label, sizeof h->label, "%s", mp_pname(MP_P_MEASURED));
    return 0;
}

int mp_plan_run(const mp_plan_in *in, mp_plan **out, mp_error *err)
{
    *out = NULL;
    mp_plan_req req;
    mp_plan_req_from_params(in->pv, &req);
    if (in->text) {
        req.text = in->text;
    } else {
        const char *text = req.text ? req.text : "";
        size_t len = strlen(text);
        if (strspn(text, " \t\r\n") == len)
            return mp_error_set(err, MP_EINVAL, "%s is blank: say what to do in plain words, "
                                "e.g. \"fine-tune Llama 3.1 8B on my M3 Max 36GB\"",
                                mp_pname(MP_P_REQUEST));
        if (len > MP_REQUEST_MAX_BYTES)
            return mp_error_set(err, MP_ELIMIT, "%s is %zu bytes, over the limit of %d",
                                mp_pname(MP_P_REQUEST), len, MP_REQUEST_MAX_BYTES);
    }
    req.journal_dir = in->allow_paths ? in->pv->v[MP_P_JOURNAL].s : NULL;
    req.names_only = !in->allow_paths;
    req.detect = in->detect;
    req.want_sweep = in->want_sweep;
    hook_ctx h = {{0}, !in->allow_paths, ""};
    h.hooks.ctx = &h;
    h.hooks.calibrate = mp_app_calib_wanted(in->pv) ? calibrate_hook : NULL;
    h.hooks.diagnose = diagnose_hook;
    h.hooks.read_data = in->allow_paths ? read_data_hook : NULL;
    char *measured = NULL;
    int rc = read_measured(in, &h, &measured, err);
    req.hooks = &h.hooks;
    if (!rc)
        rc = mp_plan_build(&req, out, err);
    free(measured);
    return rc;
}
