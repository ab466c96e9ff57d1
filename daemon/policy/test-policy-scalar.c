/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-policy-scalar.c — unit tests of the typed scalar parsers (units, booleans, names). */
#include <errno.h>

#include "policy-scalar.h"
#include "policy-test.h"
#include "profile.h"

static void test_uint64(void) {
        uint64_t v = 7;

        check(parse_uint64("0", &v) == 0 && v == 0);
        check(parse_uint64("42", &v) == 0 && v == 42);
        check(parse_uint64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
        check(parse_uint64("18446744073709551616", &v) == -ERANGE);
        v = 7;
        check(parse_uint64("", &v) == -EINVAL);
        check(parse_uint64("-1", &v) == -EINVAL);
        check(parse_uint64("+1", &v) == -EINVAL);
        check(parse_uint64("0x10", &v) == -EINVAL);
        check(parse_uint64("1 ", &v) == -EINVAL);
        check(parse_uint64("1.0", &v) == -EINVAL);
        check(v == 7); /* untouched on failure */
}

static void test_rate(void) {
        uint64_t v = 0;

        check(parse_rate("2Mbit", &v) == 0);
        check_eq_u64(v, 2000000);
        check(parse_rate("500kbit", &v) == 0);
        check_eq_u64(v, 500000);
        check(parse_rate("500Kbit", &v) == 0);
        check_eq_u64(v, 500000);
        check(parse_rate("1Gbit", &v) == 0);
        check_eq_u64(v, 1000000000);
        check(parse_rate("100Mbit/s", &v) == 0);
        check_eq_u64(v, 100000000);
        check(parse_rate("1.5Mbit", &v) == 0);
        check_eq_u64(v, 1500000);
        check(parse_rate("0.001kbit", &v) == 0);
        check_eq_u64(v, 1);
        check(parse_rate("1Tbit", &v) == 0);
        check_eq_u64(v, 1000000000000ULL);
        check(parse_rate("64bit", &v) == 0);
        check_eq_u64(v, 64);
        v = 9;
        check(parse_rate("2", &v) == -EINVAL);      /* unit required */
        check(parse_rate("2Mbps", &v) == -EINVAL);  /* ambiguous units refused */
        check(parse_rate("2MB", &v) == -EINVAL);
        check(parse_rate("2 Mbit", &v) == -EINVAL);
        check(parse_rate("Mbit", &v) == -EINVAL);
        check(parse_rate("2.Mbit", &v) == -EINVAL);
        check(parse_rate("-2Mbit", &v) == -EINVAL);
        check(parse_rate("/s", &v) == -EINVAL);
        check(parse_rate("0.0001bit", &v) == -ERANGE); /* not a whole number of bits */
        check(parse_rate("99999999999999999999Tbit", &v) == -ERANGE);
        check(v == 9);
}

static void test_duration(void) {
        uint64_t v = 0;

        check(parse_duration("150ms", &v) == 0);
        check_eq_u64(v, 150000);
        check(parse_duration("2s", &v) == 0);
        check_eq_u64(v, 2000000);
        check(parse_duration("500us", &v) == 0);
        check_eq_u64(v, 500);
        check(parse_duration("1.5s", &v) == 0);
        check_eq_u64(v, 1500000);
        check(parse_duration("0.5ms", &v) == 0);
        check_eq_u64(v, 500);
        check(parse_duration("150", &v) == -EINVAL);
        check(parse_duration("150 ms", &v) == -EINVAL);
        check(parse_duration("150msec", &v) == -EINVAL);
        check(parse_duration("2m", &v) == -EINVAL);
        check(parse_duration("0.5us", &v) == -ERANGE);
}

static void test_percent(void) {
        uint32_t v = 0;

        check(parse_percent("2%", &v) == 0);
        check_eq_u64(v, 20000);
        check(parse_percent("0.5%", &v) == 0);
        check_eq_u64(v, 5000);
        check(parse_percent("100%", &v) == 0);
        check_eq_u64(v, 1000000);
        check(parse_percent("0.0001%", &v) == 0);
        check_eq_u64(v, 1);
        check(parse_percent("0.00001%", &v) == -ERANGE);
        check(parse_percent("2", &v) == -EINVAL);
        check(parse_percent("2 %", &v) == -EINVAL);
        check(parse_percent("%", &v) == -EINVAL);
        check(parse_percent("99999999999%", &v) == -ERANGE);
}

static void test_bytes(void) {
        uint64_t v = 0;

        check(parse_bytes("16384", &v) == 0);
        check_eq_u64(v, 16384);
        check(parse_bytes("128KiB", &v) == 0);
        check_eq_u64(v, 131072);
        check(parse_bytes("1MiB", &v) == 0);
        check_eq_u64(v, 1048576);
        check(parse_bytes("1GiB", &v) == 0);
        check_eq_u64(v, 1073741824);
        check(parse_bytes("4096B", &v) == 0);
        check_eq_u64(v, 4096);
        check(parse_bytes("0.5KiB", &v) == 0);
        check_eq_u64(v, 512);
        check(parse_bytes("128K", &v) == -EINVAL);
        check(parse_bytes("128kB", &v) == -EINVAL);
        check(parse_bytes("128kib", &v) == -EINVAL);
        check(parse_bytes("", &v) == -EINVAL);
        check(parse_bytes("0.3B", &v) == -ERANGE);
}

static void test_boolean(void) {
        check(parse_boolean("true") == 1);
        check(parse_boolean("false") == 0);
        check(parse_boolean("yes") == -EINVAL);
        check(parse_boolean("True") == -EINVAL);
        check(parse_boolean("1") == -EINVAL);
        check(parse_boolean(NULL) == -EINVAL);
}

static void test_suggest(void) {
        static const char *const keys[] = { "profile", "description", "path-manager", "steering", "limits", "rules", NULL };

        check(edit_distance("steering", "steering", 2) == 0);
        check(edit_distance("steerng", "steering", 2) == 1);
        check(edit_distance("abc", "xyz", 2) == 3);
        check(edit_distance("tpye", "type", 2) == 1);
        check(edit_distance("load-balance", "load-balancing", 3) == 3);
        check(edit_distance("a", "abcdefgh", 2) == 3);
        check_streq(suggest_closest("steerng", keys), "steering");
        check_streq(suggest_closest("rule", keys), "rules");
        check_streq(suggest_closest("pathmanager", keys), "path-manager");
        check_streq(suggest_closest("Profile", keys), "profile");
        check(suggest_closest("xyz", keys) == NULL);
        check(suggest_closest("steering-mode", keys) == NULL);
        check(suggest_closest("ru", keys) == NULL); /* too short to be a plausible typo of rules */
}

static void test_names(void) {
        check(profile_name_is_valid("balanced"));
        check(profile_name_is_valid("low-latency"));
        check(profile_name_is_valid("a.b_c-1"));
        check(!profile_name_is_valid(""));
        check(!profile_name_is_valid("-x"));
        check(!profile_name_is_valid("a b"));
        check(!profile_name_is_valid("a/b"));
        check(!profile_name_is_valid("ü"));
        check(ifname_is_valid("eth0"));
        check(ifname_is_valid("veth-lte"));
        check(!ifname_is_valid("0123456789abcdef"));
        check(!ifname_is_valid("a/b"));
        check(!ifname_is_valid(".."));
        check(!ifname_is_valid("a b"));
        check(ifname_glob_is_valid("docker*"));
        check(ifname_glob_is_valid("wl[a-z]*"));
        check(!ifname_glob_is_valid("x y"));
        check(operator_id_is_valid("310260"));
        check(operator_id_is_valid("26201"));
        check(!operator_id_is_valid("2620"));
        check(!operator_id_is_valid("3102601"));
        check(!operator_id_is_valid("31026a"));
        check(string_is_glob("eth*"));
        check(!string_is_glob("eth0"));
}

static void test_enums(void) {
        for (int t = 0; t < _INTERFACE_TYPE_MAX; t++)
                check(interface_type_from_string(interface_type_to_string((InterfaceType) t)) == t);
        for (int t = 0; t < _STEERING_MAX; t++)
                check(steering_mode_from_string(steering_mode_to_string((SteeringMode) t)) == t);
        for (int t = 0; t < _RULE_USE_MAX; t++)
                check(rule_use_from_string(rule_use_to_string((RuleUse) t)) == t);
        for (int t = 0; t < _PATH_MANAGER_MAX; t++)
                check(path_manager_from_string(path_manager_to_string((PathManager) t)) == t);
        check(interface_type_from_string("lte") == -EINVAL);
        check(interface_type_from_string(NULL) == -EINVAL);
        check(steering_mode_to_string((SteeringMode) 99) == NULL);
        check_streq(steering_mode_to_string(STEERING_LOAD_BALANCING), "load-balancing");
        check_streq(interface_type_to_string(INTERFACE_TYPE_CELLULAR), "cellular");
}

int main(void) {
        test_uint64();
        test_rate();
        test_duration();
        test_percent();
        test_bytes();
        test_boolean();
        test_suggest();
        test_names();
        test_enums();
        printf("test-policy-scalar: all checks passed\n");
        return 0;
}
