/* plan_req.c - the plan use-case: the settings of a plan request
 * (kb/params.def rows of C_PLAN) as the planner's mp_plan_req, and the plan
 * built from them, for both front-ends; see app.h. */
#include "app/app.h"

#include <string.h>

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
    return mp_plan_build(&req, out, err);
}
