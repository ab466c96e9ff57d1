/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bus-json.c — D-Bus message values as JSON, for --json output that mirrors the D-Bus API. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus-json.h"
#include "macro.h"

/* A basic value read from a message, its width folded away: the one place that knows which D-Bus
 * type reads into which C type. */
typedef struct BasicValue {
        enum { BASIC_SIGNED, BASIC_UNSIGNED, BASIC_BOOLEAN, BASIC_DOUBLE, BASIC_STRING } kind;
        union {
                int64_t i;
                uint64_t u;
                bool b;
                double d;
                const char *s;
        };
} BasicValue;

static int read_basic(sd_bus_message *m, char type, BasicValue *ret) {
        union {
                uint8_t u8;
                int b;
                int16_t i16;
                uint16_t u16;
                int32_t i32;
                uint32_t u32;
                int64_t i64;
                uint64_t u64;
                double d;
                const char *s;
                int fd;
        } v;
        int r;

        r = sd_bus_message_read_basic(m, type, &v);
        if (r < 0)
                return r;
        switch (type) {
        case SD_BUS_TYPE_BYTE:
                *ret = (BasicValue){ .kind = BASIC_UNSIGNED, .u = v.u8 };
                return 0;
        case SD_BUS_TYPE_BOOLEAN:
                *ret = (BasicValue){ .kind = BASIC_BOOLEAN, .b = v.b };
                return 0;
        case SD_BUS_TYPE_INT16:
                *ret = (BasicValue){ .kind = BASIC_SIGNED, .i = v.i16 };
                return 0;
        case SD_BUS_TYPE_UINT16:
                *ret = (BasicValue){ .kind = BASIC_UNSIGNED, .u = v.u16 };
                return 0;
        case SD_BUS_TYPE_INT32:
                *ret = (BasicValue){ .kind = BASIC_SIGNED, .i = v.i32 };
                return 0;
        case SD_BUS_TYPE_UINT32:
                *ret = (BasicValue){ .kind = BASIC_UNSIGNED, .u = v.u32 };
                return 0;
        case SD_BUS_TYPE_INT64:
                *ret = (BasicValue){ .kind = BASIC_SIGNED, .i = v.i64 };
                return 0;
        case SD_BUS_TYPE_UINT64:
                *ret = (BasicValue){ .kind = BASIC_UNSIGNED, .u = v.u64 };
                return 0;
        case SD_BUS_TYPE_DOUBLE:
                *ret = (BasicValue){ .kind = BASIC_DOUBLE, .d = v.d };
                return 0;
        case SD_BUS_TYPE_STRING:
        case SD_BUS_TYPE_OBJECT_PATH:
        case SD_BUS_TYPE_SIGNATURE:
                *ret = (BasicValue){ .kind = BASIC_STRING, .s = v.s };
                return 0;
        case SD_BUS_TYPE_UNIX_FD:
                *ret = (BasicValue){ .kind = BASIC_SIGNED, .i = v.fd };
                return 0;
        default:
                return -EBADMSG;
        }
}

static int basic_to_json(sd_bus_message *m, char type, JsonWriter *w) {
        BasicValue v;
        int r;

        r = read_basic(m, type, &v);
        if (r < 0)
                return r;
        switch (v.kind) {
        case BASIC_SIGNED:
                json_int(w, v.i);
                break;
        case BASIC_UNSIGNED:
                json_uint(w, v.u);
                break;
        case BASIC_BOOLEAN:
                json_bool(w, v.b);
                break;
        case BASIC_DOUBLE:
                json_double(w, v.d);
                break;
        case BASIC_STRING:
                json_string(w, v.s);
                break;
        }
        return 0;
}

/* A dictionary key as JSON object key: strings as they are, numbers and booleans as their text. */
static int key_to_json(sd_bus_message *m, JsonWriter *w) {
        BasicValue v;
        char type, buf[32];
        int r;

        r = sd_bus_message_peek_type(m, &type, NULL);
        if (r < 0)
                return r;
        if (r == 0 || type == SD_BUS_TYPE_DOUBLE || type == SD_BUS_TYPE_UNIX_FD)
                return -EBADMSG; /* not keys our API uses */
        r = read_basic(m, type, &v);
        if (r < 0)
                return r;
        switch (v.kind) {
        case BASIC_STRING:
                json_key(w, v.s);
                return 0;
        case BASIC_BOOLEAN:
                snprintf(buf, sizeof(buf), "%s", v.b ? "true" : "false");
                break;
        case BASIC_SIGNED:
                snprintf(buf, sizeof(buf), "%" PRIi64, v.i);
                break;
        case BASIC_UNSIGNED:
                snprintf(buf, sizeof(buf), "%" PRIu64, v.u);
                break;
        case BASIC_DOUBLE:
                return -EBADMSG; /* refused above */
        }
        json_key(w, buf);
        return 0;
}

int bus_dict_members_to_json(sd_bus_message *m, JsonWriter *w) {
        const char *contents;
        int r;

        r = sd_bus_message_peek_type(m, NULL, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, SD_BUS_TYPE_ARRAY, contents);
        if (r < 0)
                return r;
        for (;;) {
                const char *entry;

                r = sd_bus_message_peek_type(m, NULL, &entry);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                r = sd_bus_message_enter_container(m, SD_BUS_TYPE_DICT_ENTRY, entry);
                if (r < 0)
                        return r;
                r = key_to_json(m, w);
                if (r < 0)
                        return r;
                r = bus_value_to_json(m, w);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_exit_container(m);
}

int bus_value_to_json(sd_bus_message *m, JsonWriter *w) {
        const char *contents;
        char type;
        int r;

        r = sd_bus_message_peek_type(m, &type, &contents);
        if (r < 0)
                return r;
        if (r == 0)
                return -EBADMSG; /* nothing left to read */

        if (type == SD_BUS_TYPE_ARRAY && contents[0] == SD_BUS_TYPE_DICT_ENTRY_BEGIN) {
                json_begin_object(w);
                r = bus_dict_members_to_json(m, w);
                if (r < 0)
                        return r;
                json_end_object(w);
                return 0;
        }

        switch (type) {
        case SD_BUS_TYPE_VARIANT:
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                r = bus_value_to_json(m, w);
                if (r < 0)
                        return r;
                return sd_bus_message_exit_container(m);

        case SD_BUS_TYPE_ARRAY:
        case SD_BUS_TYPE_STRUCT:
                r = sd_bus_message_enter_container(m, type, contents);
                if (r < 0)
                        return r;
                json_begin_array(w);
                while ((r = sd_bus_message_at_end(m, false)) == 0) {
                        r = bus_value_to_json(m, w);
                        if (r < 0)
                                return r;
                }
                if (r < 0)
                        return r;
                json_end_array(w);
                return sd_bus_message_exit_container(m);

        default:
                return basic_to_json(m, type, w);
        }
}
