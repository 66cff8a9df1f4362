"""The shipped catalogue's coverage per field, and where the portal's two crawls disagree on the codes
both hold (name, level, fee amounts, time, number of papers).

Run: .venv/bin/python benchmarks/catalogue.py [--shared ../shared/catalogue]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions.answers import way_fee  # noqa: E402
from knowledge import fees  # noqa: E402
from knowledge.catalogue import load_catalogue  # noqa: E402
from knowledge.importer import coverage_report, import_folders, import_portal_api  # noqa: E402
from knowledge.schema import Procedure  # noqa: E402

_BARE = re.compile(r"[\d.,\s]*")  # a time with no unit says nothing to compare


def _facts(p: Procedure) -> dict[str, object]:
    return {
        "name": " ".join(p.name.lower().split()),
        "levels": set(p.levels),
        "fee amounts": sorted({a for w in p.ways for a in fees.amounts(way_fee(w))}),
        "time": sorted({w.time.lower() for w in p.ways if not _BARE.fullmatch(w.time)}),
        "documents": len(p.papers()),
    }


def disagreements(pages: dict[str, Procedure], structured: dict[str, Procedure]) -> tuple[list[str], dict[str, list[str]]]:
    """(codes in both crawls, field -> codes where they disagree); a time only where both state a unit."""
    common = sorted(pages.keys() & structured.keys())
    found: dict[str, list[str]] = {field: [] for field in _facts(next(iter(pages.values())))}
    for code in common:
        page, record = _facts(pages[code]), _facts(structured[code])
        for field in found:
            if field == "time" and not (page[field] and record[field]):
                continue
            if page[field] != record[field]:
                found[field].append(code)
    return common, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared" / "catalogue"))
    args = parser.parse_args()
    catalogue = list(load_catalogue().values())
    print(coverage_report(catalogue))
    provincial = [p for p in catalogue if p.province]
    print(f"  provincial (one province only) {len(provincial):>5}; provinces: {len({p.province for p in provincial})}")
    shared = Path(args.shared)
    if not (shared / "raw").is_dir() or not (shared / "portal-api").is_dir():
        print(f"(no crawls at {shared}: disagreements not computed)")
        return
    common, found = disagreements({p.code: p for p in import_folders([shared / "raw"])},
                                  {p.code: p for p in import_portal_api(shared / "portal-api")})
    print(f"\nThe two crawls on their {len(common)} common codes — disagreements:")
    for field, codes in found.items():
        print(f"  {field:<12} {len(codes):>4}  {len(codes) / len(common):6.1%}   e.g. {', '.join(codes[:5])}")


if __name__ == "__main__":
    main()
