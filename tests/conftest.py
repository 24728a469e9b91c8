"""Shared fixtures. Every test runs with its own CAOGAO_HOME, never the user's cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.getbasetemp() / "caogao-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("CAOGAO_HOME", str(home))
