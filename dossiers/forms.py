"""Declarations the assistant can fill, read from data: one YAML file a form in ``dossiers/declarations/``
(fields in order, labels as printed, questions, validation rule, prefill source, sections of the PDF,
cross-field rules). Adding a declaration needs no Python; ``_shared.yml`` holds field groups several
forms use. The file format is described in ``dossiers/declarations/README.md``.

Documented JSON draft schema (one per form): ``{"form": <form id>, "procedure": <code>,
"fields": {<field key>: <string>}}`` with the keys of that form's fields.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from dossiers.validation import (
    Result,
    check_address,
    check_amount,
    check_cccd,
    check_choice,
    check_count,
    check_date,
    check_email,
    check_name,
    check_phone,
    check_place,
    check_relationship,
    check_sex,
    check_text,
    check_time,
    check_year,
    if_known,
    parse_date,
)

DECLARATIONS = Path(__file__).resolve().parent / "declarations"
SHARED = "_shared.yml"

# The rules a field may name (``check:``); ``choice`` and ``relationship`` read the field's ``options``.
CHECKS: dict[str, Callable[[dict[str, Any]], Callable[[str], Result]]] = {
    "text": lambda _: check_text, "name": lambda _: check_name, "date": lambda _: check_date,
    "year": lambda _: check_year, "sex": lambda _: check_sex, "phone": lambda _: check_phone,
    "email": lambda _: check_email, "cccd": lambda _: check_cccd, "place": lambda _: check_place,
    "address": lambda _: check_address, "amount": lambda _: check_amount, "count": lambda _: check_count,
    "time": lambda _: check_time, "choice": lambda raw: check_choice(raw["options"]),
    "relationship": lambda raw: check_relationship(raw.get("options")),
}


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # as printed on the form
    question: str
    check: Callable[[str], Result] = check_text
    profile_key: str | None = None  # reused from / saved to the citizen's profile
    default: str | dict[str, str] | None = None  # offered for confirmation; may depend on the procedure
    same_as: str | None = None  # "như của tôi" means the answer to this other field

    def default_for(self, procedure_code: str | None) -> str | None:
        if isinstance(self.default, dict):
            return self.default.get(procedure_code or "")
        return self.default


@dataclass(frozen=True)
class Section:
    heading: str  # printed above its fields on the PDF; empty for none
    fields: tuple[Field, ...]


# ---- cross-field rules -------------------------------------------------------------------------

def _when(value: str) -> tuple[int, date | None]:
    """A date or a bare year as (year, date or None)."""
    if value.isdigit():
        return int(value), None
    parsed, _ = parse_date(value)
    return (parsed.year, parsed) if parsed else (0, None)


@dataclass(frozen=True)
class CccdMatches:
    """The CCCD's century/sex digit and birth year agree with the declared date of birth and sex."""
    cccd: str
    dob: str | None = None
    sex: str | None = None  # a field key
    sex_value: str | None = None  # or a fixed sex ("Nữ" for the bride's side)

    def check(self, key: str, data: dict[str, str], form: Form) -> str | None:
        if key != self.cccd or not data.get(key):
            return None
        sex = self.sex_value or (data.get(self.sex) if self.sex else None)
        return check_cccd(data[key], data.get(self.dob) if self.dob else None, sex)[1]


@dataclass(frozen=True)
class Order:
    """Each ``earlier`` date/year comes before ``later`` (a year apart at least when one is a bare year).
    ``message`` may say it in the form's own words, with ``{earlier}`` and ``{later}`` (the values)."""
    earlier: tuple[str, ...]
    later: str
    message: str = ""

    def check(self, key: str, data: dict[str, str], form: Form) -> str | None:
        if key not in {*self.earlier, self.later} or not data.get(self.later):
            return None
        later_year, later_date = _when(data[self.later])
        for earlier in filter(data.get, self.earlier):
            year, day = _when(data[earlier])
            wrong = day > later_date if day and later_date else year >= later_year
            if wrong and self.message:
                return self.message.format(earlier=data[earlier], later=data[self.later])
            if wrong:
                return (f"“{form.field(earlier).label}” ({data[earlier]}) phải trước “{form.field(self.later).label}” "
                        f"({data[self.later]}). Bạn kiểm tra lại giúp tôi.")
        return None


@dataclass(frozen=True)
class MinAge:
    """Whoever ``dob`` belongs to is at least ``years`` old today (the age the law requires)."""
    dob: str
    years: int
    who: str

    def check(self, key: str, data: dict[str, str], form: Form) -> str | None:
        born = parse_date(data.get(self.dob) or "")[0] if key == self.dob else None
        today = date.today()
        if born and (today.year - born.year - ((today.month, today.day) < (born.month, born.day))) < self.years:
            return (f"Theo quy định, {self.who} phải từ đủ {self.years} tuổi trở lên; ngày sinh {data[key]} "
                    "chưa đủ tuổi. Bạn kiểm tra lại giúp tôi.")
        return None


RULES = {"cccd_matches": CccdMatches, "order": Order, "min_age": MinAge}


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    procedures: tuple[str, ...]
    legal_form: str
    sections: tuple[Section, ...]
    rules: tuple[CccdMatches | Order | MinAge, ...] = ()
    signature: str = "Người yêu cầu"
    offers: tuple[tuple[str, str], ...] = ()  # (button title, what it says) offered when no form is chosen

    @property
    def fields(self) -> list[Field]:
        return [f for section in self.sections for f in section.fields]

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


# ---- reading the data files --------------------------------------------------------------------

def _expand(items: list[dict[str, Any]], groups: dict[str, list], values: dict[str, str]) -> list[dict[str, Any]]:
    """Fields with ``use: <group>`` replaced by the group's fields, ``{placeholders}`` filled from ``with``."""
    fields = []
    for item in items:
        if "use" in item:
            fields += _expand(groups[item["use"]], groups, {**values, **item.get("with", {})})
        else:
            fields.append({k: v.format(**values) if isinstance(v, str) else v for k, v in item.items()})
    return fields


def _field(raw: dict[str, Any]) -> Field:
    check = CHECKS[raw.get("check", "text")](raw)
    return Field(raw["key"], raw["label"], raw["question"], if_known(check) if raw.get("if_known") else check,
                 raw.get("profile"), raw.get("default"), raw.get("same_as"))


def load_form(path: Path, groups: dict[str, list]) -> Form:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    groups = {**groups, **raw.get("groups", {})}  # a form may define groups of its own
    sections = tuple(Section(s.get("heading", ""), tuple(_field(f) for f in _expand(s["fields"], groups, {})))
                     for s in raw["sections"])
    rules = tuple(RULES[name](**{k: tuple(v) if isinstance(v, list) else v for k, v in args.items()})
                  for rule in raw.get("rules", []) for name, args in rule.items())
    form = Form(raw["id"], raw["title"], tuple(raw["procedures"]), raw["legal_form"], sections, rules,
                raw.get("signature", "Người yêu cầu"), tuple((o["title"], o["say"]) for o in raw.get("offers", [])))
    keys = [f.key for f in form.fields]
    named = {f.same_as for f in form.fields} | {getattr(r, a, None) for r in rules for a in ("cccd", "dob", "sex", "later")}
    named |= {k for r in rules for k in getattr(r, "earlier", ())}
    unknown = named - set(keys) - {None}
    if len(set(keys)) != len(keys) or unknown or path.stem != form.id:
        raise ValueError(f"{path.name}: duplicate keys, unknown keys {sorted(unknown)} or id not the file name")
    return form


@cache
def forms() -> dict[str, Form]:
    groups = yaml.safe_load((DECLARATIONS / SHARED).read_text(encoding="utf-8"))["groups"]
    paths = sorted((p for p in DECLARATIONS.glob("*.yml") if p.name != SHARED),
                   key=lambda p: yaml.safe_load(p.read_text(encoding="utf-8")).get("order", 99))
    return {form.id: form for form in (load_form(p, groups) for p in paths)}


FORMS = forms()


def form_for(procedure_code: str | None) -> Form | None:
    return next((f for f in FORMS.values() if procedure_code in f.procedures), None)


def form_offers() -> list[tuple[str, str]]:
    """Buttons for every declaration (shown when the citizen asks for a form without naming one)."""
    return [offer for form in FORMS.values() for offer in form.offers]


def cross_check(form: Form, key: str, value: str, data: dict[str, str]) -> str | None:
    """The form's rules that need other fields (CCCD vs date of birth and sex, dates in order, ages)."""
    merged = {**data, key: value}
    return next(filter(None, (rule.check(key, merged, form) for rule in form.rules)), None)
