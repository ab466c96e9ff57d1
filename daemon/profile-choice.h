/* SPDX-License-Identifier: GPL-2.0-or-later */
/* profile-choice.h — which profile is in force: holds, the user's manual choice, or the auto rules. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "policy-engine.h"

/*
 * The precedence, highest first:
 *   1. holds (HoldProfile): while any exists, the most conservative held profile;
 *   2. manual mode: the user's selected profile;
 *   3. auto mode: the first `auto` entry of the daemon config whose `when` holds for the primary
 *      interface (the one carrying the default route), else the config's default-profile.
 * A manual choice (SetProfile) releases every hold.
 */

typedef enum ProfileMode {
        PROFILE_MODE_MANUAL,
        PROFILE_MODE_AUTO,
        _PROFILE_MODE_MAX,
        _PROFILE_MODE_INVALID = -EINVAL,
} ProfileMode;

const char *profile_mode_to_string(ProfileMode m) _const_;
ProfileMode profile_mode_from_string(const char *s) _pure_;

/* Limits on what D-Bus callers can make the daemon keep. */
#define HOLDS_MAX 64
#define HOLDS_PER_HOLDER_MAX 16
#define HOLD_STRING_MAX 255

typedef struct ProfileHold {
        uint32_t cookie; /* never 0 */
        char *profile;
        char *reason;
        char *application_id;
        char *holder; /* the holder's unique bus name */
        void *userdata; /* the caller's (the bus layer's tracking of the holder) */
} ProfileHold;

/* Holds in the order they were taken. */
typedef struct HoldTable {
        ProfileHold *holds;
        size_t n;
        uint32_t last_cookie;
} HoldTable;

/* -EINVAL: a string longer than HOLD_STRING_MAX; -E2BIG: HOLDS_MAX in all or
 * HOLDS_PER_HOLDER_MAX for this holder; -ENOMEM. */
int hold_table_add(HoldTable *t, const char *profile, const char *reason, const char *application_id,
                   const char *holder, ProfileHold **ret);
ProfileHold *hold_table_find(HoldTable *t, uint32_t cookie);
/* Removes the hold at index i and frees its strings (not userdata: take it first). */
void hold_table_remove_at(HoldTable *t, size_t i);
void hold_table_done(HoldTable *t);

/*
 * How conservative a profile is with costly networks: what it does on a roaming cellular
 * interface, then on a metered cellular one, then on a metered non-cellular one, each
 * never < backup < active. Compared lexicographically; lower is more conservative.
 */
typedef struct ProfileCost {
        uint8_t level[3]; /* 0 never, 1 backup, 2 active */
} ProfileCost;

int profile_cost(const Profile *p, ProfileCost *ret);
int profile_cost_compare(const ProfileCost *a, const ProfileCost *b) _pure_;

/* The hold in force: the most conservative held profile, the earliest hold on a tie. Holds whose
 * profile find() does not know are skipped. NULL when there is none. */
const ProfileHold *hold_table_winner(const HoldTable *t, const Profile *(*find)(const void *userdata, const char *name),
                                     const void *userdata);

/* The auto choice: the profile named by the first entry of c->auto_rules whose `when` holds for
 * primary (NULL = no primary interface: only entries without conditions hold), else
 * c->default_profile. */
const char *profile_auto_choice(const DaemonConfig *c, const InterfaceFacts *primary);
