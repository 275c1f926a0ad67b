#!/usr/bin/env python3
"""Markdown report of bench/e2e.sh: lb-bench's JSON (one file per TcpLb binary) -> medians, ratios, goals.

    e2e_report.py [--runtime-env 'K=V ...'] [--command TEXT] [--runtimeconfig FILE] RUN.json [RUN.json ...]

Every ratio is taken within one lb-bench invocation (the machine drifts between invocations).
"""
import argparse
import json
import os

SCENARIO_ORDER = ("small", "close", "bulk", "idle", "slow")
PROXY_ORDER = ("none", "haproxy", "nginx")

# figure, scenario, field, comparison to HAProxy's median, goal ratio (issue 11: the data path at HAProxy's cost)
GOALS = (
    ("idle: KiB per held connection", "idle", "value", "<=", 0.50),
    ("close: new connections/s", "close", "value", ">=", 1.10),
    ("small: proxy CPU-s per 1k requests", "small", "cost", "<=", 0.80),
    ("small: p99 latency", "small", "p99_ms", "<=", 1.00),
    ("bulk: proxy CPU-s per GiB", "bulk", "cost", "<=", 0.80),
    ("accept: proxy CPU-s per 1k idle connections opened", "idle", "cost", "<=", 1.00),
    ("slow: KiB per slow client", "slow", "value", "<=", 1.00),
)

# RSS after a load has closed, against the proxy's own RSS before it (not a ratio to HAProxy): at most start + 10 %.
RSS_AFTER_GOAL = 1.10


def gc_mode(runtimeconfig, runtime_env):
    """What the published runtimeconfig asks for, with DOTNET_* overrides from --env on top."""
    props = {}
    if runtimeconfig and os.path.exists(runtimeconfig):
        with open(runtimeconfig) as f:
            props = json.load(f).get("runtimeOptions", {}).get("configProperties", {})
    env = dict(w.split("=", 1) for w in runtime_env.split() if "=" in w)
    server = env.get("DOTNET_gcServer", "1" if props.get("System.GC.Server") else "0") in ("1", "true")
    concurrent = env.get("DOTNET_gcConcurrent", "0" if props.get("System.GC.Concurrent") is False else "1") in ("1", "true")
    parts = ["Server GC" if server else "Workstation GC", "concurrent" if concurrent else "non-concurrent"]
    conserve = env.get("DOTNET_GCConserveMemory", props.get("System.GC.ConserveMemory"))
    if conserve not in (None, "0", 0):
        parts.append(f"ConserveMemory={conserve}")
    tiered = env.get("DOTNET_TieredCompilation", "0" if props.get("System.Runtime.TieredCompilation") is False else "1") in ("1", "true")
    parts.append("tiered compilation" if tiered else "tiered compilation off")
    for key in ("DOTNET_GCgen0size", "DOTNET_TieredPGO", "DOTNET_ReadyToRun"):
        if key in env:
            parts.append(f"{key}={env[key]}")
    return ", ".join(parts)


def fmt(value, digits=3):
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.{digits}g}"


def fmt_ratio(value):
    return "-" if value is None else f"{value:.2f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def section(data, label):
    rows = {(r["proxy"], r["scenario"]): r for r in data["summary"]}
    proxies = [p for p in PROXY_ORDER if any(k[0] == p for k in rows)] + [label]
    out = [
        "| scenario | proxy | median | min..max (n) | p99 ms | CPU cost | vs haproxy: result | vs haproxy: CPU cost | vs none: result |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scenario in SCENARIO_ORDER:
        hap, none = rows.get(("haproxy", scenario)), rows.get(("none", scenario))
        for proxy in proxies:
            r = rows.get((proxy, scenario))
            if r is None:
                continue
            vs_none = ratio(r["value"], none["value"]) if none and proxy != "none" else None
            out.append("| {} | {} | {} {} | {}..{} ({}) | {} | {} {} | {} | {} | {} |".format(
                scenario, proxy, fmt(r["value"]), r["unit"], fmt(r["value_min"]), fmt(r["value_max"]), r["n"],
                fmt(r["p99_ms"]), fmt(r["cost"]), r["cost_unit"],
                fmt_ratio(ratio(r["value"], hap["value"]) if hap else None),
                fmt_ratio(ratio(r["cost"], hap["cost"]) if hap else None), fmt_ratio(vs_none)))
    out += ["", f"Goals for `{label}` (issue 11; ratio to HAProxy in this invocation):", "",
            "| figure | goal | measured | met |", "|---|---|---|---|"]
    for name, scenario, field, op, goal in GOALS:
        mine, hap = rows.get((label, scenario)), rows.get(("haproxy", scenario))
        value = ratio(mine[field], hap[field]) if mine and hap else None
        met = "-" if value is None else ("yes" if (value <= goal if op == "<=" else value >= goal) else "no")
        out.append(f"| {name} | {op} {goal:.2f} × | {fmt_ratio(value)} × | {met} |")
    for scenario in ("idle", "slow"):
        r = rows.get((label, scenario))
        if r and r.get("rss_after_kib") and r.get("rss_before_kib"):
            grown = r["rss_after_kib"] / r["rss_before_kib"]
            out.append(f"| {scenario}: RSS after close / RSS before | <= {RSS_AFTER_GOAL:.2f} × | {grown:.2f} × "
                       f"({fmt(r['rss_before_kib'] / 1024)} → {fmt(r['rss_after_kib'] / 1024)} MiB) | "
                       f"{'yes' if grown <= RSS_AFTER_GOAL else 'no'} |")
    idle = rows.get((label, "idle"))
    if idle:
        out += ["", f"Idle (`{label}`): {fmt(idle['held'])} connections held of {fmt(idle['opened'])}, "
                f"{fmt(idle['backend_conns'])} dialled, RSS {fmt(idle['rss_before_kib'] / 1024)} → "
                f"{fmt(idle['rss_idle_kib'] / 1024)} MiB, anon {fmt(idle['anon_kib_per_conn'])} KiB/conn, "
                f"{fmt(idle['rss_after_kib'] / 1024)} MiB after close."]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime-env", default="")
    ap.add_argument("--command", default="bench/e2e.sh")
    ap.add_argument("--runtimeconfig")
    ap.add_argument("runs", nargs="+")
    args = ap.parse_args()

    runs = []
    for path in args.runs:
        with open(path) as f:
            runs.append(json.load(f))
    m = runs[0]["machine"]
    o = runs[0]["options"]
    lines = [
        f"# TcpLb end to end, {m['date_utc']}",
        "",
        f"- command: `{args.command}`",
        f"- machine: `nproc` = {m['nproc']}, {m['cpu_model']}, {m['memory']}, Linux {m['kernel']}; proxy pinned to CPU "
        f"{o['proxy_cpu']}, load generator and backend on CPU {o['load_cpu']}. The machine is shared with other builds "
        "and tests: compare within one table only.",
        f"- TcpLb runtime: {gc_mode(args.runtimeconfig, args.runtime_env)} (the AOT binary: the GC settings compiled into it)"
        + (f"; environment `{args.runtime_env}`" if args.runtime_env else ""),
        "- tools: " + "; ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
        f"- lb-bench options: PROXY {o['proxy_protocol']}, {o['duration_s']} s × {o['repeat']} repeats (median), "
        f"{o['warmup_s']} s warm-up, {o['idle_conns']} idle connections (fresh process per idle run)",
        "",
    ]
    for data in runs:
        label = next(r["proxy"] for r in data["summary"] if r["proxy"] not in PROXY_ORDER)
        lines += [f"## `{label}`: `{data['options']['custom_cmd']}` ({data['machine']['date_utc']})", ""]
        lines += section(data, label)
        lines += [""] + [f"- note: {n}" for n in data.get("notes", [])] + [""]
    lines += ["CPU cost: proxy CPU-seconds per 1k requests (small), per 1k connections (close; idle: opening them) or "
              "per GiB (bulk); for idle, slow and CPU cost lower is better. small and bulk saturate the load core, so "
              "there CPU cost separates the proxies; close saturates the proxy core."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
