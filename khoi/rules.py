"""Pure domain rules of the joint work programme: no ORM, tested alone.

- ``is_shared_instance``: does an organization's own activity duplicate a shared ("chung")
  matter that the joint body already runs for the same period and place?
- ``find_overlaps``: which activities of *different* organizations look alike (shared topic
  tags, or titles alike once Vietnamese-normalized), reach the same target groups in the same
  area, at overlapping dates?

Activities are described by ``ActivityFacts``; areas are units' materialized paths, so an
activity of a district covers its communes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import combinations

from khoi import text

# Words that say nothing about the content of an activity title.
STOPWORDS = frozenset(
    "va cua cho cac nhung mot the tai ve voi trong nam quy thang tuan lan dot nay nhu den "
    "hoi huyen xa phuong tinh thi tran doan chi".split()
)
TITLE_SIMILARITY = 0.5  # Jaccard of the remaining title words


@dataclass(frozen=True)
class ActivityFacts:
    id: int
    owner: int | None  # the owning organization; None = the joint body itself
    rule_shared: bool
    title: str
    start: dt.date
    end: dt.date
    tags: frozenset[str] = frozenset()
    target_groups: frozenset[str] = frozenset()  # empty: everyone in the area
    area_paths: tuple[str, ...] = ()  # empty: the joint body's whole territory
    rule_id: int | None = None
    organizations: frozenset[int] = field(default_factory=frozenset)


def title_words(title: str) -> frozenset[str]:
    return frozenset(w for w in text.search_terms(title) if w not in STOPWORDS and not w.isdigit() and len(w) > 1)


def title_similarity(a: str, b: str) -> float:
    wa, wb = title_words(a), title_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def normalize_tags(tags) -> frozenset[str]:
    return frozenset(t for t in (text.fold(tag) for tag in tags) if t)


def dates_overlap(a: ActivityFacts, b: ActivityFacts) -> bool:
    return a.start <= b.end and b.start <= a.end


def areas_overlap(a: ActivityFacts, b: ActivityFacts) -> bool:
    if not a.area_paths or not b.area_paths:
        return True
    return any(p.startswith(q) or q.startswith(p) for p in a.area_paths for q in b.area_paths)


def targets_overlap(a: ActivityFacts, b: ActivityFacts) -> bool:
    if not a.target_groups or not b.target_groups:
        return True
    return bool(a.target_groups & b.target_groups)


def content_alike(a: ActivityFacts, b: ActivityFacts) -> bool:
    return bool(a.tags & b.tags) or title_similarity(a.title, b.title) >= TITLE_SIMILARITY


def overlap_reasons(a: ActivityFacts, b: ActivityFacts) -> list[str]:
    """Why two activities of different organizations clash; empty when they do not."""
    if a.id == b.id or a.owner == b.owner:
        return []
    if not (dates_overlap(a, b) and areas_overlap(a, b) and targets_overlap(a, b) and content_alike(a, b)):
        return []
    reasons = []
    if a.tags & b.tags:
        reasons.append("tags:" + ",".join(sorted(a.tags & b.tags)))
    if title_similarity(a.title, b.title) >= TITLE_SIMILARITY:
        reasons.append("title")
    reasons.append("dates")
    reasons.append("area")
    reasons.append("targets")
    return reasons


def find_overlaps(activities: list[ActivityFacts]) -> list[tuple[int, int, list[str]]]:
    """All clashing pairs (smaller id first)."""
    found = []
    for a, b in combinations(sorted(activities, key=lambda f: f.id), 2):
        reasons = overlap_reasons(a, b)
        if reasons:
            found.append((a.id, b.id, reasons))
    return found


def overlaps_with(candidate: ActivityFacts, others: list[ActivityFacts]) -> list[tuple[int, list[str]]]:
    """The activities a new or edited one clashes with."""
    return [(o.id, r) for o in others if (r := overlap_reasons(candidate, o))]


def quarters(facts: ActivityFacts) -> set[tuple[int, int]]:
    """The calendar quarters an activity touches: the period a shared matter is done for."""
    first = (facts.start.year, (facts.start.month - 1) // 3)
    last = (facts.end.year, (facts.end.month - 1) // 3)
    found, current = set(), first
    while current <= last:
        found.add(current)
        current = (current[0] + 1, 0) if current[1] == 3 else (current[0], current[1] + 1)
    return found


def is_shared_instance(candidate: ActivityFacts, joint: ActivityFacts) -> bool:
    """An organization's own activity that repeats a joint activity of a shared matter in the
    same place: the same shared rule in the same quarter (its own year-end review a week
    before the joint one), or look-alike content at overlapping dates."""
    if candidate.owner is None or joint.owner is not None or not joint.rule_shared:
        return False
    if not areas_overlap(candidate, joint):
        return False
    same_rule = candidate.rule_shared and candidate.rule_id is not None and candidate.rule_id == joint.rule_id
    if same_rule and quarters(candidate) & quarters(joint):
        return True
    return dates_overlap(candidate, joint) and content_alike(candidate, joint)
