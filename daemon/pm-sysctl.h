/* SPDX-License-Identifier: GPL-2.0-or-later */
/* pm-sysctl.h — select the namespace's MPTCP path manager and restore the previous one on exit. */
#pragma once

#include "macro.h"

typedef enum PmKind {
        PM_KIND_KERNEL,
        PM_KIND_USERSPACE,
        _PM_KIND_MAX,
} PmKind;

const char *pm_kind_to_string(PmKind k);

/* What the namespace had before we changed it, so it can be put back. */
typedef struct PmSysctlSaved {
        bool valid;
        bool have_path_manager; /* net.mptcp.path_manager exists (6.15+); else only pm_type */
        char path_manager[32];
        int pm_type;
        /* What the namespace had when we started (differs from the above after a crash: then it
         * is our own "userspace"): connections created before us are latched to it. */
        PmKind found;
} PmSysctlSaved;

/* Root for /proc/sys (tests point it elsewhere); NULL means "/proc/sys". */
int pm_sysctl_mptcp_enabled(const char *root);
/* Selects kind in the current network namespace, saving the previous selection in *saved
 * (untouched on failure). Writes net.mptcp.path_manager where it exists, else net.mptcp.pm_type.
 *
 * The original selection is also recorded in RUNTIME_DIR/path-manager.NETNS (NETNS: the inode of
 * this network namespace; runtime_dir NULL = no record). A daemon killed before it could restore
 * leaves that record behind, and the next start takes the original from it instead of from the
 * sysctl it finds (which is then our own "userspace"). *ret_recovered says whether that happened.
 * /run fits: the record lives exactly as long as the sysctl, until reboot. */
int pm_sysctl_select(const char *root, const char *runtime_dir, PmKind kind, PmSysctlSaved *saved,
                     bool *ret_recovered);
/* Switches the selection (a profile switch between backends); the saved original is untouched. */
int pm_sysctl_set(const char *root, const PmSysctlSaved *saved, PmKind kind);
/* The kind the saved original selection stands for. */
PmKind pm_sysctl_saved_kind(const PmSysctlSaved *saved);
/* Writes the saved selection back and removes the record. */
int pm_sysctl_restore(const char *root, const char *runtime_dir, const PmSysctlSaved *saved);
