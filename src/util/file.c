/* file.c - atomic file writing; see file.h. */
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_path(const char *path, const char *what, mp_error *err)
{
    if (!path || !*path)
        return mp_error_set(err, MP_EINVAL, "%s needs a path, got ''", what);
    if (strlen(path) > MP_PATH_MAX)
        return mp_error_set(err, MP_EINVAL, "%s: the path is longer than %d bytes", what,
                            MP_PATH_MAX);
    return 0;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t k = write(fd, p, len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

int mp_write_file_atomic(const char *path, const void *data, size_t len, const char *what,
                         mp_error *err)
{
    int rc = check_path(path, what, err);
    if (rc)
        return rc;
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return mp_error_set(err, MP_EIO, "%s: '%s' is a folder; give a file name", what, path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base)
        return mp_error_set(err, MP_EIO, "%s: '%s' names a folder; give a file name", what, path);
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0; /* keeps the '/' */
    size_t cap = strlen(path) + 64;
    char *tmp = malloc(cap);
    if (!tmp)
        return mp_error_set(err, MP_ENOMEM, "out of memory");
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(tmp, cap, "%.*s.%s.tmp-%ld-%d", (int)dir_len, path, base, (long)getpid(),
                 attempt);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        rc = mp_error_set(err, MP_EIO, "%s: cannot write '%s': %s", what, path, strerror(errno));
        free(tmp);
        return rc;
    }
    int failed = write_all(fd, data, len) || fsync(fd);
    int saved = errno;
    if (close(fd) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (!failed && rename(tmp, path) != 0) {
        failed = 1;
        saved = errno;
    }
    if (failed) {
        unlink(tmp);
        rc = mp_error_set(err, MP_EIO, "%s: cannot write '%s': %s", what, path, strerror(saved));
    }
    free(tmp);
    return rc;
}

int mp_make_dir(const char *path, const char *what, mp_error *err)
{
    int rc = check_path(path, what, err);
    if (rc)
        return rc;
    if (mkdir(path, 0777) == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        return mp_error_set(err, MP_EIO, "%s: '%s' exists and is not a folder", what, path);
    }
    return mp_error_set(err, MP_EIO, "%s: cannot create folder '%s': %s", what, path,
                        strerror(saved));
}
