/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-state-file.c — unit tests for the persisted selected profile and mode. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state-file.h"
#include "tests.h"

static char dir[] = "/tmp/test-state-file.XXXXXX";

static void write_state(const char *text, size_t len) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        check(asprintf(&path, "%s/state", dir) > 0);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        check(fd >= 0);
        check_eq(write(fd, text, len), (ssize_t) len);
}

static int load(SavedState *s, unsigned *line) {
        *s = (SavedState) {};
        *line = 999;
        return state_file_load(dir, s, line);
}

TEST(round_trip) {
        SavedState s;
        unsigned line;
        struct stat st;
        _cleanup_free_ char *path = NULL;

        check_eq(load(&s, &line), -ENOENT);

        check_ok(state_file_save(dir, "metered", PROFILE_MODE_MANUAL));
        check_ok(load(&s, &line));
        check_streq(s.selected_profile, "metered");
        check_eq(s.mode, PROFILE_MODE_MANUAL);
        saved_state_done(&s);

        check_ok(state_file_save(dir, "a profile with spaces", PROFILE_MODE_AUTO));
        check_ok(load(&s, &line));
        check_streq(s.selected_profile, "a profile with spaces");
        check_eq(s.mode, PROFILE_MODE_AUTO);
        saved_state_done(&s);

        check_ok(state_file_save(dir, NULL, PROFILE_MODE_AUTO));
        check_ok(load(&s, &line));
        check(s.selected_profile == NULL);
        check_eq(s.mode, PROFILE_MODE_AUTO);

        check(asprintf(&path, "%s/state", dir) > 0);
        check_ok(stat(path, &st));
        check_eq(st.st_mode & 07777, 0644);

        /* Nothing a caller could smuggle in gets written. */
        check_eq(state_file_save(dir, "a\nmode=auto", PROFILE_MODE_MANUAL), -EINVAL);
        check_eq(state_file_save(dir, "../x", PROFILE_MODE_MANUAL), -EINVAL);
        check_eq(state_file_save(dir, "", PROFILE_MODE_MANUAL), -EINVAL);
        check_eq(state_file_save(dir, "x", _PROFILE_MODE_MAX), -EINVAL);
}

TEST(creates_directory) {
        _cleanup_free_ char *sub = NULL;
        SavedState s = {};

        check(asprintf(&sub, "%s/sub", dir) > 0);
        check_ok(state_file_save(sub, "roaming", PROFILE_MODE_MANUAL));
        check_ok(state_file_load(sub, &s, NULL));
        check_streq(s.selected_profile, "roaming");
        saved_state_done(&s);
}

TEST(corrupt) {
        static const struct {
                const char *text;
                unsigned line;
        } cases[] = {
                { "selected-profile=metered\nmode=sideways\n", 2 },
                { "selected-profile=metered\ncolour=blue\n", 2 },
                { "garbage\n", 1 },
                { "# comment\n\nselected-profile=\n", 3 },
                { "selected-profile=a/b\n", 1 },
                { "selected-profile=a\nselected-profile=b\n", 2 },
                { "mode=auto\nselected-profile=x\x01y\n", 2 },
        };
        char big[STATE_FILE_SIZE_MAX + 10];
        SavedState s;
        unsigned line;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                write_state(cases[i].text, strlen(cases[i].text));
                check_eq(load(&s, &line), -EBADMSG);
                check_eq(line, cases[i].line);
                check(s.selected_profile == NULL); /* untouched */
        }

        write_state("mode=auto\0selected-profile=x\n", 29);
        check_eq(load(&s, &line), -EBADMSG);
        check_eq(line, 0u);

        memset(big, '#', sizeof(big));
        write_state(big, sizeof(big));
        check_eq(load(&s, &line), -EBADMSG);
        check_eq(line, 0u);

        /* Comments, blank lines and a missing trailing newline are fine; no mode = manual. */
        write_state("# hi\n\nselected-profile=aggregate", 32);
        check_ok(load(&s, &line));
        check_streq(s.selected_profile, "aggregate");
        check_eq(s.mode, PROFILE_MODE_MANUAL);
        saved_state_done(&s);
}

int main(void) {
        _cleanup_free_ char *cmd = NULL;
        int r;

        check(mkdtemp(dir));
        RUN(round_trip);
        RUN(creates_directory);
        RUN(corrupt);
        printf("%u checks\n", n_checks);

        check(asprintf(&cmd, "rm -rf -- '%s'", dir) > 0);
        r = system(cmd);
        return r == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
