/* host.c - read this machine's CPU, GPU and memory; see host.h. */
#if defined(__APPLE__)
#define _DARWIN_C_SOURCE 1
#endif
#include "platform/host.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <sys/sysctl.h>
#include <sys/types.h>
#endif

#include "util/text.h"

/* Memory sizes past this (1 PiB, in MiB) are misreadings, not machines. */
#define MAX_MEMORY_MIB (1024.0 * 1024.0 * 1024.0)

static void note_missing(mp_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note_missing(mp_host *h, const char *fmt, ...)
{
    if (h->n_missing >= MP_HOST_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->missing[h->n_missing++], sizeof h->missing[0], fmt, ap);
    va_end(ap);
}

/* Run a fixed command line (no user input reaches it) and keep the first
 * `cap` bytes of its standard output. */
static bool run_capture(const char *cmdline, char *out, size_t cap)
{
    FILE *p = popen(cmdline, "r");
    if (!p)
        return false;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int st = pclose(p);
    return st == 0 && n > 0;
}

/* True when `prog` is an executable path or found on PATH. */
static bool on_path(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char dir[1024];
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n && n < sizeof dir - strlen(prog) - 2) {
            snprintf(dir, sizeof dir, "%.*s/%s", (int)n, path, prog);
            if (access(dir, X_OK) == 0)
                return true;
        }
        path += n;
        if (*path == ':')
            path++;
    }
    return false;
}

static void read_nvidia(mp_host *h)
{
    const char *smi = getenv("MLXPLAN_NVIDIA_SMI");
    if (!smi)
        smi = "nvidia-smi";
    if (!*smi || !on_path(smi))
        return; /* no NVIDIA tooling: nothing to report */
    char cmd[1200], out[1024];
    snprintf(cmd, sizeof cmd,
             "'%s' --query-gpu=name,memory.total --format=csv,noheader,nounits 2>/dev/null", smi);
    if (strchr(smi, '\'') || !run_capture(cmd, out, sizeof out)) {
        note_missing(h, "NVIDIA GPU: nvidia-smi is present but did not answer");
        return;
    }
    out[strcspn(out, "\n")] = '\0'; /* the first GPU's line */
    char *comma = strchr(out, ',');
    if (!comma) {
        note_missing(h, "NVIDIA GPU: unexpected nvidia-smi output");
        return;
    }
    *comma = '\0';
    mp_strlcpy(h->nvidia_name, out, sizeof h->nvidia_name);
    double mib = strtod(comma + 1, NULL);
    h->has_nvidia = true;
    if (isfinite(mib) && mib > 0 && mib <= MAX_MEMORY_MIB)
        h->nvidia_memory_gib = mib / 1024.0;
    else
        note_missing(h, "NVIDIA GPU memory: nvidia-smi reported no usable size");
}

#if defined(__APPLE__)
static void read_macos(mp_host *h)
{
    char brand[128];
    size_t len = sizeof brand;
    if (sysctlbyname("machdep.cpu.brand_string", brand, &len, NULL, 0) == 0)
        mp_strlcpy(h->cpu_brand, brand, sizeof h->cpu_brand);
    else
        note_missing(h, "CPU name: sysctl machdep.cpu.brand_string failed");
    uint64_t mem = 0;
    len = sizeof mem;
    if (sysctlbyname("hw.memsize", &mem, &len, NULL, 0) == 0)
        h->memory_gib = (double)mem / (1024.0 * 1024.0 * 1024.0);
    else
        note_missing(h, "memory size: sysctl hw.memsize failed");
    int v = 0;
    len = sizeof v;
    if (sysctlbyname("hw.perflevel0.physicalcpu", &v, &len, NULL, 0) == 0)
        h->cpu_p = v;
    len = sizeof v;
    if (sysctlbyname("hw.perflevel1.physicalcpu", &v, &len, NULL, 0) == 0)
        h->cpu_e = v;
    if (!h->cpu_p)
        note_missing(h, "CPU core split: sysctl hw.perflevel0.physicalcpu failed");
    char out[65536];
    if (run_capture("/usr/sbin/ioreg -rc AGXAccelerator -d1 2>/dev/null", out, sizeof out)) {
        const char *k = strstr(out, "\"gpu-core-count\"");
        if (k) {
            k = strchr(k, '=');
            if (k)
                long cores = strtol(k + 1, NULL, 10);
                h->gpu_cores = cores > 0 && cores < 100000 ? (int)cores : 0;
        }
    }
    if (!h->gpu_cores)
        note_missing(h, "GPU core count: ioreg did not report gpu-core-count");
}
#endif

/* /proc files report a size of 0, so they are read line by line. */
static void read_linux(mp_host *h)
{
    const char *root = getenv("MLXPLAN_PROC_ROOT");
    char path[1024];
    snprintf(path, sizeof path, "%s/proc/cpuinfo", root ? root : "");
    FILE *f = fopen(path, "r");
    if (f) {
        char line[512];
        int cpus = 0;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "processor", 9) == 0)
                cpus++;
            if (!h->cpu_brand[0] && strncmp(line, "model name", 10) == 0) {
                char *m = strchr(line, ':');
                if (m) {
                    m++;
                    while (*m == ' ' || *m == '\t')
                        m++;
                    m[strcspn(m, "\n")] = '\0';
                    mp_strlcpy(h->cpu_brand, m, sizeof h->cpu_brand);
                }
            }
        }
        fclose(f);
        h->cpu_p = cpus;
    }
    if (!h->cpu_brand[0])
        note_missing(h, "CPU name: %s has no 'model name'", path);
    snprintf(path, sizeof path, "%s/proc/meminfo", root ? root : "");
    f = fopen(path, "r");
    if (f) {
        char line[256];
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "MemTotal:", 9) == 0) {
                double kib = strtod(line + 9, NULL);
                if (isfinite(kib) && kib > 0 && kib <= MAX_MEMORY_MIB * 1024.0)
                    h->memory_gib = kib / (1024.0 * 1024.0);
            }
        fclose(f);
    }
    if (h->memory_gib <= 0)
        note_missing(h, "memory size: %s has no usable MemTotal", path);
}

int mp_host_detect(mp_host *h, mp_error *err)
{
    (void)err;
    memset(h, 0, sizeof *h);
#if defined(__APPLE__)
    mp_strlcpy(h->os, "macos", sizeof h->os);
    read_macos(h);
#elif defined(__linux__)
    mp_strlcpy(h->os, "linux", sizeof h->os);
    read_linux(h);
#else
    mp_strlcpy(h->os, "other", sizeof h->os);
    note_missing(h, "this operating system is not read by mlxplan");
#endif
    read_nvidia(h);
    /* names come from files and programs we do not control */
    mp_clean_line(h->cpu_brand);
    mp_clean_line(h->nvidia_name);
    return 0;
}
