/* test_bands.c - the committed error bands equal what the models give today,
 * and the accuracy targets of the estimator hold on the calibration data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include "engine/bands.h"
#include "engine/calib.h"
#include "kb/tables.h"

static mp_calib_eval ev[MP_CALIB_MAX];

static void test_bands_not_stale(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(mp_calib_evaluate(NULL, ev, &n, NULL), 0);
    assert_true(mp_band_rows_len > 20);
    for (size_t i = 0; i < mp_band_rows_len; i++) {
        const mp_band_row *r = &mp_band_rows[i];
        double med, p90;
        size_t k = mp_calib_category_stats(ev, n, r->category, &med, &p90);
        if ((int)k != r->rows || fabs(p90 - r->p90_pct) > 0.051 || fabs(med - r->median_pct) > 0.051)
            fail_msg("data/calibration/error-bands.tsv is stale at '%s': file %d rows p90 %.1f, "
                     "now %zu rows p90 %.1f (run: build/accuracy --write-bands "
                     "data/calibration/error-bands.tsv)",
                     r->category, r->rows, r->p90_pct, k, p90);
    }
}

static void test_targets(void **state)
{
    (void)state;
    size_t n;
    assert_int_equal(mp_calib_evaluate(NULL, ev, &n, NULL), 0);
    double dm, d90, mm, m90;
    assert_true(mp_calib_category_stats(ev, n, "decode", &dm, &d90) >= 20);
    assert_true(mp_calib_category_stats(ev, n, "memory", &mm, &m90) >= 10);
    assert_true(dm < 10);
    assert_true(d90 < 25);
    assert_true(mm < 10);
}

static void test_band_lookup(void **state)
{
    (void)state;
    mp_chip_match m;
    assert_int_equal(mp_chip_resolve("M4 Max 40c", 0, &m, NULL), 0);
    mp_bands b;
    mp_bands_for(&m.chip, false, &b);
    /* Max dense has plenty of rows: its own category, no fallback */
    assert_string_equal(b.decode_category, "decode/Max/dense");
    assert_false(b.thin);
    assert_true(b.decode_pct >= 10 && fmod(b.decode_pct, 5) == 0);
    assert_int_equal(mp_chip_resolve("M1 8c", 0, &m, NULL), 0);
    mp_bands_for(&m.chip, false, &b);
    assert_true(b.thin); /* no base-tier decode rows */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands_not_stale),
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_band_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
