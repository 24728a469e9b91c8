"""Querying a built phrase bank: search, sections, classify, similar.

Searching and listing use sqlite3 and the standard library only: drafting from
a built bank must never pay for importing jieba or scikit-learn. Only
``classify`` and ``similar`` segment text, through ``caogao.text.segment``.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from caogao.bank.store import SCHEMA_VERSION, connect_ro, is_bank_file, is_damaged, unpack_ids
from caogao.errors import BankError
from caogao.mining.taxonomy import ALL_TYPES, require_kind, require_type


@dataclass
class Hit:
    """A phrase as queries return it; ``match`` is the query's match quality or similarity."""

    text: str
    section: str
    kind: str
    score: float
    generic: bool
    shape: str = ""
    sources: list[dict] = field(default_factory=list)
    origin: str = "shipped"
    n_reports: int = 1
    match: float | None = None
    restored: bool = False  # a canonical formulation its sources had mutilated was restored


    def to_dict(self) -> dict:
        d = {"text": self.text, "section": self.section, "kind": self.kind,
             "score": round(self.score, 4), "generic": self.generic, "sources": self.sources,
             "shape": self.shape, "origin": self.origin, "n_reports": self.n_reports}
        if self.match is not None:
            d["match"] = round(self.match, 4)
        if self.restored:
            d["restored"] = True
        return d


class PhraseBank:
    """A built bank, opened read-only. Use ``open_bank`` to get one that is up to date.

    A query that fails on a bank SQLite finds damaged calls ``heal`` (given for
    caogao's own bank: it rebuilds the file), then runs once more on the new
    file; without ``heal`` it is a ``BankError``.
    """

    def __init__(self, path: str | os.PathLike, *, heal: Callable[[], None] | None = None) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BankError("短语库文件不存在", file=self.path, hint="先运行 caogao bank build")
        if not is_bank_file(self.path):
            raise BankError("该文件不是 caogao 短语库", file=self.path, hint="换一个 --db 文件")
        self._heal = heal
        self._db = connect_ro(self.path)
        if self._query("PRAGMA user_version")[0][0] != SCHEMA_VERSION:
            self._db.close()
            raise BankError("短语库的格式版本与本程序不符", file=self.path,
                            hint="重新构建：caogao bank build（使用默认短语库时会自动重建）")
        self._vectors: list[tuple[int, dict[str, float]]] | None = None
        self._weights: dict | None = None

    def _query(self, sql: str, args: Sequence = ()) -> list[tuple]:
        """All rows of ``sql``; a damaged bank is healed once, or said to be damaged."""
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            if not is_damaged(self.path):
                raise
            if self._heal is None:
                raise BankError("短语库已损坏，无法读取；为免破坏它，未改动", file=self.path,
                                hint=f"用 caogao bank build --db {self.path} 重新构建（会覆盖它），或换一个短语库"
                                ) from exc
        heal, self._heal = self._heal, None
        self._db.close()
        heal()
        self._db = connect_ro(self.path)
        self._vectors = self._weights = None
        return self._query(sql, args)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "PhraseBank":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def meta(self) -> dict[str, str]:
        return dict(self._query("SELECT key, value FROM meta"))

    # -- rows to hits
    _COLUMNS = ("p.id, p.text, p.section, p.kind, p.score, p.generic, p.shape, p.origin, p.n_reports, p.prior, "
                "p.places, p.restored")

    def _rows(self, where: list[str], args: list, order: str = "", limit: int | None = None) -> list[tuple]:
        sql = f"SELECT {self._COLUMNS} FROM phrases p"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._query(sql, args)

    def _hits(self, rows: Sequence[tuple], match: dict[int, float] | None = None) -> list[Hit]:
        wanted = {r[0]: unpack_ids(r[10]) for r in rows}
        ids = sorted(set().union(*wanted.values()))
        places: dict[int, dict] = {}
        for i in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
            chunk = ids[i:i + 900]
            for place, report, heading, report_id in self._query(
                    f"SELECT id, report, heading, report_id FROM places WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk):
                places[place] = {"report": report, "heading": heading, "report_id": report_id}
        return [Hit(text, section, kind, score, bool(generic), shape, [dict(places[i]) for i in wanted[pid]],
                    origin, n, None if match is None else match.get(pid), bool(restored))
                for pid, text, section, kind, score, generic, shape, origin, n, _, _, restored in rows]

    @staticmethod
    def _filters(section: str | None, kind: str | None, generic_only: bool) -> tuple[list[str], list]:
        where, args = [], []
        if section:
            where.append("p.section = ?")
            args.append(require_type(section, what="类别（--section）"))
        if kind:
            where.append("p.kind = ?")
            args.append(require_kind(kind))
        if generic_only:
            where.append("p.generic = 1")
        return where, args

    # -- the queries drafting uses (sqlite3 only)
    def search(self, query: str | None = None, *, section: str | None = None, kind: str | None = None,
               generic_only: bool = False, limit: int | None = 20) -> list[Hit]:
        """Phrases containing every whitespace-separated term of ``query``, best first.

        Ranked: the office's own phrases first, then match quality (how much of
        the phrase the query covers, a phrase starting with it) plus the stored
        prior (score and how many reports use the phrase).
        """
        where, args = self._filters(section, kind, generic_only)
        terms = (query or "").split()
        if not terms:
            return self._hits(self._rows(where, args, "p.origin = 'shipped', p.prior DESC, p.text", limit))
        for t in terms:
            where.append("instr(p.text, ?) > 0")
            args.append(t)
        rows = self._rows(where, args)
        match, first, whole = {}, terms[0], "".join(terms)
        for r in rows:
            text = r[1]
            match[r[0]] = (0.5 * min(1.0, sum(map(len, terms)) / len(text))
                           + 0.25 * text.startswith(first) + 0.25 * (text == whole))
        rows.sort(key=lambda r: (r[7] != "office", -(match[r[0]] + r[9]), -r[8], r[1]))
        return self._hits(rows[:limit] if limit is not None else rows, match)

    def phrases(self, *, section: str | None = None, kind: str | None = None,
                generic_only: bool = False) -> list[Hit]:
        """Every phrase matching the filters, ranked as ``search`` ranks without a query."""
        return self.search(None, section=section, kind=kind, generic_only=generic_only, limit=None)

    def sections(self) -> list[dict]:
        """Each section type with its number of phrases and its top keywords."""
        counts = dict(self._query("SELECT section, count(*) FROM phrases GROUP BY section"))
        keywords: dict[str, list[str]] = {}
        for sec, word in self._query("SELECT section, word FROM keywords ORDER BY section, rank"):
            keywords.setdefault(sec, []).append(word)
        names = [*ALL_TYPES, *sorted((set(counts) | set(keywords)) - set(ALL_TYPES))]
        return [{"section": n, "count": counts.get(n, 0), "keywords": keywords.get(n, [])} for n in names]

    # -- the queries that segment text (jieba via caogao.text.segment, never sklearn)
    def model_weights(self) -> dict:
        if self._weights is None:
            row = next(iter(self._query("SELECT weights FROM model WHERE id = 1")), None)
            self._weights = json.loads(row[0]) if row else {}
        return self._weights

    def classify(self, texts: Iterable[str]) -> list[dict]:
        """The section type of each text (a heading, a sentence), in input order."""
        from caogao.mining.classifier import LinearModel
        from caogao.text.segment import tokenize

        weights = self.model_weights()
        if not weights:
            raise BankError("短语库中没有分类模型", file=self.path, hint="重新构建：caogao bank build")
        model, out = LinearModel.from_weights(weights), []
        for text in texts:
            proba = model.predict_proba(tokenize(text))
            if not isinstance(proba, dict):
                proba = dict(zip(weights["classes"], proba))
            best = max(sorted(proba), key=proba.__getitem__)
            out.append({"text": text, "section": best, "confidence": round(float(proba[best]), 4)})
        return out

    def _idf(self) -> tuple[dict[str, float], float]:
        w = self.model_weights()
        vocab, idf = w.get("vocabulary") or [], w.get("idf") or []
        if isinstance(vocab, list):  # terms in column order
            vocab = {t: i for i, t in enumerate(vocab)}
        table = {t: float(idf[i]) for t, i in vocab.items() if i < len(idf) and " " not in t}  # words, not n-grams
        return table, max(table.values(), default=1.0)  # unseen words: as rare as the rarest

    def _vector(self, tokens: Iterable[str], idf: dict[str, float], unseen: float) -> dict[str, float]:
        tf: dict[str, int] = {}
        for t in tokens:
            tf[t] = tf.get(t, 0) + 1
        vec = {t: (1 + math.log(n)) * idf.get(t, unseen) for t, n in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def similar(self, text: str, limit: int = 10) -> list[Hit]:
        """Phrases nearest to ``text`` by TF-IDF cosine over the stored tokens and idf."""
        from caogao.text.segment import tokenize

        idf, unseen = self._idf()
        if self._vectors is None:
            self._vectors = [(pid, self._vector(toks.split(), idf, unseen))
                             for pid, toks in self._query("SELECT id, tokens FROM phrases")]
        query = self._vector(tokenize(text), idf, unseen)
        sims = {pid: sum(v * vec.get(t, 0.0) for t, v in query.items()) for pid, vec in self._vectors}
        best = sorted((pid for pid, s in sims.items() if s > 0), key=lambda pid: (-sims[pid], pid))
        rows = {r[0]: r for r in self._rows([], [])}
        chosen = [rows[pid] for pid in best if rows[pid][1] != text.strip()][:limit]
        return self._hits(chosen, sims)
