/*
 * fit_speed.c - fit the speed model's constants on every calibration row and
 * write them as data/calibration/speed-constants.tsv.
 *
 *   fit_speed DIR      write DIR/speed-constants.tsv (DIR = data/calibration)
 *   fit_speed -        print the table on stdout
 *
 * The structure is engine/speed.h's, the fit engine/speedfit.h's (least
 * squares on relative errors, constants at or above their physical least
 * value, per generation pulled toward the vendor's pool).  The file records
 * the fit's date, the number of rows it used and a hash of the calibration
 * tables; tests/unit/test_speed.c fails when the tables or the model change
 * and the file was not regenerated.  Rebuild after writing it: the
 * constants are compiled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/calib.h"
#include "engine/speedfit.h"

static mp_calib_eval g_ev[MP_CALIB_MAX];
static mp_speed_obs g_obs[MP_CALIB_MAX];

static void table(FILE *f, const char *kind, int nt, const mp_term_info *info,
                  const double (*c)[MP_SC_N])
{
    for (int j = 0; j < nt; j++)
        for (int k = 0; k < MP_SC_N; k++) {
            if (!info[j].per_generation && k < MP_SC_GENS)
                continue; /* one value per vendor */
            fprintf(f, "%s\t%s\t%s\t%.6g\t%s\t%s\n", kind, info[j].name, mp_sclass_name(k),
                    c[j][k], info[j].unit, info[j].meaning);
        }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fit_speed DIR|-\n");
        return 2;
    }
    size_t n;
    mp_error err = {0};
    if (mp_calib_evaluate(NULL, g_ev, &n, &err) != 0) {
        fprintf(stderr, "fit_speed: %s\n", err.msg);
        return 1;
    }
    mp_calib_speed_obs(g_ev, n, NULL, g_obs);
    mp_speed_consts c;
    size_t used = mp_speed_fit(g_obs, n, &c);
    char path[1024];
    FILE *f = stdout;
    if (strcmp(argv[1], "-") != 0) {
        snprintf(path, sizeof path, "%s/speed-constants.tsv", argv[1]);
        f = fopen(path, "w");
        if (!f) {
            perror(path);
            return 1;
        }
    }
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    fprintf(f, "# Speed model constants (src/engine/speed.h), fitted by `build/fit_speed "
               "data/calibration`\n# (bench/fit_speed.c) on the calibration tables; do not edit "
               "by hand.  x: inverse efficiency\n# (1 = the nominal bandwidth or peak), s: "
               "seconds per item.  Classes: GPU generations,\n# and the vendor pools (apple, "
               "nvidia) that generations without rows use.\n");
    fprintf(f, "kind\tterm\tclass\tvalue\tunit\tmeaning\n");
    fprintf(f, "fit\tdate\t-\t%04d%02d%02d\tyyyymmdd\tthe day of the fit\n", tm.tm_year + 1900,
            tm.tm_mon + 1, tm.tm_mday);
    fprintf(f, "fit\trows\t-\t%zu\tcount\tdecode, prefill, TTFT and training rows fitted "
               "(validation rows left out)\n", used);
    fprintf(f, "fit\thash\t-\t%u\tFNV-1a\tmp_calib_hash() of the calibration tables fitted\n",
            mp_calib_hash());
    for (int k = 0; k < MP_SC_GENS; k++) {
        size_t rows = 0;
        for (size_t i = 0; i < n; i++)
            rows += g_obs[i].weight > 0 && !g_obs[i].train && g_obs[i].cls == k;
        fprintf(f, "fit\trows\t%s\t%zu\tcount\trows of this generation fitted (0: its constants "
                   "are the vendor pool's)\n", mp_sclass_name(k), rows);
    }
    table(f, "decode", MP_DEC_N, mp_dterm_info, (const double(*)[MP_SC_N])c.d);
    table(f, "prefill", MP_PRE_N, mp_pterm_info, (const double(*)[MP_SC_N])c.p);
    for (int j = 0; j < MP_TR_N; j++)
        fprintf(f, "train\t%s\t-\t%.6g\t%s\t%s\n", mp_tterm_info[j].name, c.t[j],
                mp_tterm_info[j].unit, mp_tterm_info[j].meaning);
    if (f != stdout && fclose(f) != 0) {
        perror(path);
        return 1;
    }
    if (f != stdout)
        printf("wrote %s: %zu rows fitted; rebuild to compile the constants in\n", path, used);
    return 0;
}
