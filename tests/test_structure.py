"""The shape of the package (issue #15): no import cycles, small modules, CLI code only in
``nakmodel/cli``.

Import cycles are found on the graph of *every* import statement between package modules,
including the ones inside functions: a lazy import hides a cycle from Python's import
machinery but not from a reader, and the two modules still cannot be understood apart.
Modules over the size limit that predate the limit are listed with their size when the
limit was introduced; they may shrink but not grow, and a new module must stay under it.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nakmodel"
MAX_LINES = 600
# modules above MAX_LINES when the limit came in (lines then); to be split, never to grow
OVERSIZED: dict[str, int] = {}
# import cycles known when the check came in (through imports inside functions); each is
# debt to remove, none may be added, and an entry that no longer exists must leave the list
KNOWN_CYCLES: list[list[str]] = []
# modules that still read private attributes of the CoupledProblem (uses when the check came
# in); debt to remove through public accessors, never to grow
KNOWN_PRIVATE_ACCESS: dict[str, int] = {}
#: ``problem._x``, ``pb._x``, ``p._x``, ``self.problem._x``: a CoupledProblem's private state
PRIVATE_ACCESS = re.compile(r"\b(?:problem|pb|p)\._[A-Za-z]\w*")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, path: Path, node: ast.AST, modules) -> set[str]:
    """Package modules that an import statement refers to."""
    targets = set()
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            if path.name != "__init__.py":
                base = base[:-1]
            base = base[:len(base) - node.level + 1]
            stem = ".".join(base + ([node.module] if node.module else []))
        else:
            stem = node.module or ""
        names = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in modules else stem
                 for a in node.names]
    else:
        return targets
    for name in names:
        while name and name not in modules:  # an attribute of a module: its module
            name = name.rpartition(".")[0]
        if name and name != module:
            targets.add(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            deps |= _imported(module, path, node, modules)
        # a package's own __init__ is not a dependency of its submodules' logic
        graph[module] = {d for d in deps if not module.startswith(d + ".")}
    return graph


def strongly_connected(graph) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the components with more than one module."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert strongly_connected(graph) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_new_import_cycles():
    cycles = strongly_connected(import_graph())
    new = [c for c in cycles if c not in KNOWN_CYCLES]
    assert not new, "import cycles (including imports inside functions): " + "; ".join(
        " <-> ".join(c) for c in new)
    gone = [c for c in KNOWN_CYCLES if c not in cycles]
    assert not gone, "remove these resolved cycles from KNOWN_CYCLES: " + "; ".join(
        " <-> ".join(c) for c in gone)


def test_modules_are_small():
    too_big = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        limit = OVERSIZED.get(rel, MAX_LINES)
        if lines > limit:
            too_big.append(f"{rel}: {lines} lines (limit {limit})")
    assert not too_big, "modules over their size limit: " + ", ".join(too_big)


def private_accesses(text: str) -> list[str]:
    """The ``problem._<name>`` uses in a module's source (see :data:`PRIVATE_ACCESS`)."""
    return PRIVATE_ACCESS.findall(text)


def test_private_access_finder_finds_one():
    source = "k = problem._constants\nx = self.problem._scales()\ny = pb._A\nz = problem.tag()\n"
    assert private_accesses(source) == ["problem._constants", "problem._scales", "pb._A"]
    assert private_accesses("problem.values; self._x; sp._y") == []


def test_no_private_access_to_the_problem():
    """Modules outside model/problem.py use the CoupledProblem's public accessors."""
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "nakmodel/model/problem.py":
            continue
        uses = private_accesses(path.read_text(encoding="utf-8"))
        allowed = KNOWN_PRIVATE_ACCESS.get(rel, 0)
        if len(uses) > allowed:
            offenders.append(f"{rel}: {len(uses)} (allowed {allowed}): {sorted(set(uses))}")
        elif len(uses) < allowed:
            offenders.append(f"{rel}: {len(uses)} < {allowed}: lower KNOWN_PRIVATE_ACCESS")
    assert not offenders, "private CoupledProblem attributes used: " + "; ".join(offenders)


def test_oversized_list_is_current():
    """An entry whose module has been split below the limit must leave the list."""
    stale = []
    for rel in sorted(OVERSIZED):
        path = ROOT / rel
        if not path.exists():
            stale.append(f"{rel} no longer exists")
        elif len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES:
            stale.append(f"{rel} is now under {MAX_LINES} lines")
    assert not stale, "remove from OVERSIZED: " + "; ".join(stale)


def test_command_line_code_only_in_cli():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "cli" and path.parent.parent == PACKAGE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) else [])
            if "argparse" in names:
                offenders.append(path.relative_to(ROOT).as_posix())
    assert not offenders, "argparse used outside nakmodel/cli: " + ", ".join(offenders)
