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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from connectors.settings import DEFAULT_PORTS  # noqa: E402

RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"


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
    # Rasa's HTTP API (/model/parse, /conversations…) answers only requests carrying this token: the
    # gateway's health check does; its channel webhook is reached on the loopback/internal network only.
    env.setdefault("RASA_AUTH_TOKEN", secrets.token_urlsafe(24))
    env.setdefault("ACTION_ENDPOINT_URL", f"http://127.0.0.1:{env['ACTION_PORT']}/webhook")
    env.setdefault("RASA_URL", f"http://127.0.0.1:{env['RASA_PORT']}")
    env.setdefault("ACTION_SERVER_URL", f"http://127.0.0.1:{env['ACTION_PORT']}")
    return env


def commands(env: dict[str, str], model: Path) -> dict[str, list[str]]:
    return {
        "actions": [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "--port", env["ACTION_PORT"]],
        "rasa": [
            str(RASA_BIN), "run", "--model", str(model), "--endpoints", env.get("RASA_ENDPOINTS", "bot/endpoints.yml"),
            "--credentials", "bot/credentials.yml", "--port", env["RASA_PORT"], "-i", "127.0.0.1",
            "--enable-api", "--auth-token", env["RASA_AUTH_TOKEN"],
        ],
        "gateway": [
            str(PYTHON), "-m", "uvicorn", "--factory", "connectors.gateway:create_app", "--host", "127.0.0.1",
            "--port", env["GATEWAY_PORT"], "--log-level", "warning",
        ],
    }


def wait_for(url: str, timeout: float, processes: dict[str, subprocess.Popen]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, proc in processes.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with code {proc.returncode} during start-up")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout:.0f} s")


def latest_model() -> Path:
    models = sorted((ROOT / "models" / "rasa").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("No trained Rasa model in models/rasa: run `make models` first.")
    return models[-1]


HEALTH_PATHS = {"actions": "/health", "rasa": "/status", "gateway": "/healthz"}
STATUS_FILE = "supervisor.json"
RETENTION_FIRST_S, RETENTION_EVERY_S = 60, 24 * 3600
START_TIMEOUTS = {"actions": 120, "rasa": 240, "gateway": 60}


@dataclass
class Services:
    env: dict[str, str]
    processes: dict[str, subprocess.Popen]
    model: Path
    log_dir: Path
    run_dir: Path
    restarts: dict[str, int] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def health_url(self, name: str) -> str:
        query = f"?token={self.env['RASA_AUTH_TOKEN']}" if name == "rasa" else ""
        return self.url(name) + HEALTH_PATHS[name] + query

    def url(self, name: str) -> str:
        port = {"rasa": "RASA_PORT", "actions": "ACTION_PORT", "gateway": "GATEWAY_PORT"}[name]
        return f"http://127.0.0.1:{self.env[port]}"

    def start(self, name: str) -> None:
        """Start one process (again) and wait until it answers its health check (the action server
        answers only once its search models are loaded)."""
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            commands(self.env, self.model)[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        with self.lock:
            self.processes[name] = process
        (self.run_dir / f"{name}.pid").write_text(f"{process.pid}\n")
        wait_for(self.health_url(name), START_TIMEOUTS[name], {name: process})
        self.write_status()

    def stop(self, name: str) -> None:
        with self.lock:
            process = self.processes.pop(name)
        stop({name: process})
        (self.run_dir / f"{name}.pid").unlink(missing_ok=True)

    def write_status(self) -> None:
        """What ``/healthz`` reports of the supervisor: each process's pid and restarts."""
        with self.lock:
            status = {name: {"pid": p.pid, "restarts": self.restarts.get(name, 0)} for name, p in self.processes.items()}
        (self.run_dir / STATUS_FILE).write_text(json.dumps(status))

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
def services(extra_env: dict[str, str] | None = None, log_dir: Path | None = None) -> Iterator[Services]:
    """Run all three processes, restarting any that dies, until the block ends; yields their
    environment and handles."""
    env = service_env(extra_env)
    var = Path(env["VAR_DIR"])
    log_dir = log_dir or var / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    run_dir = var / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    running = Services(env, {}, latest_model(), log_dir, run_dir)
    stopping = threading.Event()
    supervisor = threading.Thread(target=running.supervise, args=(stopping,), name="supervisor", daemon=True)
    try:
        for name in ("actions", "rasa", "gateway"):
            running.start(name)
        supervisor.start()
        yield running
    finally:
        stopping.set()
        if supervisor.is_alive():
            supervisor.join(timeout=START_TIMEOUTS["rasa"] + 5)
        with running.lock:
            stop(running.processes)


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    for proc in processes.values():
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    # Explicit handlers: a shell that starts us in the background ignores SIGINT by default.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    print("Starting Rasa, the action server and the gateway… (first start takes ~30 s)")
    try:
        with services() as running:
            print(f"Ready: {running.url('gateway')}/  (API docs at /docs). Ctrl-C stops everything.")
            while True:
                time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopped.")
    except (RuntimeError, TimeoutError) as exc:
        print(f"Start-up failed: {exc}. See var/logs/*.log", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
