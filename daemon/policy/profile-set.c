/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile-set.c — loading all profiles from directories with precedence, broken files skipped. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy-internal.h"

#define PROFILE_SET_FILES_MAX 1024u

ProfileSet *profile_set_free(ProfileSet *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_profiles; i++)
                profile_free(s->profiles[i]);
        free(s->profiles);
        free(s);
        return NULL;
}

static int profile_cmp(const void *a, const void *b) {
        const Profile *x = *(const Profile *const *) a, *y = *(const Profile *const *) b;
        return strcmp(x->name, y->name);
}

const Profile *profile_set_find(const ProfileSet *s, const char *name) {
        if (!s || !name)
                return NULL;
        for (size_t i = 0; i < s->n_profiles; i++)
                if (streq(s->profiles[i]->name, name))
                        return s->profiles[i];
        return NULL;
}

/* Parses path and adds it to s unless broken or a duplicate by name. Returns 0 or -ENOMEM. */
static int profile_set_add_file(ProfileSet *s, const char *path, const PolicyEnvironment *env, PolicyDiagnostics *diag) {
        _cleanup_(profile_freep) Profile *profile = NULL;
        const Profile *dup;
        Profile **v;
        int r;

        r = profile_parse_file(path, env, &profile, diag);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return 0; /* reported; skip this one, keep the others */

        dup = profile_set_find(s, profile->name);
        if (dup) {
                r = policy_diag_at(diag, profile->source, &profile->name_pos, POLICY_SEVERITY_ERROR,
                                   "duplicate profile name '%s' (already defined at %s:%u); this file is ignored",
                                   profile->name, dup->name_pos.file, dup->name_pos.line);
                return r == -ENOMEM ? r : 0;
        }

        v = reallocarray(s->profiles, s->n_profiles + 1, sizeof(Profile *));
        if (!v)
                return -ENOMEM;
        s->profiles = v;
        s->profiles[s->n_profiles++] = TAKE_PTR(profile);
        return 0;
}

static void profile_set_sort(ProfileSet *s) {
        if (s->n_profiles > 1)
                qsort(s->profiles, s->n_profiles, sizeof(Profile *), profile_cmp);
}

int profile_set_load_files(
        const char *const *files, const PolicyEnvironment *env, ProfileSet **ret, PolicyDiagnostics *diag) {
        _cleanup_(profile_set_freep) ProfileSet *s = NULL;
        int r;

        s = new0(ProfileSet, 1);
        if (!s)
                return -ENOMEM;
        for (const char *const *f = files; f && *f; f++) {
                r = profile_set_add_file(s, *f, env, diag);
                if (r < 0)
                        return r;
        }
        profile_set_sort(s);
        *ret = TAKE_PTR(s);
        return 0;
}

typedef struct Candidate {
        char *file; /* basename, NAME.yaml */
        char *path;
} Candidate;

static int candidate_cmp(const void *a, const void *b) {
        return strcmp(((const Candidate *) a)->file, ((const Candidate *) b)->file);
}

static bool is_profile_file(const struct dirent *de) {
        size_t n = strlen(de->d_name);

        if (de->d_name[0] == '.' || n <= 5 || !streq(de->d_name + n - 5, ".yaml"))
                return false;
        return de->d_type == DT_REG || de->d_type == DT_LNK || de->d_type == DT_UNKNOWN;
}

int profile_set_load(const char *const *dirs, const PolicyEnvironment *env, ProfileSet **ret, PolicyDiagnostics *diag) {
        _cleanup_(profile_set_freep) ProfileSet *s = NULL;
        Candidate *c = NULL;
        size_t n_c = 0;
        int r = 0;

        for (const char *const *d = dirs; d && *d && r >= 0; d++) {
                DIR *dir = opendir(*d);

                if (!dir) {
                        if (errno == ENOENT)
                                continue;
                        r = negative_errno();
                        r = policy_diag_add(diag, POLICY_SEVERITY_ERROR, *d, 0, 0, NULL, 0,
                                            "cannot read profile directory: %s", strerror(-r));
                        continue;
                }

                for (struct dirent *de; (de = readdir(dir));) {
                        bool hidden = false;
                        Candidate *v;

                        if (!is_profile_file(de))
                                continue;
                        /* An earlier (higher precedence) directory already has this file name. */
                        for (size_t i = 0; i < n_c && !hidden; i++)
                                hidden = streq(c[i].file, de->d_name);
                        if (hidden)
                                continue;
                        if (n_c >= PROFILE_SET_FILES_MAX) {
                                r = policy_diag_add(diag, POLICY_SEVERITY_ERROR, *d, 0, 0, NULL, 0,
                                                    "more than %u profile files; ignoring the rest",
                                                    PROFILE_SET_FILES_MAX);
                                break;
                        }
                        v = reallocarray(c, n_c + 1, sizeof(Candidate));
                        if (!v) {
                                r = -ENOMEM;
                                break;
                        }
                        c = v;
                        c[n_c].file = strdup(de->d_name);
                        if (!c[n_c].file || asprintf(&c[n_c].path, "%s/%s", *d, de->d_name) < 0) {
                                free(c[n_c].file);
                                r = -ENOMEM;
                                break;
                        }
                        n_c++;
                }
                closedir(dir);
        }

        if (r >= 0) {
                s = new0(ProfileSet, 1);
                if (!s)
                        r = -ENOMEM;
        }
        if (r >= 0) {
                /* Files in name order, so that which of two same-named profiles wins is predictable. */
                if (n_c > 1)
                        qsort(c, n_c, sizeof(Candidate), candidate_cmp);
                for (size_t i = 0; i < n_c && r >= 0; i++)
                        r = profile_set_add_file(s, c[i].path, env, diag);
        }

        for (size_t i = 0; i < n_c; i++) {
                free(c[i].file);
                free(c[i].path);
        }
        free(c);
        if (r == -ENOMEM)
                return r;

        profile_set_sort(s);
        *ret = TAKE_PTR(s);
        return 0;
}
