/* chips.c - chip table access and forgiving name resolution; see chips.h. */
#include "kb/chips.h"
#include "kb/param.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/suggest.h"
#include "kb/tables.h"
#include "util/text.h"

_Static_assert(MP_CHIP_MAX_MEM_OPTS >= MP_MEM_OPTIONS_MAX, "a chip holds every memory option");

/* How the data files and chip names spell a tier. */
static const char *tier_name(mp_apple_tier t)
{
    return mp_apple_tier_names[t];
}

const char *mp_chip_tier_name(const mp_chip *c)
{
    return c->vendor == MP_VENDOR_APPLE ? tier_name(c->tier) : "";
}

bool mp_apple_tier_word(const char *word, mp_apple_tier *tier)
{
    for (int t = MP_APPLE_TIER_BASE + 1; t <= MP_APPLE_TIER_ULTRA; t++)
        if (mp_ieq(word, mp_apple_tier_names[t])) {
            if (tier)
                *tier = (mp_apple_tier)t;
            return true;
        }
    return false;
}

static void fill_apple(size_t i, mp_chip *c)
{
    const mp_apple_row *r = &mp_apple_rows[i];
    memset(c, 0, sizeof *c);
    c->vendor = MP_VENDOR_APPLE;
    c->row = i;
    c->name = r->name;
    c->family = r->family;
    c->generation = r->family;
    c->tier = r->tier;
    c->gpu_cores = r->gpu_cores;
    c->cpu_p = r->cpu_p;
    c->cpu_e = r->cpu_e;
    c->bandwidth_gbs = r->bandwidth_gbs;
    c->fp32_tflops = r->fp32_tflops;
    c->bf16_tflops = NAN;
    c->neural_accel = r->neural_accel;
    c->provisional = r->provisional;
    c->unified_memory = true;
    c->year = r->year;
    c->source = r->source;
    c->n_mem_opts = r->memory_gb.n;
    c->mem_is_range = r->memory_gb.range;
    memcpy(c->mem_opts_gb, r->memory_gb.gb, (size_t)r->memory_gb.n * sizeof c->mem_opts_gb[0]);
    if (r->tier == MP_APPLE_TIER_BASE)
        snprintf(c->short_name, sizeof c->short_name, "%s %dc", r->family, r->gpu_cores);
    else
        snprintf(c->short_name, sizeof c->short_name, "%s %s %dc", r->family, tier_name(r->tier),
                 r->gpu_cores);
}

static void fill_nvidia(size_t i, mp_chip *c)
{
    const mp_nvidia_row *r = &mp_nvidia_rows[i];
    memset(c, 0, sizeof *c);
    c->vendor = MP_VENDOR_NVIDIA;
    c->row = i;
    c->name = r->name;
    c->family = "NVIDIA";
    c->generation = r->arch;
    c->tier = MP_APPLE_TIER_BASE; /* none */
    c->bandwidth_gbs = r->bandwidth_gbs;
    c->fp32_tflops = r->fp32_tflops;
    c->bf16_tflops = r->bf16_tflops;
    c->unified_memory = r->unified;
    c->approx_compute = r->approx;
    c->source = r->source;
    c->n_mem_opts = 1;
    c->mem_opts_gb[0] = (int)r->memory_gb;
    const char *n = r->name;
    if (strncmp(n, "GeForce ", 8) == 0)
        n += 8;
    mp_strlcpy(c->short_name, n, sizeof c->short_name);
}

size_t mp_chip_count(void)
{
    return mp_apple_rows_len + mp_nvidia_rows_len;
}

void mp_chip_get(size_t i, mp_chip *out)
{
    if (i < mp_apple_rows_len)
        fill_apple(i, out);
    else
        fill_nvidia(i - mp_apple_rows_len, out);
}

bool mp_chip_offers_memory(const mp_chip *c, int gb)
{
    if (c->mem_is_range && c->n_mem_opts == 2)
        return gb >= c->mem_opts_gb[0] && gb <= c->mem_opts_gb[1];
    for (int i = 0; i < c->n_mem_opts; i++)
        if (c->mem_opts_gb[i] == gb)
            return true;
    return false;
}

int mp_chip_min_memory(const mp_chip *c)
{
    int m = c->mem_opts_gb[0];
    for (int i = 1; i < c->n_mem_opts; i++)
        if (c->mem_opts_gb[i] < m)
            m = c->mem_opts_gb[i];
    return m;
}

void mp_chip_memory_text(const mp_chip *c, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    if (c->mem_is_range && c->n_mem_opts == 2) {
        snprintf(buf, cap, "%d-%d", c->mem_opts_gb[0], c->mem_opts_gb[1]);
        return;
    }
    for (int i = 0; i < c->n_mem_opts && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%d", i ? ", " : "", c->mem_opts_gb[i]);
}

int mp_chip_check_memory(const mp_chip *c, int gb, mp_error *err)
{
    if (mp_chip_offers_memory(c, gb))
        return 0;
    char opts[96];
    mp_chip_memory_text(c, opts, sizeof opts);
    return mp_error_set(err, MP_EINVAL, "%s comes with %s GB of memory, not %d GB", c->short_name,
                        opts, gb);
}

/* ---- parsing what the user typed ------------------------------------------ */

typedef struct chip_query {
    int family;   /* 1..9, 0 when the text is not an Apple M-series name */
    mp_apple_tier tier;
    int gpu, cpu, mem_gb;
} chip_query;

enum { MAX_TOKENS = 32, TOKEN_LEN = 16 };

/* Split into runs of letters and runs of digits, lower-cased. */
static int tokenize(const char *s, char tok[][TOKEN_LEN], int max)
{
    int n = 0;
    while (*s && n < max) {
        unsigned char c = (unsigned char)*s;
        if (!isalnum(c) || c >= 0x80) {
            s++;
            continue;
        }
        int k = 0;
        bool digit = isdigit(c) != 0;
        while (*s && isalnum((unsigned char)*s) && (unsigned char)*s < 0x80 &&
               (isdigit((unsigned char)*s) != 0) == digit) {
            if (k < TOKEN_LEN - 1)
                tok[n][k++] = (char)tolower((unsigned char)*s);
            s++;
        }
        tok[n][k] = '\0';
        n++;
    }
    return n;
}

static bool is_word(const char *t, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(t, *words) == 0)
            return true;
    return false;
}

/* Parse an Apple chip name; false when the text is not one. */
static bool parse_apple(const char *s, chip_query *q)
{
    static const char *const noise[] = {"apple", "chip", "soc", "macbook", "mac", "studio",
                                        "mini", "air", "imac", "with", "and", "the", "my",
                                        "ram", "memory", "unified", "of", "a", "an", "in",
                                        "on", "bin", NULL};
    static const char *const core_words[] = {"c", "core", "cores", "gpu", "g", NULL};
    char tok[MAX_TOKENS][TOKEN_LEN];
    int n = tokenize(s, tok, MAX_TOKENS);
    memset(q, 0, sizeof *q);
    q->tier = MP_APPLE_TIER_BASE;
    int i = 0;
    while (i < n && is_word(tok[i], noise))
        i++;
    if (i + 1 >= n || strcmp(tok[i], "m") != 0 || !isdigit((unsigned char)tok[i + 1][0]) ||
        strlen(tok[i + 1]) != 1 || tok[i + 1][0] == '0')
        return false;
    q->family = tok[i + 1][0] - '0';
    for (i += 2; i < n; i++) {
        const char *t = tok[i];
        if (mp_apple_tier_word(t, &q->tier)) {
            continue;
        } else if (isdigit((unsigned char)t[0])) {
            long v = strtol(t, NULL, 10);
            if (v <= 0 || v > 4096)
                return false;
            const char *next = i + 1 < n ? tok[i + 1] : "";
            const char *after = i + 2 < n ? tok[i + 2] : "";
            if (strcmp(next, "gb") == 0 || strcmp(next, "gib") == 0) {
                q->mem_gb = (int)v;
                i++;
            } else if (strcmp(next, "cpu") == 0 ||
                       ((strcmp(next, "core") == 0 || strcmp(next, "c") == 0) &&
                        strcmp(after, "cpu") == 0)) {
                q->cpu = (int)v;
                i += strcmp(next, "cpu") == 0 ? 1 : 2;
            } else if (is_word(next, core_words)) {
                q->gpu = (int)v;
                i++;
                if (strcmp(next, "gpu") != 0 && strcmp(after, "gpu") == 0)
                    i++;
            } else if (next[0] == '\0' || isdigit((unsigned char)next[0]) ||
                       is_word(next, noise)) {
                q->gpu = (int)v; /* bare number: "m4-pro-20" */
            } else {
                return false;
            }
        } else if (is_word(t, noise) || strcmp(t, "gpu") == 0 || strcmp(t, "cpu") == 0 ||
                   strcmp(t, "core") == 0) {
            continue;
        } else {
            return false; /* an unknown word: let the caller suggest */
        }
    }
    return true;
}

static void set_ambiguous(mp_chip_match *m, const mp_chip *cands, int n)
{
    m->n_candidates = n < MP_CHIP_MAX_CANDIDATES ? n : MP_CHIP_MAX_CANDIDATES;
    memcpy(m->candidates, cands, (size_t)m->n_candidates * sizeof *cands);
}

/* `memory_gb` > 0: the size given, which did not single out one bin (several
 * have it, or none: `n_with_memory`), so only the GPU cores are asked for. */
static int ambiguous_error(const char *name, const mp_chip *cands, int n, int memory_gb,
                           int n_with_memory, mp_error *err)
{
    char list[400];
    size_t k = 0;
    list[0] = '\0';
    for (int i = 0; i < n && k < sizeof list; i++) {
        const mp_chip *c = &cands[i];
        char mem[64];
        mp_chip_memory_text(c, mem, sizeof mem);
        if (c->vendor == MP_VENDOR_APPLE)
            k += (size_t)snprintf(list + k, sizeof list - k, "%s'%s' (%.0f GB/s, %s GB)",
                                  i ? ", " : "", c->short_name, c->bandwidth_gbs, mem);
        else
            k += (size_t)snprintf(list + k, sizeof list - k, "%s'%s'", i ? ", " : "", c->name);
    }
    if (memory_gb > 0 && n_with_memory)
        return mp_error_set(err, MP_EAMBIGUOUS, "chip '%s' with %d GB is ambiguous: %s are each "
                            "sold with it; name the GPU cores ('%s')", name, memory_gb, list,
                            cands[n - 1].short_name);
    if (memory_gb > 0)
        return mp_error_set(err, MP_EINVAL, "no '%s' is sold with %d GB: %s", name, memory_gb,
                            list);
    return mp_error_set(err, MP_EAMBIGUOUS, "chip '%s' is ambiguous: %s; name the GPU cores or "
                        "give %s", name, list, mp_pname(MP_P_MEMORY));
}

static int not_found(const char *name, mp_error *err)
{
    mp_suggest s;
    mp_suggest_init(&s, name);
    for (size_t i = 0; i < mp_chip_count(); i++) {
        mp_chip c;
        mp_chip_get(i, &c);
        char family_tier[32];
        if (c.vendor == MP_VENDOR_APPLE && c.tier != MP_APPLE_TIER_BASE)
            snprintf(family_tier, sizeof family_tier, "%s %s", c.family, tier_name(c.tier));
        else
            snprintf(family_tier, sizeof family_tier, "%s", c.family);
        if (c.vendor == MP_VENDOR_APPLE)
            mp_suggest_offer(&s, family_tier, family_tier);
        mp_suggest_offer(&s, c.short_name, c.short_name);
    }
    char sugg[256];
    if (mp_suggest_text(&s, sugg, sizeof sugg))
        return mp_error_set(err, MP_ENOTFOUND, "unknown chip '%s'; did you mean %s? %s",
                            name, sugg, mp_say(MP_SAY_HW_LIST));
    return mp_error_set(err, MP_ENOTFOUND, "unknown chip '%s' %s", name, mp_say(MP_SAY_HW_LIST));
}

static void strip_nvidia_words(const char *folded, char *out, size_t cap)
{
    static const char *const drop[] = {"nvidia", "geforce", NULL};
    char tmp[128];
    mp_strlcpy(tmp, folded, sizeof tmp);
    for (const char *const *d = drop; *d; d++) {
        char *p;
        while ((p = strstr(tmp, *d)) != NULL)
            memmove(p, p + strlen(*d), strlen(p + strlen(*d)) + 1);
    }
    mp_strlcpy(out, tmp, cap);
}

int mp_chip_resolve(const char *name, int memory_gb, mp_chip_match *m, mp_error *err)
{
    memset(m, 0, sizeof *m);
    char folded[128];
    if (!name || name[strspn(name, " \t")] == '\0')
        return mp_error_set(err, MP_EINVAL, "empty chip name %s", mp_say(MP_SAY_HW_LIST));
    if (strlen(name) > MP_CHIP_NAME_MAX)
        return mp_error_set(err, MP_EINVAL, "chip name is %zu bytes, over the limit of %d bytes",
                            strlen(name), MP_CHIP_NAME_MAX);
    /* names match on their ASCII letters and digits only */
    if (mp_fold(name, folded, sizeof folded) == 0)
        return mp_error_set(err, MP_ENOTFOUND, "unknown chip '%.60s' %s",
                            name, mp_say(MP_SAY_HW_LIST));

    mp_chip cands[MP_CHIP_MAX_CANDIDATES + 8];
    int n = 0;
    chip_query q;
    if (parse_apple(name, &q)) {
        if (q.mem_gb && !memory_gb)
            memory_gb = q.mem_gb;
        for (size_t i = 0; i < mp_apple_rows_len; i++) {
            const mp_apple_row *r = &mp_apple_rows[i];
            if (r->family[1] - '0' != q.family || r->tier != q.tier)
                continue;
            if (q.gpu && r->gpu_cores != q.gpu)
                continue;
            if (q.cpu && r->cpu_p + r->cpu_e != q.cpu)
                continue;
            if (n < MP_CHIP_MAX_CANDIDATES)
                fill_apple(i, &cands[n++]);
        }
        if (n == 0) {
            /* right family and tier but no such bin: say which bins exist */
            char bins[128];
            size_t k = 0;
            bins[0] = '\0';
            for (size_t i = 0; i < mp_apple_rows_len; i++) {
                const mp_apple_row *r = &mp_apple_rows[i];
                if (r->family[1] - '0' == q.family && r->tier == q.tier &&
                    k < sizeof bins)
                    k += (size_t)snprintf(bins + k, sizeof bins - k, "%s%d", k ? ", " : "",
                                          r->gpu_cores);
            }
            if (k)
                return mp_error_set(err, MP_ENOTFOUND,
                                    "unknown chip '%s': M%d%s%s comes with %s GPU cores", name,
                                    q.family, q.tier != MP_APPLE_TIER_BASE ? " " : "",
                                    q.tier != MP_APPLE_TIER_BASE ? tier_name(q.tier) : "", bins);
            return not_found(name, err);
        }
    } else {
        char want[128];
        strip_nvidia_words(folded, want, sizeof want);
        if (strlen(want) >= 3) {
            for (size_t i = 0; i < mp_nvidia_rows_len; i++) {
                char f[128], g[128];
                mp_fold(mp_nvidia_rows[i].name, f, sizeof f);
                strip_nvidia_words(f, g, sizeof g);
                if (strcmp(g, want) == 0) {
                    n = 0;
                    fill_nvidia(i, &cands[n++]);
                    break;
                }
                if (strstr(g, want) && n < MP_CHIP_MAX_CANDIDATES)
                    fill_nvidia(i, &cands[n++]);
            }
        }
        if (n == 0)
            return not_found(name, err);
    }

    int k = 0;
    if (n > 1 && memory_gb > 0) {
        mp_chip by_mem[MP_CHIP_MAX_CANDIDATES];
        for (int i = 0; i < n; i++)
            if (mp_chip_offers_memory(&cands[i], memory_gb))
                by_mem[k++] = cands[i];
        if (k == 1) {
            m->chip = by_mem[0];
            m->by_memory = true;
            return 0;
        }
        if (k > 1) { /* only the bins sold with that size are candidates */
            memcpy(cands, by_mem, (size_t)k * sizeof *by_mem);
            n = k;
        }
    }
    if (n > 1) {
        set_ambiguous(m, cands, n);
        return ambiguous_error(name, cands, n, memory_gb, k, err);
    }
    m->chip = cands[0];
    return 0;
}
