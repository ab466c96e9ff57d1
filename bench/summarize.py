#!/usr/bin/env python3
"""summarize.py — turns bench/run.sh's raw results (results.jsonl) into the markdown table of docs/benchmarks.md.

usage: summarize.py RESULTS.jsonl

Each input line is one JSON object {"pm": "kernel"|"mptcpd"|"policyd", "round": R, "kind":
"latency"|"burst"|"bulk"|"session"|"rate"|"sweep-session", ...} where the rest is mpbench's or
mptcp-traffic's report (session: the PM process's whole-session figures). Latency percentiles
are over all samples of all rounds pooled; burst, CPU and bulk figures are medians over rounds.
The rate sweep ("rate" rows, one per PM and rate, in the order run) gets two tables of its own:
per PM the highest rate at which no connection missed its subflow and what stopped the sweep
one step higher, then every step."""
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


def clean(r):
    """A rate step in which every connection got its subflow, the generator kept its rate and
    the PM still served new connections afterwards."""
    return (r["missed"] == 0 and r["unconnected"] == 0 and r["failed"] == 0 and r["fallback"] == 0
            and r["kept_up"] and r.get("serving_after", True))


def pct_of(part, whole):
    return f"{100.0 * part / whole:.1f}%" if whole else "—"


def verdict(r):
    """What went wrong at a rate step that was not clean, with the CPU figures that say whether
    the machine was saturated."""
    idle = r["machine_cpu"]["idle"]
    cpu = f"machine CPU idle {100 * idle:.0f}%"
    parts = []
    if r["missed"]:
        what = f"{r['missed']:,} of {r['opened']:,} connections without their subflow"
        if r.get("netlink_drops"):
            what += f", {r['netlink_drops']:,} events dropped on the PM's full event socket"
        parts.append(what)
    if r["unconnected"] or r["failed"]:
        parts.append(f"{r['unconnected'] + r['failed']:,} connections not connected within the hold "
                     f"({r.get('syn_retrans', 0):,} SYN retransmissions, "
                     f"{r.get('listen_drops', 0):,} listen-queue drops)")
    if r["fallback"]:
        parts.append(f"{r['fallback']:,} fell back to TCP")
    if not r["kept_up"]:
        parts.append(f"the generator fell behind (opened {r['achieved_rate']:,.0f}/s)")
    if not r.get("serving_after", True):
        parts.append("the PM served no new connection afterwards")
    if r.get("link_drops"):
        parts.append(f"the lab's links dropped {r['link_drops']:,} packets")
    return "; ".join(parts) + f" ({cpu})"


def run_wait(p):
    """A process's CPU share of one core and its run-queue wait (runnable, no CPU), as 'x% / y%'."""
    if "runqueue_wait" in p:
        return f"{100 * p['busy']:.0f}% / {100 * p['runqueue_wait']:.0f}%"
    return f"{100 * p['busy']:.0f}%"


def rate_tables(rows):
    steps = {pm: [r for r in rows if r["pm"] == pm and r["kind"] == "rate"] for pm in PMS}
    if not any(steps.values()):
        return
    first = next(r for pm in PMS for r in steps[pm])
    print()
    print(f"Rate sweep: connections opened at a fixed rate for {first['duration_s']:g} s "
          f"({first['threads']} generator threads, {first['bytes']} bytes each), each checked "
          f"{first['hold_ms']} ms after its connect() and then closed; a PM's sweep stops at the "
          "first rate that is not clean.")
    print()
    print("| | " + " | ".join(PM_TITLES[pm] for pm in PMS) + " |")
    print("|---|---|---|---|")
    best, nxt = {}, {}
    for pm in PMS:
        good = [r for r in steps[pm] if clean(r)]
        bad = [r for r in steps[pm] if not clean(r)]
        best[pm] = max(good, key=lambda r: r["target_rate"]) if good else None
        nxt[pm] = bad[0] if bad else None

    def row(title, f):
        print(f"| {title} | " + " | ".join(f(pm) for pm in PMS) + " |")

    def at_best(f):
        return lambda pm: f(best[pm]) if best[pm] else "—"

    row("highest rate at which no connection missed its subflow (connections/s)",
        lambda pm: (f"**{best[pm]['target_rate']:,.0f}**" if best[pm] else "none")
        + ("" if nxt[pm] or not best[pm] else " (top of the sweep)"))
    row("… connections opened per second at that rate (achieved)",
        at_best(lambda r: f"{r['achieved_rate']:,.0f}"))
    row("… extra subflow established within 10 ms / 100 ms of connect()",
        at_best(lambda r: f"{pct_of(r['served_10ms'], r['opened'])} / "
                          f"{pct_of(r['served_100ms'], r['opened'])}"))
    row("… PM process: on a CPU / waiting for one (share of the time)",
        lambda pm: (run_wait(best[pm]["pm_process"]) if best[pm] and "pm_process" in best[pm]
                    else ("no process" if pm == "kernel" else "—")))
    row("… PM process CPU per connection (µs; one core's worth of it: connections/s)",
        lambda pm: (f"{best[pm]['pm_process']['cpu_ns'] / 1000 / best[pm]['opened']:.0f} "
                    f"({1e9 * best[pm]['opened'] / best[pm]['pm_process']['cpu_ns']:,.0f})"
                    if best[pm] and "pm_process" in best[pm] and best[pm]["pm_process"]["cpu_ns"] > 0
                    else ("no process" if pm == "kernel" else "—")))
    row("… machine CPU busy, both cores, all processes",
        at_best(lambda r: f"{100 * r['machine_cpu']['busy']:.0f}%"))
    row("next rate tried", lambda pm: f"{nxt[pm]['target_rate']:,.0f}" if nxt[pm] else "—")
    row("… what happened there", lambda pm: verdict(nxt[pm]) if nxt[pm] else "—")
    row("… PM process there: on a CPU / waiting for one",
        lambda pm: (run_wait(nxt[pm]["pm_process"]) if nxt[pm] and "pm_process" in nxt[pm]
                    else ("no process" if pm == "kernel" else "—")))
    row("… machine CPU busy there, both cores, all processes",
        lambda pm: f"{100 * nxt[pm]['machine_cpu']['busy']:.0f}%" if nxt[pm] else "—")

    print()
    print("| PM | target /s | opened /s | subflow ≤10 ms | ≤100 ms | ≤hold | missed | not connected "
          "| events dropped | PM on CPU / waiting | generator | server | machine busy "
          "| rest of the machine (cores) | load |")
    print("|" + "---|" * 15)
    for pm in PMS:
        for r in steps[pm]:
            pmcpu = run_wait(r["pm_process"]) if "pm_process" in r else "—"
            # Busy cores not accounted to the benchmark's processes (softirq work done in their
            # context is theirs): other work on the shared machine, kernel threads (the
            # in-kernel PM's workqueue and ksoftirqd among them).
            rest = (r["machine_cpu"]["busy"] * r["cpus"] - r["generator"]["busy"]
                    - r["server_process"]["busy"] - r.get("pm_process", {}).get("busy", 0))
            print(f"| {PM_TITLES[pm]} | {r['target_rate']:,.0f} | {r['achieved_rate']:,.0f}"
                  f"{'' if r['kept_up'] else ' (behind)'} | {pct_of(r['served_10ms'], r['opened'])} | "
                  f"{pct_of(r['served_100ms'], r['opened'])} | {pct_of(r['served'], r['opened'])} | "
                  f"{r['missed']:,} | {r['unconnected'] + r['failed']:,} | "
                  f"{r.get('netlink_drops', 0) if pm != 'kernel' else '—'} | {pmcpu} | "
                  f"{run_wait(r['generator'])} | {run_wait(r['server_process'])} | "
                  f"{100 * r['machine_cpu']['busy']:.0f}% | "
                  f"{max(rest, 0):.2f} | {r['loadavg_start']:.1f}–{r['loadavg_end']:.1f} |")
    ses = {pm: [r for r in rows if r["pm"] == pm and r["kind"] == "sweep-session"] for pm in PMS}
    if any(ses.values()):
        print()
        print("| whole sweep, per PM process | " + " | ".join(PM_TITLES[pm] for pm in PMS) + " |")
        print("|---|---|---|---|")
        row("connections / CPU per connection (µs, /proc/PID/stat)",
            lambda pm: (f"{ses[pm][0]['connections']:,} / {ses[pm][0]['cpu_us_per_conn']:.1f}"
                        if ses[pm] else ("no process" if pm == "kernel" else "—")))
        row("events per connection / event-socket overflows (mptcp-policyd's own count)",
            lambda pm: (f"{ses[pm][0]['events_per_conn']} / {ses[pm][0]['overflows']}"
                        if ses[pm] and ses[pm][0].get("overflows") is not None else "—"))


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
    if not any(r["kind"] in ("latency", "burst", "bulk") for r in rows):
        rate_tables(rows)
        return
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
        if any("link_drops" in r for pm in PMS for r in kind(pm, "burst", count=n)):
            # The lab's LTE link (10 Mbit/s) carries ~5,000-7,000 joins per second; a burst
            # opened faster overflows its queue and the dropped join SYNs wait for a ~1 s RTO.
            table.append((f"burst of {n}: packets the lab's links dropped / SYN retransmissions (all rounds)",
                          {pm: f"{sum(r.get('link_drops', 0) for r in kind(pm, 'burst', count=n))}"
                               f" / {sum(r.get('syn_retrans', 0) for r in kind(pm, 'burst', count=n))}"
                           for pm in PMS}, 0, None))
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
    rate_tables(rows)


if __name__ == "__main__":
    main()
