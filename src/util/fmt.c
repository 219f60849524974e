/* fmt.c - number formatting for every renderer and the planner; see fmt.h. */
#include "util/fmt.h"

#include <stdio.h>
#include <string.h>

void mp_fmt_gib(double bytes, char *buf, size_t cap)
{
    double g = bytes / MP_GIB;
    snprintf(buf, cap, g < 10 ? "%.2f" : g < 100 ? "%.1f" : "%.0f", g);
}

void mp_fmt_margin(double bytes, char *buf, size_t cap)
{
    if (bytes < MP_GIB) {
        snprintf(buf, cap, "%.0f MiB", bytes / (1024.0 * 1024.0));
        return;
    }
    snprintf(buf, cap, "%.1f GiB", bytes / MP_GIB);
}

void mp_fmt_count(double n, char *buf, size_t cap)
{
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%.0f", n);
    size_t len = strlen(tmp), k = 0;
    for (size_t i = 0; i < len && k + 2 < cap; i++) {
        buf[k++] = tmp[i];
        size_t left = len - i - 1;
        if (left && left % 3 == 0 && tmp[i] != '-')
            buf[k++] = ',';
    }
    buf[k] = '\0';
}

void mp_fmt_params(double n, char *buf, size_t cap)
{
    if (n >= 1e12)
        snprintf(buf, cap, "%.2fT", n / 1e12);
    else if (n >= 1e9)
        snprintf(buf, cap, n >= 1e11 ? "%.0fB" : n >= 1e10 ? "%.1fB" : "%.2fB", n / 1e9);
    else if (n >= 1e6)
        snprintf(buf, cap, n >= 1e8 ? "%.0fM" : "%.1fM", n / 1e6);
    else
        snprintf(buf, cap, "%.0fK", n / 1e3);
}

void mp_fmt_duration(double s, char *buf, size_t cap)
{
    if (s < 1)
        snprintf(buf, cap, "%.0f ms", s * 1e3);
    else if (s < 10)
        snprintf(buf, cap, "%.1f s", s);
    else if (s < 120)
        snprintf(buf, cap, "%.0f s", s);
    else if (s < 600)
        snprintf(buf, cap, "%.1f min", s / 60);
    else if (s < 7200)
        snprintf(buf, cap, "%.0f min", s / 60);
    else if (s < 3 * 86400)
        snprintf(buf, cap, "%.1f h", s / 3600);
    else
        snprintf(buf, cap, "%.1f days", s / 86400);
}

void mp_fmt_rate(double v, char *buf, size_t cap)
{
    if (v >= 1000)
        mp_fmt_count(v, buf, cap);
    else if (v >= 100)
        snprintf(buf, cap, "%.0f", v);
    else if (v >= 10)
        snprintf(buf, cap, "%.1f", v);
    else
        snprintf(buf, cap, "%.2f", v);
}
