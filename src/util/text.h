/*
 * text.h - small, strict text helpers shared by every parser: number parsing
 * that rejects trailing junk, NaN, infinities and overflow; name folding for
 * forgiving look-ups; edit distance for "did you mean" suggestions; bounded
 * file reading.
 */
#ifndef MP_UTIL_TEXT_H
#define MP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/error.h"

/* Parse a base-10 integer in [min, max]; the whole string must be the number
 * (surrounding spaces allowed).  `what` names the value in error messages,
 * e.g. "--batch".  Returns 0 or MP_EINVAL. */
int mp_parse_i64(const char *s, int64_t min, int64_t max, const char *what,
                 int64_t *out, mp_error *err);

/* Parse a finite decimal number in [min, max] (no NaN/inf, no hex). */
int mp_parse_f64(const char *s, double min, double max, const char *what,
                 double *out, mp_error *err);

/* A count as mp_parse_count reads it, in the largest suffix that divides it
 * ("1M", "2T", "1500"). */
void mp_count_text(double v, char *buf, size_t cap);
/* Parse a count with an optional suffix K, M, B (or G), T (case-insensitive,
 * powers of 1000), e.g. "125M", "7b", "1.5T", "32000".  Result rounded to
 * the nearest integer; must be in [min, max]. */
int mp_parse_count(const char *s, double min, double max, const char *what,
                   double *out, mp_error *err);

/* Lower-case ASCII copy of `s` with every character that is not a letter or
 * digit removed ("M3 Max (30-core)" -> "m3max30core").  Writes at most
 * `cap - 1` bytes plus the NUL; returns the folded length. */
size_t mp_fold(const char *s, char *out, size_t cap);

/* ASCII case-insensitive equality / prefix test. */
bool mp_ieq(const char *a, const char *b);
bool mp_istarts(const char *s, const char *prefix);
/* ASCII case-insensitive substring search; NULL if absent. */
const char *mp_istr(const char *hay, const char *needle);

/* Optimal-string-alignment edit distance (insert, delete, substitute,
 * transpose), ASCII case-insensitive; inputs longer than 255 bytes are
 * compared on their first 255 bytes. */
int mp_edit_distance(const char *a, const char *b);
/* The same when it is at most `max` (>= 0), else max + 1; stops as soon as
 * the answer must exceed `max`, for scans over many names. */
int mp_edit_distance_max(const char *a, const char *b, int max);

/* Duplicate a string (NULL on allocation failure); strndup is POSIX 2008
 * but not C11, so we keep our own. */
char *mp_strdup(const char *s);
char *mp_strndup(const char *s, size_t n);

/* Copy `src` into `dst[cap]`, truncating; always NUL-terminates (cap > 0). */
void mp_strlcpy(char *dst, const char *src, size_t cap);

/* True when `s[0..n)` is valid UTF-8 without NUL bytes. */
bool mp_utf8_valid(const char *s, size_t n);
/* The offset of the first byte of `s[0..n)` that starts no valid UTF-8
 * character (or is NUL); `n` when all of it is valid. */
size_t mp_utf8_bad_at(const char *s, size_t n);

/* Make `s` one line of valid UTF-8 in place: control characters become
 * spaces and bytes that are not UTF-8 (a Latin-1 name, a character cut in
 * half by truncation) become '?'.  For text that came from outside and is
 * going to a terminal or into JSON. */
void mp_clean_line(char *s);

/* The deepest nesting of objects and arrays in the JSON text s[0..n)
 * (brackets inside strings do not count); for refusing, with a clear
 * message, documents deeper than the parser accepts.  Malformed text gives
 * a figure too: the parser reports what is wrong with it. */
size_t mp_json_depth(const char *s, size_t n);

/* Open `path` for reading only when it is a regular file, without ever
 * blocking (a FIFO or a device is refused, not waited on).  Returns the
 * stream (the caller fcloses it) with *size_bytes set; NULL with MP_EIO in
 * `err` ("cannot read <what> '<path>': <reason>", "<what> '<path>' is a
 * directory", "... is not a regular file"). */
FILE *mp_open_regular(const char *path, const char *what, uint64_t *size_bytes, mp_error *err);

/* Read a whole regular file into a malloc'd NUL-terminated buffer.
 * Errors (with the path in the message): MP_EIO when it cannot be opened or
 * read, is a directory or not a regular file; MP_ELIMIT when it is larger
 * than `max_bytes`.  `what` names the input ("config.json", "journal file").
 * The caller frees *out. */
int mp_read_file(const char *path, size_t max_bytes, const char *what,
                 char **out, size_t *len_out, mp_error *err);

/* Read stream `f` to its end into a malloc'd NUL-terminated buffer of at
 * most `max_bytes` (MP_ELIMIT "<what> is over the limit of N bytes" past it;
 * MP_EIO "cannot read <what>").  The caller frees *out. */
int mp_read_stream(FILE *f, size_t max_bytes, const char *what, char **out, size_t *len_out,
                   mp_error *err);
/* Round to `digits` significant decimal digits (for display and JSON). */
double mp_round_sig(double v, int digits);

#endif
