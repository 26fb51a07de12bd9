"""The write models sit below the packages that use them: ``domain/`` imports no other package of the product,
and neither ``integrations/`` nor ``state/`` imports a workflow (``approvals/``, ``review/``, ...), the agents
or the CLI, so the write path has no cycle (approvals → integrations → approvals was one)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE_STORAGE = {"approvals", "review", "listener", "briefs", "agents", "hooks", "memory", "cli", "web", "main"}


def _imported_packages(package: str) -> dict[str, set[str]]:
    """Each top-level package of the product that a module of ``package`` imports (module → packages)."""
    product = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} | {"main"}
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            tops = {name.split(".")[0] for name in names} & product - {package}
            if tops:
                found.setdefault(str(path.relative_to(ROOT)), set()).update(tops)
    return found


def test_domain_imports_nothing_of_the_product() -> None:
    assert _imported_packages("domain") == {}


@pytest.mark.parametrize("package", ["integrations", "state"])
def test_storage_and_integration_import_no_workflow(package: str) -> None:
    upward = {module: tops & ABOVE_STORAGE for module, tops in _imported_packages(package).items()}
    assert {module: tops for module, tops in upward.items() if tops} == {}
