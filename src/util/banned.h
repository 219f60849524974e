/*
 * banned.h - C library functions mlxplan does not call, as git's banned.h:
 * each overflows a buffer or loses an error without a sign.  Every
 * translation unit gets this header first (CMake passes `-include`), so a
 * use anywhere (src/, tests/, bench/, fuzz/, tools/) fails the -Werror build.
 *
 *   strcpy, strcat, strncpy, strncat  -> mp_strlcpy, mp_buf_*, snprintf
 *   sprintf, vsprintf                 -> snprintf, vsnprintf, mp_buf_appendf
 *   atoi, atol, atoll                 -> mp_parse_i64 (range and a message)
 *                                        or strtol where any value is fine
 *   gets                              -> fgets
 *   strtok                            -> strtok_r, strcspn
 *
 * Unlike git's macros, these are redeclarations marked deprecated: a
 * function-like macro defined before the system headers would rewrite their
 * own declarations, and the project's files include their headers in either
 * order.  The prototypes are the C standard's, so they agree with the
 * system's (parameter qualifiers such as `restrict` do not count).
 */
#ifndef MP_UTIL_BANNED_H
#define MP_UTIL_BANNED_H

#include <stdarg.h>
#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
#define MP_BANNED(use) __attribute__((deprecated("banned in mlxplan (util/banned.h): use " use)))
#else
#define MP_BANNED(use)
#endif

char *strcpy(char *dst, const char *src) MP_BANNED("mp_strlcpy");
char *strcat(char *dst, const char *src) MP_BANNED("mp_buf or snprintf");
char *strncpy(char *dst, const char *src, size_t n) MP_BANNED("mp_strlcpy");
char *strncat(char *dst, const char *src, size_t n) MP_BANNED("mp_buf or snprintf");
int sprintf(char *dst, const char *fmt, ...) MP_BANNED("snprintf");
int vsprintf(char *dst, const char *fmt, va_list ap) MP_BANNED("vsnprintf");
int atoi(const char *s) MP_BANNED("mp_parse_i64 or strtol");
long atol(const char *s) MP_BANNED("mp_parse_i64 or strtol");
long long atoll(const char *s) MP_BANNED("mp_parse_i64 or strtoll");
char *gets(char *s) MP_BANNED("fgets");
char *strtok(char *s, const char *delim) MP_BANNED("strtok_r or strcspn");

#endif
