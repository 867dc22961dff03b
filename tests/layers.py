"""The import rules of docs/architecture.md (Layers), as pure functions over source text.

Here in tests/, not in aias_dagster/: nothing at run time reads imports, and a module of the package
would itself sit on a floor. The functions take the sources as a mapping, so a test can plant a module
that breaks a rule without writing into the package (tests/test_layers.py).

Every `import` and `from ... import` counts, wherever it is in the file: at the top, inside a function
(a lazy import is still a dependency, only a later one) or under `if TYPE_CHECKING:`. Imports by name at
run time (`importlib.import_module`, as the registry of loops does) are not edges: they follow a
convention (`aias_dagster.<loop>.page`) that tests/test_loop_contract.py checks instead.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "aias_dagster"


@dataclass(frozen=True)
class Source:
    path: str  # as the message shows it, relative to the repository: aias_dagster/billing/close.py
    text: str


@dataclass(frozen=True)
class Edge:
    """`importer` imports `imported` at `line` of the importer's file."""

    importer: str
    imported: str
    line: int


@dataclass(frozen=True)
class Layers:
    """Floors from the bottom up; a package imports packages of lower floors, and of its own floor only
    along `sideways` (importer, imported). Top-level modules of the package (aias_dagster/definitions.py)
    count as packages of their own name."""

    floors: tuple[tuple[str, ...], ...]
    sideways: frozenset[tuple[str, str]] = frozenset()

    def floor(self, package: str) -> int | None:
        return next((n for n, floor in enumerate(self.floors) if package in floor), None)


def read_sources(root: Path, package: str = PACKAGE) -> dict[str, Source]:
    """Every module of the package under the repository `root`, by dotted name."""
    sources = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        sources[name] = Source(str(path.relative_to(root)), path.read_text())
    return sources


def _is_package(source: Source) -> bool:
    return source.path.endswith("__init__.py")


def _resolve(name: str, modules: Iterable[str]) -> str | None:
    """The module `name` denotes: itself, or the module that defines it (`a.b.NAME` -> `a.b`)."""
    known = set(modules)
    parts = name.split(".")
    while parts:
        if ".".join(parts) in known:
            return ".".join(parts)
        parts.pop()
    return None


def imports(sources: Mapping[str, Source], package: str = PACKAGE) -> list[Edge]:
    """Every import of one module of the package by another, with its line."""
    edges = []
    for module, source in sources.items():
        here = module if _is_package(source) else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(source.text, filename=source.path)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                # `from a import b` imports module a.b when there is one, else a name defined in a.
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name != package and not name.startswith(package + "."):
                    continue
                target = _resolve(name, sources)
                if target is not None and target != module and target != package:
                    edges.append(Edge(module, target, node.lineno))
    return sorted(set(edges), key=lambda e: (e.importer, e.line, e.imported))


def package_of(module: str) -> str:
    """aias_dagster.billing.close -> billing; aias_dagster.definitions -> definitions."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def layer_violations(sources: Mapping[str, Source], layers: Layers) -> list[str]:
    """Each import that points up, or sideways without leave, or from or to a package on no floor."""
    problems = []
    for edge in imports(sources):
        low, high = package_of(edge.imported), package_of(edge.importer)
        if low == high:
            continue
        where = f"{sources[edge.importer].path}:{edge.line} imports {edge.imported} ({sources[edge.imported].path})"
        floors = {p: layers.floor(p) for p in (high, low)}
        unplaced = [p for p, floor in floors.items() if floor is None]
        if unplaced:
            problems.append(f"{where}: {', '.join(unplaced)} is on no floor; place it in the layers")
        elif floors[low] > floors[high]:  # type: ignore[operator]
            problems.append(f"{where}: {high} (floor {floors[high]}) may not import {low} (floor {floors[low]})")
        elif floors[low] == floors[high] and (high, low) not in layers.sideways:
            problems.append(f"{where}: {high} and {low} share floor {floors[high]}, and {high} may not import {low}")
    return problems


def cycles(sources: Mapping[str, Source]) -> list[str]:
    """Each set of modules that import each other (in any number of steps), as the chain of files and lines."""
    graph: dict[str, list[Edge]] = {}
    for edge in imports(sources):
        graph.setdefault(edge.importer, []).append(edge)
    found = []
    for component in _strongly_connected(sorted(sources), graph):
        if len(component) > 1:
            found.append(" -> ".join(_cycle_through(component, graph, sources)))
    return found


def _strongly_connected(nodes: list[str], graph: Mapping[str, list[Edge]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the import graph of a package can be deeper than Python's stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            edges = graph.get(node, [])
            if i < len(edges):
                work.append((node, i + 1))
                nxt = edges[i].imported
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


def _cycle_through(component: list[str], graph: Mapping[str, list[Edge]], sources: Mapping[str, Source]) -> list[str]:
    """The shortest closed path from the component's first module, each step as `file:line` of its import."""
    members = set(component)
    start = component[0]
    came_from: dict[str, Edge] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for edge in graph.get(node, []):
            if edge.imported not in members or edge.imported in came_from:
                continue
            came_from[edge.imported] = edge
            if edge.imported == start:
                queue = []
                break
            queue.append(edge.imported)
    steps, node = [], start
    while True:
        edge = came_from[node]
        steps.append(edge)
        node = edge.importer
        if node == start:
            break
    return [*(f"{sources[e.importer].path}:{e.line}" for e in reversed(steps)), sources[start].path]
