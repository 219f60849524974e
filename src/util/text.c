/* text.c - strict parsing, folding, edit distance, bounded file reads. */
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copy at most 40 bytes of a bad value for quoting in a message. */
static const char *quote_value(const char *s, char *tmp, size_t cap)
{
    size_t n = strlen(s);
    if (n + 1 <= cap && n <= 40) {
        memcpy(tmp, s, n + 1);
    } else {
        size_t keep = cap - 4 < 40 ? cap - 4 : 40;
        memcpy(tmp, s, keep);
        memcpy(tmp + keep, "...", 4);
    }
    return tmp;
}

static bool only_spaces(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

int mp_parse_i64(const char *s, int64_t min, int64_t max, const char *what,
                 int64_t *out, mp_error *err)
{
    char q[48];
    if (!s || only_spaces(s))
        return mp_error_set(err, MP_EINVAL, "%s needs a whole number, got an empty value", what);
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (end == s || !only_spaces(end))
        return mp_error_set(err, MP_EINVAL, "%s needs a whole number, got '%s'", what,
                            quote_value(s, q, sizeof q));
    if (errno == ERANGE || v < min || v > max)
        return mp_error_set(err, MP_EINVAL, "%s must be between %lld and %lld, got '%s'", what,
                            (long long)min, (long long)max, quote_value(s, q, sizeof q));
    *out = (int64_t)v;
    return 0;
}

/* strtod accepts hex floats, "nan" and "inf"; we want plain decimals. */
static bool plain_decimal(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    if (*s == '+' || *s == '-')
        s++;
    bool digit = false;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s))
            digit = true;
        else if (*s == 'x' || *s == 'X' || isalpha((unsigned char)*s))
            if (*s != 'e' && *s != 'E')
                return false;
    }
    return digit;
}

int mp_parse_f64(const char *s, double min, double max, const char *what,
                 double *out, mp_error *err)
{
    char q[48];
    if (!s || only_spaces(s))
        return mp_error_set(err, MP_EINVAL, "%s needs a number, got an empty value", what);
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !only_spaces(end) || !plain_decimal(s) || !isfinite(v))
        return mp_error_set(err, MP_EINVAL, "%s needs a number, got '%s'", what,
                            quote_value(s, q, sizeof q));
    if (errno == ERANGE || v < min || v > max)
        return mp_error_set(err, MP_EINVAL, "%s must be between %g and %g, got '%s'", what, min,
                            max, quote_value(s, q, sizeof q));
    *out = v;
    return 0;
}

/* "1M", "2T", "16777216": a count with the largest exact K/M/B/T suffix. */
void mp_count_text(double v, char *buf, size_t cap)
{
    static const struct {
        double mult;
        char suffix;
    } units[] = {{1e12, 'T'}, {1e9, 'B'}, {1e6, 'M'}, {1e3, 'K'}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (v >= units[i].mult && fmod(v, units[i].mult) == 0) {
            snprintf(buf, cap, "%.15g%c", v / units[i].mult, units[i].suffix);
            return;
        }
    snprintf(buf, cap, "%.15g", v);
}

int mp_parse_count(const char *s, double min, double max, const char *what,
                   double *out, mp_error *err)
{
    char q[48];
    if (!s || only_spaces(s))
        return mp_error_set(err, MP_EINVAL, "%s needs a count such as 125M, got an empty value",
                            what);
    char tmp[64];
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n >= sizeof tmp)
        return mp_error_set(err, MP_EINVAL, "%s needs a count such as 125M, got '%s'", what,
                            quote_value(s, q, sizeof q));
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double mult = 1;
    switch (tolower((unsigned char)tmp[n - 1])) {
    case 'k': mult = 1e3; break;
    case 'm': mult = 1e6; break;
    case 'b':
    case 'g': mult = 1e9; break;
    case 't': mult = 1e12; break;
    default: break;
    }
    if (mult != 1)
        tmp[n - 1] = '\0';
    double v;
    mp_error sub;
    mp_error_clear(&sub);
    if (mp_parse_f64(tmp, -1e300, 1e300, what, &v, &sub) != 0)
        return mp_error_set(err, MP_EINVAL, "%s needs a count such as 125M, got '%s'", what,
                            quote_value(s, q, sizeof q));
    v = floor(v * mult + 0.5);
    if (v < min || v > max) {
        char lo[32], hi[32];
        mp_count_text(min, lo, sizeof lo);
        mp_count_text(max, hi, sizeof hi);
        return mp_error_set(err, MP_EINVAL, "%s must be between %s and %s, got '%s'", what, lo, hi,
                            quote_value(s, q, sizeof q));
    }
    *out = v;
    return 0;
}

size_t mp_fold(const char *s, char *out, size_t cap)
{
    size_t n = 0;
    if (cap == 0)
        return 0;
    for (; *s && n + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) && c < 0x80)
            out[n++] = (char)tolower(c);
    }
    out[n] = '\0';
    return n;
}

bool mp_ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

bool mp_istarts(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (!*s || tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

const char *mp_istr(const char *hay, const char *needle)
{
    if (!*needle)
        return hay;
    for (; *hay; hay++)
        if (mp_istarts(hay, needle))
            return hay;
    return NULL;
}

int mp_edit_distance_max(const char *a, const char *b, int max)
{
    enum { MAXN = 255 };
    size_t n = strlen(a), m = strlen(b);
    if (n > MAXN)
        n = MAXN;
    if (m > MAXN)
        m = MAXN;
    /* the distance is at least the length difference */
    if ((n > m ? n - m : m - n) > (size_t)max)
        return max + 1;
    /* three rolling rows for the transposition case */
    int r0[MAXN + 1], r1[MAXN + 1], r2[MAXN + 1];
    int *prev2 = r0, *prev = r1, *cur = r2;
    int prev_min = 0;
    for (size_t j = 0; j <= m; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = (int)i;
        int cur_min = cur[0];
        char ca = (char)tolower((unsigned char)a[i - 1]);
        for (size_t j = 1; j <= m; j++) {
            char cb = (char)tolower((unsigned char)b[j - 1]);
            int cost = ca == cb ? 0 : 1;
            int v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < cur_min)
                cur_min = v;
        }
        /* every alignment passes through one of two consecutive rows (a
         * transposition skips one), and later cells only grow from them */
        if (i > 1 && prev_min > max && cur_min > max)
            return max + 1;
        prev_min = cur_min;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m] > max ? max + 1 : prev[m];
}

int mp_edit_distance(const char *a, const char *b)
{
    return mp_edit_distance_max(a, b, INT_MAX - 1);
}

char *mp_strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *mp_strdup(const char *s)
{
    return mp_strndup(s, strlen(s));
}

void mp_strlcpy(char *dst, const char *src, size_t cap)
{
    if (cap == 0)
        return;
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

size_t mp_utf8_bad_at(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned c = *p;
        size_t k;
        unsigned min;
        if (c == 0)
            return (size_t)(p - (const unsigned char *)s);
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            k = 1;
            min = 0x80;
            c &= 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2;
            min = 0x800;
            c &= 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3;
            min = 0x10000;
            c &= 0x07;
        } else {
            return (size_t)(p - (const unsigned char *)s);
        }
        if ((size_t)(end - p) <= k)
            return (size_t)(p - (const unsigned char *)s);
        for (size_t i = 1; i <= k; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return (size_t)(p - (const unsigned char *)s);
            c = (c << 6) | (p[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return (size_t)(p - (const unsigned char *)s);
        p += k + 1;
    }
    return n;
}

bool mp_utf8_valid(const char *s, size_t n)
{
    return mp_utf8_bad_at(s, n) == n;
}

/* Length of the valid UTF-8 sequence starting at s (1-4), 0 when the bytes
 * there are not one (a stray or truncated byte, an overlong form, a
 * surrogate, a code point past U+10FFFF). */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned c = s[0];
    size_t k;
    unsigned min, v;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0)
        k = 1, min = 0x80, v = c & 0x1f;
    else if ((c & 0xf0) == 0xe0)
        k = 2, min = 0x800, v = c & 0x0f;
    else if ((c & 0xf8) == 0xf0)
        k = 3, min = 0x10000, v = c & 0x07;
    else
        return 0;
    for (size_t i = 1; i <= k; i++) {
        if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return k + 1;
}

void mp_clean_line(char *s)
{
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        size_t k = utf8_seq(p);
        if (k == 0) {
            *p++ = '?';
            continue;
        }
        if (k == 1 && (*p < 0x20 || *p == 0x7f))
            *p = ' ';
        p += k;
    }
}

size_t mp_json_depth(const char *s, size_t n)
{
    size_t depth = 0, deepest = 0;
    bool in_string = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++; /* skip the escaped character */
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > deepest)
                deepest = depth;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

FILE *mp_open_regular(const char *path, const char *what, uint64_t *size_bytes, mp_error *err)
{
    /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
     * writer forever; regular files ignore the flag */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        mp_error_set(err, MP_EIO, "cannot read %s '%s': %s", what, path, strerror(errno));
        return NULL;
    }
    struct stat st;
    const char *bad = NULL;
    if (fstat(fd, &st) != 0)
        bad = strerror(errno);
    else if (S_ISDIR(st.st_mode))
        bad = "is a directory";
    else if (!S_ISREG(st.st_mode))
        bad = "is not a regular file";
    FILE *f = NULL;
    if (!bad) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0 ||
            (f = fdopen(fd, "rb")) == NULL)
            bad = strerror(errno);
    }
    if (bad) {
        close(fd);
        if (bad[0] == 'i' && bad[1] == 's' && bad[2] == ' ')
            mp_error_set(err, MP_EIO, "%s '%s' %s", what, path, bad);
        else
            mp_error_set(err, MP_EIO, "cannot read %s '%s': %s", what, path, bad);
        return NULL;
    }
    *size_bytes = (uint64_t)st.st_size;
    return f;
}

int mp_read_file(const char *path, size_t max_bytes, const char *what,
                 char **out, size_t *len_out, mp_error *err)
{
    *out = NULL;
    uint64_t size_bytes = 0;
    FILE *f = mp_open_regular(path, what, &size_bytes, err);
    if (!f)
        return MP_EIO;
    if (size_bytes > max_bytes) {
        fclose(f);
        return mp_error_set(err, MP_ELIMIT, "%s '%s' is %llu bytes, over the limit of %zu bytes",
                            what, path, (unsigned long long)size_bytes, max_bytes);
    }
    size_t size = (size_t)size_bytes;
    char *buf = malloc(size + 1);
    if (!buf) {
        fclose(f);
        return mp_error_set(err, MP_ENOMEM, "out of memory reading %s '%s'", what, path);
    }
    size_t got = fread(buf, 1, size, f);
    int failed = ferror(f);
    fclose(f);
    if (failed || got != size) {
        free(buf);
        return mp_error_set(err, MP_EIO, "cannot read %s '%s': short read", what, path);
    }
    buf[got] = '\0';
    *out = buf;
    if (len_out)
        *len_out = got;
    return 0;
}

double mp_round_sig(double v, int digits)
{
    if (v == 0 || !isfinite(v))
        return v;
    double mag = floor(log10(fabs(v)));
    double scale = pow(10, digits - 1 - mag);
    return round(v * scale) / scale;
}

int mp_read_stream(FILE *f, size_t max_bytes, const char *what, char **out, size_t *len_out,
                   mp_error *err)
{
    size_t cap = 65536, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        return mp_error_set(err, MP_ENOMEM, "out of memory reading %s", what);
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes)
                break;
            char *nb = realloc(b, cap * 2 + 1);
            if (!nb) {
                free(b);
                return mp_error_set(err, MP_ENOMEM, "out of memory reading %s", what);
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(b);
        return mp_error_set(err, MP_EIO, "cannot read %s", what);
    }
    if (n > max_bytes) {
        free(b);
        return mp_error_set(err, MP_ELIMIT, "%s is over the limit of %zu bytes", what, max_bytes);
    }
    b[n] = '\0';
    *out = b;
    if (len_out)
        *len_out = n;
    return 0;
}
