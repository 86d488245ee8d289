"""The house rules of ../shared/STYLE.md, checked on the source: stages stand on their own.

- `corpus/`, `extract/` and `analysis/` never import `trialsynth/` nor one another: each owns
  its exceptions (`<stage>/errors.py`) and can be used as a library without the others.
- No module of the four packages takes part in an import circle, counting every import
  (module level or inside a function, `TYPE_CHECKING` included): a circle means two modules
  that each need the other, which is one module split in the wrong place.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "extract", "analysis", "trialsynth")
STAGES = ("corpus", "extract", "analysis")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            out[_module_name(path)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every module of the four packages that `name` imports, resolved to a module in MODULES."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(target: str) -> str | None:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        return target or None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{alias.name}" for alias in node.names] + [mod]
        else:
            continue
        for target in targets:
            if target.split(".")[0] not in PACKAGES:
                continue
            hit = resolve(target)
            if hit and hit != name:
                found.add(hit)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_neither_the_app_nor_another_stage(stage):
    bad = sorted(f"{mod} imports {dep}" for mod, deps in GRAPH.items() if mod.split(".")[0] == stage
                 for dep in deps if dep.split(".")[0] != stage)
    assert not bad, "a stage must stand on its own (STYLE.md, 'The house'):\n" + "\n".join(bad)


@pytest.mark.parametrize("stage", STAGES)
def test_each_stage_owns_its_exceptions(stage):
    path = ROOT / stage / "errors.py"
    assert path.is_file(), f"{stage}/errors.py is missing"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    bases = [n for n in classes.values() if [ast.unparse(b) for b in n.bases] == ["Exception"]]
    assert len(bases) == 1, f"{stage}/errors.py must have exactly one base class deriving from Exception"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_circle():
    # a package's __init__ that re-exports its modules lazily is not part of a circle with them
    graph = {m: {d for d in deps if not (MODULES[d].name == "__init__.py" and m.startswith(d + "."))}
             for m, deps in GRAPH.items()}
    assert not _cycles(graph), "import circles: " + "; ".join(" <-> ".join(c) for c in _cycles(graph))


def test_the_walker_sees_a_circle_and_a_reach_up():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]
    assert "trialsynth.errors" in GRAPH["trialsynth.cli"]
