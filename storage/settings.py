"""Where the SQL store lives, read once from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parent.parent


class StorageSettings(BaseSettings):
    app_db_url: str = ""  # empty: SQLite in VAR_DIR (the embedded default)
    var_dir: Path = ROOT / "var"

    @property
    def database_url(self) -> str:
        return self.app_db_url or f"sqlite:///{self.var_dir / 'app.db'}"


@lru_cache
def storage_settings() -> StorageSettings:
    return StorageSettings()
