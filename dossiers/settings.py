"""Dossier and privacy settings: read once from the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings

from storage.settings import ROOT


class DossierSettings(BaseSettings):
    pdf_font: str = ""  # a TrueType font with Vietnamese glyphs; else Debian's Noto Sans or DejaVu
    retention_days: float = 30  # conversations and transcripts older than this are purged
    # Rasa's tracker store (the same variables bot/endpoints*.yml gives Rasa), for deletion and retention.
    tracker_db_dialect: str = "sqlite"
    tracker_db_host: str = ""
    tracker_db_port: int | None = None
    tracker_db_name: str = str(ROOT / "var" / "trackers.db")
    tracker_db_user: str = ""
    tracker_db_password: str = ""


@lru_cache
def dossier_settings() -> DossierSettings:
    return DossierSettings()
