"""Fixtures several test modules need live once, in the root conftest.py (STYLE.md §10)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fixtures_in(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any("fixture" in ast.unparse(decorator) for decorator in node.decorator_list)
    }


def test_no_test_module_redefines_a_shared_fixture():
    shared = fixtures_in(ROOT / "conftest.py")
    modules = [
        path for folder in ("articles", "ingest", "newsroom", "tests") for path in (ROOT / folder).rglob("test_*.py")
    ]

    redefined = {str(path.relative_to(ROOT)): fixtures_in(path) & shared for path in modules}

    assert {path: names for path, names in redefined.items() if names} == {}
