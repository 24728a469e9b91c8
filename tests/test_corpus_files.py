"""The shipped corpus is the seed reports byte for byte: cleaning is code, never an edited file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed folder is beside the checkout only on the project's machines")
def test_corpus_is_the_seeds_byte_for_byte():
    assert digests(ROOT / "corpus") == digests(SEEDS)


def test_corpus_still_carries_its_noise():
    # the raw files keep what cleaning removes; if they did not, cleaning would be untested on real data
    raw = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*.txt"))
    for noise in ("##paidbegin##", "素材库", "文库上搜索", "【1】"):
        assert noise in raw
