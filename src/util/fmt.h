/*
 * fmt.h - how numbers are written in every report: sizes in GiB, counts with
 * thousands separators, parameter counts, durations and token rates.  The
 * renderers and the planner use the same functions, so a number reads the
 * same in a plan, an estimate and a chart.  Each writes a NUL-terminated
 * string of at most `cap` bytes (truncated when longer).
 */
#ifndef MP_UTIL_FMT_H
#define MP_UTIL_FMT_H

#include <stddef.h>

/* Bytes in a GiB (sizes are printed in GiB). */
#define MP_GIB (1024.0 * 1024.0 * 1024.0)

void mp_fmt_gib(double bytes, char *buf, size_t cap);     /* "5.73" */
void mp_fmt_count(double n, char *buf, size_t cap);       /* "8,192" */
void mp_fmt_params(double n, char *buf, size_t cap);      /* "8.19B", "135M" */
void mp_fmt_duration(double s, char *buf, size_t cap);    /* "2.0 s", "42 s", "4.5 min", "42 min", "3.1 h" */
void mp_fmt_rate(double tok_s, char *buf, size_t cap);    /* "35.2", "1,780" */
/* A margin between two sizes, with its unit, so it never rounds to nothing
 * beside them: "35 MiB" under 1 GiB, else "1.2 GiB"; the
 * sign is the caller's (pass the absolute value). */
void mp_fmt_margin(double bytes, char *buf, size_t cap);

#endif
