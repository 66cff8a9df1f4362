"""Dossier statuses: stable codes in storage and APIs, Vietnamese labels for citizens and officers."""

from __future__ import annotations

from enum import StrEnum

from bot.vietnamese import canonical


class DossierStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_MORE = "needs_more"
    DONE = "done"

    @property
    def label(self) -> str:
        return LABELS[self]

    @classmethod
    def parse(cls, text: str) -> DossierStatus | None:
        """A status from its code ("needs_more") or its label, with or without diacritics ("can bo sung")."""
        wanted = canonical(text or "").lower().strip()
        return next((s for s in cls if wanted in {s.value, canonical(s.label).lower()}), None)


LABELS = {
    DossierStatus.DRAFT: "nháp",
    DossierStatus.SUBMITTED: "đã nộp",
    DossierStatus.NEEDS_MORE: "cần bổ sung",
    DossierStatus.DONE: "đã có kết quả",
}
