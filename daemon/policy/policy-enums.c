/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-enums.c — string tables of the policy enums (the YAML spellings). */
#include <errno.h>

#include "profile.h"

static int lookup(const char *const *table, size_t n, const char *s) {
        if (!s)
                return -EINVAL;
        for (size_t i = 0; i < n; i++)
                if (table[i] && streq(table[i], s))
                        return (int) i;
        return -EINVAL;
}

static const char *const interface_type_table[_INTERFACE_TYPE_MAX] = {
        [INTERFACE_TYPE_ETHERNET] = "ethernet",
        [INTERFACE_TYPE_WIFI] = "wifi",
        [INTERFACE_TYPE_CELLULAR] = "cellular",
        [INTERFACE_TYPE_OTHER] = "other",
};

static const char *const steering_mode_table[_STEERING_MAX] = {
        [STEERING_ACTIVE_STANDBY] = "active-standby",
        [STEERING_SMALLEST_DELAY] = "smallest-delay",
        [STEERING_LOAD_BALANCING] = "load-balancing",
        [STEERING_PRIORITY_BASED] = "priority-based",
        [STEERING_REDUNDANT] = "redundant",
};

static const char *const rule_use_table[_RULE_USE_MAX] = {
        [RULE_USE_ACTIVE] = "active",
        [RULE_USE_BACKUP] = "backup",
        [RULE_USE_NEVER] = "never",
};

static const char *const path_manager_table[_PATH_MANAGER_MAX] = {
        [PATH_MANAGER_USERSPACE] = "userspace",
        [PATH_MANAGER_KERNEL] = "kernel",
};

static const char *const kernel_endpoints_role_table[_KERNEL_ENDPOINTS_MAX] = {
        [KERNEL_ENDPOINTS_CLIENT] = "client",
        [KERNEL_ENDPOINTS_SERVER] = "server",
        [KERNEL_ENDPOINTS_BOTH] = "both",
};

#define DEFINE_STRING_TABLE(name, type, table)                                                     \
        const char *name##_to_string(type v) {                                                     \
                if ((unsigned) v >= ELEMENTSOF(table))                                             \
                        return NULL;                                                               \
                return table[v];                                                                   \
        }                                                                                          \
        int name##_from_string(const char *s) {                                                    \
                return lookup(table, ELEMENTSOF(table), s);                                        \
        }

DEFINE_STRING_TABLE(interface_type, InterfaceType, interface_type_table)
DEFINE_STRING_TABLE(steering_mode, SteeringMode, steering_mode_table)
DEFINE_STRING_TABLE(rule_use, RuleUse, rule_use_table)
DEFINE_STRING_TABLE(path_manager, PathManager, path_manager_table)
DEFINE_STRING_TABLE(kernel_endpoints_role, KernelEndpointsRole, kernel_endpoints_role_table)
