/* plan_req.c - the settings of a plan request (kb/params.def rows of
 * C_PLAN) as the planner's mp_plan_req, for both front-ends; see app.h. */
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
