"""Rasa's validation of an action server response: jsonschema.validate as Rasa 3.6 calls it (the
meta-schema checked every call) against the validator checked once (bot/rasa_speedups.py).

Run with the Rasa environment: .venv-rasa/bin/python benchmarks/rasa_validation.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jsonschema  # noqa: E402
from rasa.core.actions.action import RemoteAction  # noqa: E402

# A typical response of ours: a few slots and two messages with buttons.
RESPONSE = {
    "events": [{"event": "slot", "timestamp": None, "name": f"slot_{i}", "value": "giá trị"} for i in range(6)],
    "responses": [{"text": "Thủ tục đăng ký khai sinh (mã 1.001193)…", "buttons": [{"title": "Lệ phí", "payload": "lệ phí"}]}] * 2,
}


def per_call_ms(validate, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        validate()
    return (time.perf_counter() - started) / calls * 1000


def main() -> None:
    schema = RemoteAction.action_response_format_spec()
    before = per_call_ms(lambda: jsonschema.validate(RESPONSE, schema), 30)
    import bot.rasa_speedups  # noqa: F401 - patches RemoteAction

    action = RemoteAction("action_answer_procedure", None)
    after = per_call_ms(lambda: action._validate_action_result(RESPONSE), 300)
    print(f"action response validation: before {before:.1f} ms a call, after {after:.2f} ms a call")


if __name__ == "__main__":
    main()
