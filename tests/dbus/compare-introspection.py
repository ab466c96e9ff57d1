#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""compare-introspection.py — compare one interface of two D-Bus introspection documents.

usage: compare-introspection.py EXPECTED.xml LIVE.xml INTERFACE

Compares the members (methods, signals, properties), each argument's name, type and direction
in order, each property's type and access, and the annotations. An EmitsChangedSignal
annotation of "true" is the D-Bus default and equals none (sd-bus omits it). Prints the
differences and exits 1 when there are any."""
import sys
import xml.etree.ElementTree as ET

ECS = "org.freedesktop.DBus.Property.EmitsChangedSignal"


def annotations(el, prop=False):
    a = {x.get("name"): x.get("value") for x in el.findall("annotation")}
    if prop and a.get(ECS) == "true":
        del a[ECS]
    return a


def describe(path, iface_name):
    root = ET.parse(path).getroot()
    ifaces = [i for i in root.findall("interface") if i.get("name") == iface_name]
    if len(ifaces) != 1:
        sys.exit(f"{path}: {len(ifaces)} interface(s) named {iface_name}")
    iface = ifaces[0]
    d = {"interface annotations": annotations(iface)}
    for kind in ("method", "signal"):
        for m in iface.findall(kind):
            args = [(a.get("name"), a.get("type"), a.get("direction", "in" if kind == "method" else "out"))
                    for a in m.findall("arg")]
            d[f"{kind} {m.get('name')}"] = {"args": args, "annotations": annotations(m)}
    for p in iface.findall("property"):
        d[f"property {p.get('name')}"] = {"type": p.get("type"), "access": p.get("access"),
                                          "annotations": annotations(p, prop=True)}
    return d


def main():
    expected, live, iface = sys.argv[1:4]
    e, l = describe(expected, iface), describe(live, iface)
    diffs = []
    for k in sorted(set(e) | set(l)):
        if k not in l:
            diffs.append(f"missing in the live daemon: {k} {e[k]}")
        elif k not in e:
            diffs.append(f"not in {expected}: {k} {l[k]}")
        elif e[k] != l[k]:
            diffs.append(f"{k}: XML {e[k]}, live {l[k]}")
    for d in diffs:
        print(d)
    n = sum(1 for k in e if not k.startswith("interface"))
    print(f"{n} members in the XML, {len(diffs)} difference(s)")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
