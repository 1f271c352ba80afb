#!/usr/bin/env python3
"""Checks that the deployment files agree with ./platform and the services' application.properties.

    python3 deploy/check-consistency.py        # needs PyYAML (pip install pyyaml); exit 1 on any mismatch

./platform is where versions, ports, queues and credentials are pinned; this script reads them from it and compares:
  - every YAML/JSON file under deploy/ and docker-compose.yml parses;
  - service ports: ./platform SERVICES = Dockerfile.jvm EXPOSE/QUARKUS_HTTP_PORT = compose = Kubernetes (containerPort,
    QUARKUS_HTTP_PORT, prometheus.io/port, Service) = Prometheus targets = Bicep apps = application.properties;
  - queue names: ./platform ARTEMIS_QUEUES = application.properties = compose (env + EXTRA_ARGS) =
    deploy/artemis/broker.properties = the dev-infra ConfigMap copy = Kubernetes ConfigMap = KEDA = Bicep;
  - versions: Artemis, Azurite, pgstac; database name and credentials of the local platform.
It does not need Docker, kubectl or Azure tools.
"""
import json
import pathlib
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("check-consistency: PyYAML is missing (pip install pyyaml)")

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
errors = []


def err(msg):
    errors.append(msg)


def check(cond, msg):
    if not cond:
        err(msg)


def read(rel):
    return (ROOT / rel).read_text()


# ---------------------------------------------------------------- ./platform
platform = read("platform")


def pvar(name):
    m = re.search(rf"^{name}=\"?([^\"\n#]*?)\"?\s*(#.*)?$", platform, re.M)
    if not m:
        err(f"./platform: {name} not found")
        return ""
    return m.group(1).strip()


services = dict(
    (e.split(":")[0], int(e.split(":")[1]))
    for e in re.search(r"^SERVICES=\(([^)]*)\)", platform, re.M).group(1).split()
)
queues = [q.split(":")[0] for q in pvar("ARTEMIS_QUEUES").split(",")]
artemis_version = pvar("ARTEMIS_VERSION")
azurite_version = pvar("AZURITE_VERSION")
pgstac_version = pvar("PGSTAC_VERSION")
app_db = pvar("APP_DB")
pg_user, pg_password = pvar("PG_USER"), pvar("PG_PASSWORD")
artemis_user, artemis_password = pvar("ARTEMIS_USER"), pvar("ARTEMIS_PASSWORD")
pg_max_conn = pvar("PG_MAX_CONNECTIONS")
queue_env = {
    "GEOMACHINE_QUEUES_JOBS": "geomachine.jobs",
    "GEOMACHINE_QUEUES_RASTER_TASKS": "geomachine.tasks.raster",
    "GEOMACHINE_QUEUES_VECTOR_TASKS": "geomachine.tasks.vector",
    "GEOMACHINE_QUEUES_DEAD_LETTERS": "geomachine.dead-letters",
}
check(sorted(queue_env.values()) == sorted(queues), f"./platform ARTEMIS_QUEUES {queues} != {sorted(queue_env.values())}")

# ---------------------------------------------------------------- parse every YAML / JSON file
docs = {}
for p in sorted([ROOT / "docker-compose.yml", *DEPLOY.rglob("*.yml"), *DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.json")]):
    rel = str(p.relative_to(ROOT))
    try:
        docs[rel] = json.loads(p.read_text()) if p.suffix == ".json" else [d for d in yaml.safe_load_all(p.read_text()) if d]
    except Exception as e:  # noqa: BLE001
        err(f"{rel}: does not parse: {e}")

# ---------------------------------------------------------------- application.properties
for module, port in services.items():
    props = ROOT / module / "src/main/resources/application.properties"
    if props.exists():
        text = props.read_text()
        m = re.search(r"^quarkus\.http\.port=(\d+)", text, re.M)
        check(not m or int(m.group(1)) == port, f"{module}: quarkus.http.port {m and m.group(1)} != ./platform {port}")
        for key, q in re.findall(r"^geomachine\.queues\.([a-z-]+)=(\S+)", text, re.M):
            env = "GEOMACHINE_QUEUES_" + key.upper().replace("-", "_")
            check(queue_env.get(env) == q, f"{module}: geomachine.queues.{key}={q} != {queue_env.get(env)}")
        for key, want in (("amqp-username", artemis_user), ("amqp-password", artemis_password),
                          ("quarkus.datasource.username", pg_user), ("quarkus.datasource.password", pg_password)):
            m = re.search(rf"^{re.escape(key)}=(\S+)", text, re.M)
            check(not m or m.group(1) == want, f"{module}: {key}={m and m.group(1)} != ./platform {want}")
        m = re.search(r"^quarkus\.datasource\.reactive\.url=postgresql://[^/]+/(\w+)", text, re.M)
        check(not m or m.group(1) == app_db, f"{module}: database {m and m.group(1)} != ./platform APP_DB {app_db}")

# ---------------------------------------------------------------- Dockerfiles
for module, port in services.items():
    rel = f"{module}/src/main/docker/Dockerfile.jvm"
    if not (ROOT / rel).exists():
        err(f"{rel} is missing")
        continue
    text = read(rel)
    check(re.search(rf"^EXPOSE {port}$", text, re.M), f"{rel}: EXPOSE {port} missing")
    check(f"QUARKUS_HTTP_PORT={port}" in text, f"{rel}: QUARKUS_HTTP_PORT={port} missing")
    check(("gdal-bin" in text) == module.startswith("worker-"), f"{rel}: gdal-bin only (and always) in the workers")
check(f'ARG PGSTAC_VERSION={pgstac_version}' in read("deploy/schema-init/Dockerfile"),
      f"deploy/schema-init/Dockerfile: PGSTAC_VERSION != {pgstac_version}")

# ---------------------------------------------------------------- docker-compose.yml
compose = docs.get("docker-compose.yml", [{}])[0]
cs = compose.get("services", {})
for module, port in services.items():
    s = cs.get(module, {})
    env = s.get("environment", {})
    check(env.get("QUARKUS_HTTP_PORT") == str(port), f"compose {module}: QUARKUS_HTTP_PORT != {port}")
    check(any(str(p).endswith(f":{port}:{port}") for p in s.get("ports", [])), f"compose {module}: port {port} not published")
    check(str(port) in str(s.get("healthcheck", {}).get("test")), f"compose {module}: healthcheck not on {port}")
    for k, v in queue_env.items():
        check(env.get(k) == v, f"compose {module}: {k}={env.get(k)} != {v}")
    check(env.get("AMQP_USERNAME") == artemis_user and env.get("AMQP_PASSWORD") == artemis_password,
          f"compose {module}: AMQP credentials != ./platform")
    check(env.get("QUARKUS_DATASOURCE_USERNAME") == pg_user and env.get("QUARKUS_DATASOURCE_PASSWORD") == pg_password,
          f"compose {module}: database credentials != ./platform")
    check(str(env.get("QUARKUS_DATASOURCE_REACTIVE_URL", "")).endswith(f"/{app_db}"), f"compose {module}: database != {app_db}")
art = cs.get("artemis", {})
check(art.get("image", "").endswith(":" + artemis_version), f"compose artemis image != {artemis_version}")
check(art.get("environment", {}).get("ARTEMIS_USER") == artemis_user, "compose artemis user != ./platform")
check(art.get("environment", {}).get("ARTEMIS_PASSWORD") == artemis_password, "compose artemis password != ./platform")
extra = art.get("environment", {}).get("EXTRA_ARGS", "")
check(pvar("ARTEMIS_QUEUES") in extra, "compose artemis EXTRA_ARGS --queues != ./platform ARTEMIS_QUEUES")
check(cs.get("azurite", {}).get("image", "").endswith(":" + azurite_version), f"compose azurite image != {azurite_version}")
check("--skipApiVersionCheck" in cs.get("azurite", {}).get("command", []), "compose azurite: --skipApiVersionCheck missing")
pg = cs.get("postgres", {})
check(pg.get("environment", {}).get("POSTGRES_DB") == app_db, "compose postgres: POSTGRES_DB != APP_DB")
check(pg.get("environment", {}).get("POSTGRES_PASSWORD") == pg_password, "compose postgres: password != ./platform")
check(f"max_connections={pg_max_conn}" in pg.get("command", []), f"compose postgres: max_connections != {pg_max_conn}")
check(cs.get("schema-init", {}).get("build", {}).get("args", {}).get("PGSTAC_VERSION") == pgstac_version,
      f"compose schema-init: PGSTAC_VERSION != {pgstac_version}")

# ---------------------------------------------------------------- broker.properties (+ the dev-infra copy)
def props_lines(text):
    return sorted(l.strip() for l in text.splitlines() if l.strip() and not l.strip().startswith("#"))


bp = props_lines(read("deploy/artemis/broker.properties"))
for q in queues:
    check(f'addressConfigurations."{q}".queueConfigs."{q}".routingType=ANYCAST' in bp, f"broker.properties: {q} missing")
devcm = next((d for d in docs.get("deploy/kubernetes/dev-infra/artemis.yaml", []) if d.get("kind") == "ConfigMap"), {})
check(props_lines(devcm.get("data", {}).get("broker.properties", "")) == bp,
      "deploy/kubernetes/dev-infra/artemis.yaml ConfigMap differs from deploy/artemis/broker.properties")

# ---------------------------------------------------------------- Kubernetes
kdocs = [d for rel, ds in docs.items() if rel.startswith("deploy/kubernetes/") and isinstance(ds, list) for d in ds]
cm = next((d for d in kdocs if d.get("kind") == "ConfigMap" and d["metadata"]["name"] == "geomachine-config"), {})
for k, v in queue_env.items():
    check(cm.get("data", {}).get(k) == v, f"k8s geomachine-config: {k} != {v}")
for module, port in services.items():
    dep = next((d for d in kdocs if d.get("kind") == "Deployment" and d["metadata"]["name"] == module), None)
    svc = next((d for d in kdocs if d.get("kind") == "Service" and d["metadata"]["name"] == module), None)
    if not dep or not svc:
        err(f"k8s: Deployment/Service {module} missing")
        continue
    pod = dep["spec"]["template"]
    c = pod["spec"]["containers"][0]
    check(c["ports"][0]["containerPort"] == port, f"k8s {module}: containerPort != {port}")
    check({"name": "QUARKUS_HTTP_PORT", "value": str(port)} in c.get("env", []), f"k8s {module}: QUARKUS_HTTP_PORT != {port}")
    check(pod["metadata"]["annotations"].get("prometheus.io/port") == str(port), f"k8s {module}: prometheus.io/port != {port}")
    check(svc["spec"]["ports"][0]["port"] == port, f"k8s {module}: Service port != {port}")
    labels = pod["metadata"]["labels"]
    for sel in (dep["spec"]["selector"]["matchLabels"], svc["spec"]["selector"]):
        check(all(labels.get(k) == v for k, v in sel.items()), f"k8s {module}: selector does not match the pod labels")
    check(c["livenessProbe"]["httpGet"]["path"] == "/q/health/live", f"k8s {module}: liveness path")
    check(c["readinessProbe"]["httpGet"]["path"] == "/q/health/ready", f"k8s {module}: readiness path")
for so in (d for d in kdocs if d.get("kind") == "ScaledObject"):
    md = so["spec"]["triggers"][0]["metadata"]
    check(md["queueName"] in queues and md["brokerAddress"] == md["queueName"], f"KEDA {so['metadata']['name']}: queue")
    check(md["brokerName"] in extra, f"KEDA {so['metadata']['name']}: brokerName {md['brokerName']} is not the compose broker --name")

# ---------------------------------------------------------------- Prometheus
prom = docs.get("deploy/prometheus/prometheus.yml", [{}])[0]
targets = {t for sc in prom.get("scrape_configs", []) if sc.get("metrics_path") == "/q/metrics"
           for st in sc.get("static_configs", []) for t in st["targets"]}
check(targets == {f"{m}:{p}" for m, p in services.items()}, f"prometheus.yml targets {sorted(targets)}")

# ---------------------------------------------------------------- Bicep (text checks)
bicep = read("deploy/azure/main.bicep")
for module, port in services.items():
    check(re.search(rf"name: '{module}'\s+port: {port}\b", bicep), f"main.bicep: app {module} with port {port} missing")
for q in queues:
    check(f"'{q}'" in bicep, f"main.bicep: queue {q} missing")
check("maxDeliveryCount: 10" in bicep, "main.bicep: maxDeliveryCount 10")

# ---------------------------------------------------------------- Grafana
dash = docs.get("deploy/grafana/geomachine-dashboard.json", {})
exprs = " ".join(t.get("expr", "") for p in dash.get("panels", []) for t in p.get("targets", []))
for metric in ("geomachine_job_commands_seconds_count", "geomachine_jobs_submitted_total", "geomachine_tasks_executed_total",
               "geomachine_outbox_published_total", "jvm_memory_used_bytes", "http_server_requests_seconds_count"):
    check(metric in exprs, f"dashboard: no panel uses {metric}")

if errors:
    print("check-consistency: %d problem(s)" % len(errors))
    for e in errors:
        print("  -", e)
    sys.exit(1)
print(f"check-consistency: ok ({len(docs)} YAML/JSON files; {len(services)} services; {len(queues)} queues; "
      f"Artemis {artemis_version}, Azurite {azurite_version}, pgstac {pgstac_version})")
