"""The README's examples run as written."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

README = (Path(__file__).resolve().parent.parent.parent / "README.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for code in blocks("python"):
        exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "forest.svg").stat().st_size > 0


def test_set_up_commands_are_the_ones_ci_runs():
    ci = (Path(__file__).resolve().parent.parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for block in blocks("bash") for line in block.splitlines()]
    test_command = 'python -m pip install -e ".[test]" && python -m pytest'
    assert test_command in commands
    assert test_command in ci
    assert "python -m pip install . && trialsynth demo msc-ra-demo" in commands


def test_every_documented_command_exists():
    from trialsynth.cli import COMMANDS

    for block in blocks("bash"):
        for line in block.splitlines():
            words = shlex.split(line.split("#")[0]) if line.strip() else []
            if words[:1] == ["trialsynth"] and len(words) > 1:
                assert words[1] in COMMANDS, line
