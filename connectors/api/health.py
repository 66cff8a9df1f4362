"""Liveness of the gateway and of each dependency it needs."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import httpx
from fastapi import APIRouter, Depends, Response

from connectors.api.auth import staff_or_none
from connectors.core import Core, get_core
from storage.settings import storage_settings

# Written by the supervisor (scripts/run.py): each process's pid and how often it was restarted.
SUPERVISOR_STATUS = "run/supervisor.json"

router = APIRouter(tags=["health"])


async def _probe(client: httpx.AsyncClient, url: str, params: dict[str, str] | None = None) -> str:
    try:
        response = await client.get(url, params=params, timeout=2.0)
        return "ok" if response.status_code == 200 else f"http {response.status_code}"
    except httpx.HTTPError as exc:
        return f"down ({type(exc).__name__})"


@router.get("/livez")
async def livez() -> dict[str, str]:
    """The process answers: what an orchestrator's liveness and readiness probes ask. (A gateway whose
    Rasa is down still answers citizens with an apology; restarting it would not bring Rasa back.)"""
    return {"status": "ok"}


@router.get("/healthz")
async def healthz(
    response: Response, core: Core = Depends(get_core), staff: str | None = Depends(staff_or_none)
) -> dict[str, object]:
    """Each dependency's state; the supervisor's processes (pids, restarts) only to staff (the officer
    token or a console session): they tell an attacker what to aim at."""
    token = {"token": core.settings.rasa_auth_token.get_secret_value()}
    workers = [await _probe(core.http, f"{url}/status", token) for url in core.settings.rasa_urls]
    checks = {
        # Every worker of this node must be up ("ok"), else the first problem found.
        "rasa": next((state for state in workers if state != "ok"), "ok"),
        "action_server": await _probe(core.http, f"{core.settings.action_server_url}/health"),
    }
    healthy = all(v == "ok" for v in checks.values())
    response.status_code = 200 if healthy else 503
    report: dict[str, object] = {"status": "ok" if healthy else "degraded", "dependencies": checks}
    status_file = Path(storage_settings().var_dir) / SUPERVISOR_STATUS
    with contextlib.suppress(OSError, ValueError):
        if staff:
            report["processes"] = json.loads(status_file.read_text())
    return report
