"""Start the Rasa server, the action server and the gateway; stop them all on Ctrl-C.

Used by `make run` (foreground) and by the integration tests (as a context manager).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from connectors.core import RASA_CHANNEL_HEADER, RASA_CHANNEL_PATH  # noqa: E402
from connectors.settings import DEFAULT_PORTS  # noqa: E402

RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
PYTHON = ROOT / ".venv" / "bin" / "python"
# Rasa handles one turn at a time per process (its NLU and tracker store block its event loop):
# one worker per core uses the node. Each worker holds its own model (~1.2 GB).
DEFAULT_RASA_WORKERS = min(os.cpu_count() or 1, 2)


def service_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment shared by the three processes, with the embedded defaults."""
    env = {**os.environ, **(extra or {})}
    var = Path(env.setdefault("VAR_DIR", str(ROOT / "var")))
    var.mkdir(parents=True, exist_ok=True)
    env.setdefault("PYTHONPATH", str(ROOT))
    defaults = {
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
        "OMP_NUM_THREADS": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "NO_PROXY": "127.0.0.1,localhost",
        "RASA_PORT": str(DEFAULT_PORTS["rasa"]),
        "ACTION_PORT": str(DEFAULT_PORTS["actions"]),
        "GATEWAY_PORT": str(DEFAULT_PORTS["gateway"]),
        "TRACKER_DB_DIALECT": "sqlite",
        "TRACKER_DB_HOST": "",
        "TRACKER_DB_NAME": str(var / "trackers.db"),
        "TRACKER_DB_USER": "",
        "TRACKER_DB_PASSWORD": "",
    }
    for key, value in defaults.items():
        env.setdefault(key, value)
    # Rasa's HTTP API (/model/parse, /conversations…) answers only requests carrying this token (the
    # gateway's health check does), and so does its one channel (bot/channel.py): the gateway's turns.
    env.setdefault("RASA_AUTH_TOKEN", secrets.token_urlsafe(24))
    # The action server answers only Rasa (rasa_sdk_plugins): Rasa sends this with every action call.
    env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(24))
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    env.setdefault("RASA_WORKERS", str(DEFAULT_RASA_WORKERS))
    env.setdefault("RASA_URL", ",".join(f"http://127.0.0.1:{port}" for port in rasa_worker_ports(env)))
    env.setdefault("ACTION_SERVER_URL", f"http://127.0.0.1:{env['ACTION_PORT']}")
    if env["TRACKER_DB_DIALECT"] == "sqlite":  # Rasa would create it readable by every local user
        from storage.db import private_file

        private_file(Path(env["TRACKER_DB_NAME"]))
    return env


@dataclass(frozen=True)
class Process:
    """One supervised process: how to start it, where it serves, and how to tell it is ready."""

    command: list[str]
    url: str  # where it serves (loopback)
    ready: Callable[[], bool]  # true once it answers (e.g. its health check is 200)
    timeout: float  # start-up budget, seconds
    env: dict[str, str] = field(default_factory=dict)  # on top of the shared environment


def http_ready(url: str) -> Callable[[], bool]:
    def ready() -> bool:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
        return False

    return ready


def python_command(*args: str) -> list[str]:
    return [str(PYTHON), *args]


def actions_process(port: str) -> Process:
    url = f"http://127.0.0.1:{port}"
    return Process(python_command("-m", "rasa_sdk", "--actions", "actions", "--port", port), url,
                   http_ready(f"{url}/health"), 120)


# A greeting: answered by a rule, so a Rasa server warms up even before the action server answers.
WARM_UP = {"sender": "supervisor-warm-up", "message": "xin chào"}


def rasa_ready(url: str, token: str) -> Callable[[], bool]:
    """Up, then warm: a Rasa server's first message traces its models (about a second), and citizens'
    first messages arriving together right after a (re)start outran the gateway's budget
    (``CORE_TIMEOUT_S``) and got "core unavailable" — one greeting of its own first."""
    up = http_ready(f"{url}/status?token={token}")

    def ready() -> bool:
        if not up():
            return False
        request = urllib.request.Request(f"{url}{RASA_CHANNEL_PATH}", data=json.dumps(WARM_UP).encode(),
                                         headers={"Content-Type": "application/json", RASA_CHANNEL_HEADER: token})
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200
        return False

    return ready


def rasa_process(env: dict[str, str], model: Path, port: str) -> Process:
    url = f"http://127.0.0.1:{port}"
    # `rasa run` through bot.serve: the API token from RASA_AUTH_TOKEN, never on a command line `ps` shows.
    command = [str(RASA_PYTHON), "-m", "bot.serve", "run", "--model", str(model),
               "--endpoints", env.get("RASA_ENDPOINTS", "bot/endpoints.yml"), "--credentials", "bot/credentials.yml",
               "--port", port, "-i", "127.0.0.1", "--enable-api"]
    return Process(command, url, rasa_ready(url, env["RASA_AUTH_TOKEN"]), 240)


# The gateway's HTTP server wherever it runs (deploy/Dockerfile, docker-compose.yml and k8s/gateway.yaml say
# the same; tests/test_deploy.py checks): h11, whose request line and headers are bounded (a header block
# over 64 KiB is refused; httptools buffers any size), at most 500 connections or requests at once (then
# 503 at once), idle keep-alive connections closed after 5 s.
GATEWAY_SERVER_OPTIONS = ("--http", "h11", "--h11-max-incomplete-event-size", "65536", "--limit-concurrency", "500",
                          "--timeout-keep-alive", "5")


def gateway_process(port: str, *extra: str) -> Process:
    url = f"http://127.0.0.1:{port}"
    # --no-proxy-headers: uvicorn would believe X-Forwarded-For from any local peer; the gateway reads it
    # itself, from TRUSTED_PROXIES only.
    command = python_command("-m", "uvicorn", "--factory", "connectors.gateway:create_app", "--host", "127.0.0.1",
                             "--port", port, "--log-level", "warning", "--no-proxy-headers", *GATEWAY_SERVER_OPTIONS,
                             *extra)
    return Process(command, url, http_ready(f"{url}/healthz"), 60)


def rasa_worker_ports(env: dict[str, str]) -> list[str]:
    first = int(env["RASA_PORT"])
    return [str(first + i) for i in range(max(1, int(env["RASA_WORKERS"])))]


def rasa_worker_names(env: dict[str, str]) -> list[str]:
    return ["rasa", *(f"rasa-{i}" for i in range(2, len(rasa_worker_ports(env)) + 1))]


def embedded(env: dict[str, str], model: Path) -> dict[str, Process]:
    """``make run``: one action server, RASA_WORKERS Rasa servers (ports RASA_PORT, +1…; the gateway
    keeps each conversation to one of them), one gateway; SQLite stores under VAR_DIR."""
    workers = {name: rasa_process(env, model, port) for name, port in zip(rasa_worker_names(env), rasa_worker_ports(env))}
    return {"actions": actions_process(env["ACTION_PORT"]), **workers, "gateway": gateway_process(env["GATEWAY_PORT"])}


def wait_for(process: Process, name: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + process.timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with code {proc.returncode} during start-up")
        if process.ready():
            return
        time.sleep(0.5)
    raise TimeoutError(f"{name} ({process.url}) not ready after {process.timeout:.0f} s")


def latest_model() -> Path:
    models = sorted((ROOT / "models" / "rasa").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("No trained Rasa model in models/rasa: run `make models` first.")
    return models[-1]


STATUS_FILE = "supervisor.json"
RETENTION_FIRST_S, RETENTION_EVERY_S = 60, 24 * 3600


@dataclass
class Services:
    env: dict[str, str]
    specs: dict[str, Process]
    log_dir: Path
    run_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def url(self, name: str) -> str:
        return self.specs[name].url

    def start(self, name: str) -> None:
        """Start one process (again) and wait until it is ready (the action server answers only once
        its search models are loaded)."""
        spec = self.specs[name]
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            spec.command, cwd=ROOT, env={**self.env, **spec.env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with self.lock:
            self.processes[name] = process
        (self.run_dir / f"{name}.pid").write_text(f"{process.pid}\n")
        wait_for(spec, name, process)
        self.write_status()

    def start_together(self, names: list[str]) -> None:
        """Start processes that do not depend on each other at once (replicas load their models in parallel)."""
        errors: list[Exception] = []

        def start(name: str) -> None:
            try:
                self.start(name)
            except (RuntimeError, TimeoutError) as exc:
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def stop(self, name: str) -> None:
        with self.lock:
            process = self.processes.pop(name)
        stop({name: process})
        (self.run_dir / f"{name}.pid").unlink(missing_ok=True)

    def write_status(self) -> None:
        """What ``/healthz`` reports of the supervisor: each process's pid and restarts."""
        with self.lock:
            status = {name: {"pid": p.pid, "restarts": self.restarts.get(name, 0)} for name, p in self.processes.items()}
            # Atomically: /healthz may read it at any moment (replicas start several processes at once).
            partial = self.run_dir / f"{STATUS_FILE}.{threading.get_ident()}"
            partial.write_text(json.dumps(status))
            os.replace(partial, self.run_dir / STATUS_FILE)

    def run_retention(self) -> None:
        """The daily purge of old conversations (``python -m dossiers.retention``), logged with the rest."""
        with open(self.log_dir / "retention.log", "ab") as log:
            subprocess.run([str(PYTHON), "-m", "dossiers.retention"], cwd=ROOT, env=self.env, stdout=log,
                           stderr=subprocess.STDOUT, timeout=600, check=False)

    def supervise(self, stopping: threading.Event) -> None:
        """Restart any process that dies, with back-off (1 s, 2 s, 4 s … 30 s; reset after a minute up);
        run the retention job a minute after start and then daily."""
        backoff: dict[str, float] = {}
        started: dict[str, float] = {name: time.monotonic() for name in self.processes}
        next_retention = time.monotonic() + RETENTION_FIRST_S
        while not stopping.wait(0.5):
            if time.monotonic() >= next_retention:
                threading.Thread(target=self.run_retention, name="retention", daemon=True).start()
                next_retention = time.monotonic() + RETENTION_EVERY_S
            with self.lock:
                dead = [(name, p) for name, p in self.processes.items() if p.poll() is not None]
            for name, process in dead:
                # The whole process group goes: a Sanic worker can outlive its killed manager and hold the port.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                delay = backoff.get(name, 0.0) if time.monotonic() - started.get(name, 0) < 60 else 0.0
                backoff[name] = min(max(delay * 2, 1.0), 30.0)
                print(f"{name} exited with code {process.returncode}; restarting in {backoff[name]:.0f} s", flush=True)
                if stopping.wait(backoff[name]):
                    return
                self.restarts[name] = self.restarts.get(name, 0) + 1
                try:
                    self.start(name)
                    started[name] = time.monotonic()
                except (RuntimeError, TimeoutError) as exc:
                    print(f"{name} restart failed: {exc}", flush=True)


@contextlib.contextmanager
def supervised(env: dict[str, str], specs: dict[str, Process], stages: list[list[str]],
               log_dir: Path | None = None) -> Iterator[Services]:
    """Start ``stages`` in order (the processes of one stage together), restart any process that dies
    until the block ends, then stop them all."""
    var = Path(env["VAR_DIR"])
    log_dir = log_dir or var / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    run_dir = var / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    running = Services(env, specs, log_dir, run_dir)
    stopping = threading.Event()
    supervisor = threading.Thread(target=running.supervise, args=(stopping,), name="supervisor", daemon=True)
    try:
        for stage in stages:
            running.start_together(stage)
        supervisor.start()
        yield running
    finally:
        stopping.set()
        if supervisor.is_alive():
            supervisor.join(timeout=max(spec.timeout for spec in specs.values()) + 5)
        with running.lock:
            stop(running.processes)


@contextlib.contextmanager
def services(extra_env: dict[str, str] | None = None, log_dir: Path | None = None) -> Iterator[Services]:
    """The embedded set-up (``make run``): yields its environment and handles."""
    env = service_env(extra_env)
    stages = [["actions"], rasa_worker_names(env), ["gateway"]]
    with supervised(env, embedded(env, latest_model()), stages, log_dir) as running:
        yield running


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to each process group, then SIGKILL to what is left of it: a group is signalled even when
    its leader is already dead (a killed Sanic manager leaves its worker holding the port)."""
    for proc in processes.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in processes.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def interrupt(signum: int, frame: object) -> None:
    # Once: a second Ctrl-C (or the SIGTERM `timeout` forwards) during the stop would abort it half way
    # and leave the servers running without their supervisor.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def serve_until_interrupted(starting: str, stack: contextlib.AbstractContextManager[Services],
                            ready: Callable[[Services], str]) -> int:
    """Print ``starting``, run ``stack`` until Ctrl-C or SIGTERM, saying ``ready(running)`` once it is
    up; 1 when start-up fails."""
    # Explicit handlers: a shell that starts us in the background ignores SIGINT by default.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    print(starting)
    try:
        with stack as running:
            print(ready(running))
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopped.")
    except (RuntimeError, TimeoutError) as exc:
        print(f"Start-up failed: {exc}. See var/logs/*.log", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    return serve_until_interrupted(
        "Starting Rasa, the action server and the gateway… (first start takes ~30 s)", services(),
        lambda running: f"Ready: {running.url('gateway')}/  (API schema at /openapi.json). Ctrl-C stops everything.")


if __name__ == "__main__":
    sys.exit(main())
