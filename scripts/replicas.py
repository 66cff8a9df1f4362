"""`make run-replicas`: the production topology on one machine, with real components.

PostgreSQL (trackers and the app store) and Redis (Rasa's lock store, the gateways' rate limits) from
Debian packages, their data under ``$VAR_DIR/replicas``; REPLICAS (2) action servers, Rasa servers
and gateways; nginx balancing round-robin, without stickiness, on three ports:

    :BASE        citizens  -> gateway-1..n
    :BASE+10     gateways  -> rasa-1..n        (so the shared tracker store and the lock store are exercised)
    :BASE+20     Rasa      -> actions-1..n

A request that cannot reach one replica (connection refused: it died) goes to the next. The
supervisor of ``scripts/run.py`` restarts any process that dies. Ctrl-C stops everything.
Ports: BASE (8000) + 1..n gateways, +11.. Rasa, +21.. actions, +30 PostgreSQL, +31 Redis.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.run import (  # noqa: E402
    Process,
    Services,
    actions_process,
    gateway_process,
    latest_model,
    rasa_process,
    serve_until_interrupted,
    service_env,
    supervised,
)

DEBIAN_PACKAGES = {"postgresql": "initdb", "redis-server": "redis-server", "nginx": "nginx"}
DATABASE = "dvc"


def program(name: str) -> str | None:
    """A server binary from its Debian package (PostgreSQL keeps its own out of PATH, nginx in sbin)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin")


def install_missing() -> None:
    """Install PostgreSQL, Redis and nginx from Debian when missing (as `.ci/run` does for chromium)."""
    missing = [package for package, binary in DEBIAN_PACKAGES.items() if not program(binary)]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"Missing Debian packages: {' '.join(missing)} (apt-get install {' '.join(missing)})")
    print(f"Installing {' '.join(missing)}…", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, stdout=subprocess.DEVNULL)
    # The packages start system-wide services; ours run under VAR_DIR on their own ports.
    for service in ("nginx", "redis-server", "postgresql"):
        subprocess.run(["service", service, "stop"], capture_output=True)


def as_postgres() -> list[str]:
    """PostgreSQL refuses to run as root: run it as the package's user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def init_postgres(data: Path) -> None:
    """A cluster owned by ``postgres`` (when we are root), which must be able to reach it: the
    directories above it must be traversable (VAR_DIR's are made so here)."""
    if (data / "PG_VERSION").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        for directory in (data.parent.parent, data.parent):
            directory.chmod(directory.stat().st_mode | 0o011)
        shutil.chown(data, "postgres")
    subprocess.run([*as_postgres(), program("initdb"), "-D", str(data), "-A", "trust", "-U", DATABASE],
                   check=True, capture_output=True)


def postgres_ready(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        import psycopg

        try:
            with psycopg.connect(host="127.0.0.1", port=port, user=DATABASE, dbname="postgres", autocommit=True,
                                 connect_timeout=2) as conn:
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
                    conn.execute(f"CREATE DATABASE {DATABASE}")
                return True
        except psycopg.OperationalError:
            return False

    return ready


def listening(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
        return False

    return ready


def redis_ready(port: int) -> Callable[[], bool]:
    def ready() -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    return ready


def nginx_conf(var: Path, base: int, replicas: int) -> Path:
    """Round-robin upstreams. A request whose replica fails before answering (it died) goes to the next
    one, POST included (``non_idempotent``): losing the citizen's turn is worse than the rare double
    processing of a turn a replica finished but could not answer."""
    root = var / "replicas" / "nginx"
    root.mkdir(parents=True, exist_ok=True)

    def upstream(name: str, first: int) -> str:
        servers = "".join(f"    server 127.0.0.1:{first + i};\n" for i in range(replicas))
        return f"upstream {name} {{\n{servers}}}\n"

    def server(port: int, upstream_name: str) -> str:
        return (f"server {{\n  listen 127.0.0.1:{port};\n  location / {{\n"
                f"    proxy_pass http://{upstream_name};\n    proxy_http_version 1.1;\n"
                "    proxy_set_header Host $http_host;\n    proxy_set_header X-Forwarded-For $remote_addr;\n"
                "    proxy_set_header X-Forwarded-Proto $scheme;\n    proxy_next_upstream error timeout http_502 non_idempotent;\n"
                "    proxy_read_timeout 60s;\n    client_max_body_size 12m;\n    client_body_buffer_size 1m;\n  }\n}\n")

    conf = root / "nginx.conf"
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(
        f"{user}worker_processes 1;\npid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
        "events { worker_connections 1024; }\nhttp {\n"
        "  log_format upstream '$server_port $remote_addr \"$request\" $status $upstream_addr';\n"
        f"  access_log {root}/access.log upstream;\n"
        f"  client_body_temp_path {root}/body;\n  proxy_temp_path {root}/proxy;\n"
        f"  fastcgi_temp_path {root}/fastcgi;\n  uwsgi_temp_path {root}/uwsgi;\n  scgi_temp_path {root}/scgi;\n"
        + upstream("gateways", base + 1) + upstream("rasa_servers", base + 11) + upstream("action_servers", base + 21)
        + server(base, "gateways") + server(base + 10, "rasa_servers") + server(base + 20, "action_servers")
        + "}\n")
    return conf


def topology(extra_env: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, Process], list[list[str]]]:
    """The environment, the processes and the order they start in."""
    extra = dict(extra_env or {})
    base, replicas = int(extra.pop("REPLICAS_BASE_PORT", 8000)), int(extra.pop("REPLICAS", 2))
    pg_port, redis_port = base + 30, base + 31
    env = service_env({
        "TRACKER_DB_DIALECT": "postgresql", "TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": str(pg_port),
        "TRACKER_DB_NAME": DATABASE, "TRACKER_DB_USER": DATABASE, "TRACKER_DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "REDIS_DB": "0",
        "RASA_ENDPOINTS": "bot/endpoints.production.yml",
        "APP_DB_URL": f"postgresql+psycopg://{DATABASE}@127.0.0.1:{pg_port}/{DATABASE}",
        "RATE_LIMIT_STORAGE": f"redis://127.0.0.1:{redis_port}/1",
        "RASA_URL": f"http://127.0.0.1:{base + 10}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{base + 20}",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{base + 20}/webhook",
        "GATEWAY_INTERNAL_URL": f"http://127.0.0.1:{base}",
        "TRUSTED_PROXIES": "127.0.0.1",  # nginx, which sets X-Forwarded-For to the address it saw
        **extra,
    })
    env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{base}")
    var = Path(env["VAR_DIR"])
    pg_data, redis_dir = var / "replicas" / "postgres", var / "replicas" / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    init_postgres(pg_data)
    model = latest_model()
    specs: dict[str, Process] = {
        "postgres": Process([*as_postgres(), program("postgres"), "-D", str(pg_data), "-p", str(pg_port),
                             "-k", str(pg_data), "-c", "listen_addresses=127.0.0.1"],
                            f"postgresql://127.0.0.1:{pg_port}", postgres_ready(pg_port), 60),
        "redis": Process([program("redis-server"), "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(redis_dir),
                          "--save", "", "--appendonly", "no"], f"redis://127.0.0.1:{redis_port}", redis_ready(redis_port), 30),
    }
    for i in range(1, replicas + 1):
        specs[f"actions-{i}"] = actions_process(str(base + 20 + i))
        specs[f"rasa-{i}"] = rasa_process(env, model, str(base + 10 + i))
        specs[f"gateway-{i}"] = gateway_process(str(base + i))
    conf = nginx_conf(var, base, replicas)
    specs["nginx"] = Process([program("nginx"), "-c", str(conf), "-g", "daemon off;"], f"http://127.0.0.1:{base}",
                             listening(base), 30)
    names = range(1, replicas + 1)
    # nginx before the gateways: a gateway is healthy once it reaches Rasa and the actions through it.
    stages = [["postgres", "redis"], [f"actions-{i}" for i in names] + [f"rasa-{i}" for i in names], ["nginx"],
              [f"gateway-{i}" for i in names]]
    return env, specs, stages


@contextlib.contextmanager
def replicated(extra_env: dict[str, str] | None = None, log_dir: Path | None = None) -> Iterator[Services]:
    install_missing()
    env, specs, stages = topology(extra_env)
    with supervised(env, specs, stages, log_dir) as running:
        yield running


def main() -> int:
    return serve_until_interrupted(
        "Starting PostgreSQL, Redis, 2 action servers, 2 Rasa servers, 2 gateways and nginx… (~1 min)", replicated(),
        lambda running: f"Ready: {running.url('nginx')}/  (pids in var/run/). Ctrl-C stops everything.")


if __name__ == "__main__":
    sys.exit(main())
