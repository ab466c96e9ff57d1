/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings.c — load the daemon config and its profiles with the same parser as `mptcpctl validate`. */
#include <sys/stat.h>

#include "config.h"
#include "settings.h"

Settings *settings_free(Settings *s) {
        if (!s)
                return NULL;
        daemon_config_free(s->config);
        profile_set_free(s->profiles);
        free(s->overrides);
        if (s->profile_dirs)
                for (char **d = s->profile_dirs; *d; d++)
                        free(*d);
        free(s->profile_dirs);
        free(s);
        return NULL;
}

static int strv_copy(char *const *from, char ***ret) {
        size_t n = 0;
        char **v;

        while (from[n])
                n++;
        v = new0(char *, n + 1);
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                v[i] = strdup(from[i]);
                if (!v[i]) {
                        for (size_t j = 0; j < i; j++)
                                free(v[j]);
                        free(v);
                        return -ENOMEM;
                }
        }
        *ret = v;
        return 0;
}

int settings_load(
        const char *config_path, bool config_required, char *const *profile_dirs, const PolicyEnvironment *env,
        Settings **ret, PolicyDiagnostics *diag) {

        static char *const builtin_dirs[] = { (char *) PROFILES_ETC_DIR, (char *) PROFILES_SHIPPED_DIR, NULL };
        _cleanup_(settings_freep) Settings *s = NULL;
        struct stat st;
        int r;

        s = new0(Settings, 1);
        if (!s)
                return -ENOMEM;

        if (config_path && (config_required || stat(config_path, &st) >= 0))
                r = daemon_config_parse_file(config_path, &s->config, diag);
        else
                r = daemon_config_new_default(&s->config);
        if (r < 0)
                return r;

        if (!profile_dirs)
                profile_dirs = s->config->profile_dirs ?: builtin_dirs;
        r = strv_copy(profile_dirs, &s->profile_dirs);
        if (r < 0)
                return r;

        r = profile_set_load((const char *const *) s->profile_dirs, env, &s->profiles, diag);
        if (r < 0)
                return r;

        r = daemon_config_check_profiles(s->config, s->profiles, diag);
        if (r < 0)
                return r;

        r = iface_overrides_from_config(s->config, &s->overrides, &s->n_overrides);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(s);
        return 0;
}

const Profile *settings_find_profile(const Settings *s, const char *name) {
        return profile_set_find(s->profiles, name);
}
