/* speedfit.c - least-squares fit of the speed constants; see speedfit.h. */
#include "engine/speedfit.h"
#include "kb/tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAXT = (int)MP_DEC_N > (int)MP_PRE_N ? (int)MP_DEC_N : (int)MP_PRE_N, MAXP = MAXT * MP_SC_N };

#define HUBER 0.20     /* relative error past which a row's weight falls as 1/error */
#define IRLS_ITERS 6

/* One kind's problem: rows of scaled terms (x_j / t) and targets (1 - offset / t). */
typedef struct problem {
    int nt;                      /* terms */
    const mp_term_info *info;
    size_t n;
    double (*x)[MAXT];           /* n rows */
    double *y, *w;
    int *cls;
} problem;

/* The parameter of term j for a row of class `cls`: per vendor (stage 1)
 * or per generation (stage 2, per-generation terms). */
static int param_of(const problem *pb, int j, int cls, bool per_gen)
{
    int c = per_gen && pb->info[j].per_generation ? cls : mp_sclass_pool(cls);
    return j * MP_SC_N + c;
}

/* Solve M z = r for the `nf` indices in `idx` (Gaussian elimination with
 * partial pivoting on a copy); false when singular. */
static bool solve_sub(double (*A)[MAXP], const int *idx, int nf, const double *r, double *z)
{
    static double M[MAXP][MAXP + 1];
    for (int i = 0; i < nf; i++) {
        for (int j = 0; j < nf; j++)
            M[i][j] = A[idx[i]][idx[j]];
        M[i][nf] = r[i];
    }
    for (int col = 0; col < nf; col++) {
        int piv = col;
        for (int i = col + 1; i < nf; i++)
            if (fabs(M[i][col]) > fabs(M[piv][col]))
                piv = i;
        if (fabs(M[piv][col]) < 1e-300)
            return false;
        if (piv != col)
            for (int j = 0; j <= nf; j++) {
                double t = M[col][j];
                M[col][j] = M[piv][j];
                M[piv][j] = t;
            }
        for (int i = col + 1; i < nf; i++) {
            double f = M[i][col] / M[col][col];
            if (f != 0)
                for (int j = col; j <= nf; j++)
                    M[i][j] -= f * M[col][j];
        }
    }
    for (int i = nf - 1; i >= 0; i--) {
        double v = M[i][nf];
        for (int j = i + 1; j < nf; j++)
            v -= M[i][j] * z[j];
        z[i] = v / M[i][i];
    }
    return true;
}

/* Minimise c'Ac/2 - b'c subject to c >= lb (A symmetric positive definite)
 * by an active-set method: solve on the free constants, step back to the
 * first bound crossed and hold it, release a held constant whose gradient
 * points inward.  The problem is scaled to a unit diagonal first. */
static void qp_bounded(double (*A)[MAXP], double *b, const double *lb, double *c)
{
    double sc[MAXP], l[MAXP], r[MAXP], z[MAXP];
    bool held[MAXP];
    int idx[MAXP];
    for (int p = 0; p < MAXP; p++) {
        sc[p] = 1 / sqrt(A[p][p]);
        for (int q = 0; q < MAXP; q++)
            A[p][q] *= sc[p];
    }
    for (int p = 0; p < MAXP; p++) {
        for (int q = 0; q < MAXP; q++)
            A[q][p] *= sc[p];
        b[p] *= sc[p];
        l[p] = lb[p] / sc[p];
        c[p] = fmax(c[p] / sc[p], l[p]);
        held[p] = false;
    }
    for (int it = 0; it < 4 * MAXP; it++) {
        int nf = 0;
        for (int p = 0; p < MAXP; p++)
            if (!held[p])
                idx[nf++] = p;
        for (int i = 0; i < nf; i++) {
            r[i] = b[idx[i]];
            for (int q = 0; q < MAXP; q++)
                if (held[q])
                    r[i] -= A[idx[i]][q] * c[q];
        }
        if (!solve_sub(A, idx, nf, r, z))
            break;
        double alpha = 1;
        int hit = -1;
        for (int i = 0; i < nf; i++)
            if (z[i] < l[idx[i]] - 1e-12) {
                double t = (c[idx[i]] - l[idx[i]]) / (c[idx[i]] - z[i]);
                if (t < alpha) {
                    alpha = t;
                    hit = idx[i];
                }
            }
        for (int i = 0; i < nf; i++)
            c[idx[i]] += alpha * (z[i] - c[idx[i]]);
        if (hit >= 0) {
            c[hit] = l[hit];
            held[hit] = true;
            continue;
        }
        /* optimal on the free set: release the held constant that most
         * wants to rise, if any */
        int rel = -1;
        double most = -1e-10;
        for (int p = 0; p < MAXP; p++)
            if (held[p]) {
                double g = -b[p];
                for (int q = 0; q < MAXP; q++)
                    g += A[p][q] * c[q];
                if (g < most) {
                    most = g;
                    rel = p;
                }
            }
        if (rel < 0)
            break;
        held[rel] = false;
    }
    for (int p = 0; p < MAXP; p++)
        c[p] = fmax(c[p] * sc[p], lb[p]);
}

/* Minimise sum_i w_i h_i (x_i . c - y_i)^2 + sum_p lam_p (c_p - prior_p)^2,
 * c >= lb, on the normal equations (qp_bounded).  h: Huber
 * weights, recomputed IRLS_ITERS times. */
static void solve(const problem *pb, bool per_gen, const double *lb, const double *prior,
                  const double *lam, double *c)
{
    static double A[MAXP][MAXP];
    double b[MAXP], h_w;
    double *h = malloc(sizeof(double) * (pb->n ? pb->n : 1));
    if (!h)
        return;
    for (size_t i = 0; i < pb->n; i++)
        h[i] = 1;
    for (int it = 0; it < IRLS_ITERS; it++) {
        memset(A, 0, sizeof A);
        memset(b, 0, sizeof b);
        for (int p = 0; p < MAXP; p++) {
            A[p][p] = lam[p] + 1e-12;
            b[p] = lam[p] * prior[p];
        }
        for (size_t i = 0; i < pb->n; i++) {
            if (pb->w[i] <= 0)
                continue;
            h_w = pb->w[i] * h[i];
            for (int j = 0; j < pb->nt; j++) {
                if (pb->x[i][j] == 0)
                    continue;
                int pj = param_of(pb, j, pb->cls[i], per_gen);
                b[pj] += h_w * pb->x[i][j] * pb->y[i];
                for (int k = 0; k < pb->nt; k++)
                    if (pb->x[i][k] != 0)
                        A[pj][param_of(pb, k, pb->cls[i], per_gen)] +=
                            h_w * pb->x[i][j] * pb->x[i][k];
            }
        }
        qp_bounded(A, b, lb, c);
        for (size_t i = 0; i < pb->n; i++) {
            double r = -pb->y[i];
            for (int j = 0; j < pb->nt; j++)
                r += pb->x[i][j] * c[param_of(pb, j, pb->cls[i], per_gen)];
            h[i] = fabs(r) <= HUBER ? 1 : HUBER / fabs(r);
        }
    }
    free(h);
}

/* Fit one kind: stage 1 per vendor, stage 2 per generation toward it and
 * toward the kind's priors (`pr`, np of them; those of the other kind are
 * skipped). */
static void fit_kind(const problem *pb, bool prefill, const mp_speed_prior *pr, size_t np,
                     double (*out)[MP_SC_N])
{
    static double lb[MAXP], prior[MAXP], lam[MAXP], c1[MAXP], c2[MAXP];
    for (int j = 0; j < MAXT; j++)
        for (int k = 0; k < MP_SC_N; k++) {
            int p = j * MP_SC_N + k;
            lb[p] = j < pb->nt ? pb->info[j].lower : 0;
            c1[p] = j < pb->nt ? (pb->info[j].lower > 0 ? pb->info[j].lower * 1.5 : 1e-4) : 0;
            prior[p] = lam[p] = 0;
        }
    solve(pb, false, lb, prior, lam, c1);
    /* the prior of a generation's constant is its vendor's; its weight is
     * MP_SPEEDFIT_PRIOR_ROWS rows of the pool's average curvature */
    double curv[MAXT][2] = {{0}}, rows[2] = {0};
    for (size_t i = 0; i < pb->n; i++) {
        if (pb->w[i] <= 0)
            continue;
        int v = mp_sclass_pool(pb->cls[i]) == MP_SC_NVIDIA;
        rows[v] += pb->w[i];
        for (int j = 0; j < pb->nt; j++)
            curv[j][v] += pb->w[i] * pb->x[i][j] * pb->x[i][j];
    }
    for (int j = 0; j < pb->nt; j++)
        for (int k = 0; k < MP_SC_N; k++) {
            int p = j * MP_SC_N + k, pool = mp_sclass_pool(k), v = pool == MP_SC_NVIDIA;
            prior[p] = c1[j * MP_SC_N + pool];
            c2[p] = prior[p];
            if (pb->info[j].per_generation && k < MP_SC_GENS)
                lam[p] = rows[v] > 0 ? MP_SPEEDFIT_PRIOR_ROWS * curv[j][v] / rows[v] : 1;
        }
    /* an explicit prior adds its own pull: two quadratic pulls make one
     * toward their weighted mean */
    for (size_t i = 0; i < np; i++) {
        const mp_speed_prior *q = &pr[i];
        if (q->prefill != prefill || q->term < 0 || q->term >= pb->nt || q->cls < 0 ||
            q->cls >= MP_SC_GENS || !pb->info[q->term].per_generation)
            continue;
        int p = q->term * MP_SC_N + q->cls, v = mp_sclass_pool(q->cls) == MP_SC_NVIDIA;
        double l = rows[v] > 0 ? q->rows * curv[q->term][v] / rows[v] : q->rows;
        prior[p] = (lam[p] * prior[p] + l * q->value) / (lam[p] + l);
        lam[p] += l;
        c2[p] = prior[p];
    }
    solve(pb, true, lb, prior, lam, c2);
    for (int j = 0; j < pb->nt; j++)
        for (int k = 0; k < MP_SC_N; k++) {
            int pool = mp_sclass_pool(k);
            out[j][k] = pb->info[j].per_generation
                            ? (k < MP_SC_GENS ? c2[j * MP_SC_N + k] : c1[j * MP_SC_N + k])
                            : c2[j * MP_SC_N + pool];
        }
}

static double obs_time(const mp_speed_consts *c, int cls, const double *xd, const double *xp,
                       bool prefill)
{
    double t = mp_speed_decode_s(c, cls, xd);
    if (prefill)
        t += mp_speed_prefill_s(c, cls, xp);
    return t;
}

double mp_speed_obs_predict(const mp_speed_consts *c, const mp_speed_obs *o)
{
    if (o->train)
        return mp_speed_train_s(c, o->xt, o->ot);
    double t = obs_time(c, o->cls, o->xd, o->xp, o->prefill);
    if (o->ratio > 0)
        return obs_time(c, o->ref_cls, o->ref_xd, o->ref_xp, true) / t;
    return t;
}

/* The training constants: minimise sum_i w_i (xt_i . c / t_i + ot_i / t_i - 1)^2,
 * c >= the terms' least values (qp_bounded on the normal equations); returns
 * the rows used. */
static size_t fit_train(const mp_speed_obs *obs, size_t n, mp_speed_consts *out)
{
    static double A[MAXP][MAXP];
    double b[MAXP] = {0}, lb[MAXP] = {0}, c[MAXP] = {0};
    size_t used = 0;
    memset(A, 0, sizeof A);
    for (int p = 0; p < MAXP; p++)
        A[p][p] = 1; /* the unused parameters: 0 */
    for (int j = 0; j < MP_TR_N; j++) {
        A[j][j] = 1e-12;
        lb[j] = mp_tterm_info[j].lower;
        c[j] = lb[j];
    }
    for (size_t i = 0; i < n; i++) {
        const mp_speed_obs *o = &obs[i];
        if (o->weight <= 0 || !o->train || !(o->t_s > 0))
            continue;
        double y = 1 - o->ot / o->t_s;
        for (int j = 0; j < MP_TR_N; j++) {
            b[j] += o->weight * o->xt[j] / o->t_s * y;
            for (int k = 0; k < MP_TR_N; k++)
                A[j][k] += o->weight * o->xt[j] * o->xt[k] / (o->t_s * o->t_s);
        }
        used++;
    }
    if (used)
        qp_bounded(A, b, lb, c);
    for (int j = 0; j < MP_TR_N; j++)
        out->t[j] = used ? c[j] : lb[j];
    return used;
}

size_t mp_speed_priors(const char *skip_group, mp_speed_prior *out)
{
    size_t k = 0;
    for (size_t i = 0; i < mp_speed_prior_rows_len && k < MP_SPEED_PRIORS_MAX; i++) {
        const mp_speed_prior_row *r = &mp_speed_prior_rows[i];
        if (skip_group && strcmp(r->source_group, skip_group) == 0)
            continue;
        bool pre = strcmp(r->kind, "prefill") == 0;
        int nt = pre ? MP_PRE_N : MP_DEC_N, term = -1;
        const mp_term_info *info = pre ? mp_pterm_info : mp_dterm_info;
        for (int j = 0; j < nt; j++)
            if (strcmp(info[j].name, r->term) == 0)
                term = j;
        int cls = mp_sclass_of_name(r->class_);
        if (term < 0 || cls < 0 || cls >= MP_SC_GENS)
            continue; /* test_speed checks every row names a term and a generation */
        out[k++] = (mp_speed_prior){pre, term, cls, r->value, r->rows, r->source_group};
    }
    return k;
}

size_t mp_speed_fit(const mp_speed_obs *obs, size_t n, mp_speed_consts *out)
{
    static mp_speed_prior pr[MP_SPEED_PRIORS_MAX];
    size_t np = mp_speed_priors(NULL, pr);
    return mp_speed_fit_with(obs, n, pr, np, out);
}

size_t mp_speed_fit_with(const mp_speed_obs *obs, size_t n, const mp_speed_prior *pr, size_t np,
                         mp_speed_consts *out)
{
    memset(out, 0, sizeof *out);
    problem pb;
    pb.x = malloc(sizeof(double[MAXT]) * (n ? n : 1));
    pb.y = malloc(sizeof(double) * (n ? n : 1));
    pb.w = malloc(sizeof(double) * (n ? n : 1));
    pb.cls = malloc(sizeof(int) * (n ? n : 1));
    size_t used = 0;
    if (!pb.x || !pb.y || !pb.w || !pb.cls)
        goto done;
    /* decode; prefill without the ratio rows; prefill with them, their
     * reference times from the previous pass */
    for (int pass = 0; pass < 3; pass++) {
        int kind = pass > 0;
        pb.nt = kind ? MP_PRE_N : MP_DEC_N;
        pb.info = kind ? mp_pterm_info : mp_dterm_info;
        pb.n = 0;
        for (size_t i = 0; i < n; i++) {
            const mp_speed_obs *o = &obs[i];
            if (o->weight <= 0 || o->train || o->prefill != (kind == 1) || !(o->t_s > 0) ||
                (o->ratio > 0 && pass < 2))
                continue;
            double t_s = o->t_s;
            if (o->ratio > 0)
                t_s = obs_time(out, o->ref_cls, o->ref_xd, o->ref_xp, true) / o->ratio;
            double off = kind ? mp_speed_decode_s(out, o->cls, o->xd) : 0;
            memset(pb.x[pb.n], 0, sizeof pb.x[0]);
            for (int j = 0; j < pb.nt; j++)
                pb.x[pb.n][j] = (kind ? o->xp[j] : o->xd[j]) / t_s;
            pb.y[pb.n] = 1 - off / t_s;
            pb.w[pb.n] = o->weight;
            pb.cls[pb.n] = o->cls;
            pb.n++;
        }
        if (pass != 1)
            used += pb.n;
        fit_kind(&pb, kind == 1, pr, np, kind ? out->p : out->d);
    }
    used += fit_train(obs, n, out);
done:
    free(pb.x);
    free(pb.y);
    free(pb.w);
    free(pb.cls);
    return used;
}
