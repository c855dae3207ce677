"""No import cycles between packages, and the shared leaves import no domain (STYLE.md rule 14).

The graph is read from the source with the standard library's ast, not by importing: every
``import``/``from … import`` counts, at module level or inside a function, except those under
``if TYPE_CHECKING:``. Modules are collapsed to their package (portal.X, catalog, scheduler); a cycle
is a strongly connected group of two or more packages.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ("portal", "catalog", "scheduler")

# Cycles still allowed, each as the set of packages it joins, with the reason. A cycle that is gone
# fails the test too, so the list never outlives its reasons.
ALLOWED_CYCLES: dict[frozenset[str], str] = {}

# Shared modules every domain may use: they import nothing but each other.
LEAVES = ("portal.forms", "portal.errors", "portal.db", "portal.i18n", "portal.settings", "portal.events",
          "portal.locks", "portal.exports", "portal.roles", "portal.slots", "portal.revisions",
          "portal.audit.services", "portal.audit.tables", "portal.media",
          "portal.periods.calc")  # the period calendar: pure date arithmetic
# The web layer (guards, templating, the page cache) is used by every domain's routes: it imports leaves only;
# domains hand it what it needs at wiring time (portal/wiring.py).
WEB = "portal.web"


def _modules() -> dict[str, Path]:
    found = {}
    for top in TOP:
        for path in (ROOT / top).rglob("*.py"):
            if "piccolo_migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(module: str, path: Path, known: dict[str, Path]) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the file."""
    out: list[tuple[str, int]] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            out.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.append((sub if sub in known else target, node.lineno))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), str(path)))
    return [(name, line) for name, line in out if name.split(".")[0] in TOP]


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "portal" and len(parts) > 1 else parts[0]


def _edges() -> dict[tuple[str, str], list[str]]:
    """(importing module, imported module) -> where."""
    known = _modules()
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, path in known.items():
        for target, line in _imports(module, path, known):
            if target != "portal":
                edges[(module, target)].append(f"{path.relative_to(ROOT)}:{line}")
    return edges


def _cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Tarjan's strongly connected components of two or more nodes."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _package_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    graph: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (source, target), places in _edges().items():
        a, b = _package(source), _package(target)
        if a != b:
            graph[a].add(b)
            where[(a, b)] += places
    return graph, where


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_no_import_cycle_between_packages():
    graph, where = _package_graph()
    cycles = set(_cycles(graph))
    report = []
    for group in cycles - set(ALLOWED_CYCLES):
        report.append(" <-> ".join(sorted(group)))
        report += [f"    {a} -> {b}: {', '.join(where[(a, b)][:3])}"
                   for a in sorted(group) for b in sorted(graph[a] & group)]
    assert not report, "import cycles between packages:\n" + "\n".join(report)
    stale = [sorted(group) for group in set(ALLOWED_CYCLES) - cycles]
    assert not stale, f"allowed cycles that are gone (remove them from ALLOWED_CYCLES): {stale}"


def test_shared_leaves_and_the_web_layer_import_no_domain():
    allowed_cycle_edges = {(a, b) for group in ALLOWED_CYCLES for a in group for b in group}
    wrong = []
    for (source, target), places in _edges().items():
        if _within(source, LEAVES):
            ok = _within(target, LEAVES)
        elif _within(source, (WEB,)):
            ok = _within(target, LEAVES + (WEB,))
        else:
            continue
        if not ok and (_package(source), _package(target)) not in allowed_cycle_edges:
            wrong.append(f"{source} -> {target}: {', '.join(places[:3])}")
    assert not wrong, "shared code importing a domain:\n" + "\n".join(sorted(wrong))


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path):
    """The graph reader itself: a function-level import counts, a TYPE_CHECKING one does not."""
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from portal.b import x\n"
              "def f():\n    from portal.c import y\n")
    path = tmp_path / "a.py"
    path.write_text(source)
    known = {"portal.a": path, "portal.b": path, "portal.c": path}
    assert [name for name, _ in _imports("portal.a", path, known)] == ["portal.c"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]
