"""The layers of STYLE.md, read from the import graph (plain, `from`, lazy and importlib imports).

- streamlit and plotly are imported only by the frame (dashboard/) and the pages (pages/);
- views/ (the view models) import neither those nor the frame, the pages or the writers;
- data_access/ imports nothing of the frame, the pages, the views, geo or the writers;
- the read path (dashboard/, pages/, views/, data_access/, geo/) never imports a writer
  (demo/, loader/), except the first start building the demo database.

`violations` works on any {path: source} tree, so the rules are shown to fail on a planted
tree as well as shown to hold on the repository.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "pages", "views", "data_access", "geo", "demo", "loader")
UI_LIBRARIES = ("streamlit", "plotly", "streamlit_folium")
WRITERS = ("demo", "loader")
READ_PATH = ("dashboard", "pages", "views", "data_access", "geo")
# (importing file, imported package) pairs that are allowed on purpose, with the reason.
ALLOWED = {
    # The first start builds the embedded demo database when no database is configured.
    ("dashboard/database.py", "demo"),
}


def imported_modules(source: str) -> set[str]:
    """Top-level-qualified names of every module the source imports, wherever it does."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and arg.values:
                head = arg.values[0]
                if isinstance(head, ast.Constant):
                    found.add(str(head.value).rstrip("."))
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def violations(tree: dict[str, str]) -> list[str]:
    """Every import that breaks a layer rule, as 'file imports module (rule)'."""
    out = []
    for path, source in sorted(tree.items()):
        package = path.split("/")[0]
        if package not in PACKAGES:
            continue
        for module in sorted(imported_modules(source)):
            top = _top(module)
            if (path, top) in ALLOWED:
                continue
            if top in UI_LIBRARIES and package not in ("dashboard", "pages"):
                out.append(f"{path} imports {module} (UI libraries only in dashboard/, pages/)")
            if package == "views" and top in ("dashboard", "pages"):
                out.append(f"{path} imports {module} (view models do not depend on renderers)")
            if package == "data_access" and top in (
                "dashboard",
                "pages",
                "views",
                "geo",
                *WRITERS,
            ):
                out.append(f"{path} imports {module} (data_access is the bottom layer)")
            if package in READ_PATH and top in WRITERS:
                out.append(f"{path} imports {module} (the read path never imports a writer)")
    return out


def repository_tree() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.exists()
    }


def test_repository_keeps_its_layers():
    tree = repository_tree()
    assert any(p.startswith("views/") for p in tree), "the view models were not found"
    assert violations(tree) == []


def test_a_planted_violation_of_each_rule_is_caught():
    planted = {
        "views/bad_view.py": "import streamlit as st\n",
        "views/bad_lazy.py": "def f():\n    from dashboard import data\n",
        "data_access/bad.py": "from dashboard.state import Filters\n",
        "data_access/bad_geo.py": "import geo.maps\n",
        "geo/bad.py": "import plotly.graph_objects as go\n",
        "views/bad_writer.py": "import importlib\nimportlib.import_module('demo.generator')\n",
        "dashboard/fine.py": "import streamlit as st\nfrom views import overview\n",
        "pages/fine.py": "import plotly.express as px\n",
        "dashboard/database.py": "def build():\n    from demo.generator import build_demo_file\n",
    }
    found = violations(planted)
    for bad in planted:
        if "bad" in bad:
            assert any(v.startswith(bad) for v in found), f"{bad} was not caught: {found}"
    assert not any(v.startswith(("dashboard/", "pages/")) for v in found), found


def test_import_forms_are_all_read():
    source = (
        "import a.b\nfrom c import d\n"
        "def later():\n    import e\n"
        "importlib.import_module(f'data_access.{name}')\n"
    )
    assert {"a.b", "c", "c.d", "e", "data_access"} <= imported_modules(source)
