"""The app's own modules take part in no import circle (tests/test_layers.py checks all four packages)."""
from __future__ import annotations

from tests.test_layers import GRAPH, MODULES, _cycles


def test_no_import_circle_within_trialsynth():
    graph = {m: {d for d in deps if d.startswith("trialsynth") and not (MODULES[d].name == "__init__.py"
                                                                        and m.startswith(d + "."))}
             for m, deps in GRAPH.items() if m.startswith("trialsynth")}
    assert not _cycles(graph), "import circles: " + "; ".join(" <-> ".join(c) for c in _cycles(graph))


def test_corrections_and_screening_share_the_record_resolver_one_way():
    assert "trialsynth.recordref" in GRAPH["trialsynth.corrections"]
    assert "trialsynth.recordref" in GRAPH["trialsynth.screening"]
    assert "trialsynth.screening" not in GRAPH["trialsynth.corrections"]
