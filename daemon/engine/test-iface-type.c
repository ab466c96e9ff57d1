/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test-iface-type.c — interface classification against fake sysfs trees built in a temporary directory. */

#include <fcntl.h>
#include <limits.h>
#include <ftw.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "iface-type.h"

static unsigned failures;

#define CHECK(expr)                                                                                \
        do {                                                                                       \
                if (!(expr)) {                                                                     \
                        fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #expr);         \
                        failures++;                                                                \
                }                                                                                  \
        } while (0)

static char root[] = "/tmp/test-iface-type-XXXXXX";

_noreturn_ static void die(const char *what) {
        fprintf(stderr, "setup failed: %s: %m\n", what);
        exit(EXIT_FAILURE);
}

/* A formatted, malloc'd string; dies on ENOMEM. */
static char *strf(const char *fmt, ...) _printf_(1, 2);
static char *strf(const char *fmt, ...) {
        char *s;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0)
                die("vasprintf");
        return s;
}

/* mkdir -p ROOT/REL */
static void mkdir_p(const char *rel) {
        _cleanup_free_ char *path = strf("%s/%s", root, rel);

        for (char *p = path + strlen(root) + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                                die(path);
                        *p = '/';
                }
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                die(path);
}

static void write_file(const char *rel, const char *content) {
        _cleanup_free_ char *path = strf("%s/%s", root, rel);
        _cleanup_fclose_ FILE *f = NULL;

        f = fopen(path, "we");
        if (!f || fputs(content, f) < 0)
                die(path);
}

static void symlink_at(const char *target, const char *rel) {
        _cleanup_free_ char *path = strf("%s/%s", root, rel);

        if (symlink(target, path) < 0)
                die(path);
}

/* How to build one interface. */
typedef struct FakeIface {
        const char *name;
        const char *type;      /* content of `type`; NULL: no file */
        const char *uevent;    /* content of `uevent` after INTERFACE=; NULL: no file */
        bool hardware;         /* lives under devices/pci0000:00/DEV with a `device` link */
        const char *driver;    /* device/driver link to bus/pci/drivers/DRIVER */
        const char *dev_uevent_driver; /* DRIVER= in device/uevent */
        bool wireless;         /* wireless/ directory */
        bool phy80211;         /* phy80211 link */
        bool tun_flags;
        bool flat;             /* class/net/NAME is a plain directory, not a link */
        const char *special;   /* "type-dir", "uevent-fifo", "dangling-device" */
} FakeIface;

static void build(const FakeIface *f) {
        _cleanup_free_ char *devdir = NULL, *ifdir = NULL;

        if (f->flat) {
                ifdir = strf("class/net/%s", f->name);
                mkdir_p(ifdir);
        } else {
                _cleanup_free_ char *target = NULL, *link = NULL;

                devdir = f->hardware ? strf("devices/pci0000:00/dev-%s", f->name) : strf("devices/virtual");
                ifdir = strf("%s/net/%s", devdir, f->name);
                mkdir_p(ifdir);
                mkdir_p("class/net");
                target = strf("../../%s", ifdir);
                link = strf("class/net/%s", f->name);
                symlink_at(target, link);
        }

        if (f->type) {
                _cleanup_free_ char *p = strf("%s/type", ifdir);
                write_file(p, f->type);
        }
        if (f->uevent) {
                _cleanup_free_ char *p = strf("%s/uevent", ifdir);
                _cleanup_free_ char *content = strf("%s\nINTERFACE=%s\nIFINDEX=7\n", f->uevent, f->name);
                write_file(p, content);
        }
        if (f->hardware) {
                _cleanup_free_ char *p = strf("%s/device", ifdir);
                bool dangling = f->special && streq(f->special, "dangling-device");
                symlink_at(dangling ? "../../../nowhere" : "../..", p);
        }
        if (f->driver) {
                _cleanup_free_ char *d = strf("bus/pci/drivers/%s", f->driver);
                _cleanup_free_ char *target = strf("../../../%s", d);
                _cleanup_free_ char *p = strf("%s/driver", devdir);
                mkdir_p(d);
                symlink_at(target, p);
        }
        if (f->dev_uevent_driver) {
                _cleanup_free_ char *p = strf("%s/uevent", devdir);
                _cleanup_free_ char *content = strf("DRIVER=%s\nPCI_CLASS=20000\n", f->dev_uevent_driver);
                write_file(p, content);
        }
        if (f->wireless) {
                _cleanup_free_ char *p = strf("%s/wireless", ifdir);
                mkdir_p(p);
        }
        if (f->phy80211) {
                _cleanup_free_ char *phy = strf("%s/ieee80211/phy0", devdir);
                _cleanup_free_ char *p = strf("%s/phy80211", ifdir);
                mkdir_p(phy);
                symlink_at("../../ieee80211/phy0", p);
        }
        if (f->tun_flags) {
                _cleanup_free_ char *p = strf("%s/tun_flags", ifdir);
                write_file(p, "0x1002\n");
        }
        if (f->special && streq(f->special, "type-dir")) {
                _cleanup_free_ char *p = strf("%s/type", ifdir);
                mkdir_p(p);
        }
        if (f->special && streq(f->special, "uevent-fifo")) {
                _cleanup_free_ char *p = strf("%s/%s/uevent", root, ifdir);
                if (mkfifo(p, 0644) < 0)
                        die(p);
        }
}

static const struct {
        FakeIface iface;
        InterfaceType expect;
        const char *reason; /* expected reason, NULL: don't care */
} cases[] = {
        { { .name = "eno1", .type = "1\n", .uevent = "", .hardware = true, .driver = "e1000e" },
          INTERFACE_TYPE_ETHERNET, "Ethernet hardware" },
        { { .name = "wlp2s0", .type = "1\n", .uevent = "DEVTYPE=wlan", .hardware = true, .driver = "iwlwifi",
            .wireless = true, .phy80211 = true },
          INTERFACE_TYPE_WIFI, "wireless/ present" },
        { { .name = "wlan1", .type = "1\n", .uevent = "", .hardware = true, .phy80211 = true },
          INTERFACE_TYPE_WIFI, "phy80211 present" },
        { { .name = "wlan2", .type = "1\n", .uevent = "DEVTYPE=wlan", .hardware = true },
          INTERFACE_TYPE_WIFI, "uevent DEVTYPE=wlan" },
        /* Virtual but Wi-Fi (mac80211_hwsim): wireless/ wins over "virtual". */
        { { .name = "wlan9", .type = "1\n", .uevent = "DEVTYPE=wlan", .wireless = true },
          INTERFACE_TYPE_WIFI, "wireless/ present" },
        { { .name = "wwan0", .type = "65534\n", .uevent = "DEVTYPE=wwan" },
          INTERFACE_TYPE_CELLULAR, "uevent DEVTYPE=wwan" },
        { { .name = "wwp0s20u4i6", .type = "1\n", .uevent = "DEVTYPE=wwan", .hardware = true, .driver = "qmi_wwan" },
          INTERFACE_TYPE_CELLULAR, "uevent DEVTYPE=wwan" },
        { { .name = "wwan1", .type = "1\n", .uevent = "", .hardware = true, .driver = "qmi_wwan" },
          INTERFACE_TYPE_CELLULAR, "WWAN or tethering driver" },
        { { .name = "wwan2", .type = "1\n", .uevent = "", .hardware = true, .dev_uevent_driver = "cdc_mbim" },
          INTERFACE_TYPE_CELLULAR, "WWAN or tethering driver" },
        { { .name = "eth5", .type = "1\n", .uevent = "", .hardware = true, .driver = "ipheth" },
          INTERFACE_TYPE_CELLULAR, "WWAN or tethering driver" },
        { { .name = "usb0", .type = "1\n", .uevent = "", .hardware = true, .driver = "rndis_host" },
          INTERFACE_TYPE_CELLULAR, "WWAN or tethering driver" },
        { { .name = "mhi_hwip0", .type = "519\n", .uevent = "", .hardware = true, .driver = "mhi_net" },
          INTERFACE_TYPE_CELLULAR, "raw-IP link type (ARPHRD_RAWIP)" },
        { { .name = "rmnet_data0", .type = "519\n", .uevent = "" },
          INTERFACE_TYPE_CELLULAR, "raw-IP link type (ARPHRD_RAWIP)" },
        /* qmi_wwan in raw-ip mode with an unknown (out-of-tree) driver name. */
        { { .name = "wwan3", .type = "65534\n", .uevent = "", .hardware = true, .driver = "vendor_modem" },
          INTERFACE_TYPE_CELLULAR, "raw-IP link type (ARPHRD_NONE) on hardware" },
        { { .name = "enx001122334455", .type = "1\n", .uevent = "DEVTYPE=usb_interface", .hardware = true,
            .driver = "cdc_ether" },
          INTERFACE_TYPE_ETHERNET, "Ethernet hardware" },
        { { .name = "enx665544332211", .type = "1\n", .uevent = "", .hardware = true, .driver = "cdc_ncm" },
          INTERFACE_TYPE_ETHERNET, "Ethernet hardware" },
        { { .name = "lo", .type = "772\n", .uevent = "" }, INTERFACE_TYPE_OTHER, "loopback" },
        { { .name = "veth0", .type = "1\n", .uevent = "" }, INTERFACE_TYPE_OTHER, "virtual device" },
        { { .name = "dummy0", .type = "1\n", .uevent = "" }, INTERFACE_TYPE_OTHER, "virtual device" },
        { { .name = "br0", .type = "1\n", .uevent = "DEVTYPE=bridge" }, INTERFACE_TYPE_OTHER, "bridge" },
        { { .name = "bond0", .type = "1\n", .uevent = "DEVTYPE=bond" }, INTERFACE_TYPE_OTHER, "bond" },
        { { .name = "eno1.10", .type = "1\n", .uevent = "DEVTYPE=vlan" }, INTERFACE_TYPE_OTHER, "VLAN" },
        { { .name = "wg0", .type = "65534\n", .uevent = "DEVTYPE=wireguard" }, INTERFACE_TYPE_OTHER, "WireGuard tunnel" },
        { { .name = "ppp0", .type = "512\n", .uevent = "DEVTYPE=ppp" }, INTERFACE_TYPE_OTHER, "PPP link" },
        { { .name = "tun0", .type = "65534\n", .uevent = "", .tun_flags = true }, INTERFACE_TYPE_OTHER, "tun/tap" },
        { { .name = "tap0", .type = "1\n", .uevent = "", .tun_flags = true }, INTERFACE_TYPE_OTHER, "tun/tap" },
        /* ARPHRD_NONE without hardware (gtp, sit-like): not cellular. */
        { { .name = "gtp0", .type = "65534\n", .uevent = "" }, INTERFACE_TYPE_OTHER, "virtual device" },
        { { .name = "mon0", .type = "803\n", .uevent = "", .hardware = true, .phy80211 = true },
          INTERFACE_TYPE_OTHER, "802.11 monitor interface" },
        { { .name = "ib0", .type = "32\n", .uevent = "", .hardware = true, .driver = "mlx5_core" },
          INTERFACE_TYPE_OTHER, "hardware of another link type" },
        /* Broken or hostile trees: never a crash or a hang, and never a confident wrong answer. */
        { { .name = "eth6", .uevent = "", .hardware = true, .driver = "e1000e" },
          INTERFACE_TYPE_OTHER, "link type unreadable" },
        { { .name = "eth7", .type = "garbage\n", .hardware = true, .driver = "e1000e" },
          INTERFACE_TYPE_OTHER, "link type unreadable" },
        { { .name = "eth8", .hardware = true, .driver = "e1000e", .special = "type-dir" },
          INTERFACE_TYPE_OTHER, "link type unreadable" },
        { { .name = "eth9", .type = "1\n", .hardware = true, .driver = "e1000e", .special = "uevent-fifo" },
          INTERFACE_TYPE_ETHERNET, "Ethernet hardware" },
        { { .name = "eth10", .type = "1\n", .hardware = true, .special = "dangling-device" },
          INTERFACE_TYPE_ETHERNET, "Ethernet hardware" },
        { { .name = "empty0", .flat = true }, INTERFACE_TYPE_OTHER, "virtual device" },
        /* Only exact keys count: XDEVTYPE= and DEVTYPEX= are not DEVTYPE=. */
        { { .name = "eth11", .type = "1\n", .uevent = "XDEVTYPE=wlan\nDEVTYPEX=wwan", .hardware = true },
          INTERFACE_TYPE_ETHERNET, "Ethernet hardware" },
        { { .name = "eth12", .type = "1", .uevent = "FOO=1", .hardware = true }, INTERFACE_TYPE_ETHERNET, NULL },
};

static void test_cases(void) {
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                InterfaceType t = (InterfaceType) -1;
                const char *reason = NULL;
                int r;

                build(&cases[i].iface);
                r = iface_type_classify(root, cases[i].iface.name, &t, &reason);
                printf("%-18s → %-8s (%s)\n", cases[i].iface.name, strna(interface_type_to_string(t)), strna(reason));
                CHECK(r == 0);
                CHECK(t == cases[i].expect);
                if (t != cases[i].expect)
                        fprintf(stderr, "  %s: expected %s\n", cases[i].iface.name,
                                interface_type_to_string(cases[i].expect));
                CHECK(reason);
                if (cases[i].reason)
                        CHECK(reason && streq(reason, cases[i].reason));
        }
}

static void test_big_uevent(void) {
        char big[8192];
        InterfaceType t = (InterfaceType) -1;
        FakeIface f = { .name = "wlan7", .type = "1\n", .hardware = true };

        /* DEVTYPE=wlan beyond the first 4 KiB is not seen; the read is bounded. */
        memset(big, 'A', sizeof(big));
        memcpy(big, "PAD=", 4);
        memcpy(big + 6000, "\nDEVTYPE=wlan\n", 14);
        big[sizeof(big) - 1] = 0;
        build(&f);
        write_file("devices/pci0000:00/dev-wlan7/net/wlan7/uevent", big);
        CHECK(iface_type_classify(root, "wlan7", &t, NULL) == 0);
        CHECK(t == INTERFACE_TYPE_ETHERNET);
}

static void test_errors(void) {
        InterfaceType t = INTERFACE_TYPE_WIFI;
        const char *reason = "untouched";
        _cleanup_free_ char *missing_root = strf("%s/not-there", root);

        CHECK(iface_type_classify(root, "nosuch0", &t, &reason) == -ENODEV);
        CHECK(t == INTERFACE_TYPE_WIFI && streq(reason, "untouched")); /* ret_* untouched on failure */
        CHECK(iface_type_classify(missing_root, "eno1", &t, NULL) == -ENODEV);
        CHECK(iface_type_classify(root, "", &t, NULL) == -EINVAL);
        CHECK(iface_type_classify(root, NULL, &t, NULL) == -EINVAL);
        CHECK(iface_type_classify(root, "..", &t, NULL) == -EINVAL);
        CHECK(iface_type_classify(root, "../net/eno1", &t, NULL) == -EINVAL);
        CHECK(iface_type_classify(root, "a/b", &t, NULL) == -EINVAL);
        CHECK(iface_type_classify(root, "0123456789abcdef", &t, NULL) == -EINVAL); /* 16 chars */
        CHECK(iface_type_classify(root, "eno1", NULL, NULL) == -EINVAL);
        CHECK(t == INTERFACE_TYPE_WIFI);

        /* Default root is /sys: loopback exists in every network namespace. */
        CHECK(iface_type_classify(NULL, "lo", &t, &reason) == 0);
        CHECK(t == INTERFACE_TYPE_OTHER && streq(reason, "loopback"));
}

static void test_driver_list(void) {
        CHECK(iface_driver_is_wwan("qmi_wwan"));
        CHECK(iface_driver_is_wwan("ipheth"));
        CHECK(iface_driver_is_wwan("rmnet_ipa"));
        CHECK(!iface_driver_is_wwan("cdc_ether"));
        CHECK(!iface_driver_is_wwan("cdc_ncm"));
        CHECK(!iface_driver_is_wwan("qmi"));
        CHECK(!iface_driver_is_wwan(""));
        CHECK(!iface_driver_is_wwan(NULL));
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) remove(path);
        return 0;
}

int main(void) {
        if (!mkdtemp(root))
                die("mkdtemp");

        test_cases();
        test_big_uevent();
        test_errors();
        test_driver_list();

        (void) nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);

        if (failures > 0) {
                fprintf(stderr, "%u check(s) failed\n", failures);
                return EXIT_FAILURE;
        }
        printf("all iface-type checks passed\n");
        return EXIT_SUCCESS;
}
