/* bands.c - look up error bands measured on the calibration data; see bands.h. */
#include "engine/bands.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kb/tables.h"

void mp_band_category(char *buf, size_t cap, const char *kind, const char *tier, const char *moe)
{
    snprintf(buf, cap, "%s%s%s%s%s", kind, tier ? "/" : "", tier ? tier : "", moe ? "/" : "",
             moe ? moe : "");
}

static const mp_band_row *find(const char *cat)
{
    for (size_t i = 0; i < mp_band_rows_len; i++)
        if (strcmp(mp_band_rows[i].category, cat) == 0)
            return &mp_band_rows[i];
    return NULL;
}

static double band_of(const mp_band_row *r)
{
    double b = ceil(r->p90_pct / 5.0) * 5.0;
    return b < 10 ? 10 : b;
}

/* The most specific of `cats` with enough rows; *fell_back when it is not
 * the first. */
static double pick(const char *const *cats, int n, bool *fell_back, char *used, size_t cap)
{
    for (int i = 0; i < n; i++) {
        const mp_band_row *r = find(cats[i]);
        if (r && r->rows >= MP_BAND_MIN_ROWS) {
            if (i > 0)
                *fell_back = true;
            if (used)
                snprintf(used, cap, "%s", cats[i]);
            return band_of(r);
        }
    }
    *fell_back = true;
    if (used)
        snprintf(used, cap, "none");
    return 50; /* no measurement at all: say so with a wide band */
}

void mp_bands_for(const mp_chip *c, bool moe, mp_bands *out)
{
    memset(out, 0, sizeof *out);
    const char *tier = c->vendor == MP_VENDOR_NVIDIA ? "nvidia" : mp_chip_tier_name(c);
    const char *kind = moe ? "moe" : "dense";
    char d1[64], d2[64], d3[64], p1[64], p2[64];
    /* the class first: kind x family x GPU generation, then broader ones */
    char g[40], d0[64], dg[64], p0[64], pg[64];
    snprintf(g, sizeof g, "g:%s", c->generation ? c->generation : "?");
    mp_band_category(d0, sizeof d0, "decode", g, kind);
    mp_band_category(dg, sizeof dg, "decode", g, NULL);
    mp_band_category(d1, sizeof d1, "decode", tier, kind);
    mp_band_category(d2, sizeof d2, "decode", tier, NULL);
    mp_band_category(d3, sizeof d3, "decode", NULL, kind);
    const char *dc[] = {d0, dg, d1, d2, d3, "decode"};
    bool thin = false;
    out->decode_pct = pick(dc, 6, &thin, out->decode_category, sizeof out->decode_category);
    mp_band_category(p0, sizeof p0, "prefill", g, kind);
    mp_band_category(pg, sizeof pg, "prefill", g, NULL);
    mp_band_category(p1, sizeof p1, "prefill", c->family, NULL);
    mp_band_category(p2, sizeof p2, "prefill", NULL, kind);
    const char *pc[] = {p0, pg, p1, p2, "prefill"};
    bool thin_p = false;
    out->prefill_pct = pick(pc, 5, &thin_p, NULL, 0);
    const char *mc[] = {"memory"};
    bool thin_m = false;
    out->memory_pct = pick(mc, 1, &thin_m, NULL, 0);
    out->thin = thin || thin_p;
}

double mp_band_pct(const char *category, double floor_pct, double fallback, int *rows)
{
    const mp_band_row *r = find(category);
    if (rows)
        *rows = r ? r->rows : 0;
    if (!r || r->rows == 0)
        return fallback;
    double b = ceil(r->p90_pct / 5.0) * 5.0;
    return b < floor_pct ? floor_pct : b;
}
