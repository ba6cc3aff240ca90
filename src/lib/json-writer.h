/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A small streaming JSON writer: objects and arrays nest up to 15 levels,
 * two-space indentation, one value per line, a newline after the outermost
 * value. Strings are always valid JSON whatever the input bytes: quote,
 * backslash and control characters are escaped and bytes that are not
 * UTF-8 become U+FFFD (group names come from the file system, texts from
 * operators). Writes go to a stdio stream; errors are the stream's
 * (check ferror() at the end). The reader is node.h's td_json_parse. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct td_jw {
        FILE *f;
        unsigned depth;
        bool comma[16];         /* per depth: a value was written, next needs "," */
} td_jw;

/* `s` as a JSON string literal. */
void td_json_string(FILE *f, const char *s);

/* Every value takes a `key`: the member name inside an object, NULL inside
 * an array or at the top. */
void td_jw_open(td_jw *w, const char *key, char c);    /* c: '{' or '[' */
void td_jw_close(td_jw *w, char c);                    /* c: '}' or ']' */
void td_jw_str(td_jw *w, const char *key, const char *s);   /* NULL: null */
void td_jw_u64(td_jw *w, const char *key, uint64_t v);
void td_jw_bool(td_jw *w, const char *key, bool b);
void td_jw_raw(td_jw *w, const char *key, const char *json);   /* a literal: null, "max" */
