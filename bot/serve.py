"""``rasa`` with its HTTP API token read from the environment (``RASA_AUTH_TOKEN``), not the command line.

Rasa 3.6 takes the token only as ``--auth-token``, and a process's command line is readable by every
local user (``ps``, ``/proc/<pid>/cmdline``); its environment only by the same user. This launcher runs
Rasa's own CLI in-process with the option added to ``sys.argv``, which the kernel's copy of the command
line never shows:

    .venv-rasa/bin/python -m bot.serve run --model ... --enable-api
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"


def rasa_argv(args: list[str], environ: Mapping[str, str]) -> list[str]:
    """Rasa's arguments with the token from ``environ`` ("--auth-token=…" as one word: a token may begin
    with "-"). Its HTTP API is never opened without one."""
    if any(a in ("-t", "--auth-token") or a.startswith("--auth-token=") for a in args):
        raise SystemExit(f"bot.serve: give the token in {TOKEN_VARIABLE}, not on the command line")
    token = environ.get(TOKEN_VARIABLE, "")
    if not token:
        if "--enable-api" in args:
            raise SystemExit(f"bot.serve: --enable-api needs {TOKEN_VARIABLE} (Rasa's HTTP API would answer anyone)")
        return list(args)
    return [*args, f"--auth-token={token}"]


def main() -> None:
    sys.argv[1:] = rasa_argv(sys.argv[1:], os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
