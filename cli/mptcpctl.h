/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mptcpctl.h — shared pieces of mptcpctl: exit codes, the verb table type, options, verbs. */
#pragma once

#include <stdbool.h>

#include "json-out.h"
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
        VERB_JSON = 1 << 2,    /* honours --json */
        VERB_COMMAND = 1 << 3, /* takes a command after "--" (arg_command) */
} VerbFlags;

/* A verb gets its own name (the subcommand's, when it has one) in argv[0] and its arguments after
 * it; returns an exit code. */
typedef struct Verb {
        const char *name;
        const char *sub;             /* "list" for "profile list"; NULL for verbs without */
        unsigned min_args, max_args; /* arguments after the (sub)verb; VERB_ANY = unlimited */
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
extern JsonFormat arg_json;            /* --json[=pretty|short|off] */
extern bool arg_ask_password;          /* false with --no-ask-password */
extern bool arg_names;                 /* --names (profile list) */
extern const char *arg_reason;         /* --reason (profile hold) */
extern const char *arg_application_id; /* --application-id (profile hold) */
extern char **arg_command;             /* what follows "--" for VERB_COMMAND verbs, NULL-terminated */

int verb_validate(int argc, char *argv[]);
int verb_status(int argc, char *argv[]);
int verb_profile_list(int argc, char *argv[]);
int verb_profile_get(int argc, char *argv[]);
int verb_profile_set(int argc, char *argv[]);
int verb_profile_release(int argc, char *argv[]);
int verb_profile_hold(int argc, char *argv[]);
int verb_mode_get(int argc, char *argv[]);
int verb_mode_set(int argc, char *argv[]);
int verb_interfaces(int argc, char *argv[]);
int verb_connections(int argc, char *argv[]);
int verb_monitor(int argc, char *argv[]);
int verb_reload(int argc, char *argv[]);
