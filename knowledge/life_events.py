"""Life events mapped to the procedures they involve, in order (``knowledge/data/life_events.yml``).

``life_event_in(text)`` recognises the event a citizen describes ("bố tôi mới mất…"); the steps name
catalogue procedures, so every fact shown beside them comes from the catalogue record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.vietnamese import canonical
from knowledge.catalogue import get_procedure

LIFE_EVENTS = Path(__file__).resolve().parent / "data" / "life_events.yml"


@dataclass(frozen=True)
class Step:
    code: str
    label: str  # a short name a button can hold; the full name is the catalogue's
    when: str


@dataclass(frozen=True)
class LifeEvent:
    id: str
    title: str
    phrases: tuple[str, ...]  # canonical
    steps: tuple[Step, ...]


@cache
def life_events() -> tuple[LifeEvent, ...]:
    events = []
    for raw in yaml.safe_load(LIFE_EVENTS.read_text(encoding="utf-8")):
        steps = tuple(Step(**step) for step in raw["steps"])
        missing = [s.code for s in steps if get_procedure(s.code) is None]
        if missing:
            raise ValueError(f"life event {raw['id']}: no such procedure {missing}")
        phrases = tuple(sorted({canonical(p) for p in raw["phrases"]}, key=len, reverse=True))
        events.append(LifeEvent(raw["id"], raw["title"], phrases, steps))
    return tuple(events)


def life_event_in(text: str) -> LifeEvent | None:
    """The life event a message describes, if any (the first in the file when several)."""
    padded = f" {canonical(text or '')} "
    return next((e for e in life_events() if any(f" {p} " in padded for p in e.phrases)), None)
