/*
 * fuzz_number.c - libFuzzer target for the strict text helpers every
 * option goes through: whole numbers, decimals, counts with K/M/B/T
 * suffixes, plus folding, edit distance and the UTF-8 check.  Must hold: a
 * parsed value is finite and inside the bounds asked for; a refusal is one
 * line that quotes at most a bounded part of the value.
 */
#include <math.h>

#include "fuzz.h"
#include "util/text.h"

static void check_refusal(const mp_error *e)
{
    fuzz_check_one_line(e->msg);
    /* a bad value is quoted clipped, so messages stay short */
    if (strlen(e->msg) > 200)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    mp_error e;
    int64_t i;
    mp_error_clear(&e);
    if (mp_parse_i64(s, -1000, 1000000, "--n", &i, &e) == 0) {
        if (i < -1000 || i > 1000000)
            abort();
    } else {
        check_refusal(&e);
    }
    double d;
    mp_error_clear(&e);
    if (mp_parse_f64(s, -1e6, 1e6, "--x", &d, &e) == 0) {
        if (!isfinite(d) || d < -1e6 || d > 1e6)
            abort();
    } else {
        check_refusal(&e);
    }
    mp_error_clear(&e);
    if (mp_parse_count(s, 1, 1e15, "--tokens", &d, &e) == 0) {
        if (!isfinite(d) || d < 1 || d > 1e15 || d != floor(d))
            abort();
    } else {
        check_refusal(&e);
    }
    char folded[64];
    size_t n = mp_fold(s, folded, sizeof folded);
    if (n >= sizeof folded || strlen(folded) != n)
        abort();
    size_t half = strlen(s) / 2;
    int dist = mp_edit_distance(s + half, s);
    if (dist < 0 || dist > 255)
        abort();
    if (mp_edit_distance(s, s) != 0)
        abort();
    (void)mp_utf8_valid((const char *)data, size);
    (void)mp_istr(s, s + half);
    free(s);
    return 0;
}
