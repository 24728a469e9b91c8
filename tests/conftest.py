"""Shared fixtures. Every test runs with its own CAOGAO_HOME, never the user's cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.getbasetemp() / "caogao-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("CAOGAO_HOME", str(home))


@pytest.fixture(scope="session")
def built_bank(tmp_path_factory):
    """Path to a bank built once per session from the shipped corpus (up to date for it)."""
    from caogao.bank import build_bank

    home = tmp_path_factory.getbasetemp() / "caogao-home"
    home.mkdir(exist_ok=True)
    db = tmp_path_factory.mktemp("built-bank") / "bank.sqlite"
    with pytest.MonkeyPatch.context() as mp:  # session scope: the per-test home is not set yet
        mp.setenv("CAOGAO_HOME", str(home))
        build_bank(db=db)
    return db
