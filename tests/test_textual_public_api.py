"""tagtui uses Textual's public API only: no module reads or writes a Textual private attribute.

Private names change between Textual releases without notice (and writing one can break Textual's
own bookkeeping), so every ``x._name`` in tagtui/ is checked against the single-underscore names
of the Textual classes tagtui works with: the ones it imports, their bases, and the ones the
public API hands out (notifications, timers, workers, signals).

``self._name`` inside a tagtui class is its own attribute unless the class derives from Textual:
then a name Textual's bases also use is a collision (it would shadow Textual's attribute) and is
reported like a read of a private attribute.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from textual.widget import Widget

PACKAGE = Path(__file__).resolve().parents[1] / "tagtui"

# Classes tagtui never imports but gets from the public API (app.notify, set_interval, workers).
HANDED_OUT = (
    ("textual.notifications", "Notification"),
    ("textual.notifications", "Notifications"),
    ("textual.timer", "Timer"),
    ("textual.worker_manager", "WorkerManager"),
    ("textual.signal", "Signal"),
    ("textual.message_pump", "MessagePump"),
    ("textual.dom", "DOMNode"),
)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _is_textual(module: str) -> bool:
    return module.split(".")[0] == "textual"


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _textual_imports(tree: ast.Module) -> Iterator[tuple[str, str | None]]:
    """(module, name) for every ``from textual... import name`` / ``import textual...``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if _is_textual(node.module):
                yield from ((node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names if _is_textual(alias.name))


def _textual_bases(klass: type) -> list[type]:
    return [base for base in klass.__mro__ if _is_textual(base.__module__)]


@cache
def _own_private_names(klass: type) -> frozenset[str]:
    """Private names one Textual class defines: class attributes and ``self._x`` in its source."""
    names = {name for name in vars(klass) if _is_private(name)}
    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):  # no source (a C type): its class attributes must do
        return frozenset(names)
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in {"self", "cls"}
            and _is_private(node.attr)
        ):
            names.add(node.attr)
    return frozenset(names)


def _private_names(classes: list[type]) -> frozenset[str]:
    return frozenset().union(*(_own_private_names(klass) for klass in classes))


@cache
def _textual_private_names() -> frozenset[str]:
    classes: set[type] = set()
    imported = [pair for _, tree in _modules() for pair in _textual_imports(tree)]
    for module_name, name in [*imported, *HANDED_OUT]:
        target = importlib.import_module(module_name)
        value = getattr(target, name) if name is not None else target
        if inspect.ismodule(value):  # ``from textual import events``: every class it defines
            classes.update(
                item
                for item in vars(value).values()
                if inspect.isclass(item) and item.__module__ == value.__name__
            )
        elif inspect.isclass(value):
            classes.add(value)
    return _private_names([base for klass in classes for base in _textual_bases(klass)])


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class _Scanner(ast.NodeVisitor):
    """Collects ``line: expression`` for every private Textual name a module touches."""

    def __init__(self, path: Path, tree: ast.Module, private: frozenset[str]) -> None:
        self.private = private
        self.offenders: list[str] = []
        # Only a module importing Textual can hold a class deriving from it (the core never
        # imports Textual, see test_architecture.py); only those modules are imported here.
        self.module = (
            importlib.import_module(_module_name(path)) if any(_textual_imports(tree)) else None
        )
        # Per enclosing class: the private names ``self.`` must not use (None: not resolvable).
        self.classes: list[tuple[object, frozenset[str] | None]] = []

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0 and _is_textual(module):
            if any(_is_private(part) for part in module.split(".")):
                self.offenders.append(f"{node.lineno}: from {module} import …")
            for alias in node.names:
                if _is_private(alias.name):
                    self.offenders.append(f"{node.lineno}: from {module} import {alias.name}")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if _is_textual(alias.name) and any(_is_private(p) for p in alias.name.split(".")):
                self.offenders.append(f"{node.lineno}: import {alias.name}")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        outer = self.classes[-1][0] if self.classes else self.module
        klass = getattr(outer, node.name, None) if outer is not None else None
        if self.module is None:
            forbidden: frozenset[str] | None = frozenset()  # no Textual base possible
        elif inspect.isclass(klass):
            forbidden = _private_names(_textual_bases(klass))
        else:
            forbidden = None  # defined in a function: judged like any other object
        self.classes.append((klass, forbidden))
        self.generic_visit(node)
        self.classes.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:
        on_self = isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}
        forbidden = self.classes[-1][1] if on_self and self.classes else None
        if node.attr in (self.private if forbidden is None else forbidden):
            self.offenders.append(f"{node.lineno}: {ast.unparse(node)}")
        self.generic_visit(node)


def _offenders() -> dict[str, list[str]]:
    private = _textual_private_names()
    found: dict[str, list[str]] = {}
    for path, tree in _modules():
        scanner = _Scanner(path, tree, private)
        scanner.visit(tree)
        if scanner.offenders:
            found[str(path.relative_to(PACKAGE))] = scanner.offenders
    return found


def test_the_private_name_list_is_real() -> None:
    # Guards the test itself: an empty or wrong list would make the next test pass vacuously.
    names = _textual_private_names()
    assert {"_message_queue", "_pending_message", "_handle_exception", "_notifications"} <= names
    assert {"_unnotify", "_compositor", "_nodes"} <= names


def test_the_scanner_reports_private_reads_and_collisions() -> None:
    source = textwrap.dedent(
        """
        from textual.app import App
        from textual.widget import Widget
        from textual._context import active_app

        class Own:
            def f(self) -> None:
                self._nodes = 1  # not a Textual object: its own attribute

        class Mine(Widget):
            def f(self, app: App) -> None:
                self._nodes = 1  # shadows Widget._nodes
                self._mine = 2
                app._unnotify(None)
        """
    )
    tree = ast.parse(source)
    scanner = _Scanner(Path("unused.py"), ast.parse(""), _textual_private_names())
    # The sample is parsed, never imported: stand-ins give its classes their bases.
    scanner.module = SimpleNamespace(Own=type("Own", (), {}), Mine=type("Mine", (Widget,), {}))
    scanner.visit(tree)
    assert scanner.offenders == [
        "4: from textual._context import …",
        "12: self._nodes",
        "14: app._unnotify",
    ]


def test_tagtui_uses_no_private_textual_attribute() -> None:
    assert _offenders() == {}
