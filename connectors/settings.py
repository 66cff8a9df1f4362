"""Gateway settings, read once from the environment (safe defaults for the embedded set-up)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    rasa_url: str = os.environ.get("RASA_URL", "http://127.0.0.1:5005")
    action_server_url: str = os.environ.get("ACTION_SERVER_URL", "http://127.0.0.1:5055")
    # The citizen gets an apology rather than a wait beyond this many seconds.
    core_timeout_s: float = float(os.environ.get("CORE_TIMEOUT_S", "4.5"))
    max_message_chars: int = int(os.environ.get("MAX_MESSAGE_CHARS", "2000"))


settings = Settings()
