#!/usr/bin/env python3
"""summarize.py — turns bench/run.sh's raw results (results.jsonl) into the markdown table of docs/benchmarks.md.

usage: summarize.py RESULTS.jsonl

Each input line is one JSON object {"pm": "kernel"|"mptcpd"|"policyd", "round": R, "kind":
"latency"|"burst"|"bulk"|"session", ...} where the rest is mpbench's or mptcp-traffic's report
(session: the PM process's whole-session figures). Latency percentiles are over all samples
of all rounds pooled; burst, CPU and bulk figures are medians over rounds."""
import json
import math
import statistics
import sys

PMS = ["kernel", "mptcpd", "policyd"]
PM_TITLES = {"kernel": "in-kernel PM", "mptcpd": "mptcpd 0.12 + benchsf", "policyd": "mptcp-policyd"}


def pct(values, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    v = sorted(values)
    k = max(0, math.ceil(p / 100.0 * len(v)) - 1)
    return v[k]


def med(values):
    return statistics.median(values) if values else None


def fmt(x, digits=0):
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    return f"{x:,.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    by = {pm: [r for r in rows if r["pm"] == pm] for pm in PMS}

    def kind(pm, k, **match):
        return [r for r in by[pm] if r["kind"] == k and all(r.get(a) == b for a, b in match.items())]

    table = []  # (metric, {pm: value}, digits, has_kernel)

    # 1. latency
    lat = {}
    for pm in PMS:
        samples, missed, n = [], 0, 0
        for r in kind(pm, "latency"):
            samples += r["established_us"]
            missed += r["missed"] + r["fallback"]
            n += r["count"]
        lat[pm] = (samples, missed, n)
    for p in (50, 90, 99):
        table.append((f"connect() → extra subflow established, p{p} (µs)",
                      {pm: pct(lat[pm][0], p) if lat[pm][0] else None for pm in PMS}, 0, True))
    table.append(("… p50 of each round, min–max (µs)",
                  {pm: "–".join(f"{x:.0f}" for x in (lambda v: (min(v), max(v)) if v else ())(
                      [statistics.median(r["established_us"]) for r in kind(pm, "latency")
                       if r["established_us"]])) for pm in PMS}, 0, None))
    table.append(("… connections measured / without their subflow within 2 s",
                  {pm: f"{lat[pm][2]} / {lat[pm][1]}" for pm in PMS}, 0, None))

    # 2. bursts
    sizes = sorted({r["count"] for r in rows if r["kind"] == "burst"})
    for n in sizes:
        # Rates and drain times of bursts in which every connection got its subflow (a PM that
        # stopped serving mid-burst would look fast); the misses are counted below.
        served = {pm: [r for r in kind(pm, "burst", count=n) if r["missed"] == 0] for pm in PMS}
        table.append((f"burst of {n}: connections served per second (median of fully served bursts)",
                      {pm: med([r["served_per_s"] for r in served[pm]]) for pm in PMS}, 0, True))
        table.append((f"burst of {n}: last connect → last extra subflow (ms, median of fully served)",
                      {pm: med([1000 * (r["served_s"] - r["connect_s"]) for r in served[pm]])
                       for pm in PMS}, 1, True))
        table.append((f"burst of {n}: connections without their subflow (all rounds)",
                      {pm: f"{sum(r['missed'] for r in kind(pm, 'burst', count=n))}"
                           f" of {sum(r['count'] for r in kind(pm, 'burst', count=n))}"
                       for pm in PMS}, 0, None))
        table.append((f"burst of {n}: events the kernel dropped on the PM's full event socket (all rounds)",
                      {pm: (f"{sum(r.get('netlink_drops', 0) for r in kind(pm, 'burst', count=n))}"
                            if pm != "kernel" else "—") for pm in PMS}, 0, None))
        table.append((f"burst of {n}: PM still serving new connections afterwards",
                      {pm: f"{sum(1 for r in kind(pm, 'burst', count=n) if r.get('serving_after'))}"
                           f" of {len(kind(pm, 'burst', count=n))} bursts" for pm in PMS}, 0, None))

    ov = [r for r in kind("policyd", "session") if r.get("overflows") is not None]
    if ov:
        table.append(("mptcp-policyd's own count of event-socket overflows / resyncs (all rounds)",
                      {"kernel": "—", "mptcpd": "—",
                       "policyd": f"{sum(r['overflows'] for r in ov)} / {sum(r['resyncs'] or 0 for r in ov)}"},
                      0, None))

    # 3. CPU and memory of the PM process; CPU only where the burst was fully served (a PM that
    # dropped events did less work) and for sessions in which the PM kept serving.
    def full(pm, n):
        return [r for r in kind(pm, "burst", count=n) if "pm_process" in r and r["missed"] == 0]

    for n in sizes:
        table.append((f"PM CPU per connection, burst of {n} (µs, schedstat, median of fully served bursts)",
                      {pm: med([r["pm_process"]["cpu_ns"] / 1000 / n for r in full(pm, n)])
                       for pm in PMS}, 1, False))
    # Sessions whose PM kept serving and that handled at least one full burst (a PM restarted
    # after it stopped serving may only see the bulk connection).
    sessions = {pm: [r for r in kind(pm, "session")
                     if not r.get("stopped_serving") and r["connections"] >= min(sizes, default=0)]
                for pm in PMS}
    table.append(("PM CPU per connection, whole session (µs, /proc/PID/stat utime+stime, median)",
                  {pm: med([r["cpu_us_per_conn"] for r in sessions[pm]]) for pm in PMS}, 1, False))
    table.append(("… of which in the PM's own code (user) / in the kernel on its behalf (system), µs",
                  {pm: (f"{med([r['user_us_per_conn'] for r in sessions[pm]]):.1f} / "
                        f"{med([r['sys_us_per_conn'] for r in sessions[pm]]):.1f}")
                   if sessions[pm] and all("user_us_per_conn" in r for r in sessions[pm])
                   else ("no process" if pm == "kernel" else "—")
                   for pm in PMS}, 0, None))
    epc = med([r["events_per_conn"] for r in kind("policyd", "session") if r.get("events_per_conn")])
    if epc and sizes:
        n = max(sizes)
        table.append((f"PM CPU per event, burst of {n} (µs; {epc:.2f} events per connection)",
                      {pm: med([r["pm_process"]["cpu_ns"] / 1000 / n / epc for r in full(pm, n)])
                       for pm in PMS}, 1, False))
    table.append(("PM resident memory idle, at start (kB, median)",
                  {pm: med([r["rss_kb_start"] for r in kind(pm, "session")]) for pm in PMS}, 0, False))
    if sizes:
        n = max(sizes)
        table.append((f"PM resident memory, {n} connections open (kB, max)",
                      {pm: max([r["pm_process"]["rss_kb_open"] for r in kind(pm, "burst", count=n)
                                if "pm_process" in r], default=None) for pm in PMS}, 0, False))

    # 4. bulk
    for key, title in (("mbit_s", "bulk upload goodput, both links (Mbit/s, median)"),
                       ("wifi", "… Wi-Fi link (Mbit/s)"), ("lte", "… LTE link (Mbit/s)")):
        vals = {}
        for pm in PMS:
            b = kind(pm, "bulk")
            if key == "mbit_s":
                vals[pm] = med([r["mbit_s"] for r in b])
            else:
                vals[pm] = med([r["links"][key]["mbit_s"] for r in b])
        table.append((title, vals, 1, True))

    head = ("| metric | mptcp-policyd ÷ in-kernel | mptcpd ÷ in-kernel | "
            + " | ".join(PM_TITLES[pm] for pm in PMS) + " | mptcp-policyd ÷ mptcpd |")
    print(head)
    print("|" + "---|" * 7)
    for metric, vals, digits, has_kernel in table:
        k, m, p = vals["kernel"], vals["mptcpd"], vals["policyd"]
        numeric = has_kernel is not None
        r_pk = ratio(p, k) if numeric and has_kernel else "—"
        r_mk = ratio(m, k) if numeric and has_kernel else "—"
        r_pm = ratio(p, m) if numeric else "—"
        kcell = fmt(k, digits) if (k is not None or has_kernel) else "no process"
        print(f"| {metric} | {r_pk} | {r_mk} | {kcell} | {fmt(m, digits)} | {fmt(p, digits)} | {r_pm} |")


if __name__ == "__main__":
    main()
