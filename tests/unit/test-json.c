/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "diag-test.h"
#include "tap.h"
#include "json-writer.h"
#include "node.h"

static int parse_len(const char *text, size_t len, td_node **ret, char **ret_msg) {
        td_diags ds = {};
        char *msg = NULL;
        int r;

        *ret = NULL;
        r = td_json_parse("t.json", text, len, ret, &ds);
        msg = diags_joined(&ds);
        if (ret_msg)
                *ret_msg = msg;
        else
                free(msg);
        td_diags_done(&ds);
        return r;
}

static int parse(const char *text, td_node **ret, char **ret_msg) {
        return parse_len(text, strlen(text), ret, ret_msg);
}

static void fails(const char *name, const char *text, const char *want) {
        td_node *root = NULL;
        char *msg = NULL;
        int r = parse(text, &root, &msg);
        ok(r == -EINVAL && !root && msg && strstr(msg, want), "%s: fails with \"%s\"", name, want);
        if (!(msg && strstr(msg, want)))
                printf("#   r=%d msg=%s\n", r, msg ? msg : "(null)");
        td_node_free(root);
        free(msg);
}

/* Parse a single JSON string value and compare the decoded bytes. */
static void string_is(const char *json, const char *want) {
        td_node *root = NULL;
        int r = parse(json, &root, NULL);
        ok(r == 0 && root && root->type == TD_NODE_SCALAR && root->quoted && streq(root->scalar, want),
           "string %s decodes", json);
        td_node_free(root);
}

static void test_values(void) {
        td_node *root = NULL;
        const char *text =
                "{\n"
                "\t\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
                "\t\"defaultErrnoRet\": 1,\n"
                "\t\"list\": [true, false, null, -0.5e+3, 0, {}, []],\n"
                "\t\"nested\": {\"a\": {\"b\": \"c\"}}\n"
                "}\n";

        is_int(parse(text, &root, NULL), 0, "tab-indented object parses");
        if (!root)
                return;
        ok(root->type == TD_NODE_MAP && root->n == 4, "four members");
        is_int(root->mark.line, 1, "object mark line");
        is_int(root->mark.col, 1, "object mark column");
        td_node *da = td_node_get(root, "defaultAction");
        ok(da && da->quoted && streq(da->scalar, "SCMP_ACT_ERRNO"), "string member");
        is_int(da->mark.line, 2, "string line");
        is_int(da->mark.col, 19, "string column (tab counts as one)");
        is_int(root->keys[0]->mark.col, 2, "key column");
        ok(root->keys[0]->quoted, "keys are quoted scalars");
        td_node *num = td_node_get(root, "defaultErrnoRet");
        ok(num && !num->quoted && streq(num->scalar, "1"), "number kept as text, unquoted");

        td_node *l = td_node_get(root, "list");
        ok(l && l->type == TD_NODE_SEQ && l->n == 7, "array of seven");
        ok(streq(l->items[0]->scalar, "true") && !l->items[0]->quoted && !l->items[0]->is_null, "true");
        ok(streq(l->items[1]->scalar, "false"), "false");
        ok(l->items[2]->is_null && !l->items[2]->quoted, "null");
        ok(streq(l->items[3]->scalar, "-0.5e+3"), "number text kept verbatim");
        ok(l->items[5]->type == TD_NODE_MAP && l->items[5]->n == 0, "empty object");
        ok(l->items[6]->type == TD_NODE_SEQ && l->items[6]->n == 0, "empty array");
        is_int(l->items[4]->mark.col, 39, "array item column");
        td_node *b = td_node_get(td_node_get(td_node_get(root, "nested"), "a"), "b");
        ok(b && streq(b->scalar, "c"), "nested lookup");
        td_node_free(root);

        is_int(parse(" \r\n 42 \n", &root, NULL), 0, "bare number document");
        ok(root && streq(root->scalar, "42") && root->mark.line == 2 && root->mark.col == 2, "bare number mark");
        td_node_free(root);
        is_int(parse("\xef\xbb\xbf[1]", &root, NULL), 0, "byte order mark ignored");
        td_node_free(root);
}

static void test_strings(void) {
        string_is("\"plain\"", "plain");
        string_is("\"\"", "");
        string_is("\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d");
        string_is("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t");
        string_is("\"\\u0041\\u00e9\\u20AC\"", "A\xc3\xa9\xe2\x82\xac");
        string_is("\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80");
        string_is("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xf0\x9f\x98\x80");
        string_is("\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf");

        /* Why JSON has its own reader: valid JSON that libyaml refuses. */
        static const char pair[] = "{\"s\": \"\\ud83d\\ude00\"}";
        td_diags ds = {};
        td_node *root = NULL;
        ok(td_yaml_parse("p", pair, strlen(pair), &root, &ds) == -EINVAL && !root,
           "libyaml refuses a surrogate pair escape");
        td_diags_done(&ds);

        fails("lone high surrogate", "\"\\ud83d\"", "high surrogate without a low surrogate");
        fails("high surrogate + non-surrogate", "\"\\ud83d\\u0041\"", "high surrogate without a low surrogate");
        fails("lone low surrogate", "\"\\ude00\"", "t.json:1:2: invalid \\u escape: unpaired low surrogate");
        fails("bad hex", "\"\\u12G4\"", "expected 4 hex digits after \\u");
        fails("short hex", "\"\\u12", "expected 4 hex digits after \\u");
        fails("NUL escape", "\"a\\u0000b\"", "NUL characters are not allowed in strings");
        fails("bad escape", "\"\\x\"", "invalid escape sequence");
        fails("raw control character", "\"a\tb\"", "t.json:1:3: control characters must be escaped in strings, got byte 0x09");
        fails("raw newline", "\"a\nb\"", "control characters must be escaped");
        fails("unterminated", "\"abc", "expected '\"' to end the string, got end of input");
        fails("invalid UTF-8", "\"a\xff\"", "invalid UTF-8 (byte 0xff)");
        fails("overlong UTF-8", "\"\xc0\xaf\"", "invalid UTF-8 (byte 0xc0)");
        fails("UTF-8 surrogate", "\"\xed\xa0\x80\"", "invalid UTF-8 (byte 0xed)");
        fails("truncated UTF-8", "\"\xe2\x82\"", "invalid UTF-8");
        fails("above U+10FFFF", "\"\xf4\x90\x80\x80\"", "invalid UTF-8");
        fails("single quotes", "['a']", "t.json:1:2: [0]: expected a JSON value, got '''");
}

static void test_syntax(void) {
        fails("empty", "", "t.json:1:1: expected a JSON value, got end of input");
        fails("whitespace only", "  \n ", "expected a JSON value, got end of input");
        fails("trailing comma in array", "[1, 2,]", "t.json:1:7: [2]: expected a JSON value, got ']'");
        fails("trailing comma in object", "{\"a\": 1,}", "expected a string as object key, got '}'");
        fails("missing colon", "{\"a\" 1}", "t.json:1:6: a: expected ':' after object key, got '1'");
        fails("missing comma", "[1 2]", "expected ',' or ']', got '2'");
        fails("unquoted key", "{a: 1}", "expected a string as object key, got 'a'");
        fails("unclosed array", "[1, 2", "expected ',' or ']', got end of input");
        fails("unclosed object", "{\"a\": 1", "expected ',' or '}', got end of input");
        fails("trailing junk", "{} x", "t.json:1:4: expected end of input after the JSON value, got 'x'");
        fails("two values", "1 2", "expected end of input after the JSON value");
        fails("leading zero", "012", "numbers must not have leading zeros");
        fails("plus sign", "+1", "expected a JSON value, got '+'");
        fails("bare minus", "-", "expected a digit, got end of input");
        fails("dot without digits", "1.", "expected a digit after '.'");
        fails("leading dot", ".5", "expected a JSON value, got '.'");
        fails("exponent without digits", "1e+", "expected a digit in the exponent");
        fails("hex", "0x10", "expected end of input after the JSON value, got 'x'");
        fails("NaN", "NaN", "expected a JSON value, got 'N'");
        fails("Infinity", "[Infinity]", "expected a JSON value");
        fails("True", "True", "expected a JSON value, got 'T'");
        fails("truncated literal", "[tru]", "expected a JSON value, got 't'");
        fails("literal with junk", "[truex]", "expected ',' or ']', got 'x'");
        fails("comment", "// c\n1", "expected a JSON value, got '/'");
        fails("control byte", "\x01", "got byte 0x01");
        fails("vertical tab whitespace", "\v1", "got byte 0x0b");

        td_node *root = NULL;
        char *msg = NULL;
        is_int(parse_len(NULL, 0, &root, &msg), -EINVAL, "NULL text of length 0 is an empty document");
        ok(msg && strstr(msg, "got end of input"), "empty NULL text reported");
        free(msg);
        is_int(parse_len("[1]\0", 4, &root, &msg), -EINVAL, "embedded NUL after the value");
        ok(msg && strstr(msg, "got byte 0x00"), "NUL byte named");
        free(msg);

        fails("error mark after newlines", "{\n  \"a\": [\n    1,\n    x\n  ]\n}",
              "t.json:4:5: a[1]: expected a JSON value, got 'x'");
        fails("mark counts characters", "[\"\xc3\xa9\xc3\xa9\", x]", "t.json:1:8: [1]: expected a JSON value");
}

static void test_keys_and_limits(void) {
        fails("duplicate key", "{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", "t.json:3:2: a: duplicate key \"a\"; first defined at line 1, column 2");
        fails("nested duplicate", "{\"x\": [{\"k\": 1, \"k\": 2}]}", "x[0].k: duplicate key \"k\"");
        fails("duplicate after escape decoding", "{\"a\": 1, \"\\u0061\": 2}", "duplicate key \"a\"");

        td_node *root = NULL;
        char *msg = NULL;
        is_int(parse("{\"a\": 1, \"a\": 2, \"b\": {\"c\": 1, \"c\": 1}}", &root, &msg), -EINVAL, "two duplicates");
        ok(msg && strstr(msg, "a: duplicate") && strstr(msg, "b.c: duplicate"), "both reported");
        free(msg);

        char deep[200];
        for (int depth = 64; depth <= 65; depth++) {
                memset(deep, 0, sizeof deep);
                memset(deep, '[', (size_t) depth);
                memset(deep + depth, ']', (size_t) depth);
                root = NULL;
                msg = NULL;
                int r = parse(deep, &root, &msg);
                if (depth == 64)
                        ok(r == 0 && root, "64 levels parse");
                else
                        ok(r == -EINVAL && msg && strstr(msg, "t.json:1:65:") && strstr(msg, "nesting is deeper than 64 levels"),
                           "65 levels refused");
                td_node_free(root);
                free(msg);
        }
        char *bomb = malloc(500001);
        memset(bomb, '[', 500000);
        bomb[500000] = '\0';
        fails("depth bomb", bomb, "nesting is deeper than 64 levels");
        memset(bomb, '{', 500000);
        fails("object depth bomb", bomb, "expected a string as object key, got '{'");
        for (int i = 0; i < 100000; i++)
                memcpy(bomb + i * 5, "{\"\":", 4), bomb[i * 5 + 4] = ' ';
        fails("object key depth bomb", bomb, "nesting is deeper than 64 levels");
        free(bomb);

        size_t n = 100001;
        char *many = malloc(n * 2 + 2);
        size_t o = 0;
        many[o++] = '[';
        for (size_t i = 0; i < n; i++) {
                many[o++] = '0';
                many[o++] = ',';
        }
        many[o - 1] = ']';
        many[o] = '\0';
        fails("too many nodes", many, "document has more than 100000 nodes");
        many[2 * 99999] = ']';  /* 99999 items + the array = 100000 nodes */
        many[2 * 99999 + 1] = '\0';
        is_int(parse(many, &root, NULL), 0, "exactly 100000 nodes parse");
        td_node_free(root);
        free(many);
}

static void test_docker_profile(void) {
        const char *dir = getenv("TD_SHARED_DATA");
        char path[4096];
        td_diags ds = {};
        td_node *root = NULL;

        snprintf(path, sizeof path, "%s/docker-default-seccomp.json", dir ? dir : "");
        if (!dir || access(path, R_OK) < 0) {
                tap_n++;
                printf("ok %d - docker default profile loads # SKIP %s not available "
                       "(shared data is absent in a user's clone)\n", tap_n, path);
                return;
        }
        int r = td_doc_load(path, true, &root, &ds);
        is_int(r, 0, "docker default profile loads");
        if (r < 0)
                td_diags_print(&ds, stdout);
        td_node *syscalls = td_node_get(root, "syscalls");
        ok(syscalls && syscalls->type == TD_NODE_SEQ && syscalls->n > 10, "profile has a syscalls list");
        td_node *da = td_node_get(root, "defaultAction");
        ok(da && streq(da->scalar, "SCMP_ACT_ERRNO"), "defaultAction read");

        td_node_free(root);
        td_diags_done(&ds);
}

/* The writer's output always parses, and strings come back as written
 * (bytes that are not UTF-8 as U+FFFD). */
static void test_writer(void) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        td_jw w = { .f = f };
        static const char nasty[] = "q\" b\\ nl\n tab\t cr\r bs\b ff\f bell\a del\x7f bad\xff \xc3\xbc end";
        td_node *root = NULL, *n;
        char *msg = NULL;

        td_jw_open(&w, NULL, '{');
        td_jw_str(&w, "s", nasty);
        td_jw_str(&w, "none", NULL);
        td_jw_u64(&w, "big", UINT64_MAX);
        td_jw_bool(&w, "yes", true);
        td_jw_raw(&w, "max", "\"max\"");
        td_jw_open(&w, "list", '[');
        td_jw_u64(&w, NULL, 1);
        td_jw_open(&w, NULL, '{');
        td_jw_close(&w, '}');
        td_jw_open(&w, NULL, '[');
        td_jw_close(&w, ']');
        td_jw_close(&w, ']');
        td_jw_str(&w, "k\"ey\n", "v");
        td_jw_close(&w, '}');
        fclose(f);

        int r = parse_len(buf, len, &root, &msg);
        is_int(r, 0, "writer: output parses");
        if (r < 0)
                printf("# %s\n# %s", msg ? msg : "", buf);
        n = td_node_get(root, "s");
        is_str(n ? n->scalar : NULL, "q\" b\\ nl\n tab\t cr\r bs\b ff\f bell\a del\x7f bad\xef\xbf\xbd \xc3\xbc end",
               "writer: escapes come back as written, a bad byte as U+FFFD");
        n = td_node_get(root, "none");
        ok(n && n->is_null, "writer: NULL string is null");
        n = td_node_get(root, "big");
        is_str(n ? n->scalar : NULL, "18446744073709551615", "writer: u64 in full");
        n = td_node_get(root, "yes");
        is_str(n ? n->scalar : NULL, "true", "writer: bool");
        n = td_node_get(root, "max");
        ok(n && n->quoted && streq(n->scalar, "max"), "writer: raw literal");
        n = td_node_get(root, "list");
        ok(n && n->type == TD_NODE_SEQ && n->n == 3 && n->items[1]->type == TD_NODE_MAP && n->items[1]->n == 0 &&
           n->items[2]->type == TD_NODE_SEQ && n->items[2]->n == 0, "writer: nested and empty containers");
        n = td_node_get(root, "k\"ey\n");
        is_str(n ? n->scalar : NULL, "v", "writer: keys are escaped too");
        ok(len > 0 && buf[len - 1] == '\n', "writer: a newline after the outermost value");
        td_node_free(root);
        free(msg);
        free(buf);
}

int main(void) {
        test_writer();
        test_values();
        test_strings();
        test_syntax();
        test_keys_and_limits();
        test_docker_profile();
        return tap_done();
}
