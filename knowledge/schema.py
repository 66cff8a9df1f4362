"""Typed catalogue records: one ``Procedure`` per administrative procedure (TTHC)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SubmissionWay:
    """One way to submit (Trực tiếp / Trực tuyến / Dịch vụ bưu chính)."""

    mode: str
    time: str
    fee: str
    description: str = ""


FOREIGN_AFFAIRS = "Bộ Ngoại giao"
# The portal's target groups that are people (the others are organisations, businesses, cooperatives).
PERSON_GROUPS = ("công dân", "người nước ngoài", "người việt nam", "cán bộ", "viên chức", "đảng viên")
# Words of a paper needed only in some situations: a representative, an authorisation, "if any".
_PARTICULAR_CUES = ("ủy quyền", "người đại diện", "mất năng lực", "khó khăn trong nhận thức", "trong trường hợp",
                    "(nếu có)", "đối với trường hợp")


@dataclass
class Document:
    """One paper of the dossier. ``quantity`` 0 marks a note rather than a paper to bring."""

    name: str
    section: str = ""
    form: str = ""
    quantity: int = 1
    copy_type: str = "bản chính"
    case: str = ""

    @property
    def special_case(self) -> bool:
        """Needed only in a particular situation ("Trường hợp trẻ em bị bỏ rơi: …", an authorisation)."""
        name = self.name.lower()
        return (bool(self.case) or name.lstrip("(ivx) ").startswith(("trường hợp", "đối với"))
                or any(cue in name for cue in _PARTICULAR_CUES))


@dataclass
class LegalBasis:
    title: str
    number: str = ""


@dataclass
class Procedure:
    code: str
    name: str
    official_name: str
    ministry: str
    field: str
    levels: list[str]
    procedure_type: str = ""
    decision: str = ""
    target_groups: str = ""
    agencies: list[str] = field(default_factory=list)
    competent_agency: str = ""
    submission_address: str = ""
    steps: list[str] = field(default_factory=list)
    ways: list[SubmissionWay] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    legal_basis: list[LegalBasis] = field(default_factory=list)
    conditions: str = ""
    results: list[str] = field(default_factory=list)
    source_url: str = ""
    aliases: list[str] = field(default_factory=list)
    province: str = ""  # a provincial procedure applies in this province only ("" for national ones)
    life_events: list[str] = field(default_factory=list)  # the portal's life-event groups ("Khai sinh")
    keywords: list[str] = field(default_factory=list)  # the portal's own keywords
    note: str = ""

    @property
    def online(self) -> bool:
        """Whether the portal lists an online way of submission."""
        return any(w.mode == "Trực tuyến" for w in self.ways)

    @property
    def done_abroad(self) -> bool:
        """Done at a Vietnamese embassy or consulate, not at home (the portal's "other agency" level of
        the Ministry of Foreign Affairs, or said in the name)."""
        return ("cơ quan đại diện" in self.name.lower()
                or (self.ministry == FOREIGN_AFFAIRS and self.levels == ["Cơ quan khác"]))

    @property
    def for_diplomats(self) -> bool:
        """The Ministry of Foreign Affairs' own procedures for foreigners (residence cards, visas for those
        of diplomatic status); the Ministry of Public Security's serve everybody else."""
        return self.ministry == FOREIGN_AFFAIRS and "người nước ngoài" in self.name.lower()

    @property
    def for_bodies_only(self) -> bool:
        """Filed only by organisations, businesses or cooperatives: no person among its target groups."""
        groups = self.target_groups.lower()
        return not any(group in groups for group in PERSON_GROUPS)

    def papers(self) -> list[Document]:
        """Papers to bring (notes left out): the ones everybody needs first, then particular cases."""
        return sorted((d for d in self.documents if d.quantity > 0), key=lambda d: d.special_case)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Procedure:
        data = dict(data)
        data["ways"] = [SubmissionWay(**w) for w in data.get("ways", [])]
        data["documents"] = [Document(**d) for d in data.get("documents", [])]
        data["legal_basis"] = [LegalBasis(**b) for b in data.get("legal_basis", [])]
        return cls(**data)
