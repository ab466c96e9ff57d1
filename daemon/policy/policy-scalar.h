/* SPDX-License-Identifier: GPL-2.0-or-later */
/* policy-scalar.h — typed scalar parsing for the policy language (units, booleans, names). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* All parsers take the scalar text and return 0 with *ret set, or a negative errno:
 *   -EINVAL  malformed (wrong syntax or unknown unit),
 *   -ERANGE  well-formed but overflowing uint64 or not a whole number of the base unit.
 * Range checks against a key's limits are the caller's. *ret untouched on failure. */

/* Decimal digits only ("0", "42"); no sign, no spaces, no 0x. */
int parse_uint64(const char *s, uint64_t *ret);

/* "2Mbit", "500kbit", "1.5Gbit", "100Mbit/s" → bits per second. Units (SI, powers of 1000):
 * bit, kbit, Mbit, Gbit, Tbit (the prefix letter case-insensitive), optionally followed by
 * "/s". A unit is required. */
int parse_rate(const char *s, uint64_t *ret_bps);

/* "150ms", "2s", "500us", "1.5s" → microseconds. Units: us, ms, s. A unit is required. */
int parse_duration(const char *s, uint64_t *ret_usec);

/* "2%", "0.5%", "0.0001%" → parts per million (1% = 10000). The "%" is required; at most four
 * decimals. */
int parse_percent(const char *s, uint32_t *ret_ppm);

/* "16384", "128KiB", "1MiB", "4096B" → bytes. Units (binary): B, KiB, MiB, GiB; none = bytes. */
int parse_bytes(const char *s, uint64_t *ret);

/* Strict YAML booleans: "true" or "false" only. Returns 0/1 or -EINVAL. */
int parse_boolean(const char *s);

/* Edit distance (Levenshtein with adjacent transpositions), capped: returns cap + 1 as soon as
 * the distance exceeds cap. */
unsigned edit_distance(const char *a, const char *b, unsigned cap);

/* The candidate closest to s when close enough to be a plausible typo (at most 2 edits, 3 for
 * words of 10 characters or more, and fewer than half the characters), else NULL. candidates is
 * NULL-terminated. */
const char *suggest_closest(const char *s, const char *const *candidates);

/* Profile names: 1..PROFILE_NAME_MAX characters of [A-Za-z0-9._-], starting with a letter or
 * digit. */
bool profile_name_is_valid(const char *s);
/* Interface name as the kernel allows it: 1..15 bytes, no '/', ':' or whitespace, not "." or "..". */
bool ifname_is_valid(const char *s);
/* Interface name glob: 1..64 bytes, printable, no '/' or whitespace. */
bool ifname_glob_is_valid(const char *s);
/* MCC+MNC: exactly 5 or 6 ASCII digits. */
bool operator_id_is_valid(const char *s);
/* Whether s contains fnmatch(3) special characters. */
bool string_is_glob(const char *s);
/* Absolute, normalized enough: starts with '/', no NUL, no "//" (not enforced), at most PATH_MAX. */
bool path_is_absolute_valid(const char *s);
