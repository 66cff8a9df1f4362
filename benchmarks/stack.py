"""The stack a benchmark talks to: started on spare ports with a temporary VAR_DIR and no rate limits
(one client plays many citizens), or a running gateway given by URL."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNLIMITED = {"RATE_LIMIT_CONVERSATION": "100000/minute", "RATE_LIMIT_ADDRESS": "1000000/minute"}


@contextlib.contextmanager
def gateway(topology: str = "embedded", rasa_workers: int | None = None, var_dir: str | None = None) -> Iterator[str]:
    """The gateway's URL while the stack runs: ``embedded`` (`make run`) or ``replicated``
    (`make run-replicas`: PostgreSQL, Redis, 2 of each, nginx); its VAR_DIR ``var_dir`` (its logs under
    logs/), a temporary one by default."""
    env = {"VAR_DIR": var_dir or tempfile.mkdtemp(prefix="bench-"), **UNLIMITED}
    if topology == "replicated":
        from scripts.replicas import replicated

        with replicated({**env, "REPLICAS_BASE_PORT": "27100"}) as running:
            yield running.url("nginx")
        return
    from scripts.run import services

    env.update(RASA_PORT="27005", ACTION_PORT="27055", GATEWAY_PORT="27000")
    if rasa_workers:
        env["RASA_WORKERS"] = str(rasa_workers)
    with services(env) as running:
        print(f"embedded, {running.env['RASA_WORKERS']} Rasa worker(s):")
        yield running.url("gateway")
