/*
 * term.h - whether a person is at a terminal: the one question mlxplan asks
 * the operating system before it asks the person anything (isatty(3) on
 * standard input and standard output).
 */
#ifndef MP_PLATFORM_TERM_H
#define MP_PLATFORM_TERM_H

#include <stdbool.h>

/* True when both standard input and standard output are terminals. */
bool mp_term_interactive(void);

#endif
