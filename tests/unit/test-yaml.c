/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "diag-test.h"
#include "tap.h"
#include "node.h"

/* Parse text; on failure return the diagnostics joined by '|' in *ret_msg
 * (caller frees). */
static int parse(const char *text, td_node **ret, char **ret_msg) {
        td_diags ds = {};
        char *msg = NULL;
        int r;

        *ret = NULL;
        r = td_yaml_parse("t.yaml", text, strlen(text), ret, &ds);
        msg = diags_joined(&ds);
        if (ret_msg)
                *ret_msg = msg;
        else
                free(msg);
        /* Marks point at names interned in ds; a tree that outlives it must
         * not look at mark.file. Tests below only look at line/col. */
        td_diags_done(&ds);
        return r;
}

/* Expect failure with a message containing `want`. */
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

static void test_basic(void) {
        td_node *root = NULL;
        const char *text =
                "tenant: acme\n"
                "memory:\n"
                "  max: 2G\n"
                "  high: \"1536M\"\n"
                "users: [a, 'b', c]\n"
                "nothing:\n"
                "list:\n"
                "  - x\n"
                "  - {k: v}\n";

        is_int(parse(text, &root, NULL), 0, "basic document parses");
        if (!root)
                return;
        is_int(root->type, TD_NODE_MAP, "root is a mapping");
        is_int(root->n, 5, "five top-level keys");
        is_str(root->keys[0]->scalar, "tenant", "first key");
        is_str(td_node_get(root, "tenant")->scalar, "acme", "tenant value");
        is_int(root->keys[1]->mark.line, 2, "memory key on line 2");
        is_int(root->keys[1]->mark.col, 1, "memory key in column 1");

        td_node *mem = td_node_get(root, "memory");
        ok(mem && mem->type == TD_NODE_MAP, "memory is a mapping");
        td_node *max = td_node_get(mem, "max"), *high = td_node_get(mem, "high");
        is_str(max->scalar, "2G", "memory.max text");
        ok(!max->quoted && !max->is_null, "plain scalar is neither quoted nor null");
        is_int(max->mark.line, 3, "memory.max value line 3");
        is_int(max->mark.col, 8, "memory.max value column 8");
        ok(high->quoted, "double-quoted scalar is quoted");
        is_int(high->mark.col, 9, "quoted scalar column points at the quote");

        td_node *users = td_node_get(root, "users");
        ok(users && users->type == TD_NODE_SEQ && users->n == 3, "flow sequence of three");
        ok(users->keys == NULL, "sequence has no keys");
        ok(users->items[1]->quoted && streq(users->items[1]->scalar, "b"), "single-quoted item");
        is_int(users->items[2]->mark.col, 17, "flow item column");

        ok(td_node_get(root, "nothing")->is_null, "empty value is null");
        td_node *list = td_node_get(root, "list");
        ok(list->n == 2 && list->items[1]->type == TD_NODE_MAP, "block list with a flow mapping");
        is_int(list->items[0]->mark.line, 8, "list item line");
        is_int(list->items[0]->mark.col, 5, "list item column");

        ok(td_node_get(root, "missing") == NULL, "absent key is NULL");
        ok(td_node_get(users, "a") == NULL, "get on a list is NULL");
        ok(td_node_get(NULL, "a") == NULL, "get on NULL is NULL");
        is_str(td_node_describe(root), "a mapping", "describe mapping");
        is_str(td_node_describe(users), "a list", "describe list");
        is_str(td_node_describe(max), "a string", "describe scalar");
        is_str(td_node_describe(td_node_get(root, "nothing")), "null", "describe null");
        is_str(td_node_describe(NULL), "null", "describe NULL");

        td_node *copy = td_node_dup(root);
        ok(copy && copy != root && copy->n == root->n, "dup copies the root");
        ok(copy && streq(td_node_get(td_node_get(copy, "memory"), "high")->scalar, "1536M") &&
           td_node_get(td_node_get(copy, "memory"), "high")->quoted, "dup copies nested scalars and flags");
        ok(copy && td_node_get(copy, "memory") != mem, "dup is deep");
        ok(copy && td_node_get(copy, "memory")->mark.line == mem->mark.line &&
           td_node_get(copy, "memory")->mark.col == mem->mark.col, "dup keeps marks");
        td_node_free(copy);
        td_node_free(root);
        td_node_free(NULL);
        ok(td_node_dup(NULL) == NULL, "dup of NULL is NULL");
}

static void test_nulls_and_quotes(void) {
        static const struct { const char *text; bool is_null, quoted; } cases[] = {
                { "v: ~\n", true, false },      { "v: null\n", true, false },  { "v: Null\n", true, false },
                { "v: NULL\n", true, false },   { "v:\n", true, false },       { "v: nUll\n", false, false },
                { "v: 'null'\n", false, true }, { "v: \"~\"\n", false, true }, { "v: ''\n", false, true },
                { "v: |\n  null\n", false, false }, { "v: 0\n", false, false },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                td_node *root = NULL;
                int r = parse(cases[i].text, &root, NULL);
                td_node *v = td_node_get(root, "v");
                ok(r == 0 && v && v->is_null == cases[i].is_null && v->quoted == cases[i].quoted,
                   "null/quoted flags of %.*s", (int) strcspn(cases[i].text, "\n"), cases[i].text);
                td_node_free(root);
        }
}

static void test_documents(void) {
        td_node *root = NULL;

        is_int(parse("", &root, NULL), 0, "empty file parses");
        ok(root && root->type == TD_NODE_SCALAR && root->is_null, "empty file is a null scalar");
        ok(root && root->mark.line == 1 && root->mark.col == 1, "empty document at 1:1");
        td_node_free(root);

        td_diags ds = {};
        is_int(td_yaml_parse("n", NULL, 0, &root, &ds), 0, "NULL text of length 0 is an empty document");
        ok(root && root->is_null, "NULL text gives a null scalar");
        td_node_free(root);
        td_diags_done(&ds);

        is_int(parse("# only a comment\n\n", &root, NULL), 0, "comment-only file parses");
        ok(root && root->is_null, "comment-only file is null");
        td_node_free(root);

        is_int(parse("---\na: 1\n...\n", &root, NULL), 0, "explicit document markers");
        ok(root && root->type == TD_NODE_MAP, "explicit document is a mapping");
        td_node_free(root);

        is_int(parse("just text\n", &root, NULL), 0, "scalar document");
        ok(root && root->type == TD_NODE_SCALAR && streq(root->scalar, "just text"), "scalar document text");
        td_node_free(root);

        fails("two documents", "a: 1\n---\nb: 2\n", "t.yaml:2:1: expected a single YAML document, got a second one");
        fails("two empty documents", "---\n---\n", "second one");
}

static void test_syntax_errors(void) {
        fails("mapping values", "a: b: c\n", "t.yaml:1:5: YAML syntax error: mapping values are not allowed in this context");
        fails("tab indentation", "a:\n\tb: 1\n", "t.yaml:2:1: YAML syntax error: found character that cannot start any token");
        fails("unclosed flow", "a: [1, 2\n", "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 4)");
        fails("unclosed quote", "a: \"abc\n", "t.yaml:2:1: YAML syntax error: found unexpected end of stream");
        fails("bad indentation", "a:\n  b: 1\n c: 2\n", "t.yaml:3:2: YAML syntax error: did not find expected key");
        fails("invalid UTF-8", "a: 1\nb: x\xff\n", "t.yaml:2:5: YAML syntax error: invalid leading UTF-8 octet (byte 0xff)");
        fails("NUL escape", "a: \"x\\0y\"\n", "t.yaml:1:4: a: NUL characters are not allowed in strings");
}

static void test_keys(void) {
        fails("duplicate key", "a: 1\nb: 2\na: 3\n", "t.yaml:3:1: a: duplicate key \"a\"; first defined at line 1, column 1");
        fails("duplicate nested key", "memory:\n  max: 1G\n  high: 1G\n  max: 2G\n",
              "t.yaml:4:3: memory.max: duplicate key \"max\"; first defined at line 2, column 3");
        fails("duplicate in list item", "io:\n  devices:\n    - device: a\n      device: b\n",
              "io.devices[0].device: duplicate key \"device\"; first defined at line 3, column 7");
        fails("quoted duplicate", "a: 1\n'a': 2\n", "duplicate key \"a\"");

        td_node *root = NULL;
        char *msg = NULL;
        is_int(parse("a: 1\na: 2\nb: 1\na: 3\nb: 2\n", &root, &msg), -EINVAL, "several duplicates");
        ok(msg && strstr(msg, "t.yaml:2:1: a:") && strstr(msg, "t.yaml:4:1: a:") && strstr(msg, "t.yaml:5:1: b:"),
           "every duplicate is reported");
        free(msg);

        is_int(parse("a: {x: 1}\nb: {x: 1}\n", &root, NULL), 0, "same key in different mappings is fine");
        td_node_free(root);

        fails("list as key", "? [a, b]\n: 1\n", "t.yaml:1:3: expected a scalar mapping key, got a list");
        fails("mapping as key", "{a: 1}: 2\n", "expected a scalar mapping key, got a mapping");
        fails("merge key", "base: &b {x: 1}\nc:\n  <<: *b\n", "t.yaml:3:3: c: merge keys (<<) are not supported");
        is_int(parse("'<<': 1\n", &root, NULL), 0, "a quoted \"<<\" is an ordinary key");
        td_node_free(root);
}

static void test_aliases(void) {
        td_node *root = NULL;
        const char *text =
                "defaults: &d\n"
                "  max: 2G\n"
                "  list: [a, b]\n"
                "name: &n acme\n"
                "copy: *d\n"
                "who: *n\n";

        is_int(parse(text, &root, NULL), 0, "anchors and aliases parse");
        td_node *d = td_node_get(root, "defaults"), *c = td_node_get(root, "copy");
        ok(c && c->type == TD_NODE_MAP && c->n == 2, "alias copies the mapping");
        ok(c && c != d && td_node_get(c, "list") != td_node_get(d, "list"), "alias is a deep copy");
        ok(c && streq(td_node_get(c, "max")->scalar, "2G"), "copied value");
        is_str(td_node_get(root, "who") ? td_node_get(root, "who")->scalar : NULL, "acme", "scalar alias");
        td_node_free(root);

        is_int(parse("a: &x 1\nb: &x 2\nc: *x\n", &root, NULL), 0, "redefined anchor");
        is_str(root ? td_node_get(root, "c")->scalar : NULL, "2", "alias uses the latest definition");
        td_node_free(root);

        fails("unknown alias", "a: *nope\n", "t.yaml:1:4: a: unknown anchor \"nope\"");
        fails("self-referencing alias", "a: &x [1, *x]\n", "unknown anchor \"x\"");
        fails("alias duplicate key", "a: &k a\n*k : 2\n", "t.yaml:2:1: a: duplicate key \"a\"");
}

static void test_limits(void) {
        /* Billion laughs: 9 levels of 9-fold expansion, 387 million nodes
         * if expanded. The cap must stop it after ~100000 copies. */
        char text[4096];
        size_t o = 0;
        o += (size_t) snprintf(text + o, sizeof text - o, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
                o += (size_t) snprintf(text + o, sizeof text - o, "a%d: &a%d [", i, i);
                for (int k = 0; k < 9; k++)
                        o += (size_t) snprintf(text + o, sizeof text - o, "%s*a%d", k ? ", " : "", i - 1);
                o += (size_t) snprintf(text + o, sizeof text - o, "]\n");
        }
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        fails("billion laughs", text, "document has more than 100000 nodes once aliases are expanded");
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("# billion laughs rejected in %.2f ms\n",
               (double) (t1.tv_sec - t0.tv_sec) * 1e3 + (double) (t1.tv_nsec - t0.tv_nsec) / 1e6);

        /* Depth: 64 nested lists are allowed, 65 are not. */
        char deep[512];
        for (int depth = 64; depth <= 65; depth++) {
                td_node *root = NULL;
                char *msg = NULL;
                memset(deep, 0, sizeof deep);
                memset(deep, '[', (size_t) depth);
                memset(deep + depth, ']', (size_t) depth);
                int r = parse(deep, &root, &msg);
                if (depth == 64)
                        ok(r == 0 && root, "64 levels of nesting parse");
                else
                        ok(r == -EINVAL && msg && strstr(msg, "t.yaml:1:65: ") &&
                           strstr(msg, "nesting is deeper than 64 levels"), "65 levels are refused");
                td_node_free(root);
                free(msg);
        }
        /* A depth bomb far past the limit fails the same way. */
        char *bomb = malloc(200001);
        memset(bomb, '[', 200000);
        bomb[200000] = '\0';
        fails("deep flow bomb", bomb, "nesting is deeper than 64 levels");
        free(bomb);

        /* An alias can add depth too. */
        o = (size_t) snprintf(deep, sizeof deep, "a: &a ");
        for (int i = 0; i < 40; i++)
                deep[o++] = '[';
        for (int i = 0; i < 40; i++)
                deep[o++] = ']';
        o += (size_t) snprintf(deep + o, sizeof deep - o, "\nb: ");
        for (int i = 0; i < 30; i++)
                deep[o++] = '[';
        deep[o++] = '*';
        deep[o++] = 'a';
        for (int i = 0; i < 30; i++)
                deep[o++] = ']';
        deep[o++] = '\n';
        deep[o] = '\0';
        fails("depth through an alias", deep, "nesting is deeper than 64 levels");

        /* Plain node count: 100001 list items. */
        size_t n = 100001, len = n * 3 + 4;
        char *many = malloc(len);
        o = 0;
        many[o++] = '[';
        for (size_t i = 0; i < n; i++) {
                many[o++] = '1';
                many[o++] = ',';
        }
        many[o - 1] = ']';
        many[o] = '\0';
        fails("too many nodes", many, "document has more than 100000 nodes");
        free(many);

        /* Exactly at the size limit is fine for the reader; one more byte
         * is not. */
        td_diags ds = {};
        td_node *root = NULL;
        char *big = malloc(TD_DOC_MAX_BYTES + 2);
        memset(big, '#', TD_DOC_MAX_BYTES + 1);
        big[TD_DOC_MAX_BYTES + 1] = '\0';
        is_int(td_yaml_parse("big", big, TD_DOC_MAX_BYTES, &root, &ds), 0, "document at the byte limit parses");
        td_node_free(root);
        root = NULL;
        is_int(td_yaml_parse("big", big, TD_DOC_MAX_BYTES + 1, &root, &ds), -EINVAL, "document over the byte limit fails");
        ok(ds.n_errors == 1 && strstr(ds.v[0].message, "1048576-byte limit"), "byte limit named");
        td_diags_done(&ds);
        free(big);
}

static void test_doc_load(void) {
        char dir[] = "/tmp/test-yaml-XXXXXX", path[128];
        td_diags ds = {};
        td_node *root = NULL;
        int fd;

        if (!mkdtemp(dir)) {
                ok(0, "mkdtemp");
                return;
        }
        snprintf(path, sizeof path, "%s/p.yaml", dir);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        ok(fd >= 0 && write(fd, "a: [1]\nb: x: y\n", 15) == 15, "write test file");
        close(fd);
        is_int(td_doc_load(path, false, &root, &ds), -EINVAL, "load reports the syntax error");
        ok(ds.n == 1 && ds.v[0].mark.file && streq(ds.v[0].mark.file, path) && ds.v[0].mark.line == 2,
           "diagnostic names the file and line");
        td_diags_done(&ds);

        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        ok(fd >= 0 && write(fd, "{\"a\": [1, true]}", 16) == 16, "rewrite test file as JSON");
        close(fd);
        is_int(td_doc_load(path, true, &root, &ds), 0, "load as JSON");
        ok(root && root->type == TD_NODE_MAP && td_node_get(root, "a")->n == 2, "JSON tree loaded");
        ok(root && streq(root->mark.file, path), "JSON marks name the file");
        td_node_free(root);
        root = NULL;
        td_diags_done(&ds);

        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        ok(fd >= 0 && ftruncate(fd, TD_DOC_MAX_BYTES + 1) == 0, "make an oversized file");
        close(fd);
        is_int(td_doc_load(path, false, &root, &ds), -EINVAL, "oversized file refused");
        ok(ds.n == 1 && strstr(ds.v[0].message, "larger than the 1048576-byte limit"), "size limit named");
        td_diags_done(&ds);

        unlink(path);
        ok(mkfifo(path, 0600) == 0, "make a FIFO");
        is_int(td_doc_load(path, false, &root, &ds), -EINVAL, "FIFO refused without blocking");
        ok(ds.n == 1 && strstr(ds.v[0].message, "expected a regular file"), "FIFO reported");
        td_diags_done(&ds);
        is_int(td_doc_load("/dev/zero", false, &root, &ds), -EINVAL, "device refused");
        td_diags_done(&ds);
        is_int(td_doc_load(dir, false, &root, &ds), -EISDIR, "directory is -EISDIR");
        ok(ds.n == 1 && strstr(ds.v[0].message, "cannot read: Is a directory"), "directory reported");
        td_diags_done(&ds);

        unlink(path);
        is_int(td_doc_load(path, false, &root, &ds), -ENOENT, "missing file is -ENOENT");
        ok(ds.n == 1 && strstr(ds.v[0].message, "cannot read: No such file"), "missing file reported");
        ok(root == NULL, "no tree on failure");
        td_diags_done(&ds);
        rmdir(dir);
}

int main(void) {
        test_basic();
        test_nulls_and_quotes();
        test_documents();
        test_syntax_errors();
        test_keys();
        test_aliases();
        test_limits();
        test_doc_load();
        return tap_done();
}
