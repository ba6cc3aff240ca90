/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Strict RFC 8259 JSON reader producing the same td_node tree as the YAML
 * reader. JSON gets its own reader although YAML 1.2 is nearly a superset:
 * libyaml implements YAML 1.1. Seccomp profiles in the wild (Docker's
 * default.json) are tab-indented, and YAML 1.1 forbids tabs as indentation;
 * libyaml 0.2.5 happens to let them through inside flow collections, but
 * that is an implementation accident we should not lean on. It also refuses
 * valid JSON outright: surrogate-pair escapes ("\ud83d\ude00": "invalid
 * Unicode character escape code") and keys longer than 1024 characters
 * (YAML's implicit-key limit). And it accepts non-JSON (comments, single
 * quotes, bare words) that a profile author did not mean. Strictness
 * matters for these files: a lenient reader's guess about a trailing comma
 * or a duplicate key could change a security filter, so anything RFC 8259
 * does not allow is an error here.
 * Duplicate object keys, which the RFC merely discourages, are errors for
 * the same reason (and to match the YAML reader).
 *
 * Recursion depth is bounded by TD_DOC_MAX_DEPTH and the node count by
 * TD_DOC_MAX_NODES. Numbers are kept as text; true/false become plain
 * scalars, null a null scalar, strings quoted scalars. */
#include "node-internal.h"

typedef struct jp {
        const char *file;        /* interned in ds */
        td_diags *ds;
        const char *p, *end;
        unsigned line, col;      /* of *p; col counts characters, not bytes */
        size_t nodes;
        td_path path;            /* of the value being read */
        bool failed;             /* a non-fatal error (duplicate key) was reported */
} jp;

static td_mark jp_mark(const jp *j) {
        return (td_mark) { j->file, j->line, j->col };
}

static void jp_advance(jp *j) {
        if (*j->p == '\n') {
                j->line++;
                j->col = 1;
        } else if (((unsigned char) *j->p & 0xc0) != 0x80)
                /* One column per character: skip UTF-8 continuation bytes. */
                j->col++;
        j->p++;
}

static int jp_peek(const jp *j) {
        return j->p < j->end ? (unsigned char) *j->p : -1;
}

/* Describe the character at the cursor for "got ..." */
static const char *jp_got(const jp *j, char *buf, size_t size) {
        int c = jp_peek(j);
        if (c < 0)
                return "end of input";
        if (c >= 0x20 && c < 0x7f)
                snprintf(buf, size, "'%c'", c);
        else
                snprintf(buf, size, "byte 0x%02x", (unsigned) c);
        return buf;
}

/* Report an error at the cursor; returns -EINVAL or -ENOMEM. */
static int jp_error(jp *j, const char *fmt, ...) _printf_(2, 3);
static int jp_error(jp *j, const char *fmt, ...) {
        _cleanup_free_ char *key = td_path_format(&j->path, j->path.n, NULL);
        va_list ap;
        int r;

        if (!key)
                return -ENOMEM;
        va_start(ap, fmt);
        r = td_diag_addv(j->ds, TD_SEV_ERROR, jp_mark(j), *key ? key : NULL, fmt, ap);
        va_end(ap);
        return r;
}

static int jp_expected(jp *j, const char *what) {
        char buf[32];
        return jp_error(j, "expected %s, got %s", what, jp_got(j, buf, sizeof buf));
}

static void jp_skip_ws(jp *j) {
        while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
                jp_advance(j);
}

static int jp_count(jp *j) {
        if (++j->nodes > TD_DOC_MAX_NODES)
                return jp_error(j, "document has more than %d nodes", TD_DOC_MAX_NODES);
        return 0;
}


static int hex4(const char *s, const char *end, unsigned *ret) {
        unsigned v = 0;

        if (end - s < 4)
                return -EINVAL;
        for (int i = 0; i < 4; i++) {
                char c = s[i];
                v <<= 4;
                if (c >= '0' && c <= '9')
                        v |= (unsigned) (c - '0');
                else if (c >= 'a' && c <= 'f')
                        v |= (unsigned) (c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                        v |= (unsigned) (c - 'A' + 10);
                else
                        return -EINVAL;
        }
        *ret = v;
        return 0;
}

static size_t utf8_put(char *out, unsigned cp) {
        if (cp < 0x80) {
                out[0] = (char) cp;
                return 1;
        }
        if (cp < 0x800) {
                out[0] = (char) (0xc0 | (cp >> 6));
                out[1] = (char) (0x80 | (cp & 0x3f));
                return 2;
        }
        if (cp < 0x10000) {
                out[0] = (char) (0xe0 | (cp >> 12));
                out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                out[2] = (char) (0x80 | (cp & 0x3f));
                return 3;
        }
        out[0] = (char) (0xf0 | (cp >> 18));
        out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
        out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
        out[3] = (char) (0x80 | (cp & 0x3f));
        return 4;
}

/* The \uXXXX escape at the cursor (on its backslash), joining a
 * surrogate pair. Advances past it and stores the code point. */
static int jp_unicode(jp *j, unsigned *ret) {
        unsigned hi, lo;

        if (hex4(j->p + 2, j->end, &hi) < 0)
                return jp_error(j, "expected 4 hex digits after \\u");
        if (hi >= 0xdc00 && hi <= 0xdfff)
                return jp_error(j, "invalid \\u escape: unpaired low surrogate");
        if (hi >= 0xd800 && hi <= 0xdbff) {
                if (j->end - j->p < 12 || j->p[6] != '\\' || j->p[7] != 'u' ||
                    hex4(j->p + 8, j->end, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
                        return jp_error(j, "invalid \\u escape: high surrogate without a low surrogate");
                hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                for (int i = 0; i < 6; i++)
                        jp_advance(j);
        }
        if (hi == 0)
                return jp_error(j, "NUL characters are not allowed in strings");
        for (int i = 0; i < 6; i++)
                jp_advance(j);
        *ret = hi;
        return 0;
}

static int jp_escape(jp *j, char *out, size_t *len) {
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *e;
        unsigned cp = 0;
        int r;

        if (j->end - j->p < 2)
                return jp_error(j, "expected an escape sequence, got end of input");
        if (j->p[1] == 'u') {
                r = jp_unicode(j, &cp);
                if (r < 0)
                        return r;
                *len += utf8_put(out + *len, cp);
                return 0;
        }
        e = j->p[1] ? strchr(from, j->p[1]) : NULL;
        if (!e)
                return jp_error(j, "invalid escape sequence; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
        out[(*len)++] = to[e - from];
        jp_advance(j);
        jp_advance(j);
        return 0;
}

/* A string at the cursor (on the opening quote) into a quoted scalar. */
static int jp_string(jp *j, td_node **ret) {
        td_mark mark = jp_mark(j);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;
        const char *q;
        int r;

        r = jp_count(j);
        if (r < 0)
                return r;
        jp_advance(j);
        /* Decoded text is never longer than the raw text up to the closing
         * quote (every escape shrinks or keeps its length), so one buffer of
         * that size suffices. */
        for (q = j->p; q < j->end && *q != '"'; q++)
                if (*q == '\\' && q + 1 < j->end)
                        q++;
        buf = malloc((size_t) (q - j->p) + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                int c = jp_peek(j);
                size_t n;

                if (c < 0)
                        return jp_error(j, "expected '\"' to end the string, got end of input");
                if (c == '"')
                        break;
                if (c == '\\') {
                        r = jp_escape(j, buf, &len);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (c < 0x20)
                        return jp_error(j, "control characters must be escaped in strings, got byte 0x%02x",
                                        (unsigned) c);
                n = td_utf8_len((const unsigned char *) j->p, (const unsigned char *) j->end);
                if (n == 0)
                        return jp_error(j, "invalid UTF-8 (byte 0x%02x)", (unsigned) c);
                while (n--) {
                        buf[len++] = *j->p;
                        jp_advance(j);
                }
        }
        jp_advance(j);
        *ret = td_node_new_scalar(mark, buf, len, true, false);
        return *ret ? 0 : -ENOMEM;
}

static bool is_digit(int c) {
        return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as its text. */
static int jp_number(jp *j, td_node **ret) {
        td_mark mark = jp_mark(j);
        const char *start = j->p;
        int r;

        r = jp_count(j);
        if (r < 0)
                return r;
        if (jp_peek(j) == '-')
                jp_advance(j);
        if (jp_peek(j) == '0') {
                jp_advance(j);
                if (is_digit(jp_peek(j)))
                        return jp_error(j, "numbers must not have leading zeros");
        } else if (is_digit(jp_peek(j))) {
                while (is_digit(jp_peek(j)))
                        jp_advance(j);
        } else
                return jp_expected(j, "a digit");
        if (jp_peek(j) == '.') {
                jp_advance(j);
                if (!is_digit(jp_peek(j)))
                        return jp_expected(j, "a digit after '.'");
                while (is_digit(jp_peek(j)))
                        jp_advance(j);
        }
        if (jp_peek(j) == 'e' || jp_peek(j) == 'E') {
                jp_advance(j);
                if (jp_peek(j) == '+' || jp_peek(j) == '-')
                        jp_advance(j);
                if (!is_digit(jp_peek(j)))
                        return jp_expected(j, "a digit in the exponent");
                while (is_digit(jp_peek(j)))
                        jp_advance(j);
        }
        *ret = td_node_new_scalar(mark, start, (size_t) (j->p - start), false, false);
        return *ret ? 0 : -ENOMEM;
}

static int jp_literal(jp *j, td_node **ret) {
        static const char *const words[] = { "true", "false", "null" };
        td_mark mark = jp_mark(j);
        int r;

        for (size_t i = 0; i < ELEMENTSOF(words); i++) {
                size_t n = strlen(words[i]);
                if ((size_t) (j->end - j->p) < n || memcmp(j->p, words[i], n) != 0)
                        continue;
                r = jp_count(j);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < n; k++)
                        jp_advance(j);
                *ret = td_node_new_scalar(mark, words[i], n, false, i == 2);
                return *ret ? 0 : -ENOMEM;
        }
        return jp_expected(j, "a JSON value");
}

static int jp_value(jp *j, unsigned depth, td_node **ret);

static int jp_array(jp *j, unsigned depth, td_node **ret) {
        _cleanup_(td_node_freep) td_node *a = NULL;
        int r;

        r = jp_count(j);
        if (r < 0)
                return r;
        a = td_node_new(TD_NODE_SEQ, jp_mark(j));
        if (!a)
                return -ENOMEM;
        jp_advance(j);
        jp_skip_ws(j);
        if (jp_peek(j) == ']') {
                jp_advance(j);
                *ret = TAKE_PTR(a);
                return 0;
        }
        j->path.seg[j->path.n] = (__typeof__(j->path.seg[0])) { .index = 0 };
        j->path.n++;
        for (;;) {
                _cleanup_(td_node_freep) td_node *v = NULL;

                j->path.seg[j->path.n - 1].index = a->n;
                r = jp_value(j, depth + 1, &v);
                if (r < 0)
                        return r;
                r = td_node_append(a, NULL, v);
                if (r < 0)
                        return r;
                TAKE_PTR(v);
                jp_skip_ws(j);
                if (jp_peek(j) == ']')
                        break;
                if (jp_peek(j) != ',')
                        return jp_expected(j, "',' or ']'");
                jp_advance(j);
        }
        j->path.n--;
        jp_advance(j);
        *ret = TAKE_PTR(a);
        return 0;
}

static int jp_member(jp *j, unsigned depth, td_node *obj) {
        _cleanup_(td_node_freep) td_node *k = NULL, *v = NULL;
        int r;

        jp_skip_ws(j);
        if (jp_peek(j) != '"')
                return jp_expected(j, "a string as object key");
        r = jp_string(j, &k);
        if (r < 0)
                return r;
        j->path.seg[j->path.n - 1].key = k->scalar;
        jp_skip_ws(j);
        if (jp_peek(j) != ':')
                return jp_expected(j, "':' after object key");
        jp_advance(j);
        r = jp_value(j, depth + 1, &v);
        if (r < 0)
                return r;
        r = td_node_append(obj, k, v);
        if (r < 0)
                return r;
        TAKE_PTR(k);
        TAKE_PTR(v);
        return 0;
}

static int jp_object(jp *j, unsigned depth, td_node **ret) {
        _cleanup_(td_node_freep) td_node *o = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = jp_count(j);
        if (r < 0)
                return r;
        o = td_node_new(TD_NODE_MAP, jp_mark(j));
        if (!o)
                return -ENOMEM;
        jp_advance(j);
        jp_skip_ws(j);
        if (jp_peek(j) == '}') {
                jp_advance(j);
                *ret = TAKE_PTR(o);
                return 0;
        }
        j->path.seg[j->path.n++] = (__typeof__(j->path.seg[0])) { .key = "" };
        for (;;) {
                r = jp_member(j, depth, o);
                if (r < 0)
                        return r;
                jp_skip_ws(j);
                if (jp_peek(j) == '}')
                        break;
                if (jp_peek(j) != ',')
                        return jp_expected(j, "',' or '}'");
                jp_advance(j);
        }
        j->path.n--;
        jp_advance(j);

        path = td_path_format(&j->path, j->path.n, NULL);
        if (!path)
                return -ENOMEM;
        r = td_node_check_duplicates(o, path, j->ds);
        if (r == -EINVAL)
                j->failed = true;  /* keep reading: report every problem */
        else if (r < 0)
                return r;
        *ret = TAKE_PTR(o);
        return 0;
}

static int jp_value(jp *j, unsigned depth, td_node **ret) {
        jp_skip_ws(j);
        switch (jp_peek(j)) {
        case '{':
        case '[':
                if (depth >= TD_DOC_MAX_DEPTH)
                        return jp_error(j, "nesting is deeper than %d levels", TD_DOC_MAX_DEPTH);
                return jp_peek(j) == '{' ? jp_object(j, depth, ret) : jp_array(j, depth, ret);
        case '"':
                return jp_string(j, ret);
        case '-':
        case '0' ... '9':
                return jp_number(j, ret);
        default:
                return jp_literal(j, ret);
        }
}

int td_json_parse(const char *file, const char *text, size_t len, td_node **ret, td_diags *ds) {
        _cleanup_(td_node_freep) td_node *root = NULL;
        jp j = { .ds = ds, .line = 1, .col = 1 };
        int r;

        if (!text) {
                /* NULL + 0 is undefined behaviour; read it as "". */
                text = "";
                len = 0;
        }
        j.p = text;
        j.end = text + len;

        j.file = td_diags_intern(ds, file ? file : "<input>");
        if (!j.file)
                return -ENOMEM;
        if (len > TD_DOC_MAX_BYTES)
                return td_diag_error(ds, (td_mark) { j.file }, NULL, "document is larger than the %d-byte limit",
                                     TD_DOC_MAX_BYTES);
        /* RFC 8259 8.1: a parser MAY ignore a byte order mark. */
        if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
                j.p += 3;

        r = jp_value(&j, 0, &root);
        if (r < 0)
                return r;
        jp_skip_ws(&j);
        if (j.p < j.end)
                return jp_expected(&j, "end of input after the JSON value");
        if (j.failed)
                return -EINVAL;
        *ret = TAKE_PTR(root);
        return 0;
}
