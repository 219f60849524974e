/*
 * host.h - what this machine is, read from the operating system.
 *
 * With dynlib.c, the only platform-specific code in mlxplan.  macOS: sysctl (CPU brand,
 * performance-core counts, RAM) and `ioreg` for the GPU core count.  Linux:
 * /proc/cpuinfo, /proc/meminfo and, when it is on PATH, `nvidia-smi`.
 * Everything that could not be read is listed in `missing`, so `hw detect`
 * can say what it does not know instead of guessing.
 *
 * For tests, MLXPLAN_PROC_ROOT prefixes the /proc paths and
 * MLXPLAN_NVIDIA_SMI names the nvidia-smi program to run ("" disables it).
 */
#ifndef MP_PLATFORM_HOST_H
#define MP_PLATFORM_HOST_H

#include <stdbool.h>

#include "util/error.h"

#define MP_HOST_MAX_NOTES 8

typedef struct mp_host {
    char os[16];              /* "macos", "linux", "other" */
    char cpu_brand[128];      /* "Apple M3 Max"; "" when unknown */
    int cpu_p, cpu_e;         /* performance / efficiency cores; 0 unknown */
    int gpu_cores;            /* Apple GPU cores; 0 unknown */
    double memory_gib;        /* installed RAM in GiB; 0 unknown */
    bool has_nvidia;
    char nvidia_name[128];    /* first GPU reported by nvidia-smi */
    double nvidia_memory_gib;
    int n_missing;
    char missing[MP_HOST_MAX_NOTES][160]; /* "GPU core count: ioreg not available" */
} mp_host;

/* Read this machine.  Never fails for lack of information (that goes into
 * `missing`); returns 0. */
int mp_host_detect(mp_host *h, mp_error *err);

#endif
