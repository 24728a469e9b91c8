"""Every command the CLI offers is shown in the README, and the README's set-up commands exist."""

from __future__ import annotations

from pathlib import Path

import typer.main

from caogao.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands(group, prefix=("caogao",)):
    for name, cmd in group.commands.items():
        path = prefix + (name,)
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, path)
        else:
            yield " ".join(path)


def test_every_command_is_documented_in_readme():
    click_app = typer.main.get_command(app)
    commands = sorted(_commands(click_app))
    assert len(commands) >= 10
    missing = [c for c in commands if f"`{c}" not in README and f"\n{c}" not in README and f"$ {c}" not in README]
    assert not missing, f"README.md does not show: {missing}"


def test_readme_shows_the_two_setup_commands_and_makefile_has_them():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test"):
        assert f"make {target}" in README
        assert f"\n{target}:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_init_writes_the_file_the_readme_names(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"])
    [written] = list(tmp_path.iterdir())
    assert result.exit_code == 0 and written.name == "事实.yaml"
    init_line = next(line for line in README.splitlines() if line.startswith("- `caogao init"))
    assert "默认写到当前文件夹的 `事实.yaml`" in README[README.index(init_line):][:200]
    assert f"caogao build {written.name}" in result.output
