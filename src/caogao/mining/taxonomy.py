"""Section types: the fixed names, their aliases and seed lexicon.

The names are an interface (facts files, bank queries, JSON output). The data
lives in ``data/sections.yaml`` so that people can read and extend it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from caogao.errors import UsageError
from caogao.paths import data_dir

SECTION_TYPES: tuple[str, ...] = (
    "经济发展", "项目建设", "乡村振兴", "生态环境", "城乡建设",
    "文化旅游", "民生保障", "社会治理", "自身建设",
)
PART_TYPES: tuple[str, ...] = ("开场", "总述", "指标段", "致谢", "存在问题", "计划总述", "结束语")
ALL_TYPES: tuple[str, ...] = SECTION_TYPES + PART_TYPES

KINDS: tuple[str, ...] = ("heading1", "heading2", "item", "figure", "set_phrase")


class SectionType(NamedTuple):
    """(A named tuple: its class is made in a fifth of the time of a frozen dataclass, 0.4 ms.)"""

    name: str
    is_part: bool
    aliases: tuple[str, ...]
    seeds: tuple[str, ...]


def _parsed_by_yaml(text: str) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: eight times faster, same result
    return yaml.load(text, Loader=loader)


@lru_cache(maxsize=1)
def section_types() -> dict[str, SectionType]:
    raw = _parsed_by_yaml((data_dir() / "sections.yaml").read_text(encoding="utf-8"))
    types: dict[str, SectionType] = {}
    for group, is_part in (("sections", False), ("parts", True)):
        for name, spec in raw[group].items():
            spec = spec or {}
            types[name] = SectionType(
                name=name,
                is_part=is_part,
                aliases=tuple(spec.get("aliases") or ()),
                seeds=tuple(spec.get("seeds") or ()),
            )
    missing = set(ALL_TYPES) - set(types)
    if missing:  # the data file and the code must agree on the interface
        raise RuntimeError(f"sections.yaml lacks {sorted(missing)}")
    return types


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    table = {name: name for name in ALL_TYPES}
    for st in section_types().values():
        for alias in st.aliases:
            table.setdefault(alias, st.name)
    return table


# How alike a misspelt name and a valid one must be to say "did you mean" (difflib's ratio:
# twice the shared characters over both lengths). 本其→本期 and 生态→生态环境 pass;
# 外星开发 shares one character with 经济发展 and is close to nothing.
CLOSE_ENOUGH = 0.5


def closest(name: str, choices: tuple[str, ...] | list[str], n: int = 1) -> list[str]:
    """The valid names near a misspelt one (by shared characters); empty when none is close."""
    import difflib

    return difflib.get_close_matches(name, list(choices), n=n, cutoff=CLOSE_ENOUGH)


def did_you_mean(name: str, choices: tuple[str, ...] | list[str], *, what: str) -> str:
    """A hint: the closest valid name when one is close, and always the valid ones."""
    best = closest(str(name), choices)
    listed = f"可用的{what}：{'、'.join(choices)}"
    return f"最接近的是“{best[0]}”；{listed}" if best else listed


def resolve(name: str, *, sections_only: bool = False) -> str | None:
    """The canonical type for a name or alias, or None when it is unknown."""
    canonical = _alias_table().get(str(name).strip())
    if canonical and sections_only and canonical not in SECTION_TYPES:
        return None
    return canonical


def suggest(name: str, *, sections_only: bool = False) -> str:
    """A hint for an unknown type name: the closest type (by its names and aliases) if one is close, and the valid types."""
    table = _alias_table()
    valid = [a for a, c in table.items() if not sections_only or c in SECTION_TYPES]
    best = closest(str(name), valid)
    types = SECTION_TYPES if sections_only else ALL_TYPES
    listed = f"可用的类别：{'、'.join(types)}"
    return f"最接近的是“{table[best[0]]}”；{listed}" if best else listed


def require_type(name: str, *, what: str = "类别") -> str:
    """Resolve a type name given on the command line, or raise a usage error."""
    canonical = resolve(name)
    if canonical:
        return canonical
    raise UsageError(
        f"未知的{what}“{name}”",
        hint=suggest(name),
    )


def require_kind(kind: str) -> str:
    if kind in KINDS:
        return kind
    raise UsageError(f"未知的短语种类“{kind}”", hint=did_you_mean(kind, KINDS, what="种类"))


@lru_cache(maxsize=1)
def _seed_index() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[int, ...]]]:
    """Each seed with the types it belongs to; each character that starts a seed with the
    lengths of the seeds it starts, longest first."""
    owners: dict[str, list[str]] = {}
    for st in section_types().values():
        if st.name in SECTION_TYPES:
            for seed in st.seeds:
                owners.setdefault(seed, []).append(st.name)
    lengths: dict[str, set[int]] = {}
    for seed in owners:
        lengths.setdefault(seed[:1], set()).add(len(seed))
    return ({k: tuple(v) for k, v in owners.items()},
            {first: tuple(sorted(sizes, reverse=True)) for first, sizes in lengths.items()})


def seed_scores(text: str) -> dict[str, float]:
    """Seed-lexicon evidence per section type; longer seeds weigh more (weak labels; whether a
    borrowed heading speaks of its section's work).

    The text is read from left to right, each time taking the longest seed that starts
    there: 集体经济 counts for 乡村振兴, not also 经济 for 经济发展. (A regular expression of all
    the seeds did the same, but compiling it took 1.5 ms of every draft, and reading with it
    was slower.)
    """
    owners, lengths = _seed_index()
    out: dict[str, float] = {}
    i = 0
    while i < len(text):
        for size in lengths.get(text[i], ()):
            seed = text[i:i + size]
            if seed in owners:
                weight = (1.0 + 0.5 * (len(seed) - 2)) / len(owners[seed])
                for name in owners[seed]:
                    out[name] = out.get(name, 0.0) + weight
                i += len(seed)
                break
        else:
            i += 1
    return out
