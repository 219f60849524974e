/* paths.c - the user's data folder per platform; see paths.h. */
#include "platform/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int mp_platform_data_dir(char *buf, size_t cap, bool *own, mp_error *err)
{
    const char *mine = getenv("MLXPLAN_HOME");
    const char *home = getenv("HOME");
    int n;
    *own = false;
    if (mine && *mine) {
        *own = true;
        n = snprintf(buf, cap, "%s", mine);
    } else {
        if (!home || !*home)
            return mp_error_set(err, MP_ENOTFOUND,
                                "no data folder: neither MLXPLAN_HOME nor HOME is set");
#ifdef __APPLE__
        n = snprintf(buf, cap, "%s/Library/Application Support/mlxplan", home);
#else
        const char *xdg = getenv("XDG_DATA_HOME");
        if (xdg && xdg[0] == '/') /* the spec ignores relative values */
            n = snprintf(buf, cap, "%s/mlxplan", xdg);
        else
            n = snprintf(buf, cap, "%s/.local/share/mlxplan", home);
#endif
    }
    if (n < 0 || (size_t)n >= cap)
        return mp_error_set(err, MP_ELIMIT, "the data folder's path is too long");
    return 0;
}

static int make_one(const char *path, mp_error *err)
{
    if (mkdir(path, 0700) == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0;
    if (saved == EEXIST)
        return mp_error_set(err, MP_EIO, "data folder '%s' exists and is not a folder", path);
    return mp_error_set(err, MP_EIO, "cannot create data folder '%s': %s", path,
                        strerror(saved));
}

int mp_platform_make_data_dir(const char *dir, bool own, mp_error *err)
{
    char p[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof p)
        return mp_error_set(err, MP_EINVAL, "bad data folder path");
    memcpy(p, dir, n + 1);
    if (!own) {
        /* parents first: each '/' past the first character ends one */
        for (size_t i = 1; i < n; i++) {
            if (p[i] != '/')
                continue;
            p[i] = '\0';
            int rc = make_one(p, err);
            p[i] = '/';
            if (rc)
                return rc;
        }
    }
    return make_one(p, err);
}
