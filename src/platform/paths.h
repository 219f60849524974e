/*
 * paths.h - where mlxplan keeps the user's own data (the runs database),
 * by the platform's convention:
 *
 *   $MLXPLAN_HOME                       when set (tests, several profiles)
 *   ~/Library/Application Support/mlxplan   macOS
 *   $XDG_DATA_HOME/mlxplan              elsewhere, when XDG_DATA_HOME is an
 *                                       absolute path
 *   ~/.local/share/mlxplan              elsewhere otherwise
 */
#ifndef MP_PLATFORM_PATHS_H
#define MP_PLATFORM_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* The data folder into buf (cap bytes); *own set when it came from
 * MLXPLAN_HOME.  MP_ENOTFOUND when neither MLXPLAN_HOME nor HOME is set,
 * MP_ELIMIT when the path does not fit. */
int mp_platform_data_dir(char *buf, size_t cap, bool *own, mp_error *err);

/* Create the data folder `dir` when missing: MLXPLAN_HOME's last component
 * only (a mistyped parent is reported), the conventional folders with their
 * parents (~/.local/share may not exist yet), mode 0700 for what it makes.
 * MP_EIO naming the folder when one cannot be made. */
int mp_platform_make_data_dir(const char *dir, bool own, mp_error *err);

#endif
