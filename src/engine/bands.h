/*
 * bands.h - error bands of the estimates, measured on the calibration data.
 *
 * bench/accuracy.c evaluates the models on every calibration row it can
 * resolve and writes data/calibration/error-bands.tsv: per category, the
 * number of rows and the median and 90th-percentile absolute percentage
 * error.  A test recomputes them and fails when the file is stale.  An
 * estimate quotes the 90th percentile of the most specific category with
 * at least MP_BAND_MIN_ROWS rows (rounded up to 5 %, at least 10 %): first
 * its class (metric x GPU generation x dense/moe, "decode/g:M3/moe"), then
 * the generation, the tier, the model kind, the metric; it says the data is
 * thin when it had to fall back.
 */
#ifndef MP_ENGINE_BANDS_H
#define MP_ENGINE_BANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "kb/chips.h"

#define MP_BAND_MIN_ROWS 4

typedef struct mp_bands {
    double memory_pct, decode_pct, prefill_pct; /* +/- percent */
    bool thin;                                  /* fell back to a broader category */
    char decode_category[64];                   /* the category decode_pct comes from */
} mp_bands;

void mp_bands_for(const mp_chip *c, bool moe, mp_bands *out);

/* The band of one category (p90 rounded up to 5 %, at least `floor_pct`);
 * `fallback` when the category has no rows.  *rows (may be NULL) gets the
 * row count. */
double mp_band_pct(const char *category, double floor_pct, double fallback, int *rows);

/* Category names shared with the benchmark: "decode", "decode/Max",
 * "decode/moe", "decode/Max/moe", "prefill", "prefill/M4", "memory"... */
void mp_band_category(char *buf, size_t cap, const char *kind, const char *tier, const char *moe);

#endif
