/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-source.c — a loaded policy file (display name + text), shared by everything parsed from it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"

struct PolicySource {
        unsigned n_ref;
        char *name;
        char *text; /* NUL-terminated copy of the input */
        size_t size;
};

int policy_source_new(const char *name, const char *buf, size_t size, PolicySource **ret) {
        PolicySource *s;

        s = new0(PolicySource, 1);
        if (!s)
                return -ENOMEM;
        s->n_ref = 1;
        s->name = strdup(name ?: "<input>");
        s->text = malloc(size + 1);
        if (!s->name || !s->text) {
                policy_source_unref(s);
                return -ENOMEM;
        }
        if (size > 0)
                memcpy(s->text, buf, size);
        s->text[size] = 0;
        s->size = size;
        *ret = s;
        return 0;
}

PolicySource *policy_source_ref(PolicySource *s) {
        if (s)
                s->n_ref++;
        return s;
}

PolicySource *policy_source_unref(PolicySource *s) {
        if (!s || --s->n_ref > 0)
                return NULL;
        free(s->name);
        free(s->text);
        free(s);
        return NULL;
}

const char *policy_source_name(const PolicySource *s) {
        return s ? s->name : NULL;
}

const char *policy_source_text(const PolicySource *s, size_t *ret_size) {
        if (ret_size)
                *ret_size = s->size;
        return s->text;
}

int policy_source_get_line(const PolicySource *s, unsigned line, const char **ret, size_t *ret_len) {
        const char *p, *end, *eol;

        if (!s || line == 0)
                return -ERANGE;

        p = s->text;
        end = s->text + s->size;
        for (unsigned l = 1; l < line; l++) {
                eol = memchr(p, '\n', end - p);
                if (!eol)
                        return -ERANGE;
                p = eol + 1;
        }
        eol = memchr(p, '\n', end - p);
        if (!eol)
                eol = end;
        if (eol > p && eol[-1] == '\r')
                eol--;
        *ret = p;
        *ret_len = eol - p;
        return 0;
}
