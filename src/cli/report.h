/*
 * report.h - the --html FILE and --svg DIR options shared by estimate, fit
 * and plan: the report as one self-contained HTML page with its charts, and
 * the charts alone as SVG files.
 *
 * A command takes the two settings (rows HTML and SVG of kb/params.def), asks
 * cli_report_wanted() whether to compute the data its charts need (context
 * sweeps, format grids), builds an mp_chart_set and calls
 * cli_report_write() after rendering its normal output.  stdout stays the
 * normal Markdown (or JSON); with --svg the Markdown gains a "Charts"
 * section linking the files.
 */
#ifndef MP_CLI_REPORT_H
#define MP_CLI_REPORT_H

#include <stdbool.h>

#include "cli/cli.h"
#include "plan/plan.h"
#include "render/charts.h"

/* --html or --svg was given. */
bool cli_report_wanted(const cli_args *args);

/* Write what --html and --svg ask for: the HTML page with `charts`, written
 * atomically to FILE: the page of `plan` (render/plan.h) when it is not
 * NULL, else of `markdown` (the report's Markdown document, rendered for
 * the page even when stdout is JSON); each chart as
 * DIR/<name>.svg (DIR is created when missing, its parent must exist).
 * Without --json, a "## Charts" section listing the SVG files is appended
 * to io->out.  Releases `markdown` (may be NULL with
 * `plan`) and `charts` in every case.
 * Errors (in io->err): MP_EIO / MP_EINVAL with a one-line message naming
 * the path; MP_ENOMEM when a buffer overflowed. */
int cli_report_write(const cli_args *args, mp_buf *markdown, const mp_plan *plan,
                     mp_chart_set *charts, cli_io *io);

#endif
