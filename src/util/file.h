/*
 * file.h - writing output files so that they appear whole or not at all.
 *
 * Reports written with --html FILE or --svg DIR go through a temporary file
 * in the destination folder that is flushed and then renamed over the
 * destination, so an interrupted run, a full disk or a failing write never
 * leaves half a document behind, and a reader never sees one.
 */
#ifndef MP_UTIL_FILE_H
#define MP_UTIL_FILE_H

#include <stddef.h>

#include "util/error.h"

/* Longest path accepted (explicit limit). */
#define MP_PATH_MAX 4000

/* Write data[len] to `path` atomically (temporary file in the same folder,
 * fsync, rename).  An existing regular file is replaced; a folder is
 * refused.  The new file's mode is 0666 minus the umask.  `what` names the
 * output in messages, e.g. "--html".
 * Errors: MP_EINVAL for an empty or overlong path; MP_EIO (with the path
 * and the system's reason) when `path` is a folder, its folder does not
 * exist or is not writable, or a write, flush or rename fails; the
 * temporary file is removed on every failure. */
int mp_write_file_atomic(const char *path, const void *data, size_t len, const char *what,
                         mp_error *err);

/* Make sure folder `path` exists: create it (mode 0777 minus the umask)
 * when missing.  Only the last component is created, so a mistyped parent
 * is reported rather than silently built.
 * Errors: MP_EINVAL for an empty or overlong path; MP_EIO when it exists as
 * something other than a folder or cannot be created. */
int mp_make_dir(const char *path, const char *what, mp_error *err);

#endif
