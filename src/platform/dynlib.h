/*
 * dynlib.h - shared libraries loaded when first needed (dlopen), so that a
 * command which never needs one does not pay for loading and relocating it
 * (and everything it depends on) at start.  libcurl is the one such library:
 * only a Hub fetch uses it.
 *
 * The file names a library goes by differ between systems; they live here
 * with the rest of the platform-specific code (host.c).  A handle, once
 * opened, stays open for the life of the process.
 */
#ifndef MP_PLATFORM_DYNLIB_H
#define MP_PLATFORM_DYNLIB_H

#include <stddef.h>

#include "util/error.h"

/* A function pointer of no particular type, as a symbol is looked up; the
 * caller casts it to the function's real type. */
typedef void (*mp_dynlib_fn)(void);

/* The names libcurl's runtime library goes by on this system, most likely
 * first (Linux: "libcurl.so.4", ...; macOS: "/usr/lib/libcurl.4.dylib", ...);
 * NULL-terminated, static. */
const char *const *mp_dynlib_libcurl_names(void);

/* Open the first of `names` (NULL-terminated) that loads.  Returns the
 * handle; NULL with MP_EUNSUPPORTED in err when none loads: one line naming
 * `what`, every name tried and the loader's reason for the last one. */
void *mp_dynlib_open(const char *what, const char *const *names, mp_error *err);

/* Look up `n` symbols of `lib` into fns[i] for syms[i].  Returns 0, or
 * MP_EUNSUPPORTED naming `what` and the first symbol that is missing (fns is
 * then partly filled and must not be used). */
int mp_dynlib_syms(void *lib, const char *what, const char *const *syms, mp_dynlib_fn *fns,
                   size_t n, mp_error *err);

#endif
