"""The store sits below the dossiers: ``dossiers/`` imports ``storage/``, never the other way round.
What both need (masking, dossier status codes) lives in ``common/``, below both."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ABOVE_STORAGE = {"dossiers", "actions", "connectors"}
# common/ may lean on bot.vietnamese only (pure Python, shared with the Rasa environment).
ABOVE_COMMON = ABOVE_STORAGE | {"storage", "knowledge"}


def imported_packages(folder: str) -> dict[str, set[str]]:
    """Top-level packages each module of ``folder`` imports, wherever the import statement is."""
    found = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        packages = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                packages |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                packages.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = packages
    return found


def test_storage_imports_nothing_above_it():
    offending = {module: sorted(packages & ABOVE_STORAGE) for module, packages in imported_packages("storage").items()
                 if packages & ABOVE_STORAGE}
    assert not offending


def test_common_imports_neither_room():
    offending = {module: sorted(packages & ABOVE_COMMON) for module, packages in imported_packages("common").items()
                 if packages & ABOVE_COMMON}
    assert not offending


def test_importing_every_storage_module_loads_no_dossier_module():
    """The same, at run time: no indirect path (through ``common`` or anything else) reaches up."""
    script = (
        "import importlib, json, pkgutil, sys, storage\n"
        "for module in pkgutil.iter_modules(storage.__path__):\n"
        "    if module.name != '__main__':\n"
        "        importlib.import_module('storage.' + module.name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[1:])))\n"
    )
    result = subprocess.run([sys.executable, "-c", script, *sorted(ABOVE_STORAGE)], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert json.loads(result.stdout) == []
