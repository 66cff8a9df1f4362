"""Dossier settings (``PDF_FONT``): read once from the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings


class DossierSettings(BaseSettings):
    pdf_font: str = ""  # a TrueType font with Vietnamese glyphs; else Debian's Noto Sans or DejaVu


@lru_cache
def dossier_settings() -> DossierSettings:
    return DossierSettings()
