/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nl-attr.h — strict netlink attribute walking shared by the pure codecs (libmnl). */
#pragma once

#include <libmnl/libmnl.h>
#include <limits.h>
#include <stdint.h>

#include "macro.h"

typedef int (*nl_attr_cb_t)(const struct nlattr *a, void *userdata);

/* Walks the attributes in [start, start + len): each must fit whole (mnl_attr_ok); anything else
 * left over, beyond the last attribute's alignment padding, is -EBADMSG. A negative return of cb
 * stops the walk and is returned. */
static inline int nl_attrs_walk(const void *start, size_t len, nl_attr_cb_t cb, void *userdata) {
        const uint8_t *p = start;
        size_t off = 0;

        if (len > INT_MAX)
                return -EBADMSG;

        while (off < len) {
                const struct nlattr *a = (const struct nlattr *) (p + off);
                int r;

                if (!mnl_attr_ok(a, (int) (len - off)))
                        return -EBADMSG;

                r = cb(a, userdata);
                if (r < 0)
                        return r;

                off += MNL_ALIGN(a->nla_len);
        }

        return 0;
}
