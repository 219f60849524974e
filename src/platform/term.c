/* term.c - terminal detection; see term.h. */
#include "platform/term.h"

#include <unistd.h>

bool mp_term_interactive(void)
{
    return isatty(STDIN_FILENO) == 1 && isatty(STDOUT_FILENO) == 1;
}
