/* SPDX-License-Identifier: GPL-2.0-or-later */
/* state-file.h — the user's choices that outlive the daemon: selected profile and mode. */
#pragma once

#include "profile-choice.h"

#define STATE_FILE_NAME "state"
/* A state file is a few short lines; anything bigger is not ours. */
#define STATE_FILE_SIZE_MAX 4096

typedef struct SavedState {
        char *selected_profile; /* NULL when the file does not name one */
        ProfileMode mode;
} SavedState;

void saved_state_done(SavedState *s);

/* Reads dir/state. -ENOENT when there is none; -EBADMSG when it is not a state file (too big,
 * unknown key, bad value, a line without '='): *ret untouched then, and ret_line (if not NULL)
 * says which 1-based line is wrong (0 = the file as a whole). */
int state_file_load(const char *dir, SavedState *ret, unsigned *ret_line);

/* Writes dir/state atomically (a temporary file, fsync, rename), creating dir (0755). */
int state_file_save(const char *dir, const char *selected_profile, ProfileMode mode);
