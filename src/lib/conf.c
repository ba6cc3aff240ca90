/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The daemon configuration file, tenantd.conf(5):
 *
 *   [tenantd]  tenants_dir, plans_dir, cgroup_version, tenant_root, uid_min,
 *              socket, log_level, sweep_interval
 *   [cgroup]   on_busy, fallback
 *   [pam]      failure_mode
 *
 * inih splits lines into sections and key = value pairs; everything else is
 * ours. What we rely on from inih (Debian's libinih 55 is built with the
 * defaults shown in /usr/include/ini.h, and tests/unit/test-conf.c pins each
 * of these so a differently built inih fails loudly, not silently):
 *  - INI_HANDLER_LINENO is 0: the handler gets no line number. We feed inih
 *    through ini_parse_stream() with our own reader, which hands over one
 *    physical line per call, so the reader knows the line (and its raw text,
 *    for columns) while inih runs the handler for it.
 *  - INI_ALLOW_MULTILINE is 1: an indented line after a key continues that
 *    key's value. Operators indent keys under a section out of habit, and a
 *    silently glued value is worse than an error, so the reader strips
 *    leading blanks before inih sees a line. Continuation never triggers;
 *    a value can't span lines (a lone word is then a syntax error).
 *  - INI_ALLOW_INLINE_COMMENTS with prefix ";": "key = v ; note" yields "v".
 *    "#" starts a comment only at the start of a line; "v # note" stays in
 *    the value (and then fails validation, with a hint).
 *  - INI_MAX_LINE is 200 with INI_USE_STACK: a longer line is silently cut
 *    and its tail parsed as a new line. The reader gets the buffer size as
 *    `num`, so it refuses lines that don't fit (reporting them) and hands
 *    inih a comment instead, keeping inih's line count equal to ours.
 *  - ini_parse_stream() returns the FIRST line it could not parse (or where
 *    the handler returned 0). Our handler always returns 1 and records its
 *    own errors, and the reader notices every line inih skipped, so every
 *    syntax error is reported; inih's return value is still converted, as
 *    a cross-check, if it names a line we did not flag. */
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "conf.h"
#include "units.h"

#define CONF_MAX_BYTES (64 * 1024)
#define CONF_SWEEP_MIN_US 1000000ULL
#define FALLBACK_DEFAULT_NAME "_fallback"

static const char *const cgroup_mode_names[_TD_CGROUP_MODE_MAX] = {
        [TD_CGROUP_AUTO] = "auto",
        [TD_CGROUP_V1] = "v1",
        [TD_CGROUP_V2] = "v2",
};
static const char *const pam_failure_names[_TD_PAM_FAIL_MAX] = {
        [TD_PAM_FAIL_CLOSED] = "closed",
        [TD_PAM_FAIL_OPEN] = "open",
};
static const char *const busy_names[_TD_BUSY_MAX] = {
        [TD_BUSY_REFUSE] = "refuse",
        [TD_BUSY_MOVE] = "move",
};
/* Indexed by td_log_level - TD_LOG_ERR (syslog priorities 3..7). */
static const char *const log_level_names[] = { "err", "warning", "notice", "info", "debug" };

static const char *const section_names[] = { "tenantd", "cgroup", "pam" };

static int lookup(const char *const *names, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (names[i] && streq(names[i], s))
                        return (int) i;
        return -EINVAL;
}

const char *td_cgroup_mode_to_string(td_cgroup_mode m) {
        return m >= 0 && m < _TD_CGROUP_MODE_MAX ? cgroup_mode_names[m] : NULL;
}
td_cgroup_mode td_cgroup_mode_from_string(const char *s) {
        return lookup(cgroup_mode_names, ELEMENTSOF(cgroup_mode_names), s);
}
const char *td_pam_failure_to_string(td_pam_failure f) {
        return f >= 0 && f < _TD_PAM_FAIL_MAX ? pam_failure_names[f] : NULL;
}
td_pam_failure td_pam_failure_from_string(const char *s) {
        return lookup(pam_failure_names, ELEMENTSOF(pam_failure_names), s);
}
const char *td_busy_policy_to_string(td_busy_policy b) {
        return b >= 0 && b < _TD_BUSY_MAX ? busy_names[b] : NULL;
}
td_busy_policy td_busy_policy_from_string(const char *s) {
        return lookup(busy_names, ELEMENTSOF(busy_names), s);
}
const char *td_log_level_to_string(td_log_level l) {
        return l >= TD_LOG_ERR && l <= TD_LOG_DEBUG ? log_level_names[l - TD_LOG_ERR] : NULL;
}
int td_log_level_from_string(const char *s) {
        int i = lookup(log_level_names, ELEMENTSOF(log_level_names), s);
        return i < 0 ? i : TD_LOG_ERR + i;
}

/* --- cgroup paths ------------------------------------------------------ */

static bool cgroup_name_char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
}

/* Why `path` is not acceptable as a cgroup path, or NULL when it is. The
 * same rules apply to absolute ("/a/b", resolved inside every hierarchy) and
 * relative ("a/b", below the reading process's own cgroup) paths. ".." would
 * let a config escape the subtree it names; the character set keeps names
 * that are valid in every controller's hierarchy and need no quoting. */
const char *td_cgroup_path_problem(const char *path) {
        const char *s = path;

        if (!path || !*path)
                return "empty";
        if (strlen(path) >= PATH_MAX / 2)
                return "too long";
        if (*s == '/')
                s++;
        if (!*s)
                return "the root cgroup itself";
        for (;;) {
                size_t len = strcspn(s, "/");

                if (len == 0)
                        return "empty path component";
                if (len > NAME_MAX)
                        return "component longer than 255 characters";
                if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
                        return "\".\" and \"..\" are not allowed";
                for (size_t i = 0; i < len; i++)
                        if (!cgroup_name_char(s[i]))
                                return "only A-Z a-z 0-9 . _ - are allowed in a component";
                if (!s[len])
                        return NULL;
                s += len + 1;
        }
}

static const char *basename_of(const char *path) {
        const char *slash = strrchr(path, '/');
        return slash ? slash + 1 : path;
}

/* Where `fallback` (relative to tenant_root's parent, as td_cg_reconcile
 * takes it) may not be, given tenant_root's last component `base`; NULL
 * when fine. Inside the root it must not look like a tenant: tenant names
 * start with [a-z0-9], so "_..." can never collide with one. It can't be
 * the root itself: processes moved there would sit above the tenant groups
 * (and on cgroup v2 a group with controllers enabled for its children
 * can't hold processes). */
static const char *fallback_problem(const char *base, const char *fallback) {
        size_t bl = strlen(base);

        if (fallback[0] == '/')
                return "it must be relative to tenant_root's parent";
        if (streq(base, fallback))
                return "it is tenant_root itself";
        if (strneq(base, fallback, bl) && fallback[bl] == '/' && fallback[bl + 1] != '_')
                return "inside tenant_root its first component must start with \"_\" "
                       "so that it can't be a tenant";
        return NULL;
}

/* --- parser state ------------------------------------------------------- */

typedef enum line_kind {
        LINE_BLANK,      /* empty or comment */
        LINE_SECTION,    /* well-formed [section] */
        LINE_PAIR,       /* everything else: inih must call the handler for it */
        LINE_HANDLED,    /* reported by the reader already; inih's verdict is moot */
} line_kind;

typedef struct conf_parser conf_parser;
typedef struct conf_key conf_key;
typedef int (*conf_set_fn)(conf_parser *p, const conf_key *k, const char *value, td_mark mark);

struct conf_key {
        const char *section;
        const char *name;
        conf_set_fn set;
        size_t offset;          /* of the td_conf field */
};

struct conf_parser {
        td_conf *conf;
        td_diags *ds;
        td_mark file_mark;      /* .file interned in ds; line/col 0 */
        char *base_dir;         /* for relative directories; NULL: keep them relative */
        int error;              /* first -ENOMEM */

        /* Reader: text is NUL-free; pos walks it one physical line per call. */
        const char *pos, *end;
        unsigned line;
        const char *raw;        /* the current line, after any BOM */
        size_t indent;          /* leading blanks stripped from it */
        line_kind kind;
        bool handled;
        unsigned first_inih_error;  /* first line we expect inih to reject */

        bool section_known;     /* the last [section] header named a known one */
        unsigned seen_line[16]; /* per conf_keys entry: line it was set on */
        char *fallback_raw;
        td_mark fallback_mark;
        bool root_bad;          /* tenant_root was given but invalid */
};

static td_mark mark_at(const conf_parser *p, size_t col0) {
        return (td_mark) { .file = p->file_mark.file, .line = p->line, .col = (unsigned) col0 + 1 };
}

static void note_enomem(conf_parser *p, int r) {
        if (r == -ENOMEM && !p->error)
                p->error = -ENOMEM;
}

/* Report a diagnostic; only ENOMEM is remembered (errors are counted in ds). */
#define conf_error(p, mark, key, ...) note_enomem((p), td_diag_error((p)->ds, (mark), (key), __VA_ARGS__))

static char *key_path(const conf_key *k) {
        return td_strdupf("%s.%s", k->section, k->name);
}

static void value_error(conf_parser *p, const conf_key *k, td_mark mark, const char *value,
                        const char *expected) {
        _cleanup_free_ char *key = key_path(k);
        char q[96];
        /* '#' is not an inline comment for inih; say so when it is likely
         * the reason the value is wrong. */
        const char *hint = strstr(value, " #") ? " (only \";\" starts a comment after a value)" : "";

        if (!key) {
                note_enomem(p, -ENOMEM);
                return;
        }
        conf_error(p, mark, key, "expected %s, got %s%s", expected, td_quote(value, q, sizeof q), hint);
}

/* --- setters ------------------------------------------------------------ */

static char **str_field(conf_parser *p, const conf_key *k) {
        return (char **) ((char *) p->conf + k->offset);
}

static int replace_str(char **field, char *value) {
        if (!value)
                return -ENOMEM;
        free(*field);
        *field = value;
        return 0;
}

static int set_dir(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        if (!*value || strlen(value) >= PATH_MAX) {
                value_error(p, k, mark, value, "a directory path");
                return -EINVAL;
        }
        /* Relative to the file's own directory, so a config and its policies
         * can travel together (tests, staging copies). */
        if (value[0] != '/' && p->base_dir)
                return replace_str(str_field(p, k), td_strdupf("%s%s%s", p->base_dir,
                                                               streq(p->base_dir, "/") ? "" : "/", value));
        return replace_str(str_field(p, k), strdup(value));
}

static int set_socket(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        struct sockaddr_un sa;

        if (value[0] != '/' || strlen(value) >= sizeof sa.sun_path) {
                char what[96];
                snprintf(what, sizeof what, "an absolute path of at most %zu bytes",
                         sizeof sa.sun_path - 1);
                value_error(p, k, mark, value, what);
                return -EINVAL;
        }
        return replace_str(str_field(p, k), strdup(value));
}

static int set_tenant_root(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        const char *why = td_cgroup_path_problem(value);

        if (why) {
                char what[192];
                snprintf(what, sizeof what,
                         "a cgroup path like /tenantd.slice/tenants or tenants (%s)", why);
                value_error(p, k, mark, value, what);
                p->root_bad = true;
                return -EINVAL;
        }
        return replace_str(str_field(p, k), strdup(value));
}

static int set_fallback(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        /* Resolved against tenant_root once the whole file is read: the two
         * live in different sections, in either order. */
        p->fallback_mark = mark;
        return replace_str(&p->fallback_raw, strdup(value));
}

/* A choice from a fixed list; the expected text lists all of them. */
static int set_choice(conf_parser *p, const conf_key *k, const char *value, td_mark mark,
                      const char *const *names, size_t n, int *ret) {
        int i = lookup(names, n, value);

        if (i < 0) {
                char what[128] = "one of ";
                for (size_t j = 0; j < n; j++) {
                        strncat(what, names[j], sizeof what - strlen(what) - 1);
                        strncat(what, j + 1 < n ? ", " : "", sizeof what - strlen(what) - 1);
                }
                value_error(p, k, mark, value, what);
                return -EINVAL;
        }
        *ret = i;
        return 0;
}

static int set_cgroup_version(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        int i, r = set_choice(p, k, value, mark, cgroup_mode_names, _TD_CGROUP_MODE_MAX, &i);
        if (r >= 0)
                p->conf->cgroup_mode = i;
        return r;
}

static int set_on_busy(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        int i, r = set_choice(p, k, value, mark, busy_names, _TD_BUSY_MAX, &i);
        if (r >= 0)
                p->conf->on_busy = i;
        return r;
}

static int set_failure_mode(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        int i, r = set_choice(p, k, value, mark, pam_failure_names, _TD_PAM_FAIL_MAX, &i);
        if (r >= 0)
                p->conf->pam_failure = i;
        return r;
}

static int set_log_level(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        int i, r = set_choice(p, k, value, mark, log_level_names, ELEMENTSOF(log_level_names), &i);
        if (r >= 0)
                p->conf->log_level = TD_LOG_ERR + i;
        return r;
}

static int set_uid_min(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        uint64_t v = 0;
        const char *s = value;

        /* Digits only: no sign, no blanks, no hex. (uid_t)-1 is not a uid. */
        for (; *s >= '0' && *s <= '9' && v <= UINT32_MAX; s++)
                v = v * 10 + (uint64_t) (*s - '0');
        if (s == value || *s || v > UINT32_MAX - 1) {
                value_error(p, k, mark, value, "a uid from 0 to 4294967294");
                return -EINVAL;
        }
        p->conf->uid_min = (uint32_t) v;
        return 0;
}

static int set_sweep_interval(conf_parser *p, const conf_key *k, const char *value, td_mark mark) {
        uint64_t v;

        /* A bare number would be microseconds (td_parse_unit's rule, right
         * for cgroup knobs); "sweep_interval = 60" surely means a minute,
         * not 60us, so anything but 0 needs a unit here. */
        if (strspn(value, "0123456789") == strlen(value) && strspn(value, "0") != strlen(value)) {
                value_error(p, k, mark, value, "0 (off) or a duration with a unit like 30s or 5m");
                return -EINVAL;
        }
        if (td_parse_unit(TD_UNIT_DURATION, value, false, &v) < 0 ||
            (v != 0 && v < CONF_SWEEP_MIN_US)) {
                value_error(p, k, mark, value, "0 (off) or a duration of at least 1s like 30s or 5m");
                return -EINVAL;
        }
        p->conf->sweep_interval_us = v;
        return 0;
}

#define STR(f) offsetof(td_conf, f)
static const conf_key conf_keys[] = {
        { "tenantd", "tenants_dir",    set_dir,            STR(tenants_dir) },
        { "tenantd", "plans_dir",      set_dir,            STR(plans_dir) },
        { "tenantd", "cgroup_version", set_cgroup_version, 0 },
        { "tenantd", "tenant_root",    set_tenant_root,    STR(tenant_root) },
        { "tenantd", "uid_min",        set_uid_min,        0 },
        { "tenantd", "socket",         set_socket,         STR(socket_path) },
        { "tenantd", "log_level",      set_log_level,      0 },
        { "tenantd", "sweep_interval", set_sweep_interval, 0 },
        { "cgroup",  "on_busy",        set_on_busy,        0 },
        { "cgroup",  "fallback",       set_fallback,       0 },
        { "pam",     "failure_mode",   set_failure_mode,   0 },
};
#undef STR
_Static_assert(ELEMENTSOF(conf_keys) <= ELEMENTSOF(((conf_parser *) NULL)->seen_line),
               "conf_parser.seen_line too small");

static const conf_key *find_key(const char *section, const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(conf_keys); i++)
                if (streq(conf_keys[i].section, section) && streq(conf_keys[i].name, name))
                        return &conf_keys[i];
        return NULL;
}

/* --- handler ------------------------------------------------------------ */

/* Column (0-based) of the value on the current line: after the first "=" or
 * ":" (inih's separators), past blanks; for an empty value, right after the
 * separator rather than at a comment that may follow. */
static size_t value_col(const conf_parser *p, const char *value) {
        const char *sep = strpbrk(p->raw + p->indent, "=:");
        size_t col;

        if (!sep)
                return p->indent;
        col = (size_t) (sep - p->raw) + 1;
        if (!*value)
                return col;
        while (p->raw[col] == ' ' || p->raw[col] == '\t')
                col++;
        return col;
}

/* A key that isn't in this section: suggest a close name in the section,
 * or the section where the exact name lives. */
static void unknown_key(conf_parser *p, const char *section, const char *name) {
        const char *cands[ELEMENTSOF(conf_keys)], *elsewhere = NULL, *near;
        size_t n = 0;
        td_mark m = mark_at(p, p->indent);
        _cleanup_free_ char *key = td_strdupf("%s%s%s", section, *section ? "." : "", name);

        if (!key) {
                note_enomem(p, -ENOMEM);
                return;
        }
        for (size_t i = 0; i < ELEMENTSOF(conf_keys); i++) {
                if (streq(conf_keys[i].section, section))
                        cands[n++] = conf_keys[i].name;
                else if (streq(conf_keys[i].name, name))
                        elsewhere = conf_keys[i].section;
        }
        if (!*name)
                conf_error(p, m, NULL, "expected a key name before \"=\"");
        else if (!*section)
                conf_error(p, m, key, "key outside any section (expected it under [%s])",
                           elsewhere ? elsewhere : "tenantd], [cgroup] or [pam");
        else if (elsewhere)
                conf_error(p, m, key, "unknown key in [%s] (it belongs in [%s])", section, elsewhere);
        else if ((near = td_nearest(name, cands, n)))
                conf_error(p, m, key, "unknown key (did you mean \"%s\"?)", near);
        else
                conf_error(p, m, key, "unknown key");
}

static int conf_handler(void *user, const char *section, const char *name, const char *value) {
        conf_parser *p = user;

        p->handled = true;
        if (p->error)
                return 1;
        /* Keys of an unknown section were reported with the section header
         * already; one error per typo is enough. */
        if (*section && !p->section_known)
                return 1;
        const conf_key *k = find_key(section, name);
        if (k) {
                size_t i = (size_t) (k - conf_keys);

                if (p->seen_line[i]) {
                        _cleanup_free_ char *key = key_path(k);
                        if (!key) {
                                note_enomem(p, -ENOMEM);
                                return 1;
                        }
                        conf_error(p, mark_at(p, p->indent), key,
                                   "duplicate key (first set on line %u)", p->seen_line[i]);
                        return 1;
                }
                p->seen_line[i] = p->line;
                note_enomem(p, k->set(p, k, value, mark_at(p, value_col(p, value))));
                /* Always 1: errors are in ds; 0 would only make inih remember
                 * the first such line, which we don't need. */
                return 1;
        }
        unknown_key(p, section, name);
        return 1;
}

/* --- reader ------------------------------------------------------------- */

/* Classify the line (after leading blanks) and check section headers, which
 * inih tells us nothing about. */
static line_kind classify(conf_parser *p, const char *s, size_t len) {
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
                len--;
        if (len == 0 || s[0] == ';' || s[0] == '#')
                return LINE_BLANK;
        if (s[0] != '[')
                return LINE_PAIR;

        const char *close = memchr(s, ']', len);
        if (!close) {
                conf_error(p, mark_at(p, p->indent), NULL,
                           "expected a section header like [tenantd], got a line without \"]\"");
                if (!p->first_inih_error)
                        p->first_inih_error = p->line;
                return LINE_HANDLED;
        }
        size_t rest = len - (size_t) (close + 1 - s);
        const char *after = close + 1 + strspn(close + 1, " \t");
        if (rest > 0 && after < s + len && *after != ';' && *after != '#')
                conf_error(p, mark_at(p, p->indent + (size_t) (after - s)), NULL,
                           "unexpected text after the section header");

        _cleanup_free_ char *name = strndup(s + 1, (size_t) (close - s - 1));
        _cleanup_free_ char *header = name ? td_strdupf("[%s]", name) : NULL;
        if (!header) {
                note_enomem(p, -ENOMEM);
                return LINE_SECTION;
        }
        p->section_known = lookup(section_names, ELEMENTSOF(section_names), name) >= 0;
        if (!p->section_known) {
                const char *near = td_nearest(name, section_names, ELEMENTSOF(section_names));
                char q[96];
                conf_error(p, mark_at(p, p->indent + 1), NULL,
                           "expected a section [tenantd], [cgroup] or [pam], got %s%s%s%s",
                           td_quote(header, q, sizeof q),
                           near ? " (did you mean [" : "", near ? near : "", near ? "]?)" : "");
        }
        return LINE_SECTION;
}

/* The previous line has been fully processed by inih: a key = value line
 * it did not hand to us is one it could not parse. */
static void finish_line(conf_parser *p) {
        if (p->line == 0 || p->kind != LINE_PAIR || p->handled)
                return;
        const char *s = p->raw + p->indent;
        size_t len = strcspn(s, "\r\n");
        char q[96];

        /* Quote the line without an inline comment (" ;...") or trailing blanks. */
        for (size_t i = 1; i < len; i++)
                if (s[i] == ';' && (s[i - 1] == ' ' || s[i - 1] == '\t')) {
                        len = i;
                        break;
                }
        while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
                len--;
        _cleanup_free_ char *text = strndup(s, len);

        if (!text) {
                note_enomem(p, -ENOMEM);
                return;
        }
        conf_error(p, mark_at(p, p->indent), NULL,
                   "expected \"key = value\", a [section] or a comment, got %s",
                   td_quote(text, q, sizeof q));
        if (!p->first_inih_error)
                p->first_inih_error = p->line;
}

/* ini_reader: hand inih the next physical line, without leading blanks. */
static char *conf_reader(char *str, int num, void *stream) {
        conf_parser *p = stream;
        const char *nl, *s;
        size_t len, content;

        finish_line(p);
        if (p->pos >= p->end || num < 4)
                return NULL;

        nl = memchr(p->pos, '\n', (size_t) (p->end - p->pos));
        len = nl ? (size_t) (nl - p->pos) : (size_t) (p->end - p->pos);
        p->raw = p->pos;
        p->pos += len + (nl ? 1 : 0);
        p->line++;
        p->handled = false;
        if (p->line == 1 && len >= 3 && memcmp(p->raw, "\xEF\xBB\xBF", 3) == 0) {
                p->raw += 3;   /* columns count from after the BOM */
                len -= 3;
        }
        p->indent = strspn(p->raw, " \t");
        if (p->indent > len)
                p->indent = len;
        s = p->raw + p->indent;
        len -= p->indent;

        content = len;
        if (content > 0 && s[content - 1] == '\r')
                content--;
        /* inih needs room for "\r\n\0" (ini.h: INI_MAX_LINE "must be 3 more
         * than the longest line"). */
        if (content > (size_t) num - 3) {
                conf_error(p, mark_at(p, p->indent), NULL, "line too long (%zu characters, at most %d)",
                           content + p->indent, num - 3);
                p->kind = LINE_HANDLED;
                memcpy(str, ";\n", 3);
                return str;
        }
        p->kind = classify(p, s, len);
        memcpy(str, s, len);
        str[len] = '\n';
        str[len + 1] = '\0';
        return str;
}

/* --- load --------------------------------------------------------------- */

/* fallback depends on tenant_root, which may come later in the file. */
static void resolve_fallback(conf_parser *p) {
        td_conf *c = p->conf;
        td_mark m = p->fallback_raw ? p->fallback_mark : p->file_mark;
        const conf_key *k = find_key("cgroup", "fallback");
        const char *base = basename_of(c->tenant_root), *why, *raw = p->fallback_raw;
        char what[256], *v;

        if (raw && (why = td_cgroup_path_problem(raw))) {
                snprintf(what, sizeof what, "a cgroup path relative to tenant_root's parent "
                         "like tenants/_fallback (%s)", why);
                value_error(p, k, m, raw, what);
                return;
        }
        /* Where it lands depends on tenant_root; with a broken one, that
         * error says enough. */
        if (p->root_bad)
                return;
        v = raw ? strdup(raw) : td_strdupf("%s/" FALLBACK_DEFAULT_NAME, base);
        if (!v) {
                note_enomem(p, -ENOMEM);
                return;
        }
        if ((why = fallback_problem(base, v))) {
                snprintf(what, sizeof what, "a cgroup path relative to tenant_root's parent, "
                         "outside the tenant groups (%s)", why);
                value_error(p, k, m, v, what);
                free(v);
                return;
        }
        note_enomem(p, replace_str(&c->fallback, v));
}

int td_conf_parse_string(td_conf *c, const char *file, const char *text, size_t len, td_diags *ds) {
        conf_parser p = { .conf = c, .ds = ds, .pos = text, .end = text + len };
        const char *nul, *slash;
        unsigned errors_before = (unsigned) ds->n_errors;
        int r;

        p.file_mark.file = td_diags_intern(ds, file ? file : "<string>");
        if (!p.file_mark.file)
                return -ENOMEM;
        if (file && (slash = strrchr(file, '/'))) {
                p.base_dir = slash == file ? strdup("/") : strndup(file, (size_t) (slash - file));
                if (!p.base_dir)
                        return -ENOMEM;
        }

        nul = memchr(text, '\0', len);
        if (nul) {
                /* inih is NUL-terminated throughout; parse only what precedes. */
                unsigned line = 1;
                for (const char *s = text; s < nul; s++)
                        line += *s == '\n';
                td_mark m = { .file = p.file_mark.file, .line = line, .col = 1 };
                note_enomem(&p, td_diag_error(ds, m, NULL, "expected text, got a NUL byte"));
                p.end = nul;
        }

        r = ini_parse_stream(conf_reader, &p, conf_handler, &p);
        /* The boundary conversion: inih names its first bad line (or -1/-2
         * for open/allocation failures, which a stream can't have unless
         * inih was built with a heap line buffer). */
        if (r == -2)
                note_enomem(&p, -ENOMEM);
        else if (r != 0 && (unsigned) r != p.first_inih_error && !p.error) {
                td_mark m = { .file = p.file_mark.file, .line = r > 0 ? (unsigned) r : 0, .col = 1 };
                conf_error(&p, m, NULL, "syntax error");
        }
        if (!p.error)
                resolve_fallback(&p);

        free(p.base_dir);
        free(p.fallback_raw);
        if (p.error)
                return p.error;
        return ds->n_errors > errors_before ? -EINVAL : 0;
}

/* Refuse a config that someone other than root could have written when we
 * run as root: it names the cgroups we write and the socket we serve. */
static int check_owner(const struct stat *st, td_mark m, td_diags *ds) {
        if (geteuid() != 0)
                return 0;
        if (st->st_uid != 0)
                return td_diag_error(ds, m, NULL, "expected a file owned by root, got owner uid %u",
                                     (unsigned) st->st_uid);
        if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0))
                return td_diag_error(ds, m, NULL,
                                     "expected a file only root can write, got mode %04o (group %u)",
                                     (unsigned) (st->st_mode & 07777), (unsigned) st->st_gid);
        return 0;
}

int td_conf_load(td_conf *c, const char *path, td_diags *ds) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *text = NULL;
        td_mark m = { .file = path };
        struct stat st;
        size_t len = 0;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0 || fstat(fd, &st) < 0) {
                r = -errno;
                int k = td_diag_error(ds, m, NULL, "cannot read: %s", strerror(-r));
                return k == -ENOMEM ? k : r;
        }
        if (!S_ISREG(st.st_mode))
                return td_diag_error(ds, m, NULL, "expected a regular file");
        if (st.st_size > CONF_MAX_BYTES)
                return td_diag_error(ds, m, NULL, "expected at most %d bytes, got %jd",
                                     CONF_MAX_BYTES, (intmax_t) st.st_size);
        r = check_owner(&st, m, ds);
        if (r < 0)
                return r;

        text = malloc((size_t) st.st_size + 1);
        if (!text)
                return -ENOMEM;
        /* Read what fstat promised; a file growing meanwhile is cut there. */
        while (len < (size_t) st.st_size) {
                ssize_t k = read(fd, text + len, (size_t) st.st_size - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        int e = td_diag_error(ds, m, NULL, "cannot read: %s", strerror(-r));
                        return e == -ENOMEM ? e : r;
                }
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        text[len] = '\0';

        r = replace_str(&c->path, strdup(path));
        if (r < 0)
                return r;
        return td_conf_parse_string(c, path, text, len, ds);
}

/* --- defaults and overrides -------------------------------------------- */

int td_conf_init(td_conf *c) {
        *c = (td_conf) {
                .cgroup_mode = TD_CGROUP_AUTO,
                .uid_min = 1000,
                .log_level = TD_LOG_INFO,
                .sweep_interval_us = 60 * 1000000ULL,
                .pam_failure = TD_PAM_FAIL_CLOSED,
                .on_busy = TD_BUSY_REFUSE,
        };
        c->tenants_dir = strdup(TD_TENANTS_DIR);
        c->plans_dir = strdup(TD_PLANS_DIR);
        c->tenant_root = strdup(TD_CONF_DEFAULT_TENANT_ROOT);
        c->socket_path = strdup(TD_SOCKET_PATH);
        c->fallback = strdup(TD_CONF_DEFAULT_FALLBACK);
        if (!c->tenants_dir || !c->plans_dir || !c->tenant_root || !c->socket_path || !c->fallback) {
                td_conf_done(c);
                return -ENOMEM;
        }
        return 0;
}

int td_conf_set_tenant_root(td_conf *c, const char *root, const char *origin, td_diags *ds) {
        td_mark m = { .file = origin };
        const char *why = td_cgroup_path_problem(root);
        const char *old = basename_of(c->tenant_root), *base;
        _cleanup_free_ char *fallback = NULL;
        size_t ol = strlen(old);
        char q[96];

        if (why)
                return td_diag_error(ds, m, "tenant_root",
                                     "expected a cgroup path like /tenantd.slice/tenants or tenants (%s), got %s",
                                     why, td_quote(root, q, sizeof q));
        base = basename_of(root);
        /* A fallback inside the old root (the default <root>/_fallback)
         * moves along; one beside it stays beside the new one. */
        if (strneq(c->fallback, old, ol) && c->fallback[ol] == '/')
                fallback = td_strdupf("%s%s", base, c->fallback + ol);
        else
                fallback = strdup(c->fallback);
        if (!fallback)
                return -ENOMEM;
        if ((why = fallback_problem(base, fallback)))
                return td_diag_error(ds, m, "cgroup.fallback", "expected a cgroup path relative to "
                                     "tenant_root's parent, outside the tenant groups (%s), got %s",
                                     why, td_quote(fallback, q, sizeof q));
        char *r = strdup(root);
        if (!r)
                return -ENOMEM;
        free(c->tenant_root);
        c->tenant_root = r;
        free(c->fallback);
        c->fallback = TAKE_PTR(fallback);
        return 0;
}

void td_conf_done(td_conf *c) {
        if (!c)
                return;
        free(c->path);
        free(c->tenants_dir);
        free(c->plans_dir);
        free(c->tenant_root);
        free(c->socket_path);
        free(c->fallback);
        *c = (td_conf) {};
}
