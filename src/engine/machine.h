/*
 * machine.h - a chip with a memory size, and how much of that memory the GPU
 * may use.
 *
 * Apple Silicon: Metal exposes a recommended GPU working set (the default
 * wired limit) of about two thirds of RAM up to 36 GB and about three
 * quarters above (observed values; recent macOS can give more on large
 * machines).  `sudo sysctl iogpu.wired_limit_mb=N` raises it; we suggest
 * leaving max(4 GiB, RAM/8) to macOS.  mlx-lm warns when a model passes 90 %
 * of the working set (mlx_lm/generate.py wired_limit).
 * NVIDIA (MLX CUDA backend): the allocator's limit is 0.95 x GPU memory
 * (mlx/backend/cuda/allocator.cpp); the wired limit does not apply.
 *
 * Memory sizes as sold ("36 GB") are binary: 36 GiB.
 */
#ifndef MP_ENGINE_MACHINE_H
#define MP_ENGINE_MACHINE_H

#include <stddef.h>

#include "kb/chips.h"
#include "platform/host.h"
#include "util/error.h"
#include "util/fmt.h" /* MP_GIB */

typedef struct mp_machine {
    mp_chip chip;
    int memory_gb;              /* installed memory as sold (GiB) */
    bool memory_assumed;        /* not given: the smallest configuration */
    double ram_bytes;
    double gpu_default_bytes;   /* default GPU working-set limit */
    double gpu_max_bytes;       /* reachable by raising the wired limit */
    int wired_limit_mb;         /* the iogpu.wired_limit_mb value that reaches gpu_max */
    double default_fraction;    /* gpu_default_bytes / ram_bytes */
    char budget_basis[200];     /* one line: how gpu_default_bytes was derived */
    /* the user's runs of this machine (engine/mcal.h): mp_infer and mp_train
     * scale their speeds by it; NULL = the model's figures only */
    const struct mp_calib *calib;
} mp_machine;

/* Build a machine.  memory_gb == 0 picks the chip's smallest configuration
 * (memory_assumed = true); a size the chip is not sold with is MP_EINVAL. */
int mp_machine_init(mp_machine *m, const mp_chip *chip, int memory_gb, mp_error *err);

/* Resolve what mp_host_detect read into one of mlxplan's chips (Apple chips
 * by brand, GPU cores and memory; NVIDIA GPUs by name).  Returns 1 with
 * *chip filled when it resolves, 0 when it does not; either way `note`
 * (cap bytes) gets one line for people: the chip and memory to pass, or
 * why the chip could not be pinned down.  Shared by `hw detect` and the
 * MCP `hardware` tool. */
int mp_machine_host_chip(const mp_host *h, mp_chip *chip, char *note, size_t cap);

#endif
