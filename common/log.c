/* SPDX-License-Identifier: GPL-2.0-or-later */
/* log.c — leveled logging to stderr; "%m" in formats expands to the error passed in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static int max_level = LOG_INFO;
static int use_prefix = -1; /* <N> syslog prefixes when stderr goes to the journal */

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

int log_level_from_string(const char *s) {
        static const char *const names[] = {
                [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",   [LOG_CRIT] = "crit",
                [LOG_ERR] = "err",     [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
                [LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(s, names[i]))
                        return (int) i;
        if (streq(s, "error"))
                return LOG_ERR;
        return -EINVAL;
}

int log_internal(int level, int error, const char *file, int line, const char *func, const char *fmt, ...) {
        char buf[2048];
        va_list ap;
        int saved = errno;

        if (use_prefix < 0)
                use_prefix = getenv("JOURNAL_STREAM") != NULL;

        /* %m means the error handed to us, not whatever errno happens to be. */
        errno = abs(error);
        va_start(ap, fmt);
        vsnprintf(buf, sizeof(buf), fmt, ap);
        va_end(ap);

        if (use_prefix)
                fprintf(stderr, "<%i>%s\n", level, buf);
        else {
                /* On a terminal or in a file, problems are marked so people and scripts see them. */
                const char *tag = level <= LOG_CRIT ? "critical: " :
                                  level == LOG_ERR  ? "error: " :
                                  level == LOG_WARNING ? "warning: " : "";

                if (max_level >= LOG_DEBUG)
                        fprintf(stderr, "%s%s:%i %s: %s\n", tag, file, line, func, buf);
                else
                        fprintf(stderr, "%s%s\n", tag, buf);
        }

        errno = saved;
        return -abs(error);
}
