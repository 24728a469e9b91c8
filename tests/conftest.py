"""Shared fixtures. The whole session runs with its own CAOGAO_HOME, never the user's cache."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory):
    # Session scope, so module-scoped fixtures that open the bank see it too.
    home = tmp_path_factory.getbasetemp() / "caogao-home"
    home.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CAOGAO_HOME", str(home))
        yield home


@pytest.fixture(scope="session")
def built_bank(_isolated_home):
    """Path to the default bank of this session, built once from the shipped corpus."""
    from caogao.bank.build import open_bank
    from caogao.paths import default_bank_path

    open_bank()
    return default_bank_path()
