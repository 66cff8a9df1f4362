"""What a finished dossier draft contains: its JSON document and the checklist of papers."""

from __future__ import annotations

from typing import Any

from common.status import DossierStatus
from knowledge.catalogue import get_procedure


def checklist(procedure_code: str) -> list[str]:
    """Papers to bring, from the catalogue (only those with a quantity; notes left out)."""
    procedure = get_procedure(procedure_code)
    items = []
    for d in procedure.papers() if procedure else []:
        name = d.name if len(d.name) <= 160 else d.name[:159].rsplit(" ", 1)[0] + "…"
        items.append(f"{d.case + ': ' if d.case else ''}{name} ({d.quantity} {d.copy_type})")
    return items


def draft_json(dossier: dict[str, Any]) -> dict[str, Any]:
    """The JSON draft: {code, form, procedure, status (Vietnamese label), status_code, note,
    fields: {field key: value}, checklist}."""
    status = DossierStatus(dossier["status"])
    return {"code": dossier["code"], "form": dossier["form_id"], "procedure": dossier["procedure_code"],
            "status": status.label, "status_code": status.value, "note": dossier["note"], "fields": dossier["data"],
            "checklist": checklist(dossier["procedure_code"])}
