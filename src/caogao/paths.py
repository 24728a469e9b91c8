"""Where caogao finds its shipped data and keeps its cache.

The corpus and templates are package data in an installed wheel
(``caogao/data/corpus``, ``caogao/data/templates``); in a source checkout they
are the top-level ``corpus/`` and ``templates/`` folders.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _shipped(name: str) -> Path:
    inside = _PACKAGE / "data" / name
    if inside.is_dir():
        return inside
    return _CHECKOUT / name


def corpus_dir() -> Path:
    """The shipped corpus of real reports."""
    return _shipped("corpus")


def templates_dir() -> Path:
    """The shipped Jinja2 report templates and reference.docx."""
    return _shipped("templates")


def data_dir() -> Path:
    """Small data files that belong to the code (section types, dictionaries)."""
    return _PACKAGE / "data"


def home() -> Path:
    """caogao's own folder: ``$CAOGAO_HOME``, else where the platform keeps per-user caches
    (``$XDG_CACHE_HOME/caogao`` or ``~/.cache/caogao`` on Linux, ``%LOCALAPPDATA%\\caogao\\Cache``
    on Windows)."""
    import platformdirs

    env = os.environ.get("CAOGAO_HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("caogao", appauthor=False))


def default_bank_path() -> Path:
    return home() / "bank.sqlite"
