/* SPDX-License-Identifier: GPL-2.0-or-later */
/* settings.h — the daemon's configuration and profile set, loaded together and swapped whole. */
#pragma once

#include "iface-facts.h"
#include "policy-diag.h"
#include "profile.h"

typedef struct Settings {
        DaemonConfig *config;
        ProfileSet *profiles;
        IfaceOverride *overrides; /* from config->interfaces, for the interface table */
        size_t n_overrides;
        char **profile_dirs; /* where profiles were looked for, highest precedence first */
} Settings;

Settings *settings_free(Settings *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Settings *, settings_free);

/* Loads the config file (a missing file means all defaults, unless config_required) and every
 * profile from profile_dirs (NULL: the config's profile-dirs, else the built-in
 * PROFILES_ETC_DIR then PROFILES_SHIPPED_DIR). A broken profile is reported in diag and skipped.
 * Fails with -EINVAL when the config has errors or names a profile that is not available, and
 * -ENOENT when a required config file is missing; *ret untouched then. */
int settings_load(
        const char *config_path, bool config_required, char *const *profile_dirs, const PolicyEnvironment *env,
        Settings **ret, PolicyDiagnostics *diag);

const Profile *settings_find_profile(const Settings *s, const char *name);
