"""The patch of Rasa's action-response validation (bot/rasa_speedups.py) keeps Rasa's behaviour:
our responses pass, malformed ones are refused with Rasa's message. Runs in the Rasa environment."""

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.integration  # needs .venv-rasa

CHECK = """
import json
import bot.components  # what Rasa imports at start-up
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
action = RemoteAction("action_answer_procedure", None)
verdicts = []
for response in (
    {"events": [{"event": "slot", "name": "current_procedure", "value": "1.001193"}], "responses": [{"text": "Chào"}]},
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [], "responses": "not a list"},
):
    try:
        verdicts.append(action._validate_action_result(response))
    except ValidationError as error:
        verdicts.append(error.message)
print(json.dumps({"patched": RemoteAction._validate_action_result.__module__, "verdicts": verdicts}))
"""


def test_action_responses_are_validated_as_rasa_does():
    done = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", CHECK], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"})
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["patched"] == "bot.rasa_speedups"
    ok, bad_event, bad_responses = result["verdicts"]
    assert ok is True
    assert "Failed to validate Action server response" in bad_event and "Failed to validate" in bad_responses
