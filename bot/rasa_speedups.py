"""Measured fixes to Rasa 3.6, applied when Rasa imports our components (``bot/components.py``).
Each was found with py-spy on the Rasa server under ``benchmarks/load.py`` (20 conversations).

1. Rasa validates every action server response with ``jsonschema.validate``, which first checks the
*schema* against jsonschema's draft 2020-12 meta-schema — on every call. Under load that was about a
third of the Rasa server's CPU (py-spy on ``benchmarks/load.py``, 20 conversations). The schema is
Rasa's own constant: it is checked once here and the compiled validator reused, so responses are
validated exactly as before, with the same error message.

2. Reading a tracker turns every stored event's type name into its class by walking all subclasses
of ``Event`` (with ``inspect.isabstract`` on each) — per event, per turn. The answer never changes
while the process runs, so it is remembered.

3. The embedded SQLite tracker store committed with SQLite's defaults (rollback journal, fsync on
every commit), several times a turn. Write-ahead logging with ``synchronous=NORMAL`` commits without
waiting for the disk; the database stays consistent after a crash, a power cut can lose the last
turns. (PostgreSQL, the production tracker store, is not affected.)
"""

from __future__ import annotations

import sqlite3
from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from sqlalchemy import event
from sqlalchemy.engine import Engine


@cache
def action_response_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check, as ``jsonschema.validate`` makes it once the schema is checked: the best-matching
    error is raised, with Rasa's message."""
    error = best_match(action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


RemoteAction._validate_action_result = validate_action_result

Event.resolve_by_type = staticmethod(cache(Event.resolve_by_type))


@event.listens_for(Engine, "connect")
def commit_without_waiting_for_disk(connection: Any, _record: Any) -> None:
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
