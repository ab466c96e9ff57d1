/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-profile-set.c — unit tests of loading profile directories with precedence and failures. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>

#include "policy-test.h"
#include "profile.h"

static void write_file(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;

        check(asprintf(&path, "%s/%s", dir, name) > 0);
        f = fopen(path, "we");
        check(f);
        check(fputs(text, f) >= 0);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

static void test_precedence(void) {
        char root[] = "/tmp/test-profile-set-XXXXXX";
        _cleanup_free_ char *etc = NULL, *usr = NULL, *missing = NULL;
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_(profile_set_freep) ProfileSet *set = NULL;
        const Profile *p;

        check(mkdtemp(root));
        check(asprintf(&etc, "%s/etc", root) > 0 && asprintf(&usr, "%s/usr", root) > 0);
        check(asprintf(&missing, "%s/missing", root) > 0);
        check(mkdir(etc, 0755) == 0 && mkdir(usr, 0755) == 0);

        write_file(usr, "balanced.yaml", "profile: balanced\ndescription: shipped\n");
        write_file(usr, "metered.yaml", "profile: metered\n");
        write_file(usr, "broken.yaml", "profile: broken\nsteering: sideways\n");
        write_file(usr, "README", "not a profile\n");
        write_file(usr, ".hidden.yaml", "profile: hidden\n");
        write_file(etc, "balanced.yaml", "profile: balanced\ndescription: local\n");
        write_file(etc, "copy.yaml", "profile: metered\n"); /* duplicate name, other file name */
        write_file(etc, "zz.yaml", "profile: zz\n");

        const char *dirs[] = { etc, missing, usr, NULL };
        check(profile_set_load(dirs, NULL, &set, &d) == 0);

        /* balanced from etc, metered: copy.yaml sorts before metered.yaml, so it is loaded first and the
         * shipped file is the duplicate; zz; broken is skipped and reported. */
        check(set->n_profiles == 3);
        check_streq(set->profiles[0]->name, "balanced");
        check_streq(set->profiles[1]->name, "metered");
        check_streq(set->profiles[2]->name, "zz");
        p = profile_set_find(set, "balanced");
        check(p && streq(p->description, "local"));
        check(strstr(profile_set_find(set, "metered")->path, "/etc/copy.yaml"));
        check(!profile_set_find(set, "broken") && !profile_set_find(set, "hidden"));

        check(d.n_errors == 2);
        check(strstr(d.items[0].file, "/usr/broken.yaml") && d.items[0].line == 2 && d.items[0].column == 11);
        check(strstr(d.items[1].file, "/usr/metered.yaml") && d.items[1].line == 1);
        check(strstr(d.items[1].message, "duplicate profile name 'metered' (already defined at "));

        check(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

static void test_files(void) {
        char root[] = "/tmp/test-profile-set-XXXXXX";
        _cleanup_free_ char *a = NULL, *b = NULL, *c = NULL;
        _cleanup_(policy_diagnostics_done) PolicyDiagnostics d = {};
        _cleanup_(profile_set_freep) ProfileSet *set = NULL;

        check(mkdtemp(root));
        write_file(root, "a.yaml", "profile: same\n");
        write_file(root, "b.yaml", "profile: same\n");
        check(asprintf(&a, "%s/a.yaml", root) > 0 && asprintf(&b, "%s/b.yaml", root) > 0);
        check(asprintf(&c, "%s/does-not-exist.yaml", root) > 0);

        const char *files[] = { a, b, c, NULL };
        check(profile_set_load_files(files, NULL, &set, &d) == 0);
        check(set->n_profiles == 1);
        check(d.n_errors == 2);
        check(streq(d.items[0].file, b) && d.items[0].line == 1 && d.items[0].column == 1);
        check(streq(d.items[1].file, c) && d.items[1].line == 0);
        check_streq(d.items[1].message, "cannot open: No such file or directory");

        check(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0);
}

int main(void) {
        test_precedence();
        test_files();
        printf("test-profile-set: all checks passed\n");
        return 0;
}
