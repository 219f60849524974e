/* hf_cache.c - the local Hugging Face cache reader; see hf_cache.h. */
#include "hub/hf_cache.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hub/hub.h"
#include "util/text.h"

/* `value` with a leading "~/" expanded; false when it does not fit. */
static bool put_path(char *buf, size_t cap, const char *value, const char *suffix)
{
    const char *home = getenv("HOME");
    int n;
    if (value[0] == '~' && value[1] == '/' && home && *home)
        n = snprintf(buf, cap, "%s%s%s", home, value + 1, suffix);
    else
        n = snprintf(buf, cap, "%s%s", value, suffix);
    return n > 0 && (size_t)n < cap;
}

int mp_hf_cache_root(char *buf, size_t cap, mp_error *err)
{
    static const struct {
        const char *var, *suffix;
    } vars[] = {
        {"HF_HUB_CACHE", ""},
        {"HUGGINGFACE_HUB_CACHE", ""},
        {"HF_HOME", "/hub"},
        {"XDG_CACHE_HOME", "/huggingface/hub"},
        {"HOME", "/.cache/huggingface/hub"},
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i].var);
        if (!v || !*v)
            continue;
        if (!put_path(buf, cap, v, vars[i].suffix))
            return mp_error_set(err, MP_ELIMIT, "$%s is too long for a path (%zu characters)",
                                vars[i].var, strlen(v));
        return 0;
    }
    buf[0] = '\0';
    return mp_error_set(err, MP_ENOTFOUND,
                        "no Hugging Face cache: neither HF_HUB_CACHE, HF_HOME nor HOME is set");
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "models--org--name" -> "org/name" ("models--gpt2" -> "gpt2"); false for
 * anything else. */
static bool folder_repo(const char *folder, char *repo, size_t cap)
{
    if (strncmp(folder, "models--", 8) != 0 || !folder[8])
        return false;
    const char *rest = folder + 8;
    const char *sep = strstr(rest, "--");
    int n = sep ? snprintf(repo, cap, "%.*s/%s", (int)(sep - rest), rest, sep + 2)
                : snprintf(repo, cap, "%s", rest);
    return n > 0 && (size_t)n < cap;
}

void mp_hf_cache_each(const char *root, bool (*fn)(const char *repo, void *ctx), void *ctx)
{
    DIR *d = opendir(root);
    if (!d)
        return;
    struct dirent *de;
    char repo[200];
    while ((de = readdir(d)) != NULL)
        if (folder_repo(de->d_name, repo, sizeof repo) && !fn(repo, ctx))
            break;
    closedir(d);
}

/* A commit or ref name we are willing to put in a path. */
static bool rev_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 72)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return false;
    return true;
}

static bool has_config(const char *snap_dir)
{
    char p[1400];
    snprintf(p, sizeof p, "%s/config.json", snap_dir);
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Choose the snapshot of s->repo_dir: refs/main, else the newest with a
 * config.json. */
static int pick_snapshot(mp_hf_snapshot *s, mp_error *err)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/refs/main", s->repo_dir);
    FILE *f = fopen(p, "r");
    if (f) {
        char rev[80] = "";
        if (fgets(rev, sizeof rev, f)) {
            rev[strcspn(rev, " \t\r\n")] = '\0';
            if (rev_ok(rev)) {
                snprintf(s->dir, sizeof s->dir, "%s/snapshots/%s", s->repo_dir, rev);
                if (has_config(s->dir)) {
                    mp_strlcpy(s->commit, rev, sizeof s->commit);
                    s->by_ref = true;
                }
            }
        }
        fclose(f);
        if (s->by_ref)
            return 0;
    }
    snprintf(p, sizeof p, "%s/snapshots", s->repo_dir);
    DIR *d = opendir(p);
    double newest = -1;
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (!rev_ok(de->d_name))
                continue;
            char dir[1280];
            snprintf(dir, sizeof dir, "%s/%s", p, de->d_name);
            struct stat st;
            if (!has_config(dir) || stat(dir, &st) != 0)
                continue;
            double t = (double)st.st_mtime;
            /* ties go to the larger name, so the choice does not depend on
             * directory order */
            if (t > newest || (t == newest && strcmp(de->d_name, s->commit) > 0)) {
                newest = t;
                mp_strlcpy(s->commit, de->d_name, sizeof s->commit);
                mp_strlcpy(s->dir, dir, sizeof s->dir);
            }
        }
        closedir(d);
    }
    if (newest < 0)
        return mp_error_set(err, MP_ENOTFOUND,
                            "'%s' is in the Hugging Face cache (%s) but no snapshot of it holds "
                            "config.json",
                            s->repo, s->repo_dir);
    return 0;
}

typedef struct match_ctx {
    const char *want;      /* "org/name" or bare "name" */
    bool bare;
    int n;
    char found[3][200];
} match_ctx;

static bool match_repo(const char *repo, void *vctx)
{
    match_ctx *m = vctx;
    const char *cmp = repo;
    if (m->bare) {
        const char *slash = strchr(repo, '/');
        cmp = slash ? slash + 1 : repo;
    }
    if (!mp_ieq(cmp, m->want))
        return true;
    /* keep the three first in name order, whatever the directory order */
    int k = m->n < 3 ? m->n : 3;
    while (k > 0 && strcmp(repo, m->found[k - 1]) < 0) {
        if (k < 3)
            memcpy(m->found[k], m->found[k - 1], sizeof m->found[0]);
        k--;
    }
    if (k < 3)
        mp_strlcpy(m->found[k], repo, sizeof m->found[0]);
    m->n++;
    return true;
}

int mp_hf_cache_find(const char *root, const char *name, mp_hf_snapshot *s, mp_error *err)
{
    memset(s, 0, sizeof *s);
    bool bare = strchr(name, '/') == NULL;
    char probe[220];
    snprintf(probe, sizeof probe, "x/%s", name);
    if (bare ? !mp_hub_repo_id_valid(probe) : !mp_hub_repo_id_valid(name))
        return mp_error_set(err, MP_EINVAL, "'%.120s' cannot name a Hugging Face repo", name);
    if (!bare) {
        const char *slash = strchr(name, '/');
        snprintf(s->repo_dir, sizeof s->repo_dir, "%s/models--%.*s--%s", root,
                 (int)(slash - name), name, slash + 1);
        mp_strlcpy(s->repo, name, sizeof s->repo);
    }
    if (bare || !is_dir(s->repo_dir)) {
        match_ctx m = {name, bare, 0, {{0}}};
        mp_hf_cache_each(root, match_repo, &m);
        if (m.n == 0)
            return mp_error_set(err, MP_ENOTFOUND, "'%.120s' is not in the Hugging Face cache (%s)",
                                name, root);
        if (m.n > 1)
            return mp_error_set(err, MP_EAMBIGUOUS,
                                "'%.120s' names %d repos in the Hugging Face cache: '%s', '%s'%s; "
                                "give the org too",
                                name, m.n, m.found[0], m.found[1], m.n > 2 ? ", ..." : "");
        mp_strlcpy(s->repo, m.found[0], sizeof s->repo);
        const char *slash = strchr(s->repo, '/');
        if (slash)
            snprintf(s->repo_dir, sizeof s->repo_dir, "%s/models--%.*s--%s", root,
                     (int)(slash - s->repo), s->repo, slash + 1);
        else
            snprintf(s->repo_dir, sizeof s->repo_dir, "%s/models--%s", root, s->repo);
    }
    s->repo_cached = true;
    return pick_snapshot(s, err);
}
