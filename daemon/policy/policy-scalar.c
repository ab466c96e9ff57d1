/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-scalar.c — typed scalar parsing: integers, rates, durations, percentages, sizes, names. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "macro.h"
#include "policy-scalar.h"
#include "profile.h"

int parse_uint64(const char *s, uint64_t *ret) {
        uint64_t v = 0;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t) (*p - '0'), &v))
                        return -ERANGE;
        }
        *ret = v;
        return 0;
}

/* Parses "D+(.D+)?" at the start of s. Returns the value scaled by 10^*ret_frac_digits. */
static int parse_fixed(const char *s, uint64_t *ret_scaled, unsigned *ret_frac_digits, const char **ret_end) {
        uint64_t v = 0;
        unsigned frac = 0;
        const char *p = s;
        bool any = false;

        for (; *p >= '0' && *p <= '9'; p++) {
                if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (uint64_t) (*p - '0'), &v))
                        return -ERANGE;
                any = true;
        }
        if (!any)
                return -EINVAL;
        if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                for (; *p >= '0' && *p <= '9'; p++) {
                        if (frac >= 12)
                                return -ERANGE; /* more precision than any unit here needs */
                        if (__builtin_mul_overflow(v, 10, &v) ||
                            __builtin_add_overflow(v, (uint64_t) (*p - '0'), &v))
                                return -ERANGE;
                        frac++;
                }
        }
        *ret_scaled = v;
        *ret_frac_digits = frac;
        *ret_end = p;
        return 0;
}

/* scaled / 10^frac * mult, exactly. */
static int apply_unit(uint64_t scaled, unsigned frac, uint64_t mult, uint64_t *ret) {
        uint64_t v, div = 1;

        for (unsigned i = 0; i < frac; i++)
                div *= 10;
        if (__builtin_mul_overflow(scaled, mult, &v)) {
                /* Try dividing first when that is exact. */
                if (mult % div != 0)
                        return -ERANGE;
                if (__builtin_mul_overflow(scaled, mult / div, &v))
                        return -ERANGE;
                *ret = v;
                return 0;
        }
        if (v % div != 0)
                return -ERANGE; /* not a whole number of the base unit */
        *ret = v / div;
        return 0;
}

typedef struct Unit {
        const char *name;
        uint64_t mult;
        bool icase_first; /* compare the first letter case-insensitively */
} Unit;

static bool unit_eq(const Unit *u, const char *s, size_t n) {
        if (strlen(u->name) != n)
                return false;
        if (n == 0)
                return true;
        if (u->icase_first ? tolower((unsigned char) s[0]) != tolower((unsigned char) u->name[0])
                           : s[0] != u->name[0])
                return false;
        return memcmp(s + 1, u->name + 1, n - 1) == 0;
}

static int parse_with_units(const char *s, const Unit *units, size_t n_units, bool unit_required, uint64_t *ret) {
        uint64_t scaled;
        unsigned frac;
        const char *end;
        int r;

        if (!s)
                return -EINVAL;
        r = parse_fixed(s, &scaled, &frac, &end);
        if (r < 0)
                return r;
        size_t n = strlen(end);
        if (n == 0 && unit_required)
                return -EINVAL;
        for (size_t i = 0; i < n_units; i++)
                if (unit_eq(&units[i], end, n))
                        return apply_unit(scaled, frac, units[i].mult, ret);
        return -EINVAL;
}

int parse_rate(const char *s, uint64_t *ret_bps) {
        static const Unit units[] = {
                { "bit", 1, false },
                { "kbit", 1000ULL, true },
                { "Mbit", 1000ULL * 1000, true },
                { "Gbit", 1000ULL * 1000 * 1000, true },
                { "Tbit", 1000ULL * 1000 * 1000 * 1000, true },
        };
        char buf[64];
        size_t n;

        if (!s)
                return -EINVAL;
        n = strlen(s);
        if (n >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, n + 1);
        if (n > 2 && streq(buf + n - 2, "/s"))
                buf[n - 2] = 0;
        return parse_with_units(buf, units, ELEMENTSOF(units), true, ret_bps);
}

int parse_duration(const char *s, uint64_t *ret_usec) {
        static const Unit units[] = {
                { "us", 1, false },
                { "ms", 1000ULL, false },
                { "s", 1000ULL * 1000, false },
        };
        return parse_with_units(s, units, ELEMENTSOF(units), true, ret_usec);
}

int parse_percent(const char *s, uint32_t *ret_ppm) {
        static const Unit units[] = {
                { "%", 10000, false },
        };
        uint64_t v;
        int r;

        r = parse_with_units(s, units, ELEMENTSOF(units), true, &v);
        if (r < 0)
                return r;
        if (v > UINT32_MAX)
                return -ERANGE;
        *ret_ppm = (uint32_t) v;
        return 0;
}

int parse_bytes(const char *s, uint64_t *ret) {
        static const Unit units[] = {
                { "", 1, false },
                { "B", 1, false },
                { "KiB", 1ULL << 10, false },
                { "MiB", 1ULL << 20, false },
                { "GiB", 1ULL << 30, false },
        };
        return parse_with_units(s, units, ELEMENTSOF(units), false, ret);
}

int parse_boolean(const char *s) {
        if (!s)
                return -EINVAL;
        if (streq(s, "true"))
                return 1;
        if (streq(s, "false"))
                return 0;
        return -EINVAL;
}

unsigned edit_distance(const char *a, const char *b, unsigned cap) {
        /* Optimal string alignment distance: Levenshtein plus adjacent transpositions ("tpye"). */
        size_t la = strlen(a), lb = strlen(b);
        unsigned prev2[65], prev[65], cur[65];

        if (la > 64 || lb > 64)
                return cap + 1;
        if ((la > lb ? la - lb : lb - la) > cap)
                return cap + 1;

        for (size_t j = 0; j <= lb; j++)
                prev[j] = (unsigned) j;
        for (size_t i = 1; i <= la; i++) {
                unsigned best;

                cur[0] = (unsigned) i;
                best = cur[0];
                for (size_t j = 1; j <= lb; j++) {
                        unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
                        unsigned v = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                                v = MIN(v, prev2[j - 2] + 1);
                        cur[j] = v;
                        best = MIN(best, v);
                }
                if (best > cap)
                        return cap + 1;
                memcpy(prev2, prev, sizeof(prev));
                memcpy(prev, cur, sizeof(cur));
        }
        return MIN(prev[lb], cap + 1);
}

const char *suggest_closest(const char *s, const char *const *candidates) {
        const char *best = NULL;
        unsigned best_d = UINT_MAX;
        size_t len;

        if (!s)
                return NULL;
        len = strlen(s);
        for (const char *const *c = candidates; c && *c; c++) {
                size_t longer = MAX(len, strlen(*c));
                /* Two edits, three for long words, and never half the word. */
                unsigned cap = longer >= 10 ? 3 : 2;
                unsigned d = edit_distance(s, *c, cap);
                if (d <= cap && d * 2 < longer && d < best_d) {
                        best = *c;
                        best_d = d;
                }
        }
        return best;
}

bool profile_name_is_valid(const char *s) {
        size_t n;

        if (!s)
                return false;
        n = strlen(s);
        if (n == 0 || n > PROFILE_NAME_MAX || !isalnum((unsigned char) s[0]))
                return false;
        for (const char *p = s; *p; p++)
                if (!isascii((unsigned char) *p) ||
                    !(isalnum((unsigned char) *p) || *p == '.' || *p == '_' || *p == '-'))
                        return false;
        return true;
}

bool ifname_is_valid(const char *s) {
        size_t n;

        if (!s)
                return false;
        n = strlen(s);
        if (n == 0 || n > 15 || streq(s, ".") || streq(s, ".."))
                return false;
        for (const char *p = s; *p; p++)
                if (*p == '/' || *p == ':' || !isgraph((unsigned char) *p))
                        return false;
        return true;
}

bool ifname_glob_is_valid(const char *s) {
        size_t n;

        if (!s)
                return false;
        n = strlen(s);
        if (n == 0 || n > 64)
                return false;
        for (const char *p = s; *p; p++)
                if (*p == '/' || !isgraph((unsigned char) *p))
                        return false;
        return true;
}

bool operator_id_is_valid(const char *s) {
        size_t n;

        if (!s)
                return false;
        n = strlen(s);
        if (n != 5 && n != 6)
                return false;
        for (const char *p = s; *p; p++)
                if (*p < '0' || *p > '9')
                        return false;
        return true;
}

bool string_is_glob(const char *s) {
        return s && strpbrk(s, "*?[\\") != NULL;
}

bool path_is_absolute_valid(const char *s) {
        return s && s[0] == '/' && strlen(s) < PATH_MAX;
}
