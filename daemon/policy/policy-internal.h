/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-internal.h — shared machinery of the policy parsers (not for use outside daemon/policy). */
#pragma once

#include <yaml.h>

#include "policy-diag.h"
#include "profile.h"

/* ---- sources ---------------------------------------------------------------------------------- */

int policy_source_new(const char *name, const char *buf, size_t size, PolicySource **ret);
const char *policy_source_text(const PolicySource *s, size_t *ret_size);
/* Reads a whole file (at most POLICY_FILE_SIZE_MAX bytes) into a new source; problems are reported
 * in diag at line 0. */
int policy_source_read_file(const char *path, PolicySource **ret, PolicyDiagnostics *diag);

/* ---- YAML documents --------------------------------------------------------------------------- */

/* After this many errors in one file the parser stops reporting (and walking) it. */
#define POLICY_ERRORS_PER_FILE_MAX 50u

typedef struct PolicyParser {
        PolicySource *src; /* borrowed */
        PolicyDiagnostics *diag;
        yaml_document_t doc;
        bool doc_loaded;
        unsigned n_errors; /* errors reported through this parser */
} PolicyParser;

/* Checks the text (syntax, one document, no anchors/aliases/tags, depth, string lengths) and
 * loads it. Returns 0 with the root mapping, -EINVAL when reported, -ENOMEM. An empty file (no
 * document, or only comments) is an error unless allow_empty, when *ret_root is NULL. */
int policy_parser_load(
        PolicyParser *p, PolicySource *src, PolicyDiagnostics *diag, bool allow_empty, yaml_node_t **ret_root);
void policy_parser_done(PolicyParser *p);

SourcePos policy_node_pos(const PolicyParser *p, const yaml_node_t *n);
/* Report at node n (NULL: whole file). Both return -EINVAL, or -ENOMEM when the diagnostic could
 * not be recorded. policy_warning returns 0 unless out of memory. */
int policy_error(PolicyParser *p, const yaml_node_t *n, const char *format, ...) _printf_(3, 4);
int policy_error_at(PolicyParser *p, const SourcePos *pos, const char *format, ...) _printf_(3, 4);
int policy_warning_at(PolicyParser *p, const SourcePos *pos, const char *format, ...) _printf_(3, 4);

/* Scalar text (NUL-terminated by libyaml; the loader refused embedded NULs), or NULL when n is
 * not a scalar. */
const char *policy_node_scalar(const yaml_node_t *n);
bool policy_node_is_null(const yaml_node_t *n);
const char *policy_node_kind(const yaml_node_t *n);
yaml_node_t *policy_node_get(PolicyParser *p, int index);

/* ---- key tables ------------------------------------------------------------------------------- */

typedef struct PolicyKey PolicyKey;
/* Parses value into base; returns 0, -EINVAL (reported) or -ENOMEM. */
typedef int (*PolicyKeyHandler)(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);
struct PolicyKey {
        const char *name;
        PolicyKeyHandler handler;
        size_t offset;     /* of the field in base the handler fills */
        size_t pos_offset; /* of the SourcePos in base set to the key's position */
        /* for the generic handlers: */
        uint64_t min, max;
        const char *const *values; /* enum spellings, for messages; NULL-terminated */
        int (*from_string)(const char *s);
};

/* Walks mapping `map` ("what" names it in messages: "profile", "rule", ...): every key must be a
 * plain scalar found in keys (else "unknown key" with a suggestion), at most once. Continues after
 * reported errors so that all of them are found; returns -EINVAL if any, -ENOMEM. */
int policy_map_dispatch(PolicyParser *p, yaml_node_t *map, const char *what, const PolicyKey *keys, void *base);

/* Generic handlers. */
int policy_handle_string(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);     /* char*, max = length */
int policy_handle_path(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);       /* char*, absolute */
int policy_handle_profile_name(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base); /* char* */
int policy_handle_bool(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);       /* int -1/0/1 */
int policy_handle_uint(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);       /* unsigned, min..max */
int policy_handle_enum(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);       /* int-sized enum */
int policy_handle_rate(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);       /* uint64_t bit/s */
int policy_handle_duration(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);   /* uint64_t usec */
int policy_handle_percent(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);    /* uint32_t ppm */
int policy_handle_bytes(PolicyParser *p, const PolicyKey *k, yaml_node_t *value, void *base);      /* uint64_t */

/* Items of a "scalar or list of scalars" value (for `type: wifi` or `type: [wifi, ethernet]`).
 * Stores node pointers (borrowed from the document) in *ret_items (malloc'd). Reports an empty
 * list, a list longer than POLICY_LIST_MAX and non-scalar elements. */
int policy_scalar_or_list(
        PolicyParser *p, const char *key, yaml_node_t *value, yaml_node_t ***ret_items, size_t *ret_n);

/* Reports "'key' expects KIND, got ..." */
int policy_expect(PolicyParser *p, const char *key, yaml_node_t *value, yaml_node_type_t type);

/* Join values (NULL-terminated) as "a, b, c" into buf. */
const char *policy_join(const char *const *values, char *buf, size_t size);

/* ---- shared parts of the profile and config parsers --------------------------------------------- */

void rule_match_init(RuleMatch *m);
void rule_match_done(RuleMatch *m);
/* Parses a `match:`/`when:` mapping into m (initialized). */
int policy_parse_match(PolicyParser *p, yaml_node_t *node, const char *what, RuleMatch *m);

/* Semantic checks of one parsed profile (profile-check.c). */
int profile_check(PolicyParser *p, const Profile *profile, const PolicyEnvironment *env);

static inline bool strv_contains_n(char *const *v, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (v[i] && streq(v[i], s))
                        return true;
        return false;
}

/* Known Linux TCP congestion control modules (NULL-terminated). */
extern const char *const policy_known_congestion[];
