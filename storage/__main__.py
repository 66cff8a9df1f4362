"""``python -m storage upgrade`` (apply migrations) or ``python -m storage current`` (print the revision)."""

from __future__ import annotations

import argparse

from sqlalchemy import create_engine

from storage.db import engine
from storage.migrate import current
from storage.settings import storage_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m storage", description=__doc__)
    parser.add_argument("command", choices=["upgrade", "current"])
    args = parser.parse_args()
    # The engine migrates on first use; "current" only looks.
    print(current(engine() if args.command == "upgrade" else create_engine(storage_settings().database_url)))


if __name__ == "__main__":
    main()
