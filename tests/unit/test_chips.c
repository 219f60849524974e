/* test_chips.c - chip table and name resolution. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "engine/machine.h"
#include "kb/chips.h"

static void resolves(const char *name, int mem, const char *want)
{
    mp_chip_match m;
    mp_error e;
    mp_error_clear(&e);
    int rc = mp_chip_resolve(name, mem, &m, &e);
    if (rc != 0)
        fail_msg("'%s' did not resolve: %s", name, e.msg);
    assert_string_equal(m.chip.short_name, want);
}

static void test_forgiving_names(void **state)
{
    (void)state;
    resolves("m3max 30c", 0, "M3 Max 30c");
    resolves("M3 Max 30c", 0, "M3 Max 30c");
    resolves("M3 Max (30-core GPU)", 0, "M3 Max 30c");
    resolves("m4-pro-20", 0, "M4 Pro 20c");
    resolves("Apple M3 Max (16-core CPU / 40-core GPU)", 0, "M3 Max 40c");
    resolves("M2 Ultra 76-core", 0, "M2 Ultra 76c");
    resolves("M1 8-core GPU", 0, "M1 8c");
}

static void test_ambiguous(void **state)
{
    (void)state;
    mp_chip_match m;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_chip_resolve("M3 Max", 0, &m, &e), MP_EAMBIGUOUS);
    assert_int_equal(m.n_candidates, 2);
    assert_non_null(strstr(e.msg, "M3 Max 30c"));
    assert_non_null(strstr(e.msg, "M3 Max 40c"));
    /* a memory size sold with only one bin picks it */
    assert_int_equal(mp_chip_resolve("M3 Max", 36, &m, NULL), 0);
    assert_string_equal(m.chip.short_name, "M3 Max 30c");
    assert_true(m.by_memory);
    assert_int_equal(mp_chip_resolve("M4 Max", 64, &m, NULL), 0);
    assert_string_equal(m.chip.short_name, "M4 Max 40c");
}

static void test_unknown(void **state)
{
    (void)state;
    mp_chip_match m;
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_chip_resolve("M3 Max 32c", 0, &m, &e), MP_ENOTFOUND);
    assert_string_equal(e.msg, "unknown chip 'M3 Max 32c': M3 Max comes with 30, 40 GPU cores");
    mp_error_clear(&e);
    assert_int_equal(mp_chip_resolve("", 0, &m, &e), MP_EINVAL);
    mp_error_clear(&e);
    assert_int_equal(mp_chip_resolve("potato", 0, &m, &e), MP_ENOTFOUND);
}

static void test_nvidia(void **state)
{
    (void)state;
    resolves("rtx 4090", 0, "RTX 4090");
    resolves("NVIDIA GeForce RTX 3090", 0, "RTX 3090");
    resolves("a100", 0, "A100 SXM4 80GB");
    mp_chip_match m;
    assert_int_equal(mp_chip_resolve("h100", 0, &m, NULL), MP_EAMBIGUOUS);
    assert_int_equal(m.n_candidates, 3);
}

/* Bins and memory options checked against Apple's and NVIDIA's specifications
 * (issue 19 item 6), and the generation the speed model fits per chip. */
static void test_bins_and_generations(void **state)
{
    (void)state;
    mp_chip_match m;
    assert_int_equal(mp_chip_resolve("M2 Max 30c", 0, &m, NULL), 0);
    assert_false(mp_chip_offers_memory(&m.chip, 96)); /* 96 GB only with the 38-core GPU */
    assert_true(mp_chip_offers_memory(&m.chip, 64));
    assert_int_equal(mp_chip_resolve("M2 Max", 96, &m, NULL), 0);
    assert_int_equal(m.chip.gpu_cores, 38);
    assert_true(m.by_memory);
    assert_int_equal(mp_chip_resolve("M5 (8-core GPU)", 0, &m, NULL), 0);
    assert_string_equal(m.chip.generation, "M5");
    assert_true(m.chip.neural_accel);
    assert_int_equal(mp_chip_resolve("b200", 0, &m, NULL), 0);
    assert_string_equal(m.chip.generation, "Blackwell");
    assert_true(m.chip.bandwidth_gbs == 8000);
    assert_int_equal(mp_chip_resolve("rtx pro 6000", 0, &m, NULL), 0);
    assert_int_equal(m.chip.mem_opts_gb[0], 96);
    assert_int_equal(mp_chip_resolve("h100 sxm", 0, &m, NULL), 0);
    assert_string_equal(m.chip.generation, "Hopper");
    assert_int_equal(mp_chip_resolve("gb10", 0, &m, NULL), 0);
    assert_string_equal(m.chip.generation, "Blackwell");
}

/* Tiers are typed (mp_apple_tier from the generated tables): each chip's tier
 * agrees with its name, NVIDIA has none, and the words people type map to it. */
static void test_tiers(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        mp_apple_tier tier;
        const char *word;
    } cases[] = {{"M1 8c", MP_APPLE_TIER_BASE, "base"},
                 {"M4 Pro 20c", MP_APPLE_TIER_PRO, "Pro"},
                 {"M3 Max 30c", MP_APPLE_TIER_MAX, "Max"},
                 {"M2 Ultra 76c", MP_APPLE_TIER_ULTRA, "Ultra"},
                 {"rtx 4090", MP_APPLE_TIER_BASE, ""}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mp_chip_match m;
        assert_int_equal(mp_chip_resolve(cases[i].name, 0, &m, NULL), 0);
        assert_int_equal(m.chip.tier, cases[i].tier);
        assert_string_equal(mp_chip_tier_name(&m.chip), cases[i].word);
    }
    int per_tier[MP_APPLE_TIER_ULTRA + 1] = {0};
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        if (c.vendor != MP_VENDOR_APPLE)
            continue;
        per_tier[c.tier]++;
        /* the short name spells the tier, the base one by the family alone */
        char want[64];
        if (c.tier == MP_APPLE_TIER_BASE)
            snprintf(want, sizeof want, "%s %dc", c.family, c.gpu_cores);
        else
            snprintf(want, sizeof want, "%s %s %dc", c.family, mp_chip_tier_name(&c), c.gpu_cores);
        assert_string_equal(c.short_name, want);
    }
    for (int t = 0; t <= MP_APPLE_TIER_ULTRA; t++)
        assert_true(per_tier[t] > 0);
    mp_apple_tier t = MP_APPLE_TIER_BASE;
    assert_true(mp_apple_tier_word("ULTRA", &t));
    assert_int_equal(t, MP_APPLE_TIER_ULTRA);
    assert_true(mp_apple_tier_word("pro", NULL));
    assert_false(mp_apple_tier_word("base", &t)); /* nobody types it: the family alone */
    assert_false(mp_apple_tier_word("maxi", &t));
    assert_false(mp_apple_tier_word("", &t));
    assert_int_equal(t, MP_APPLE_TIER_ULTRA);
}

static void test_budget(void **state)
{
    (void)state;
    mp_chip_match m;
    assert_int_equal(mp_chip_resolve("M4 Pro 20c", 0, &m, NULL), 0);
    mp_machine mc;
    assert_int_equal(mp_machine_init(&mc, &m.chip, 24, NULL), 0);
    /* 2/3 of 24 GiB = 16 GiB exactly */
    assert_true(mc.gpu_default_bytes == 16.0 * MP_GIB);
    /* 24 GiB - 4 GiB reserve = 20 GiB = 20480 MB */
    assert_int_equal(mc.wired_limit_mb, 20480);
    mp_error e;
    mp_error_clear(&e);
    assert_int_equal(mp_machine_init(&mc, &m.chip, 36, &e), MP_EINVAL);
    assert_string_equal(e.msg, "M4 Pro 20c comes with 24, 48, 64 GB of memory, not 36 GB");
    assert_int_equal(mp_machine_init(&mc, &m.chip, 0, NULL), 0);
    assert_true(mc.memory_assumed);
    assert_int_equal(mc.memory_gb, 24);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forgiving_names), cmocka_unit_test(test_ambiguous),
        cmocka_unit_test(test_unknown), cmocka_unit_test(test_nvidia),
        cmocka_unit_test(test_budget), cmocka_unit_test(test_bins_and_generations),
        cmocka_unit_test(test_tiers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
