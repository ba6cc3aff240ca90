/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* See json-writer.h. */
#include <inttypes.h>
#include <string.h>

#include "json-writer.h"
#include "util.h"

/* A JSON string. Group names come from the file system and policy texts
 * from operators: quote, backslash and control characters are escaped,
 * bytes that are not UTF-8 become U+FFFD so the output always parses. */
void td_json_string(FILE *f, const char *s) {
        const unsigned char *p = (const unsigned char *) s, *end = p + strlen(s);

        fputc('"', f);
        while (*p) {
                size_t n = td_utf8_len(p, end);

                if (n == 0) {
                        fputs("\\ufffd", f);
                        p++;
                        continue;
                }
                switch (*p) {
                case '"':  fputs("\\\"", f); break;
                case '\\': fputs("\\\\", f); break;
                case '\n': fputs("\\n", f); break;
                case '\r': fputs("\\r", f); break;
                case '\t': fputs("\\t", f); break;
                case '\b': fputs("\\b", f); break;
                case '\f': fputs("\\f", f); break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\u%04x", *p);
                        else
                                fwrite(p, 1, n, f);
                }
                p += n;
        }
        fputc('"', f);
}

static void item(td_jw *w, const char *key) {
        if (w->comma[w->depth])
                fputc(',', w->f);
        w->comma[w->depth] = true;
        if (w->depth > 0)
                fprintf(w->f, "\n%*s", (int) w->depth * 2, "");
        if (key) {
                td_json_string(w->f, key);
                fputs(": ", w->f);
        }
}

void td_jw_open(td_jw *w, const char *key, char c) {
        item(w, key);
        fputc(c, w->f);
        if (w->depth + 1 < ELEMENTSOF(w->comma))
                w->depth++;
        w->comma[w->depth] = false;
}

void td_jw_close(td_jw *w, char c) {
        bool any = w->comma[w->depth];

        if (w->depth > 0)
                w->depth--;
        if (any)
                fprintf(w->f, "\n%*s", (int) w->depth * 2, "");
        fputc(c, w->f);
        if (w->depth == 0)
                fputc('\n', w->f);
}

void td_jw_str(td_jw *w, const char *key, const char *s) {
        item(w, key);
        if (s)
                td_json_string(w->f, s);
        else
                fputs("null", w->f);
}

void td_jw_u64(td_jw *w, const char *key, uint64_t v) {
        item(w, key);
        fprintf(w->f, "%" PRIu64, v);
}

void td_jw_bool(td_jw *w, const char *key, bool b) {
        item(w, key);
        fputs(b ? "true" : "false", w->f);
}

void td_jw_raw(td_jw *w, const char *key, const char *json) {
        item(w, key);
        fputs(json, w->f);
}
