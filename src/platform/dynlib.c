/* dynlib.c - shared libraries loaded on first use (POSIX dlopen); see dynlib.h. */
#include "platform/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

const char *const *mp_dynlib_libcurl_names(void)
{
#if defined(__APPLE__)
    /* the system's libcurl first: it is always there */
    static const char *const names[] = {"/usr/lib/libcurl.4.dylib", "libcurl.4.dylib",
                                        "libcurl.dylib", NULL};
#else
    /* the runtime package's soname (Debian libcurl4, Fedora libcurl), then the
     * GnuTLS flavour Debian also ships (same ABI), then the -dev link */
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so",
                                        NULL};
#endif
    return names;
}

void *mp_dynlib_open(const char *what, const char *const *names, mp_error *err)
{
    char tried[300] = "";
    size_t used = 0;
    const char *why = "no name to try";
    for (size_t i = 0; names[i]; i++) {
        void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (h)
            return h;
        const char *e = dlerror();
        why = e ? e : "not found";
        int k = snprintf(tried + used, sizeof tried - used, "%s%s", i ? ", " : "", names[i]);
        if (k > 0 && (size_t)k < sizeof tried - used)
            used += (size_t)k;
    }
    mp_error_set(err, MP_EUNSUPPORTED, "cannot load %s (tried %s): %s", what, tried, why);
    return NULL;
}

int mp_dynlib_syms(void *lib, const char *what, const char *const *syms, mp_dynlib_fn *fns,
                   size_t n, mp_error *err)
{
    for (size_t i = 0; i < n; i++) {
        void *p = dlsym(lib, syms[i]);
        if (!p)
            return mp_error_set(err, MP_EUNSUPPORTED, "%s has no function %s", what, syms[i]);
        /* POSIX lets a data pointer from dlsym hold a function's address */
        memcpy(&fns[i], &p, sizeof p);
    }
    return 0;
}
