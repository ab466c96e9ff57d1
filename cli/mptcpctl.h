/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpctl.h — shared pieces of mptcpctl: exit codes, the verb table type, options, verbs. */
#pragma once

#include <stdbool.h>

#include "profile.h"

/* Documented in mptcpctl --help and the man page; scripts rely on them. */
enum {
        MPTCPCTL_EXIT_OK = 0,
        MPTCPCTL_EXIT_FAILURE = 1,
        MPTCPCTL_EXIT_USAGE = 2,
        MPTCPCTL_EXIT_NOT_RUNNING = 3,
        MPTCPCTL_EXIT_NOT_AUTHORIZED = 4,
        MPTCPCTL_EXIT_NO_SUCH_PROFILE = 5,
        MPTCPCTL_EXIT_INVALID_CONFIG = 6,
};

#define VERB_ANY ((unsigned) -1)

typedef enum VerbFlags {
        VERB_DEFAULT = 1 << 0, /* run when no verb is given */
        VERB_ONLINE = 1 << 1,  /* talks to the daemon (D-Bus); validate/version do not */
} VerbFlags;

/* A verb gets its own name in argv[0] and its arguments after it; returns an exit code. */
typedef struct Verb {
        const char *name;
        unsigned min_args, max_args; /* arguments after the verb; VERB_ANY = unlimited */
        VerbFlags flags;
        int (*run)(int argc, char *argv[]);
        const char *synopsis; /* arguments, for --help */
        const char *help;     /* one line, for --help */
} Verb;

/* Options (arg_*), set by main. */
typedef enum AutoBool {
        AUTO_BOOL_AUTO = -1,
        AUTO_BOOL_NO = 0,
        AUTO_BOOL_YES = 1,
} AutoBool;

extern const char *arg_config;     /* --config FILE; NULL = the built-in path */
extern char **arg_profile_dirs;    /* --profiles DIR (repeatable), NULL-terminated; NULL = from config */
extern AutoBool arg_bpf_scheduler; /* --bpf-scheduler=auto|yes|no */
extern bool arg_quiet;


int verb_validate(int argc, char *argv[]);
