/*
 * bench_start.c - cold-start cost of whole `mlxplan` processes: each run is a
 * fresh fork + exec (dynamic loading, relocation, the command, exit), its
 * output thrown away.  CPU time is user + sys from getrusage(RUSAGE_CHILDREN),
 * the difference across one child's wait, so it counts the child alone.
 *
 *   bench_start [N] [MLXPLAN]   N runs of each command (default 30, 1..10000);
 *                               MLXPLAN is the binary (default: `mlxplan` next
 *                               to this program)
 *
 * Prints, per command, the median and the worst CPU ms and the median wall
 * ms, measured on this machine.  Issue 15's targets: estimate under 10 ms,
 * plan under 25 ms (median CPU).  The Hub is kept off (HF_HUB_OFFLINE=1) so
 * no run can touch the network.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/text.h"

#define MAX_RUNS 10000
#define MAX_ARGS 16

typedef struct start_case {
    const char *label;
    double target_cpu_ms;
    const char *args[MAX_ARGS]; /* after the binary; NULL-terminated */
} start_case;

static const start_case cases[] = {
    {"estimate", 10.0,
     {"estimate", "--model", "Qwen/Qwen3-8B", "--chip", "M4 Pro 20c", "--memory", "24", "--quant",
      "4", "--context", "8192", NULL}},
    {"plan --example", 25.0, {"plan", "--example", NULL}},
    {"--version", 0.0, {"--version", NULL}},
};
enum { N_CASES = sizeof cases / sizeof cases[0] };

static double tv_ms(struct timeval tv)
{
    return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

static double cpu_ms(const struct rusage *ru)
{
    return tv_ms(ru->ru_utime) + tv_ms(ru->ru_stime);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One run of `bin args...` with stdout and stderr to /dev/null; its CPU and
 * wall milliseconds.  Returns the exit status, -1 when it could not run. */
static int run_once(const char *bin, const char *const *args, double *cpu, double *wall)
{
    const char *argv[MAX_ARGS + 2];
    int n = 0;
    argv[n++] = bin;
    for (int i = 0; args[i] && n < MAX_ARGS + 1; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    struct rusage before, after;
    getrusage(RUSAGE_CHILDREN, &before);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
        }
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    *wall = now_ms() - t0;
    getrusage(RUSAGE_CHILDREN, &after);
    *cpu = cpu_ms(&after) - cpu_ms(&before);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    int64_t runs = 30;
    if (argc > 1 && mp_parse_i64(argv[1], 1, MAX_RUNS, "N", &runs, NULL) != 0) {
        fprintf(stderr, "usage: bench_start [N] [MLXPLAN]   (N: 1 to %d)\n", MAX_RUNS);
        return 2;
    }
    char bin[4096];
    if (argc > 2) {
        snprintf(bin, sizeof bin, "%s", argv[2]);
    } else {
        const char *slash = strrchr(argv[0], '/');
        int dir = slash ? (int)(slash - argv[0]) : 1;
        snprintf(bin, sizeof bin, "%.*s/mlxplan", dir, slash ? argv[0] : ".");
    }
    if (access(bin, X_OK) != 0) {
        fprintf(stderr, "bench_start: cannot run '%s'\n", bin);
        return 1;
    }
    setenv("HF_HUB_OFFLINE", "1", 1);
    static double cpu[MAX_RUNS], wall[MAX_RUNS];
    printf("cold starts of %s, %d fresh processes each (measured here; CPU = user + sys)\n", bin,
           (int)runs);
    printf("%-16s %14s %13s %15s %10s\n", "command", "median CPU ms", "worst CPU ms",
           "median wall ms", "target");
    int failed = 0;
    for (int c = 0; c < N_CASES; c++) {
        for (int64_t k = 0; k < runs; k++) {
            int st = run_once(bin, cases[c].args, &cpu[k], &wall[k]);
            if (st != 0) {
                fprintf(stderr, "bench_start: '%s %s' exited with %d\n", bin, cases[c].args[0],
                        st);
                return 1;
            }
        }
        double worst = 0;
        for (int64_t k = 0; k < runs; k++)
            if (cpu[k] > worst)
                worst = cpu[k];
        double med = median(cpu, (int)runs);
        double medw = median(wall, (int)runs);
        char target[32] = "-";
        if (cases[c].target_cpu_ms > 0) {
            snprintf(target, sizeof target, "< %.0f ms%s", cases[c].target_cpu_ms,
                     med < cases[c].target_cpu_ms ? "" : " MISS");
            failed += med >= cases[c].target_cpu_ms;
        }
        printf("%-16s %14.2f %13.2f %15.2f %10s\n", cases[c].label, med, worst, medw, target);
    }
    printf("%s\n", failed ? "some medians miss their target" : "every median meets its target");
    return 0;
}
