/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-yaml.c — safe loading of one YAML document and key-table dispatch with typed handlers. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "policy-internal.h"
#include "policy-scalar.h"

/* ---- reporting -------------------------------------------------------------------------------- */

SourcePos policy_node_pos(const PolicyParser *p, const yaml_node_t *n) {
        SourcePos pos = {
                .file = policy_source_name(p->src),
        };
        if (n) {
                pos.line = (unsigned) n->start_mark.line + 1;
                pos.column = (unsigned) n->start_mark.column + 1;
        }
        return pos;
}

_printf_(4, 0) static int report_v(
        PolicyParser *p, const SourcePos *pos, PolicySeverity sev, const char *format, va_list ap) {
        const char *text = NULL;
        size_t len = 0;
        int r;

        if (sev == POLICY_SEVERITY_ERROR && p->n_errors >= POLICY_ERRORS_PER_FILE_MAX) {
                /* Enough for one file: say so once, then only count. */
                if (p->n_errors++ == POLICY_ERRORS_PER_FILE_MAX)
                        r = policy_diag_add(p->diag, POLICY_SEVERITY_ERROR, pos->file ?: policy_source_name(p->src),
                                            0, 0, NULL, 0, "too many errors; not reporting more in this file");
                else
                        r = 0;
                return r < 0 ? r : -EINVAL;
        }
        if (pos->line > 0 && policy_source_get_line(p->src, pos->line, &text, &len) < 0)
                text = NULL;
        r = policy_diag_addv(p->diag, sev, pos->file ?: policy_source_name(p->src), pos->line, pos->column,
                             text, len, format, ap);
        if (sev == POLICY_SEVERITY_ERROR) {
                p->n_errors++;
                return r < 0 ? r : -EINVAL;
        }
        return r;
}

int policy_error_at(PolicyParser *p, const SourcePos *pos, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = report_v(p, pos, POLICY_SEVERITY_ERROR, format, ap);
        va_end(ap);
        return r;
}

int policy_warning_at(PolicyParser *p, const SourcePos *pos, const char *format, ...) {
        va_list ap;
        int r;

        va_start(ap, format);
        r = report_v(p, pos, POLICY_SEVERITY_WARNING, format, ap);
        va_end(ap);
        return r;
}

int policy_error(PolicyParser *p, const yaml_node_t *n, const char *format, ...) {
        SourcePos pos = policy_node_pos(p, n);
        va_list ap;
        int r;

        va_start(ap, format);
        r = report_v(p, &pos, POLICY_SEVERITY_ERROR, format, ap);
        va_end(ap);
        return r;
}

/* ---- loading ---------------------------------------------------------------------------------- */

static SourcePos mark_pos(const PolicyParser *p, yaml_mark_t m) {
        return (SourcePos) {
                .file = policy_source_name(p->src),
                .line = (unsigned) m.line + 1,
                .column = (unsigned) m.column + 1,
        };
}

static int report_yaml_error(PolicyParser *p, const yaml_parser_t *parser) {
        SourcePos pos;

        if (parser->error == YAML_MEMORY_ERROR)
                return -ENOMEM;

        if (parser->error == YAML_READER_ERROR) {
                /* The reader gives a byte offset, not a mark. */
                size_t size;
                const char *text = policy_source_text(p->src, &size);
                unsigned line = 1, column = 1;

                for (size_t i = 0; i < parser->problem_offset && i < size; i++) {
                        if (text[i] == '\n') {
                                line++;
                                column = 1;
                        } else if (((unsigned char) text[i] & 0xC0) != 0x80)
                                column++;
                }
                pos = (SourcePos) { .file = policy_source_name(p->src), .line = line, .column = column };
                return policy_error_at(p, &pos, "invalid YAML: %s", parser->problem ?: "unreadable input");
        }

        pos = mark_pos(p, parser->problem_mark);
        /* The context helps only when it points elsewhere ("while parsing a block mapping" that began
         * on an earlier line). */
        if (parser->context && parser->context_mark.line != parser->problem_mark.line)
                return policy_error_at(p, &pos, "invalid YAML: %s (%s that began on line %zu)",
                                       parser->problem ?: "syntax error", parser->context,
                                       parser->context_mark.line + 1);
        return policy_error_at(p, &pos, "invalid YAML: %s", parser->problem ?: "syntax error");
}

/* First pass over the event stream: refuse what the document API would silently accept or
 * expand (aliases, anchors, tags, several documents) and enforce depth and string limits before
 * anything is built. */
static int policy_check_events(PolicyParser *p, bool allow_empty) {
        _cleanup_(yaml_parser_delete) yaml_parser_t parser = {};
        size_t size;
        const char *text = policy_source_text(p->src, &size);
        unsigned depth = 0, n_docs = 0;
        bool done = false;
        int r = 0;

        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, size);

        while (!done) {
                yaml_event_t event;
                SourcePos pos;

                if (!yaml_parser_parse(&parser, &event))
                        return report_yaml_error(p, &parser);

                pos = mark_pos(p, event.start_mark);
                switch (event.type) {
                case YAML_STREAM_END_EVENT:
                        done = true;
                        break;
                case YAML_DOCUMENT_START_EVENT:
                        if (++n_docs > 1)
                                r = policy_error_at(p, &pos, "only one YAML document per file is allowed");
                        break;
                case YAML_ALIAS_EVENT:
                        r = policy_error_at(p, &pos, "YAML aliases (*%s) are not supported; write the value out",
                                            (const char *) event.data.alias.anchor);
                        break;
                case YAML_SCALAR_EVENT:
                        if (event.data.scalar.anchor)
                                r = policy_error_at(p, &pos, "YAML anchors (&%s) are not supported",
                                                    (const char *) event.data.scalar.anchor);
                        else if (event.data.scalar.tag && !event.data.scalar.plain_implicit &&
                                 !event.data.scalar.quoted_implicit)
                                r = policy_error_at(p, &pos, "YAML tags (%s) are not supported",
                                                    (const char *) event.data.scalar.tag);
                        else if (event.data.scalar.length > POLICY_STRING_MAX)
                                r = policy_error_at(p, &pos, "string longer than %u bytes", POLICY_STRING_MAX);
                        else if (strlen((const char *) event.data.scalar.value) != event.data.scalar.length)
                                r = policy_error_at(p, &pos, "string contains a NUL character");
                        break;
                case YAML_SEQUENCE_START_EVENT:
                case YAML_MAPPING_START_EVENT: {
                        const yaml_char_t *anchor = event.type == YAML_SEQUENCE_START_EVENT
                                                            ? event.data.sequence_start.anchor
                                                            : event.data.mapping_start.anchor;
                        const yaml_char_t *tag = event.type == YAML_SEQUENCE_START_EVENT
                                                         ? event.data.sequence_start.tag
                                                         : event.data.mapping_start.tag;
                        int implicit = event.type == YAML_SEQUENCE_START_EVENT
                                               ? event.data.sequence_start.implicit
                                               : event.data.mapping_start.implicit;
                        if (anchor)
                                r = policy_error_at(p, &pos, "YAML anchors (&%s) are not supported",
                                                    (const char *) anchor);
                        else if (tag && !implicit)
                                r = policy_error_at(p, &pos, "YAML tags (%s) are not supported",
                                                    (const char *) tag);
                        else if (++depth > POLICY_DEPTH_MAX)
                                r = policy_error_at(p, &pos, "nesting deeper than %u levels", POLICY_DEPTH_MAX);
                        break;
                }
                case YAML_SEQUENCE_END_EVENT:
                case YAML_MAPPING_END_EVENT:
                        depth--;
                        break;
                case YAML_NO_EVENT:
                case YAML_STREAM_START_EVENT:
                case YAML_DOCUMENT_END_EVENT:
                        break;
                }
                yaml_event_delete(&event);
                if (r < 0)
                        return r; /* one structural problem is enough: stop at the first */
        }

        if (n_docs == 0 && !allow_empty) {
                SourcePos pos = { .file = policy_source_name(p->src), .line = 1, .column = 1 };
                return policy_error_at(p, &pos, "file is empty; expected a mapping of keys");
        }
        return 0;
}

int policy_parser_load(
        PolicyParser *p, PolicySource *src, PolicyDiagnostics *diag, bool allow_empty, yaml_node_t **ret_root) {
        _cleanup_(yaml_parser_delete) yaml_parser_t parser = {};
        size_t size;
        const char *text;
        yaml_node_t *root;
        int r;

        *p = (PolicyParser) {
                .src = src,
                .diag = diag,
        };

        r = policy_check_events(p, allow_empty);
        if (r < 0)
                return r;

        text = policy_source_text(src, &size);
        if (!yaml_parser_initialize(&parser))
                return -ENOMEM;
        yaml_parser_set_input_string(&parser, (const unsigned char *) text, size);
        if (!yaml_parser_load(&parser, &p->doc))
                return report_yaml_error(p, &parser);
        p->doc_loaded = true;

        root = yaml_document_get_root_node(&p->doc);
        if (allow_empty && (!root || policy_node_is_null(root))) {
                *ret_root = NULL;
                return 0;
        }
        if (!root) {
                SourcePos pos = { .file = policy_source_name(src), .line = 1, .column = 1 };
                return policy_error_at(p, &pos, "file is empty; expected a mapping of keys");
        }
        if (root->type != YAML_MAPPING_NODE)
                return policy_error(p, root, "expected a mapping of keys at the top level, got %s",
                                    policy_node_kind(root));
        *ret_root = root;
        return 0;
}

void policy_parser_done(PolicyParser *p) {
        if (p->doc_loaded)
                yaml_document_delete(&p->doc);
        p->doc_loaded = false;
}

/* ---- nodes ------------------------------------------------------------------------------------ */

yaml_node_t *policy_node_get(PolicyParser *p, int index) {
        return yaml_document_get_node(&p->doc, index);
}

const char *policy_node_scalar(const yaml_node_t *n) {
        if (!n || n->type != YAML_SCALAR_NODE)
                return NULL;
        return (const char *) n->data.scalar.value;
}

bool policy_node_is_null(const yaml_node_t *n) {
        const char *s = policy_node_scalar(n);

        if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
                return false;
        return streq(s, "") || streq(s, "~") || streq(s, "null") || streq(s, "Null") || streq(s, "NULL");
}

const char *policy_node_kind(const yaml_node_t *n) {
        if (!n)
                return "nothing";
        switch (n->type) {
        case YAML_SCALAR_NODE:
                return policy_node_is_null(n) ? "an empty value" : "a scalar";
        case YAML_SEQUENCE_NODE:
                return "a list";
        case YAML_MAPPING_NODE:
                return "a mapping";
        case YAML_NO_NODE:
                break;
        }
        return "nothing";
}

const char *policy_join(const char *const *values, char *buf, size_t size) {
        size_t n = 0;

        if (size == 0)
                return "";
        buf[0] = 0;
        for (const char *const *v = values; v && *v; v++) {
                int k = snprintf(buf + n, size - n, "%s%s", v == values ? "" : ", ", *v);
                if (k < 0 || (size_t) k >= size - n)
                        break;
                n += (size_t) k;
        }
        return buf;
}

int policy_expect(PolicyParser *p, const char *key, yaml_node_t *value, yaml_node_type_t type) {
        const char *want;

        if (value->type == type && !(type == YAML_SCALAR_NODE && policy_node_is_null(value)))
                return 0;
        switch (type) {
        case YAML_SCALAR_NODE:
                want = "a value";
                break;
        case YAML_SEQUENCE_NODE:
                want = "a list";
                break;
        case YAML_MAPPING_NODE:
                want = "a mapping";
                break;
        case YAML_NO_NODE:
        default:
                want = "something";
                break;
        }
        return policy_error(p, value, "'%s' expects %s, got %s", key, want, policy_node_kind(value));
}

/* ---- dispatch --------------------------------------------------------------------------------- */

int policy_map_dispatch(PolicyParser *p, yaml_node_t *map, const char *what, const PolicyKey *keys, void *base) {
        const char *names[64];
        size_t n_keys = 0;
        unsigned seen_line[64] = {};
        int ret = 0;

        for (const PolicyKey *k = keys; k->name; k++) {
                if (n_keys >= ELEMENTSOF(names) - 1)
                        return -E2BIG; /* programming error */
                names[n_keys++] = k->name;
        }
        names[n_keys] = NULL;

        if (map->type != YAML_MAPPING_NODE)
                return policy_error(p, map, "%s must be a mapping, got %s", what, policy_node_kind(map));

        for (yaml_node_pair_t *pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
                yaml_node_t *key = policy_node_get(p, pair->key), *value = policy_node_get(p, pair->value);
                const char *name = policy_node_scalar(key);
                const PolicyKey *k = NULL;
                int r;

                if (!key || !value)
                        return -EINVAL;
                if (!name || key->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
                        r = policy_error(p, key, "keys in %s must be plain words, got %s", what,
                                         name ? "a quoted string" : policy_node_kind(key));
                        goto next;
                }

                for (size_t i = 0; i < n_keys; i++)
                        if (streq(keys[i].name, name)) {
                                k = &keys[i];
                                break;
                        }
                if (!k) {
                        const char *s = suggest_closest(name, names);
                        char buf[512];

                        if (s)
                                r = policy_error(p, key, "unknown key '%s' in %s; did you mean '%s'?", name, what, s);
                        else
                                r = policy_error(p, key, "unknown key '%s' in %s; expected one of: %s", name, what,
                                                 policy_join(names, buf, sizeof(buf)));
                        goto next;
                }

                size_t idx = (size_t) (k - keys);
                if (seen_line[idx] > 0) {
                        r = policy_error(p, key, "duplicate key '%s' (first given on line %u)", name, seen_line[idx]);
                        goto next;
                }
                seen_line[idx] = (unsigned) key->start_mark.line + 1;

                if (k->pos_offset != SIZE_MAX)
                        *(SourcePos *) ((uint8_t *) base + k->pos_offset) = policy_node_pos(p, key);
                r = k->handler(p, k, value, base);
        next:
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        ret = -EINVAL;
                if (p->n_errors > POLICY_ERRORS_PER_FILE_MAX)
                        return -EINVAL; /* no point in walking the rest */
        }
        return ret;
}

/* ---- generic handlers ------------------------------------------------------------------------- */

#define FIELD(type, base, k) ((type *) ((uint8_t *) (base) + (k)->offset))

static int scalar_value(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, const char **ret) {
        int r = policy_expect(p, k->name, value, YAML_SCALAR_NODE);
        if (r < 0)
                return r;
        *ret = policy_node_scalar(value);
        return 0;
}

/* Booleans and numbers must be written plainly: a quoted "true" is a string in YAML. */
static int plain_scalar_value(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, const char *kind, const char **ret) {
        int r = scalar_value(p, k, value, ret);
        if (r < 0)
                return r;
        if (value->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
                return policy_error(p, value, "'%s' expects %s, got a quoted string", k->name, kind);
        return 0;
}

int policy_handle_string(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        char **field = FIELD(char *, base, k), *s;
        const char *v;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        if (k->max > 0 && strlen(v) > k->max)
                return policy_error(p, value, "'%s' is longer than %" PRIu64 " characters", k->name, k->max);
        s = strdup(v);
        if (!s)
                return -ENOMEM;
        free(*field);
        *field = s;
        return 0;
}

int policy_handle_path(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        if (!path_is_absolute_valid(v))
                return policy_error(p, value, "'%s' must be an absolute path, got '%s'", k->name, v);
        return policy_handle_string(p, k, value, base);
}

int policy_handle_profile_name(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        if (!profile_name_is_valid(v))
                return policy_error(p, value,
                                    "invalid profile name '%s': use up to %u letters, digits, '.', '_' or '-', "
                                    "starting with a letter or digit",
                                    v, PROFILE_NAME_MAX);
        return policy_handle_string(p, k, value, base);
}

int policy_handle_bool(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        int r, b;

        r = plain_scalar_value(p, k, value, "true or false", &v);
        if (r < 0)
                return r;
        b = parse_boolean(v);
        if (b < 0)
                return policy_error(p, value, "'%s' expects true or false, got '%s'", k->name, v);
        *FIELD(int, base, k) = b;
        return 0;
}

int policy_handle_uint(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        uint64_t u;
        int r;

        r = plain_scalar_value(p, k, value, "a whole number", &v);
        if (r < 0)
                return r;
        r = parse_uint64(v, &u);
        if (r == -EINVAL)
                return policy_error(p, value, "'%s' expects a whole number, got '%s'", k->name, v);
        if (r < 0 || u < k->min || u > k->max)
                return policy_error(p, value, "'%s' must be between %" PRIu64 " and %" PRIu64 ", got %s",
                                    k->name, k->min, k->max, v);
        *FIELD(unsigned, base, k) = (unsigned) u;
        return 0;
}

int policy_handle_enum(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        char buf[512];
        int r, e;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        e = k->from_string(v);
        if (e < 0) {
                const char *s = suggest_closest(v, k->values);
                if (s)
                        return policy_error(p, value, "invalid %s '%s'; did you mean '%s'? (expected one of: %s)",
                                            k->name, v, s, policy_join(k->values, buf, sizeof(buf)));
                return policy_error(p, value, "invalid %s '%s'; expected one of: %s", k->name, v,
                                    policy_join(k->values, buf, sizeof(buf)));
        }
        *FIELD(int, base, k) = e;
        return 0;
}

int policy_handle_rate(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        uint64_t u;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        r = parse_rate(v, &u);
        if (r == -EINVAL)
                return policy_error(p, value,
                                    "'%s' expects a rate such as 2Mbit or 500kbit (units: bit, kbit, Mbit, Gbit, "
                                    "Tbit, optionally /s), got '%s'",
                                    k->name, v);
        if (r < 0 || u < k->min || u > k->max)
                return policy_error(p, value, "'%s' must be between 1kbit and 1Tbit, got '%s'", k->name, v);
        *FIELD(uint64_t, base, k) = u;
        return 0;
}

int policy_handle_duration(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        uint64_t u;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        r = parse_duration(v, &u);
        if (r == -EINVAL)
                return policy_error(p, value,
                                    "'%s' expects a duration such as 150ms (units: us, ms, s), got '%s'", k->name, v);
        if (r < 0 || u < k->min || u > k->max)
                return policy_error(p, value, "'%s' must be between 1ms and 60s, got '%s'", k->name, v);
        *FIELD(uint64_t, base, k) = u;
        return 0;
}

int policy_handle_percent(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        uint32_t u;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        r = parse_percent(v, &u);
        if (r == -EINVAL)
                return policy_error(p, value, "'%s' expects a percentage such as 2%% or 0.5%%, got '%s'", k->name, v);
        if (r < 0 || u < k->min || u > k->max)
                return policy_error(p, value, "'%s' must be between 0.0001%% and 100%%, got '%s'", k->name, v);
        *FIELD(uint32_t, base, k) = u;
        return 0;
}

int policy_handle_bytes(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base) {
        const char *v;
        uint64_t u;
        int r;

        r = scalar_value(p, k, value, &v);
        if (r < 0)
                return r;
        r = parse_bytes(v, &u);
        if (r == -EINVAL)
                return policy_error(p, value,
                                    "'%s' expects a size such as 16384 or 128KiB (units: B, KiB, MiB, GiB), got '%s'",
                                    k->name, v);
        if (r < 0 || u < k->min || u > k->max)
                return policy_error(p, value, "'%s' must be between 1 byte and 1GiB, got '%s'", k->name, v);
        *FIELD(uint64_t, base, k) = u;
        return 0;
}

int policy_scalar_or_list(
        PolicyParser *p, const char *key, yaml_node_t *value, yaml_node_t ***ret_items, size_t *ret_n) {
        _cleanup_free_ yaml_node_t **items = NULL;
        size_t n = 0;
        int ret = 0;

        if (value->type == YAML_SCALAR_NODE) {
                if (policy_node_is_null(value))
                        return policy_error(p, value, "'%s' expects a value or a list, got an empty value", key);
                items = new(yaml_node_t *, 1);
                if (!items)
                        return -ENOMEM;
                items[n++] = value;
        } else if (value->type == YAML_SEQUENCE_NODE) {
                size_t count = (size_t) (value->data.sequence.items.top - value->data.sequence.items.start);

                if (count == 0)
                        return policy_error(p, value, "'%s' is an empty list", key);
                if (count > POLICY_LIST_MAX)
                        return policy_error(p, value, "'%s' has more than %u entries", key, POLICY_LIST_MAX);
                items = new(yaml_node_t *, count);
                if (!items)
                        return -ENOMEM;
                for (yaml_node_item_t *i = value->data.sequence.items.start; i < value->data.sequence.items.top; i++) {
                        yaml_node_t *item = policy_node_get(p, *i);
                        if (!item)
                                return -EINVAL;
                        if (item->type != YAML_SCALAR_NODE || policy_node_is_null(item)) {
                                ret = policy_error(p, item, "entries of '%s' must be values, got %s", key,
                                                   policy_node_kind(item));
                                if (ret == -ENOMEM)
                                        return ret;
                                continue;
                        }
                        items[n++] = item;
                }
                if (ret < 0)
                        return ret;
        } else
                return policy_error(p, value, "'%s' expects a value or a list, got %s", key, policy_node_kind(value));

        *ret_items = TAKE_PTR(items);
        *ret_n = n;
        return 0;
}

/* ---- files ------------------------------------------------------------------------------------ */

int policy_source_read_file(const char *path, PolicySource **ret, PolicyDiagnostics *diag) {
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, alloc = 0;
        struct stat st;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = negative_errno();
                policy_diag_add(diag, POLICY_SEVERITY_ERROR, path, 0, 0, NULL, 0, "cannot open: %s", strerror(-r));
                return r;
        }
        if (fstat(fd, &st) < 0) {
                r = negative_errno();
                policy_diag_add(diag, POLICY_SEVERITY_ERROR, path, 0, 0, NULL, 0, "cannot stat: %s", strerror(-r));
                return r;
        }
        if (S_ISDIR(st.st_mode)) {
                policy_diag_add(diag, POLICY_SEVERITY_ERROR, path, 0, 0, NULL, 0, "is a directory, not a file");
                return -EISDIR;
        }

        /* Read in chunks even for regular files: st_size may lie (procfs, pipes). */
        for (;;) {
                if (size >= POLICY_FILE_SIZE_MAX + 1)
                        break;
                if (size == alloc) {
                        size_t n = alloc == 0 ? 16384 : MIN(alloc * 2, (size_t) POLICY_FILE_SIZE_MAX + 1);
                        char *b = realloc(buf, n);
                        if (!b)
                                return -ENOMEM;
                        buf = b;
                        alloc = n;
                }
                ssize_t k = read(fd, buf + size, alloc - size);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = negative_errno();
                        policy_diag_add(diag, POLICY_SEVERITY_ERROR, path, 0, 0, NULL, 0, "cannot read: %s",
                                        strerror(-r));
                        return r;
                }
                if (k == 0)
                        break;
                size += (size_t) k;
        }
        if (size > POLICY_FILE_SIZE_MAX) {
                policy_diag_add(diag, POLICY_SEVERITY_ERROR, path, 0, 0, NULL, 0,
                                "file is larger than the limit of %u bytes", POLICY_FILE_SIZE_MAX);
                return -EFBIG;
        }

        return policy_source_new(path, buf ?: "", size, ret);
}
