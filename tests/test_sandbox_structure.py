"""The sandbox's shape: it stands for Zoho, so it imports nothing of the product (code shared with the client
would hide where the two disagree), and its handlers are small named functions grouped by API family."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sandbox.api.family import Family
from sandbox.app import families
from sandbox.state import SandboxState
from sandbox.store import SandboxStore

ROOT = Path(__file__).resolve().parent.parent
SANDBOX = ROOT / "sandbox"
COUNTERPARTS = ("sandbox", "scripted_model")
NOT_PRODUCT = {"tests", "benchmarks", "scripts", "docs", "prompts", *COUNTERPARTS}
MAX_FUNCTION_LINES = 60


def product_packages() -> set[str]:
    """The product's top-level packages and modules (``main``, ``config``, ``integrations``, ``web``, …)."""
    names = {path.stem for path in ROOT.glob("*.py")}
    names |= {path.name for path in ROOT.iterdir() if path.is_dir() and any(path.glob("*.py"))}
    return names - NOT_PRODUCT


def imported_roots(path: Path) -> set[str]:
    """The first component of every module ``path`` imports, at any depth (relative imports left out)."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("counterpart", COUNTERPARTS)
def test_the_counterparts_import_nothing_of_the_product(counterpart: str) -> None:
    product = product_packages()
    assert {"config", "integrations", "approvals", "web", "main"} <= product
    offending = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & product)
        for path in sorted((ROOT / counterpart).rglob("*.py"))
        if imported_roots(path) & product
    }
    assert offending == {}


def test_no_sandbox_function_is_longer_than_sixty_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for path in sorted(SANDBOX.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


async def test_every_route_is_a_named_handler_of_a_family(tmp_path: Path) -> None:
    """Each route's endpoint is a method of the family that lists it: no closure, no route twice."""
    store = SandboxStore.open(tmp_path, accounts=3, seed=1)
    members, routes = families(SandboxState.create(store, data_dir=tmp_path))
    try:
        for family in members:
            assert isinstance(family, Family)
            for route in family.routes():
                endpoint = getattr(route, "endpoint", None)
                assert getattr(endpoint, "__self__", None) is family, route
        keys = [(getattr(r, "path", ""), tuple(sorted(getattr(r, "methods", None) or ()))) for r in routes]
        assert len(keys) == len(set(keys))
    finally:
        for family in members:
            await family.shutdown()
        store.close()
