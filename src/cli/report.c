/* report.c - the --html and --svg outputs; see report.h. */
#include "cli/report.h"

#include <string.h>

#include "render/html.h"
#include "render/plan.h"
#include "render/svg.h"
#include "util/file.h"

bool cli_report_wanted(const cli_args *args)
{
    return mp_pv_given(&args->pv, MP_P_HTML) || mp_pv_given(&args->pv, MP_P_SVG);
}

static void chart_path(const char *dir, const mp_chart *c, mp_buf *out)
{
    size_t n = strlen(dir);
    mp_buf_printf(out, "%s%s%s.svg", dir, n && dir[n - 1] == '/' ? "" : "/", c->name);
}

/* A Markdown link target; <...> when the path has characters that would
 * end a plain one. */
static void link_target(const char *path, mp_buf *out)
{
    bool plain = strpbrk(path, " ()<>") == NULL;
    mp_buf_printf(out, plain ? "%s" : "<%s>", path);
}

int cli_report_write(const cli_args *args, mp_buf *markdown, const mp_plan *plan,
                     mp_chart_set *charts, cli_io *io)
{
    const char *html = args->pv.v[MP_P_HTML].s;
    const char *dir = args->pv.v[MP_P_SVG].s;
    mp_buf *md_out = mp_pv_given(&args->pv, MP_P_JSON) ? NULL : &io->out;
    mp_error *err = &io->err;
    int rc = 0;
    mp_buf page = MP_BUF_INIT, path = MP_BUF_INIT, text = MP_BUF_INIT;
    if ((markdown && mp_buf_status(markdown)) || mp_chart_set_status(charts)) {
        rc = mp_error_set(err, MP_ENOMEM, "out of memory");
        goto done;
    }
    if (dir) {
        if ((rc = mp_make_dir(dir, "--svg", err)) != 0)
            goto done;
        for (int i = 0; i < charts->n; i++) {
            if (!charts->items[i].svg.len)
                continue; /* nothing to draw */
            mp_buf_reset(&path);
            mp_buf_reset(&text);
            chart_path(dir, &charts->items[i], &path);
            mp_svg_file_text(mp_buf_cstr(&charts->items[i].svg), &text);
            if (mp_buf_status(&path) || mp_buf_status(&text)) {
                rc = mp_error_set(err, MP_ENOMEM, "out of memory");
                goto done;
            }
            rc = mp_write_file_atomic(mp_buf_cstr(&path), text.data, text.len, "--svg", err);
            if (rc)
                goto done;
        }
    }
    if (html) {
        if (plan)
            mp_render_plan_html(plan, charts, &page);
        else
            mp_render_html(mp_buf_cstr(markdown), charts, &page);
        if (mp_buf_status(&page)) {
            rc = mp_error_set(err, MP_ENOMEM, "out of memory");
            goto done;
        }
        if ((rc = mp_write_file_atomic(html, page.data, page.len, "--html", err)) != 0)
            goto done;
    }
    if (dir && md_out) {
        mp_buf_puts(md_out, "\n## Charts\n\n");
        if (!charts->n)
            mp_buf_puts(md_out, "Nothing to draw for this result.\n");
        for (int i = 0; i < charts->n; i++) {
            if (!charts->items[i].svg.len)
                continue;
            mp_buf_reset(&path);
            chart_path(dir, &charts->items[i], &path);
            mp_buf_printf(md_out, "- [%s](", charts->items[i].title);
            link_target(mp_buf_cstr(&path), md_out);
            mp_buf_puts(md_out, ")\n");
        }
    }
done:
    if (markdown)
        mp_buf_release(markdown);
    mp_chart_set_release(charts);
    mp_buf_release(&page);
    mp_buf_release(&path);
    mp_buf_release(&text);
    return rc;
}
