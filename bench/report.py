#!/usr/bin/env python3
"""report: turns bench/run.sh's raw runs (one JSON line per wrk run, one for scenario 7's webhook rounds) into latest.json
and latest.md, with issue 5's targets."""
import base64
import json
import os
import platform
import sqlite3
import sys
from datetime import datetime, timezone


def webhook_figures(w, log=None):
    """Scenario 7 (bench/Webhooks' BENCH line, and the delivery log's totals): deliveries/s from the first publish to the
    last delivery received; valid only when every queued delivery arrived once, and no attempt failed."""
    figures = {
        "events": w["events"],
        "deliveries": w["queued"],
        "deliveries_per_second": round(w["distinct"] / w["seconds"], 1) if w["seconds"] else 0,
        "events_accepted_per_second": round(w["accepted"] / w["publish_seconds"], 1) if w["publish_seconds"] else 0,
        "seconds": w["seconds"],
        "refused_events": w["refused"],
        "received": w["received"],
        "duplicates": w["received"] - w["distinct"],
        "missing": w["queued"] - w["distinct"],
        "apps": w["apps"],
        "publishers": w["publishers"],
    }
    if w.get("server_cpu_seconds") is not None:
        figures["server_cpu_us_per_delivery"] = round(w["server_cpu_seconds"] * 1e6 / max(w["distinct"], 1), 1)
        figures["peak_rss_mib"] = round(w["server_peak_rss_kib"] / 1024, 1)
    if log is not None:
        figures["log"] = log
    figures["valid"] = (w["complete"] and w["refused"] == 0 and figures["missing"] == 0
                        and (log is None or (log["failed_attempts"] == 0 and log["not_delivered"] == 0)))
    return figures


if sys.argv[1] == "deliveries":  # scenario 7: the delivery log's totals, from the bench's SQLite file, after the run
    db = sqlite3.connect(sys.argv[2])
    statuses = dict(db.execute("SELECT Status, COUNT(*) FROM webhook_deliveries GROUP BY Status").fetchall())
    failed = db.execute("SELECT COUNT(*) FROM webhook_attempts WHERE Succeeded = 0").fetchone()[0]
    print(json.dumps({"statuses": statuses, "not_delivered": sum(n for s, n in statuses.items() if s != "Delivered"),
                      "failed_attempts": failed}))
    sys.exit(0)
if sys.argv[1] == "summary-webhooks":  # scenario 7's figures, for run.sh's progress line
    f = webhook_figures(json.loads(sys.argv[2]))
    print(f"{f['deliveries_per_second']:.0f} deliveries/s ({f['deliveries']} in {f['seconds']:.1f} s), "
          f"{f['events_accepted_per_second']:.0f} events accepted/s, missing {f['missing']}, duplicates {f['duplicates']}")
    sys.exit(0)

if sys.argv[1] == "summary":  # one wrk run's figures, for run.sh's progress lines
    w = json.loads(sys.argv[2])
    print(f"{w['requests'] * 1e6 / w['duration_us']:.0f} req/s, p99 {w['p99_us'] / 1000:.1f} ms, "
          f"errors {w['connect_errors'] + w['read_errors'] + w['write_errors'] + w['timeouts']}, "
          f"non-2xx {w['non2xx']}, pool ran out {w['exhausted']}x")
    sys.exit(0)
if sys.argv[1] == "basic":  # HTTP Basic credentials from `latchkey resource-server create --json`
    r = json.loads(sys.argv[2])
    print(base64.b64encode(f"{r['client_id']}:{r['client_secret']}".encode()).decode())
    sys.exit(0)
raw, json_out, md_out, duration, warmup, threads = sys.argv[2:8]

runs, webhooks = [], []
for line in open(raw):
    r = json.loads(line)
    if "webhooks" in r:
        webhooks.append({"scenario": r["scenario"], **webhook_figures(r["webhooks"], r["log"])})
        continue
    w = r["wrk"]
    seconds = w["duration_us"] / 1e6
    runs.append({
        "scenario": r["scenario"],
        "connections": r["connections"],
        "requests": w["requests"],
        "requests_per_second": round(w["requests"] / seconds, 1),
        "p50_ms": w["p50_us"] / 1000,
        "p90_ms": w["p90_us"] / 1000,
        "p99_ms": w["p99_us"] / 1000,
        "max_ms": w["max_us"] / 1000,
        "errors": w["connect_errors"] + w["read_errors"] + w["write_errors"] + w["timeouts"],
        "non2xx": w["non2xx"],
        "pool_exhausted": w["exhausted"],
        "server_cpu_us_per_request": round(r["cpu_seconds"] * 1e6 / max(w["requests"], 1), 1),
        "peak_rss_mib": round(r["peak_rss_kib"] / 1024, 1),
    })

ceiling = {r["connections"]: r["requests_per_second"] for r in runs if r["scenario"] == "ceiling"}
for r in runs:
    r["ratio_to_ceiling"] = round(r["requests_per_second"] / ceiling[r["connections"]], 3) if r["connections"] in ceiling else None
    r["valid"] = r["errors"] == 0 and r["non2xx"] == 0 and r["pool_exhausted"] == 0


def find(prefix, connections=16):
    return next((r for r in runs if r["scenario"].startswith(prefix) and r["connections"] == connections), None)


targets = []


def target(name, value, goal, ok, unit=""):
    targets.append({"target": name, "goal": goal, "measured": None if value is None else f"{value}{unit}",
                    "met": None if value is None else ok})


for prefix, name, goal in [("1 ", "client_credentials / ceiling", 0.25), ("2 ", "refresh_token / ceiling", 0.15),
                           ("3 ", "authorization_code / ceiling", 0.15), ("4 ", "introspection / ceiling", 0.50)]:
    r = find(prefix)
    target(name, r and r["ratio_to_ceiling"], f"≥ {goal}", r is not None and r["ratio_to_ceiling"] >= goal)
open_api, protected_api = find("5 unauthenticated"), find("5 Latchkey.AspNetCore")
api_ratio = round(protected_api["requests_per_second"] / open_api["requests_per_second"], 3) if open_api and protected_api else None
target("cached resource-server validation / unauthenticated", api_ratio, "≥ 0.80", api_ratio is not None and api_ratio >= 0.8)
for base, loaded, name in [("2 ", "6 refresh", "refresh_token, 1M tokens / empty"), ("4 ", "6 introspection", "introspection, 1M tokens / empty")]:
    a, b = find(base), find(loaded)
    ratio = round(b["requests_per_second"] / a["requests_per_second"], 3) if a and b else None
    target(name, ratio, "≥ 0.80", ratio is not None and ratio >= 0.8)
for prefix, name, goal in [("1 ", "p99 client_credentials", 10), ("2 ", "p99 refresh_token", 10),
                           ("3 ", "p99 authorization_code", 10), ("4 ", "p99 introspection", 5)]:
    r = find(prefix)
    target(name, r and r["p99_ms"], f"≤ {goal} ms", r is not None and r["p99_ms"] <= goal, " ms")
# Scenario 5 measures the resource API process, not Latchkey.
latchkey_runs = [r for r in runs if r["scenario"] != "ceiling" and not r["scenario"].startswith("5 ")]
peak = max((r["peak_rss_mib"] for r in latchkey_runs), default=None)
target("peak RSS under load", peak, "≤ 200 MiB", peak is not None and peak <= 200, " MiB")

meta = {
    "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    "cores": os.cpu_count(),
    "load_average_at_end": os.getloadavg(),
    "kernel": platform.release(),
    "duration_s": int(duration), "warmup_s": int(warmup), "wrk_threads": int(threads),
    "sqlite_synchronous": os.environ.get("SYNCHRONOUS", "Full").upper(),
}
json.dump({"meta": meta, "runs": runs, "webhooks": webhooks, "targets": targets}, open(json_out, "w"), indent=2)

lines = [
    f"Run {meta['date']}: {meta['cores']} cores shared with wrk (and any other load: "
    f"load average {meta['load_average_at_end'][0]:.1f} at the end), loopback, SQLite synchronous={meta['sqlite_synchronous']}, "
    f"{duration} s per run after a {warmup} s warm-up, wrk -t{threads}.",
    "",
    "| scenario | conns | req/s | × ceiling | p50 ms | p99 ms | errors | non-2xx | CPU µs/req | peak RSS MiB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]
for r in runs:
    flag = "" if r["valid"] else " ⚠ invalid" + (f" (pool ran out {r['pool_exhausted']}×)" if r["pool_exhausted"] else "")
    ratio = "" if r["ratio_to_ceiling"] is None else f"{r['ratio_to_ceiling']:.3f}"
    lines.append(f"| {r['scenario']}{flag} | {r['connections']} | {r['requests_per_second']:,.0f} | {ratio} | "
                 f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {r['non2xx']} | "
                 f"{r['server_cpu_us_per_request']:,.0f} | {r['peak_rss_mib']:.0f} |")
if webhooks:
    lines += ["", "| scenario | events | deliveries | deliveries/s | events accepted/s | failed attempts | missing | duplicates "
                  "| CPU µs/delivery | peak RSS MiB |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for h in webhooks:
        flag = "" if h["valid"] else " ⚠ invalid"
        lines.append(f"| {h['scenario']}{flag} | {h['events']:,} | {h['deliveries']:,} | {h['deliveries_per_second']:,.0f} | "
                     f"{h['events_accepted_per_second']:,.0f} | {h['log']['failed_attempts']} | {h['missing']} | {h['duplicates']} | "
                     f"{h.get('server_cpu_us_per_delivery', 0):,.0f} | {h.get('peak_rss_mib', 0):.0f} |")
    h = webhooks[0]
    lines += ["", f"Scenario 7: {h['events']:,} events published over {h['publishers']} connections to {h['apps']} subscribed apps "
                  "after a warm-up round of the same size, shipped delivery settings; deliveries/s from the first publish to "
                  "the last delivery received, events accepted/s over the publishing alone."]
lines += ["", "| target (16 connections) | goal | measured | met |", "|---|---|---|---|"]
for t in targets:
    met = "—" if t["met"] is None else ("yes" if t["met"] else "**no**")
    lines.append(f"| {t['target']} | {t['goal']} | {t['measured'] or 'not measured'} | {met} |")
open(md_out, "w").write("\n".join(lines) + "\n")
