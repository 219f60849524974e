/*
 * chips.h - the machines mlxplan knows: Apple Silicon chips by GPU-core bin
 * and NVIDIA GPUs for MLX's CUDA backend, with forgiving name resolution.
 *
 * Names resolve from what people type: "m3max", "M3 Max 30c",
 * "M3 Max (30-core GPU)", "m4-pro-20", "Apple M2 Ultra 76-core", "rtx 4090",
 * "h100 sxm".  A name that matches several bins ("M3 Max": 30 or 40 GPU
 * cores) is ambiguous and reported with every candidate, unless a memory size
 * given alongside is offered by exactly one of them (36 GB: only the 30-core
 * M3 Max), in which case that bin is chosen and `by_memory` says so.
 */
#ifndef MP_KB_CHIPS_H
#define MP_KB_CHIPS_H

#include <stdbool.h>
#include <stddef.h>

#include "kb/tables.h"
#include "util/error.h"

typedef enum mp_vendor { MP_VENDOR_APPLE, MP_VENDOR_NVIDIA } mp_vendor;

#define MP_CHIP_MAX_MEM_OPTS 8
#define MP_CHIP_MAX_CANDIDATES 16
#define MP_CHIP_NAME_MAX 200 /* bytes of a chip name as typed */

typedef struct mp_chip {
    mp_vendor vendor;
    size_t row;                 /* index into its vendor table */
    const char *name;           /* full name from the data file */
    char short_name[48];        /* "M3 Max 30c", "RTX 4090": stable id for output */
    const char *family;         /* "M3"; "NVIDIA" */
    mp_apple_tier tier;         /* Apple: its tier (mp_chip_tier_name spells it);
                                 * NVIDIA: MP_APPLE_TIER_BASE, meaning none */
    const char *generation;     /* GPU generation the speed model fits: the Apple
                                 * family ("M3"), the NVIDIA architecture ("Hopper") */
    int gpu_cores;              /* 0 for NVIDIA */
    int cpu_p, cpu_e;           /* 0 when not published / not applicable */
    double bandwidth_gbs;       /* GB/s, decimal */
    double fp32_tflops;         /* NAN when not published */
    double bf16_tflops;         /* NVIDIA tensor-core BF16 dense; NAN otherwise */
    bool neural_accel;          /* GPU matmul units (M5 family) */
    bool provisional;           /* announced in 2026: figures may change */
    bool unified_memory;        /* CPU and GPU share memory (Apple, GB10) */
    bool approx_compute;        /* a compute figure the source calls approximate */
    int year;                   /* 0 for NVIDIA rows */
    int mem_opts_gb[MP_CHIP_MAX_MEM_OPTS];
    int n_mem_opts;             /* when 2 and mem_is_range: [min, max] */
    bool mem_is_range;
    const char *source;
} mp_chip;

typedef struct mp_chip_match {
    mp_chip chip;               /* the resolved chip */
    bool by_memory;             /* bin chosen because only it offers the memory size */
    int n_candidates;           /* > 1 when ambiguous */
    mp_chip candidates[MP_CHIP_MAX_CANDIDATES];
} mp_chip_match;

/* How the data files and chip names spell the chip's tier: "base", "Pro",
 * "Max", "Ultra"; "" for NVIDIA (no tier). */
const char *mp_chip_tier_name(const mp_chip *c);

/* Whether `word` (any case) names a tier above the base one, as people type
 * it in a chip name ("pro", "Max", "ultra"); sets *tier (may be NULL) when
 * it does. */
bool mp_apple_tier_word(const char *word, mp_apple_tier *tier);

/* Number of known chips, Apple first then NVIDIA. */
size_t mp_chip_count(void);
/* Fill `out` with chip `i` (0 <= i < mp_chip_count()). */
void mp_chip_get(size_t i, mp_chip *out);

/* Resolve a user-typed chip name.  `memory_gb` (0 = not given) may
 * disambiguate bins.  Returns 0 and fills m->chip; MP_EAMBIGUOUS with
 * m->candidates filled and a message listing them; MP_ENOTFOUND with the
 * closest names suggested; MP_EINVAL for an empty name. */
int mp_chip_resolve(const char *name, int memory_gb, mp_chip_match *m, mp_error *err);

/* Whether `gb` is a memory size this chip is sold with. */
bool mp_chip_offers_memory(const mp_chip *c, int gb);

/* Check a memory size against the chip; MP_EINVAL naming the options when
 * the chip is not offered with it. */
int mp_chip_check_memory(const mp_chip *c, int gb, mp_error *err);

/* Smallest memory size the chip is offered with (GB). */
int mp_chip_min_memory(const mp_chip *c);

/* "36, 96" or "24-64" into buf. */
void mp_chip_memory_text(const mp_chip *c, char *buf, size_t cap);

#endif
