"""The tree's own checks, run by the README's test command and so by CI: ``ruff format --check``,
``ruff check``, ``mypy`` over the source, the tests and the benchmarks, the layer contract
(``lint-imports``, configured in pyproject.toml), and no function over 60 lines outside data tables.

Each tool runs as a subprocess from the project root; a failure shows the tool's own output.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_FUNCTION_LINES = 60


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    """``args`` from the project root with this interpreter's environment, its packages from this tree."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def assert_clean(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 0, f"{' '.join(done.args)} failed:\n{done.stdout[-8000:]}\n{done.stderr[-4000:]}"


def test_the_tree_is_formatted() -> None:
    assert_clean(run_tool(sys.executable, "-m", "ruff", "format", "--check", "."))


def test_the_tree_passes_ruff() -> None:
    assert_clean(run_tool(sys.executable, "-m", "ruff", "check", "."))


@pytest.mark.slow  # ~15 s cold
def test_the_tree_type_checks() -> None:
    """Source, tests and benchmarks alike (pyproject.toml excludes only .venv)."""
    assert_clean(run_tool(sys.executable, "-m", "mypy", "."))


def test_layers_import_downwards_only() -> None:
    """The contracts in pyproject.toml ([tool.importlinter]): the layer order, and the counterparts
    (sandbox/, scripted_model/) apart from the product. A temporary ignore that no longer matches fails
    too: delete it when its fix lands."""
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), "import-linter is missing: scripts/install --test"
    assert_clean(run_tool(str(lint_imports), "--no-cache"))


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not any(p.startswith(".") or p in ("__pycache__", "build") for p in parts[:-1]):
            yield path


def imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module or ""] if node.level == 0 else []


def test_nothing_imports_main() -> None:
    """main.py is the top of the layers (a module, which import-linter cannot take as a layer)."""
    importers = []
    for path in python_files():
        if path.parent == ROOT / "tests":  # the CLI tests call main.app in-process
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom) and "main" in imported_modules(node):
                importers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert importers == []


def product_packages() -> set[str]:
    return {p.parent.name for p in ROOT.glob("*/__init__.py")} | {"main"}


def test_no_test_skips_over_a_broken_import_of_the_product() -> None:
    """``pytest.importorskip`` is for optional third-party packages: on one of ours it turns a broken
    import into a skip instead of a failure."""
    ours = product_packages()
    skips = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "importorskip"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).split(".")[0] in ours
            ):
                skips.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value!s}")
    assert skips == []


@dataclass(frozen=True)
class FunctionSize:
    key: str  # "path::Class.function"
    lines: int  # from ``def`` to its last line, less the lines of multi-line data literals


def is_data(node: ast.expr, *, names: bool = True) -> bool:
    """A literal table: containers of constants (and of names, e.g. a row built from variables), and
    constructor calls with constant arguments. A call with a variable in it is code."""
    if isinstance(node, ast.Dict):
        return all(k is None or is_data(k, names=names) for k in node.keys) and all(
            is_data(v, names=names) for v in node.values
        )
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(is_data(e, names=names) for e in node.elts)
    if isinstance(node, ast.Call):
        arguments = [*node.args, *(k.value for k in node.keywords)]
        return all(is_data(a, names=False) for a in arguments)
    if isinstance(node, ast.Name | ast.Attribute | ast.Starred):
        return names
    return isinstance(node, ast.Constant | ast.UnaryOp)


def data_lines(function: ast.AST) -> set[int]:
    """Lines of the multi-line literal tables inside ``function`` (its nested functions' too)."""
    lines: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, (ast.Dict, ast.List, ast.Tuple, ast.Set)) and is_data(node):
            last = node.end_lineno or node.lineno
            if last > node.lineno:
                lines.update(range(node.lineno, last + 1))
    return lines


def function_sizes(tree: ast.Module, rel: str) -> Iterator[FunctionSize]:
    def visit(node: ast.AST, prefix: str) -> Iterator[FunctionSize]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                span = set(range(child.lineno, (child.end_lineno or child.lineno) + 1))
                yield FunctionSize(f"{rel}::{prefix}{child.name}", len(span - data_lines(child)))
                yield from visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, f"{prefix}{child.name}.")
            else:
                yield from visit(child, prefix)

    yield from visit(tree, "")


def all_function_sizes() -> dict[str, int]:
    sizes: dict[str, int] = {}
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        sizes.update((f.key, f.lines) for f in function_sizes(ast.parse(path.read_text(), rel), rel))
    return sizes


def test_no_function_is_over_60_lines() -> None:
    """Split long functions into named steps; a literal table (a dict or list of constants) does not
    count, the code around it does. Nested functions count in their enclosing function too."""
    too_long = {key: lines for key, lines in all_function_sizes().items() if lines > MAX_FUNCTION_LINES}
    assert too_long == {}


SAMPLE = """
class Reviewer:
    def review(self, account):
        \"\"\"Two lines
        of docstring.\"\"\"
        limits = {
            "silent": 60,
            "stalled": (30, 90),
        }
        def inner():
            return [
                account.id,
                score(account),
            ]
        return inner()
"""


def test_a_function_counts_its_code_and_nested_functions_not_its_tables() -> None:
    sizes = {f.key: f.lines for f in function_sizes(ast.parse(SAMPLE), "x.py")}
    # review: 13 lines less the 4 of its table; inner's list holds a call on a variable: code, it counts
    assert sizes == {"x.py::Reviewer.review": 9, "x.py::Reviewer.review.inner": 5}
