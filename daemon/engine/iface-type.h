/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iface-type.h — classify a network interface as ethernet, wifi, cellular or other from sysfs. */
#pragma once

#include "iface-facts.h"

/* Classifies IFNAME by reading SYSFS_ROOT/class/net/IFNAME/ (SYSFS_ROOT NULL means "/sys"; tests
 * point it at fake trees). No I/O beyond reading that tree, no logging. The first rule that holds
 * decides ("type" is the ARPHRD_* number in the `type` file, DEVTYPE comes from `uevent`):
 *
 *   1. type 772 (loopback)                                   → other     "loopback"
 *   2. type 801..803 (802.11 monitor/radiotap)               → other     "802.11 monitor interface"
 *   3. `wireless/` or `phy80211` exists, or DEVTYPE=wlan     → wifi
 *   4. DEVTYPE=wwan (the kernel's WWAN framework)            → cellular
 *   5. type 519 (ARPHRD_RAWIP: only rmnet, qmi_wwan, ipa and
 *      mhi_net use it), even on a virtual device (rmnet_data*) → cellular
 *   6. a virtual kind known by DEVTYPE (bridge, bond, vlan, wireguard, vxlan, macvlan, ipvlan,
 *      ppp, ...) or `tun_flags` (tun/tap)                    → other
 *      VLANs and bonds are "other" even over Ethernet, and ppp even over a modem: the medium
 *      behind them is not knowable here. Use an override.
 *   7. the driver (basename of the `device/driver` link, else DRIVER= in `device/uevent`) is a
 *      WWAN or phone-tethering driver: qmi_wwan, qmi_wwan_q, GobiNet, cdc_mbim, huawei_cdc_ncm,
 *      sierra_net, hso, kalmia, ipheth (iPhone), rndis_host (Android USB tethering), rmnet,
 *      rmnet_ipa, ipa, mhi_net, mhi-netdev, iosm, mtk_t7xx     → cellular
 *      Deliberately NOT cellular: cdc_ether and cdc_ncm. USB-C docks and USB Ethernet adapters use
 *      them far more often than modems in ECM/NCM ("HiLink") mode; such modems need an override.
 *   8. no `device` link, or the class link resolves under devices/virtual/ (veth, dummy, ...)
 *                                                            → other     "virtual device"
 *   9. type 65534 (ARPHRD_NONE) on hardware (qmi_wwan raw-ip) → cellular
 *  10. type 1 (ARPHRD_ETHER) on hardware                     → ethernet
 *  11. anything else (unreadable `type`, InfiniBand, CAN...) → other
 *
 * A missing or unreadable file counts as absent (a FIFO or a directory in place of a file too).
 * Returns 0 with *ret_type and (if not NULL) *ret_reason, a static string naming the rule.
 * -EINVAL: IFNAME is not a valid interface name. -ENODEV: no such interface in that tree
 * (callers treat it as "other"). */
int iface_type_classify(const char *sysfs_root, const char *ifname, InterfaceType *ret_type, const char **ret_reason);

/* True if DRIVER is in the list of rule 7. */
bool iface_driver_is_wwan(const char *driver);
