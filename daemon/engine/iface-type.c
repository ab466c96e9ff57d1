/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iface-type.c — classify a network interface as ethernet, wifi, cellular or other from sysfs. */

#include <fcntl.h>
#include <limits.h>
#include <net/if_arp.h>
#include <sys/stat.h>

#include "iface-type.h"

#define ARPHRD_UNREADABLE (-1)

/* Reads a small regular file relative to DIR_FD into BUF (NUL-terminated). Anything that is not a
 * readable regular file — missing, a directory, a FIFO, a dangling link — is -ENOENT-like. */
static int read_small_file(int dir_fd, const char *path, char *buf, size_t size) {
        _cleanup_close_ int fd = -EBADF;
        struct stat st;
        size_t n = 0;

        fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;

        while (n < size - 1) {
                ssize_t k = read(fd, buf + n, size - 1 - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        buf[n] = 0;
        return 0;
}

/* Finds KEY=value in a uevent-style buffer (one KEY=value per line); copies value into RET
 * (size RET_SIZE, truncated). */
static bool uevent_get(const char *buf, const char *key, char *ret, size_t ret_size) {
        size_t kl = strlen(key);

        for (const char *p = buf; *p;) {
                const char *end = strchrnul(p, '\n');

                if ((size_t) (end - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
                        size_t vl = MIN((size_t) (end - p) - kl - 1, ret_size - 1);

                        memcpy(ret, p + kl + 1, vl);
                        ret[vl] = 0;
                        return true;
                }
                p = *end ? end + 1 : end;
        }
        return false;
}

static bool exists_at(int dir_fd, const char *path) {
        struct stat st;
        return fstatat(dir_fd, path, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool is_dir_at(int dir_fd, const char *path) {
        struct stat st;
        return fstatat(dir_fd, path, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

static int read_arphrd(int dir_fd) {
        char buf[32], *end;
        unsigned long v;

        if (read_small_file(dir_fd, "type", buf, sizeof(buf)) < 0)
                return ARPHRD_UNREADABLE;
        errno = 0;
        v = strtoul(buf, &end, 10);
        if (errno != 0 || end == buf || (*end != 0 && *end != '\n') || v > 0xffff)
                return ARPHRD_UNREADABLE;
        return (int) v;
}

/* The driver bound to the interface's device: the `device/driver` link's basename, else DRIVER=
 * in `device/uevent`. Returns false when neither says. */
static bool read_driver(int dir_fd, char *ret, size_t size) {
        char link[PATH_MAX], buf[4096];
        ssize_t n;

        n = readlinkat(dir_fd, "device/driver", link, sizeof(link) - 1);
        if (n > 0) {
                const char *base;

                link[n] = 0;
                base = strrchr(link, '/');
                base = base ? base + 1 : link;
                if (*base && strlen(base) < size) {
                        memcpy(ret, base, strlen(base) + 1);
                        return true;
                }
        }

        if (read_small_file(dir_fd, "device/uevent", buf, sizeof(buf)) >= 0 &&
            uevent_get(buf, "DRIVER", ret, size) && *ret)
                return true;
        return false;
}

/* Whether CLASS_FD/IFNAME is a link into devices/virtual/ (the kernel's home for netdevs without
 * hardware). */
static bool class_link_is_virtual(int class_fd, const char *ifname) {
        char link[PATH_MAX];
        ssize_t n;

        n = readlinkat(class_fd, ifname, link, sizeof(link) - 1);
        if (n <= 0)
                return false;
        link[n] = 0;
        return strstr(link, "devices/virtual/") != NULL;
}

static const char *const wwan_drivers[] = {
        "qmi_wwan", "qmi_wwan_q", "GobiNet", "cdc_mbim", "huawei_cdc_ncm", "sierra_net",
        "hso", "kalmia", "ipheth", "rndis_host", "rmnet", "rmnet_ipa", "ipa", "mhi_net",
        "mhi-netdev", "iosm", "mtk_t7xx",
};

bool iface_driver_is_wwan(const char *driver) {
        if (!driver)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(wwan_drivers); i++)
                if (streq(wwan_drivers[i], driver))
                        return true;
        return false;
}

static const struct {
        const char *devtype;
        const char *reason;
} virtual_devtypes[] = {
        { "bridge", "bridge" },
        { "bond", "bond" },
        { "vlan", "VLAN" },
        { "wireguard", "WireGuard tunnel" },
        { "vxlan", "VXLAN tunnel" },
        { "geneve", "Geneve tunnel" },
        { "macvlan", "macvlan" },
        { "ipvlan", "ipvlan" },
        { "macsec", "MACsec" },
        { "ppp", "PPP link" },
        { "hsr", "HSR/PRP" },
        { "dsa", "DSA switch port" },
};

static bool valid_ifname(const char *s) {
        size_t l;

        if (!s)
                return false;
        l = strlen(s);
        if (l == 0 || l >= IFNAMSIZ || streq(s, ".") || streq(s, ".."))
                return false;
        for (const char *p = s; *p; p++)
                if (*p == '/' || *p == ':' || *p <= ' ' || *p == 0x7f)
                        return false;
        return true;
}

int iface_type_classify(const char *sysfs_root, const char *ifname, InterfaceType *ret_type, const char **ret_reason) {
        _cleanup_free_ char *class_path = NULL;
        _cleanup_close_ int class_fd = -EBADF, dir_fd = -EBADF;
        char uevent[4096] = "", devtype[64] = "", driver[128] = "";
        InterfaceType type;
        const char *reason;
        int arphrd;

        if (!ret_type || !valid_ifname(ifname))
                return -EINVAL;

        if (asprintf(&class_path, "%s/class/net", sysfs_root ?: "/sys") < 0)
                return -ENOMEM;
        class_fd = open(class_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (class_fd < 0)
                return errno == ENOENT || errno == ENOTDIR ? -ENODEV : negative_errno();
        dir_fd = openat(class_fd, ifname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return errno == ENOENT || errno == ENOTDIR ? -ENODEV : negative_errno();

        arphrd = read_arphrd(dir_fd);
        if (read_small_file(dir_fd, "uevent", uevent, sizeof(uevent)) >= 0)
                (void) uevent_get(uevent, "DEVTYPE", devtype, sizeof(devtype));

        if (arphrd == ARPHRD_LOOPBACK) {
                type = INTERFACE_TYPE_OTHER;
                reason = "loopback";
                goto done;
        }
        if (arphrd >= ARPHRD_IEEE80211 && arphrd <= ARPHRD_IEEE80211_RADIOTAP) {
                type = INTERFACE_TYPE_OTHER;
                reason = "802.11 monitor interface";
                goto done;
        }
        if (is_dir_at(dir_fd, "wireless")) {
                type = INTERFACE_TYPE_WIFI;
                reason = "wireless/ present";
                goto done;
        }
        if (exists_at(dir_fd, "phy80211")) {
                type = INTERFACE_TYPE_WIFI;
                reason = "phy80211 present";
                goto done;
        }
        if (streq(devtype, "wlan")) {
                type = INTERFACE_TYPE_WIFI;
                reason = "uevent DEVTYPE=wlan";
                goto done;
        }
        if (streq(devtype, "wwan")) {
                type = INTERFACE_TYPE_CELLULAR;
                reason = "uevent DEVTYPE=wwan";
                goto done;
        }
        if (arphrd == ARPHRD_RAWIP) {
                type = INTERFACE_TYPE_CELLULAR;
                reason = "raw-IP link type (ARPHRD_RAWIP)";
                goto done;
        }
        for (size_t i = 0; i < ELEMENTSOF(virtual_devtypes); i++)
                if (streq(devtype, virtual_devtypes[i].devtype)) {
                        type = INTERFACE_TYPE_OTHER;
                        reason = virtual_devtypes[i].reason;
                        goto done;
                }
        if (exists_at(dir_fd, "tun_flags")) {
                type = INTERFACE_TYPE_OTHER;
                reason = "tun/tap";
                goto done;
        }
        if (read_driver(dir_fd, driver, sizeof(driver)) && iface_driver_is_wwan(driver)) {
                type = INTERFACE_TYPE_CELLULAR;
                reason = "WWAN or tethering driver";
                goto done;
        }
        if (!exists_at(dir_fd, "device") || class_link_is_virtual(class_fd, ifname)) {
                type = INTERFACE_TYPE_OTHER;
                reason = "virtual device";
                goto done;
        }
        if (arphrd == ARPHRD_NONE) {
                type = INTERFACE_TYPE_CELLULAR;
                reason = "raw-IP link type (ARPHRD_NONE) on hardware";
                goto done;
        }
        if (arphrd == ARPHRD_ETHER) {
                type = INTERFACE_TYPE_ETHERNET;
                reason = "Ethernet hardware";
                goto done;
        }
        type = INTERFACE_TYPE_OTHER;
        reason = arphrd == ARPHRD_UNREADABLE ? "link type unreadable" : "hardware of another link type";

done:
        *ret_type = type;
        if (ret_reason)
                *ret_reason = reason;
        return 0;
}
