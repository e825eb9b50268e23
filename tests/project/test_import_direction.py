"""Dependencies point one way: compliance -> destruction -> seizures -> project. Every module of
the four apps is parsed and each of its imports checked: module-level, inside functions and under
``TYPE_CHECKING`` alike (a type-only import still couples the layers). Settings hooks between the
apps are dotted-path strings, which are not imports and are not checked here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first: an app may import its own modules and those of the apps before it.
LAYERS = ("project", "seizures", "destruction", "compliance")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the tree; relative imports resolved."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")
                if not is_package:
                    package.pop()
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
    return found


def upward_imports(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The imports in ``source`` (the text of ``module``) that reach an app above its own, each
    as ``"<line>: imports <module> (<its app> may not import <that app>)"``."""
    app = module.split(".")[0]
    rank = LAYERS.index(app)
    problems = []
    for line, target in _imported_modules(ast.parse(source), module, is_package):
        target_app = target.split(".")[0]
        if target_app in LAYERS and LAYERS.index(target_app) > rank:
            problems.append(f"{line}: imports {target} ({app} may not import {target_app})")
    return problems


def _app_modules() -> list[Path]:
    return sorted(path for app in LAYERS for path in (ROOT / app).rglob("*.py"))


def test_the_four_apps_are_found():
    modules = {path.relative_to(ROOT).parts[0] for path in _app_modules()}
    assert modules == set(LAYERS)


def test_no_module_imports_an_app_above_its_own():
    violations = [
        f"{path.relative_to(ROOT)}:{problem}"
        for path in _app_modules()
        for problem in upward_imports(
            path.read_text(encoding="utf-8"),
            _module_name(path),
            is_package=path.name == "__init__.py",
        )
    ]
    assert not violations, (
        "Imports must point compliance -> destruction -> seizures -> project:\n"
        + "\n".join(violations)
    )


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        (
            "seizures.services",
            "from destruction.models import Facility\n",
            ["1: imports destruction.models (seizures may not import destruction)"],
        ),
        (
            "project.urls",
            "import os\n\n\ndef hook():\n    import compliance.engine\n",
            ["5: imports compliance.engine (project may not import compliance)"],
        ),
        (
            "destruction.services",
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
            "    from compliance.models import ComplianceCheck\n",
            ["4: imports compliance.models (destruction may not import compliance)"],
        ),
        (
            "compliance.reviews.services",
            "from destruction.models import Certificate\nfrom seizures import models\n"
            "from project.errors import TransitionNotAllowed\nfrom .. import engine\n",
            [],
        ),
    ],
    ids=["module level", "inside a function", "type checking only", "downward is fine"],
)
def test_the_checker_finds_a_planted_upward_import(module, source, expected):
    assert upward_imports(source, module) == expected
