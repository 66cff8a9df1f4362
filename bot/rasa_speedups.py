"""A measured fix to Rasa 3.6, applied when Rasa imports our components (``bot/components.py``).

Rasa validates every action server response with ``jsonschema.validate``, which first checks the
*schema* against jsonschema's draft 2020-12 meta-schema — on every call. Under load that was about a
third of the Rasa server's CPU (py-spy on ``benchmarks/load.py``, 20 conversations). The schema is
Rasa's own constant: it is checked once here and the compiled validator reused, so responses are
validated exactly as before, with the same error message.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


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
