"""The layers of STYLE.md, read from the import graph: plain, `from`, relative (`from . import`,
`from ..dashboard import`), lazy (inside functions), `__import__` and importlib imports.

- streamlit and plotly are imported only by the frame (dashboard/) and the pages (pages/);
- the frame (dashboard/) never imports a page: st.navigation runs them by their files;
- pages read view models only: they import nothing of data_access (what they need of its
  types comes through views/, e.g. views.domain);
- views/ (the view models) import neither those nor the frame, the pages or the writers;
- data_access/ imports nothing of the frame, the pages, the views, geo or the writers;
- the read path (dashboard/, pages/, views/, data_access/, geo/) never imports a writer
  (demo/, loader/), except the first start building the demo database;
- the dashboard's own database (dashboard/state_db.py: 督办事项, 解读) never reaches the
  monitoring database: it imports nothing of data_access, dashboard.data or
  dashboard.database, so it cannot be handed the read-only engine's connection.

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
OWN_DATABASE = "dashboard/state_db.py"
MONITORING = ("data_access", "dashboard.data", "dashboard.database")
# (importing file, imported package) pairs that are allowed on purpose, with the reason.
ALLOWED = {
    # The first start builds the embedded demo database when no database is configured.
    ("dashboard/database.py", "demo"),
}


def imported_modules(source: str, path: str = "") -> set[str]:
    """Top-level-qualified names of every module the source imports, wherever it does.

    `path` (e.g. "pages/chronic.py") places the file in its package, so that relative
    imports resolve to the modules they name."""
    package = path.split("/")[:-1]  # pkg/mod.py and pkg/__init__.py both sit in pkg

    def absolute(level: int, module: str | None, within: list[str] = package) -> str | None:
        if level == 0:
            return module
        if level - 1 > len(within):
            return None  # above the repository: not one of its packages
        base = within[: len(within) - (level - 1)]
        return ".".join([*base, *([module] if module else [])]) or None

    def named(arg: ast.expr, anchor: ast.expr | None) -> str | None:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            name = arg.value
        elif (
            isinstance(arg, ast.JoinedStr)
            and arg.values
            and isinstance(arg.values[0], ast.Constant)
        ):
            name = str(arg.values[0].value).rstrip(".")
        else:
            return None
        dots = len(name) - len(name.lstrip("."))
        # import_module(".x", "pkg") is relative to the package it is given.
        if isinstance(anchor, ast.Constant) and isinstance(anchor.value, str):
            return absolute(dots, name[dots:] or None, anchor.value.split("."))
        return absolute(dots, name[dots:] or None)

    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node.level, node.module)
            if module:
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            dynamic = (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
                isinstance(func, ast.Name) and func.id in ("__import__", "import_module")
            )
            anchor = next((k.value for k in node.keywords if k.arg == "package"), None)
            anchor = node.args[1] if len(node.args) > 1 else anchor
            if dynamic and (name := named(node.args[0], anchor)):
                found.add(name)
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
        for module in sorted(imported_modules(source, path)):
            top = _top(module)
            if (path, top) in ALLOWED:
                continue
            if top in UI_LIBRARIES and package not in ("dashboard", "pages"):
                out.append(f"{path} imports {module} (UI libraries only in dashboard/, pages/)")
            if package == "dashboard" and top == "pages":
                out.append(f"{path} imports {module} (the frame never imports a page)")
            if package == "pages" and top == "data_access":
                out.append(f"{path} imports {module} (pages read view models, not data_access)")
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
            if path == OWN_DATABASE and any(
                module == m or module.startswith(f"{m}.") for m in MONITORING
            ):
                out.append(f"{path} imports {module} (the own database never reaches the source)")
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
        "dashboard/state_db.py": "from data_access.engine import create_readonly_engine\n",
        "data_access/bad.py": "from dashboard.state import Filters\n",
        "data_access/bad_geo.py": "import geo.maps\n",
        "geo/bad.py": "import plotly.graph_objects as go\n",
        "views/bad_writer.py": "import importlib\nimportlib.import_module('demo.generator')\n",
        "dashboard/fine.py": "import streamlit as st\nfrom views import overview\n",
        "pages/fine.py": "import plotly.express as px\n",
        "dashboard/database.py": "def build():\n    from demo.generator import build_demo_file\n",
        # Relative imports across layers, and the frame importing a page in every form.
        "data_access/bad_relative.py": "from ..dashboard import state\n",
        "views/bad_relative.py": "from ..pages.chronic import render\n",
        "geo/fine_relative.py": "from . import processing\nfrom .classes import breaks\n",
        "dashboard/bad_frame.py": "from pages import meeting\n",
        "dashboard/bad_frame_relative.py": "from ..pages import meeting\n",
        "dashboard/charts/bad_frame_deep.py": "def f():\n    from ...pages.meeting import render\n",
        "dashboard/bad_frame_dunder.py": "meeting = __import__('pages.meeting')\n",
        "dashboard/bad_frame_importlib.py": "import importlib\nimportlib.import_module('pages.teams')\n",
        "pages/bad_data_access.py": "from data_access.scope import Scope\n",
        "pages/bad_data_access_relative.py": "from ..data_access import store\n",
        "views/bad_dunder.py": "st = __import__('streamlit')\n",
    }
    found = violations(planted)
    for bad in planted:
        if "bad" in bad:
            assert any(v.startswith(bad) for v in found), f"{bad} was not caught: {found}"
    assert any(v.startswith("dashboard/state_db.py imports data_access") for v in found), found
    assert not any(
        v.startswith(("dashboard/database.py", "dashboard/fine", "pages/fine", "geo/fine"))
        for v in found
    ), found


def test_one_cache_mechanism():
    """Kept results go through data_access.bounded, the one module that imports cachetools."""
    tree = repository_tree()
    users = sorted(p for p, src in tree.items() if any(
        _top(m) == "cachetools" for m in imported_modules(src, p)
    ))  # fmt: skip
    assert users == ["data_access/bounded.py"]
    assert not [p for p, src in tree.items() if "OrderedDict" in src]


def test_relative_imports_resolve_to_the_modules_they_name():
    source = "from . import a\nfrom .b import c\nfrom .. import d\nfrom ..e.f import g\n"
    assert imported_modules(source, "pages/sub/x.py") == {
        "pages.sub", "pages.sub.a", "pages.sub.b", "pages.sub.b.c",
        "pages", "pages.d", "pages.e.f", "pages.e.f.g",
    }  # fmt: skip
    assert imported_modules("from ..dashboard import state\n", "views/x.py") >= {
        "dashboard",
        "dashboard.state",
    }
    dynamic = "__import__('pages.meeting')\nimportlib.import_module('.teams', package='pages')\n"
    assert {"pages.meeting", "pages.teams"} <= imported_modules(dynamic, "dashboard/frame.py")


def test_import_forms_are_all_read():
    source = (
        "import a.b\nfrom c import d\n"
        "def later():\n    import e\n"
        "importlib.import_module(f'data_access.{name}')\n"
    )
    assert {"a.b", "c", "c.d", "e", "data_access"} <= imported_modules(source)
