#!/usr/bin/env python3
"""CoreMachine benchmark: end-to-end task throughput and stage latencies through the real services.

Runs against a platform started by `./platform up` (or `bench/run-coremachine`), submitting jobs
through the gateway and reading timings from the database (every timestamp comes from PostgreSQL's
clock) and from the orchestrator's Prometheus metrics. Standard library only.

Scenarios
  A. hello_world n=1000 (2,000 tasks in two stages), several runs: tasks/s end to end
  B. benchmark_tasks with one stage of 10,000 no-op tasks: tasks/s, and the time the orchestrator
     takes to create that stage (its start_job command, from the geomachine_job_commands timer)
  C. many small hello_world jobs at once: stage-advance latency p50/p99, i.e. from the commit of a
     stage's last task to the creation of the next stage's tasks (and to job completion)
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def http(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def sql(args, query):
    env = dict(os.environ, PGPASSWORD=args.pg_password)
    out = subprocess.run(
        ["psql", "-h", args.pg_host, "-p", str(args.pg_port), "-U", args.pg_user, "-d", args.db, "-tAF", "\t", "-c", query],
        env=env, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.strip().splitlines() if line]


def submit(args, job_type, params):
    status, body = http("POST", f"{args.gateway}/api/jobs/submit/{job_type}", params)
    if status != 202:
        sys.exit(f"submit {job_type} {params} -> {status} {body}")
    return body["job_id"]


def wait(args, job_id, timeout=900):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, body = http("GET", f"{args.gateway}/api/jobs/status/{job_id}")
        if body["status"] in ("completed", "failed", "completed_with_errors", "cancelled"):
            if body["status"] != "completed":
                sys.exit(f"job {job_id} ended {body['status']}: {body.get('error_details')}")
            return body
        time.sleep(0.2)
    sys.exit(f"job {job_id} not finished within {timeout}s")


def job_seconds(args, job_id):
    (row,) = sql(args, f"SELECT extract(epoch FROM updated_at - created_at), "
                       f"(SELECT count(*) FROM app.tasks WHERE parent_job_id = '{job_id}') "
                       f"FROM app.jobs WHERE job_id = '{job_id}'")
    return float(row[0]), int(row[1])


def command_timer(args, command_type):
    """(count, sum seconds) of the orchestrator's geomachine_job_commands timer for one type."""
    with urllib.request.urlopen(f"{args.orchestrator}/q/metrics", timeout=30) as r:
        text = r.read().decode()
    count = total = 0.0
    for line in text.splitlines():
        if line.startswith("geomachine_job_commands_seconds_count") and f'type="{command_type}"' in line:
            count = float(line.rsplit(" ", 1)[1])
        if line.startswith("geomachine_job_commands_seconds_sum") and f'type="{command_type}"' in line:
            total = float(line.rsplit(" ", 1)[1])
    return count, total


def percentile(values, p):
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def machine():
    model = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
        mem_gib = round(int(mem) / 1024 / 1024, 1)
    except OSError:
        mem_gib = "?"
    return {"cpu": model, "cores": os.cpu_count(), "memory_gib": mem_gib, "os": platform.platform()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gateway", default="http://127.0.0.1:8080")
    ap.add_argument("--orchestrator", default="http://127.0.0.1:8081")
    ap.add_argument("--pg-host", default="127.0.0.1")
    ap.add_argument("--pg-port", default=5432, type=int)
    ap.add_argument("--pg-user", default="postgres")
    ap.add_argument("--pg-password", default="postgres")
    ap.add_argument("--db", default="geomachine")
    ap.add_argument("--runs", default=3, type=int, help="runs of scenarios A and B")
    ap.add_argument("--small-jobs", default=200, type=int, help="jobs in scenario C")
    ap.add_argument("--out", default="bench/results/coremachine.json")
    args = ap.parse_args()
    tag = str(int(time.time()))
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}

    print("warm-up: hello_world n=200 x2", flush=True)
    for i in range(2):
        wait(args, submit(args, "hello_world", {"n": 200, "message": f"warmup-{tag}-{i}"}))

    print("A. hello_world n=1000", flush=True)
    a = []
    for i in range(args.runs):
        job = submit(args, "hello_world", {"n": 1000, "message": f"bench-{tag}-{i}"})
        wait(args, job)
        secs, tasks = job_seconds(args, job)
        a.append({"seconds": round(secs, 3), "tasks": tasks, "tasks_per_second": round(tasks / secs, 1)})
        print("  ", a[-1], flush=True)
    results["hello_world_n1000"] = a

    print("B. benchmark_tasks tasks=10000", flush=True)
    b = []
    for i in range(args.runs):
        c0, s0 = command_timer(args, "start_job")
        job = submit(args, "benchmark_tasks", {"tasks": 10000, "run": f"{tag}-{i}"})
        wait(args, job)
        c1, s1 = command_timer(args, "start_job")
        secs, tasks = job_seconds(args, job)
        stage_ms = round((s1 - s0) * 1000, 1) if c1 - c0 == 1 else None
        b.append({"seconds": round(secs, 3), "tasks": tasks, "tasks_per_second": round(tasks / secs, 1),
                  "create_10000_task_stage_ms": stage_ms})
        print("  ", b[-1], flush=True)
    results["benchmark_tasks_10000"] = b

    print(f"C. {args.small_jobs} hello_world n=3 jobs submitted at once", flush=True)
    with ThreadPoolExecutor(max_workers=16) as pool:
        jobs = list(pool.map(lambda i: submit(args, "hello_world", {"n": 3, "message": f"lat-{tag}-{i}"}),
                             range(args.small_jobs)))
    for job in jobs:
        wait(args, job)
    ids = ",".join(f"'{j}'" for j in jobs)
    rows = sql(args, f"""
        SELECT extract(epoch FROM (SELECT min(created_at) FROM app.tasks t WHERE t.parent_job_id = j.job_id AND t.stage = 2)
                             - (SELECT max(updated_at) FROM app.tasks t WHERE t.parent_job_id = j.job_id AND t.stage = 1)),
               extract(epoch FROM j.updated_at - (SELECT max(updated_at) FROM app.tasks t WHERE t.parent_job_id = j.job_id AND t.stage = 2)),
               extract(epoch FROM j.updated_at - j.created_at)
        FROM app.jobs j WHERE j.job_id IN ({ids})""")
    advance = [float(r[0]) * 1000 for r in rows]
    finish = [float(r[1]) * 1000 for r in rows]
    total = [float(r[2]) * 1000 for r in rows]
    results["stage_advance_latency_ms"] = {
        "samples": len(advance),
        "next_stage_created_p50": round(percentile(advance, 50), 1),
        "next_stage_created_p99": round(percentile(advance, 99), 1),
        "job_completed_p50": round(percentile(finish, 50), 1),
        "job_completed_p99": round(percentile(finish, 99), 1),
        "whole_job_p50": round(percentile(total, 50), 1),
        "whole_job_p99": round(percentile(total, 99), 1),
        "whole_job_mean": round(statistics.mean(total), 1),
    }
    print("  ", results["stage_advance_latency_ms"], flush=True)

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=2)
    print(f"results written to {args.out}")


if __name__ == "__main__":
    main()
