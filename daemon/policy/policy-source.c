/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-source.c — a loaded policy file (display name + text), shared by everything parsed from it. */
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "policy-internal.h"

struct PolicySource {
        unsigned n_ref;
        char *name;
        char *text; /* NUL-terminated copy of the input */
        size_t size;
        uint32_t *line_starts; /* offset of each line's first byte; n_lines entries */
        unsigned n_lines;
};

int policy_source_new(const char *name, const char *buf, size_t size, PolicySource **ret) {
        PolicySource *s;

        if (size >= UINT32_MAX)
                return -EFBIG;
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

        /* Index the lines once: diagnostics quote them, possibly many times per file. */
        s->n_lines = 1;
        for (size_t i = 0; i < size; i++)
                if (buf[i] == '\n')
                        s->n_lines++;
        s->line_starts = new(uint32_t, s->n_lines);
        if (!s->line_starts) {
                policy_source_unref(s);
                return -ENOMEM;
        }
        s->line_starts[0] = 0;
        for (size_t i = 0, l = 1; i < size; i++)
                if (buf[i] == '\n')
                        s->line_starts[l++] = (uint32_t) (i + 1);

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
        free(s->line_starts);
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
        const char *p, *eol, *end;

        if (!s || line == 0 || line > s->n_lines)
                return -ERANGE;

        p = s->text + s->line_starts[line - 1];
        end = line < s->n_lines ? s->text + s->line_starts[line] - 1 : s->text + s->size;
        eol = end;
        if (eol > p && eol[-1] == '\r')
                eol--;
        *ret = p;
        *ret_len = (size_t) (eol - p);
        return 0;
}
