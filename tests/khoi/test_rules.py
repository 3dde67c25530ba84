"""``khoi.rules``: shared-matter duplicates and overlaps between organizations' activities.

Pure functions, no database: property-based tests (hypothesis) over generated
``ActivityFacts`` with Vietnamese titles, plus concrete examples a user would recognise.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import replace
from itertools import combinations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from khoi import rules
from khoi.rules import ActivityFacts

# ============================================================================================
# Strategies
# ============================================================================================

YEAR_START = dt.date(2024, 1, 1)
YEAR_END = dt.date(2024, 12, 31)

TITLE_WORDS = [
    "tập huấn", "kỹ năng", "tuyên truyền", "hội nghị", "tổng kết", "sơ kết", "phụ nữ",
    "thanh niên", "an toàn giao thông", "môi trường", "pháp luật", "nông dân", "cựu chiến binh",
    "hội viên", "đoàn viên", "vận động", "xây dựng", "nông thôn mới", "phòng chống", "ma túy",
    "bạo lực gia đình", "chuyển đổi số", "sinh kế", "giảm nghèo", "bình đẳng giới", "văn hóa",
    "cho", "của", "và", "năm 2024", "tại xã",
]
TAGS = ["phap-luat", "atgt", "moi-truong", "ky-nang", "tong-ket", "chuyen-doi-so", "giam-ngheo"]
TARGET_GROUPS = ["youth", "women", "farmers", "veterans", "workers", "members", "households", "cadres"]
# A small unit tree: province 1 → districts 2, 3 → communes 7, 8 (of 2) and 5 (of 3);
# province 9 → district 10; and 12, whose path "/12/" must not be taken for a child of "/1/".
AREA_PATHS = ["/1/", "/1/2/", "/1/2/7/", "/1/2/8/", "/1/3/", "/1/3/5/", "/9/", "/9/10/", "/12/"]

dates = st.dates(min_value=YEAR_START, max_value=YEAR_END)
titles = st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=6).map(" ".join)
tag_sets = st.frozensets(st.sampled_from(TAGS), max_size=2)
target_sets = st.frozensets(st.sampled_from(TARGET_GROUPS), max_size=3)
area_tuples = st.lists(st.sampled_from(AREA_PATHS), max_size=2, unique=True).map(tuple)
owners = st.one_of(st.none(), st.integers(min_value=1, max_value=4))


@st.composite
def date_ranges(draw):
    start = draw(dates)
    end = min(start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=45))), YEAR_END)
    return start, end


@st.composite
def facts(draw, id=None, owner=None):
    start, end = draw(date_ranges())
    return ActivityFacts(
        id=draw(st.integers(min_value=1, max_value=10_000)) if id is None else id,
        owner=draw(owners) if owner is None else owner,
        rule_shared=draw(st.booleans()),
        title=draw(titles),
        start=start,
        end=end,
        tags=draw(tag_sets),
        target_groups=draw(target_sets),
        area_paths=draw(area_tuples),
        rule_id=draw(st.one_of(st.none(), st.integers(min_value=1, max_value=5))),
    )


@st.composite
def random_pairs(draw):
    """Two activities with distinct ids; owners, dates, areas… anything."""
    a = draw(facts())
    b = draw(facts())
    assume(a.id != b.id)
    return a, b


@st.composite
def near_pairs(draw):
    """Two activities of different organizations built to clash: a shared tag or the same
    title, intersecting dates, nested areas, shared (or unrestricted) target groups."""
    a = draw(facts(owner=draw(st.integers(min_value=1, max_value=4))))
    other_owner = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=4)).filter(lambda o: o != a.owner))
    if draw(st.booleans()):
        tag = draw(st.sampled_from(TAGS))
        a = replace(a, tags=a.tags | {tag})
        b_tags, b_title = draw(tag_sets) | {tag}, draw(titles)
    else:
        a = replace(a, title=a.title + " tuyên truyền pháp luật")  # meaningful words for sure
        b_tags, b_title = draw(tag_sets), a.title.upper()
    # b starts somewhere inside a's range.
    b_start = a.start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=(a.end - a.start).days)))
    b_end = min(b_start + dt.timedelta(days=draw(st.integers(min_value=0, max_value=30))), YEAR_END)
    a_areas = draw(st.sampled_from([(), ("/1/",), ("/1/2/",), ("/1/2/7/", "/9/")]))
    b_areas = draw(st.sampled_from([(), ("/1/2/7/",), ("/1/",), ("/1/2/", "/1/3/")]))
    shared_group = draw(st.sampled_from(TARGET_GROUPS))
    a_targets = draw(st.sampled_from([frozenset(), frozenset({shared_group}) | draw(target_sets)]))
    b_targets = draw(st.sampled_from([frozenset(), frozenset({shared_group})]))
    a = replace(a, area_paths=a_areas, target_groups=a_targets)
    b = ActivityFacts(
        id=a.id + 1, owner=other_owner, rule_shared=draw(st.booleans()), title=b_title,
        start=b_start, end=b_end, tags=b_tags, target_groups=b_targets, area_paths=b_areas,
    )
    if draw(st.booleans()):
        a, b = b, a
    return a, b


pairs = st.one_of(random_pairs(), near_pairs())


# Independent oracles (not the module's own predicates).
def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _ancestor_or_self(p: str, q: str) -> bool:
    sp, sq = _segments(p), _segments(q)
    return sp == sq[: len(sp)]


def _areas_meet(a: ActivityFacts, b: ActivityFacts) -> bool:
    if not a.area_paths or not b.area_paths:
        return True
    return any(_ancestor_or_self(p, q) or _ancestor_or_self(q, p) for p in a.area_paths for q in b.area_paths)


def _days(start: dt.date, end: dt.date) -> set[dt.date]:
    return {start + dt.timedelta(days=i) for i in range((end - start).days + 1)}


def _dates_meet(a: ActivityFacts, b: ActivityFacts) -> bool:
    return bool(_days(a.start, a.end) & _days(b.start, b.end))


# ============================================================================================
# Overlaps: properties
# ============================================================================================


@given(pairs)
def test_overlap_is_symmetric(pair):
    a, b = pair
    ab, ba = rules.overlap_reasons(a, b), rules.overlap_reasons(b, a)
    assert bool(ab) == bool(ba)
    assert sorted(ab) == sorted(ba)


@given(near_pairs())
def test_built_clashing_pairs_do_clash(pair):
    a, b = pair
    reasons = rules.overlap_reasons(a, b)
    assert reasons, (a, b)
    assert {"dates", "area", "targets"} <= set(reasons)
    assert any(r == "title" or r.startswith("tags:") for r in reasons)


@given(pairs)
def test_every_clash_meets_in_dates_area_targets_and_content(pair):
    a, b = pair
    reasons = rules.overlap_reasons(a, b)
    if reasons:
        assert a.owner != b.owner and a.id != b.id
        assert _dates_meet(a, b)
        assert _areas_meet(a, b)
        assert not a.target_groups or not b.target_groups or a.target_groups & b.target_groups
        assert a.tags & b.tags or rules.title_similarity(a.title, b.title) >= rules.TITLE_SIMILARITY
        shared = a.tags & b.tags
        assert ("tags:" + ",".join(sorted(shared)) in reasons) == bool(shared)


@given(pairs, st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_widening_dates_keeps_an_overlap(pair, earlier, later):
    a, b = pair
    assume(rules.overlap_reasons(a, b))
    wider = replace(a, start=a.start - dt.timedelta(days=earlier), end=a.end + dt.timedelta(days=later))
    assert rules.overlap_reasons(wider, b)
    assert rules.overlap_reasons(b, wider)


@given(pairs, date_ranges())
def test_once_all_else_clashes_the_verdict_follows_the_dates(pair, new_range):
    """If a and b clash, moving a's dates anywhere keeps the clash exactly when the new dates
    still meet b's: a pair apart only because of dates clashes as soon as the dates meet."""
    a, b = pair
    assume(rules.overlap_reasons(a, b))
    moved = replace(a, start=new_range[0], end=new_range[1])
    assert bool(rules.overlap_reasons(moved, b)) == _dates_meet(moved, b)


@given(pairs, st.data())
def test_apart_only_by_dates_then_moved_to_meet_b_overlaps(pair, data):
    a, b = pair
    # Move a before or after b so the dates no longer meet.
    if data.draw(st.booleans()):
        apart = replace(a, start=b.start - dt.timedelta(days=30), end=b.start - dt.timedelta(days=1))
    else:
        apart = replace(a, start=b.end + dt.timedelta(days=1), end=b.end + dt.timedelta(days=30))
    assert not rules.overlap_reasons(apart, b)
    everything_but_dates = (
        a.id != b.id and a.owner != b.owner and rules.areas_overlap(a, b)
        and rules.targets_overlap(a, b) and rules.content_alike(a, b)
    )
    assume(everything_but_dates)
    # Any range that meets b's dates, e.g. one that starts on a day of b.
    day = b.start + dt.timedelta(days=data.draw(st.integers(min_value=0, max_value=(b.end - b.start).days)))
    span = dt.timedelta(days=data.draw(st.integers(min_value=0, max_value=20)))
    for start, end in [(day, day + span), (day - span, day), (day, day)]:
        assert rules.overlap_reasons(replace(apart, start=start, end=end), b)


@given(pairs)
def test_same_owner_never_overlaps(pair):
    a, b = pair
    b = replace(b, owner=a.owner)
    assert rules.overlap_reasons(a, b) == []
    assert rules.overlap_reasons(b, a) == []


@given(facts(), owners)
def test_an_activity_never_overlaps_itself(a, other_owner):
    assert rules.overlap_reasons(a, a) == []
    # Even a stale copy of it under another owner (same id: the edited activity itself).
    assert rules.overlap_reasons(a, replace(a, owner=other_owner)) == []
    assert rules.overlaps_with(a, [a, replace(a, title=a.title + " mới")]) == []


@st.composite
def activity_lists(draw):
    base = draw(st.lists(st.one_of(facts(), near_pairs().map(lambda p: p[0])), max_size=6))
    extra = draw(st.lists(near_pairs(), max_size=3))
    items = base + [x for p in extra for x in p]
    # Unique ids, shuffled.
    items = [replace(f, id=i + 1) for i, f in enumerate(items)]
    return draw(st.permutations(items))


@given(activity_lists())
def test_find_overlaps_lists_each_clashing_pair_once_smaller_id_first(activities):
    found = rules.find_overlaps(list(activities))
    pairs_found = [(i, j) for i, j, _ in found]
    assert len(pairs_found) == len(set(pairs_found))
    assert all(i < j for i, j in pairs_found)
    by_id = {f.id: f for f in activities}
    expected = {
        (min(a.id, b.id), max(a.id, b.id))
        for a, b in combinations(activities, 2)
        if rules.overlap_reasons(a, b)
    }
    assert set(pairs_found) == expected
    for i, j, reasons in found:
        assert reasons == rules.overlap_reasons(by_id[i], by_id[j])
        assert sorted(reasons) == sorted(rules.overlap_reasons(by_id[j], by_id[i]))


@given(activity_lists(), st.randoms(use_true_random=False))
def test_find_overlaps_does_not_depend_on_input_order(activities, rnd):
    shuffled = list(activities)
    rnd.shuffle(shuffled)
    assert rules.find_overlaps(list(activities)) == rules.find_overlaps(shuffled)


@given(activity_lists())
def test_overlaps_with_agrees_with_find_overlaps(activities):
    assume(activities)
    found = {(i, j): r for i, j, r in rules.find_overlaps(list(activities))}
    candidate = activities[0]
    result = dict(rules.overlaps_with(candidate, list(activities)))
    expected = {j if i == candidate.id else i for i, j in found if candidate.id in (i, j)}
    assert set(result) == expected
    for other_id, reasons in result.items():
        key = (min(candidate.id, other_id), max(candidate.id, other_id))
        assert sorted(reasons) == sorted(found[key])


# ============================================================================================
# Title similarity
# ============================================================================================


def _nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


@given(titles, titles)
def test_title_similarity_is_symmetric_and_bounded(a, b):
    s = rules.title_similarity(a, b)
    assert s == rules.title_similarity(b, a)
    assert 0.0 <= s <= 1.0


@given(titles)
def test_identical_meaningful_titles_are_fully_similar(title):
    if rules.title_words(title):
        assert rules.title_similarity(title, title) == 1.0
    else:  # only stop words ("cho của và"): nothing to compare
        assert rules.title_similarity(title, title) == 0.0


@given(titles, titles)
def test_title_similarity_ignores_case_diacritics_and_nfd(a, b):
    s = rules.title_similarity(a, b)
    assert rules.title_similarity(a.upper(), b) == s
    assert rules.title_similarity(_nfd(a), b) == s
    assert rules.title_similarity(rules.text.fold(a).upper(), b) == s
    assert rules.title_similarity(a, "  " + b.replace(" ", "   ") + " ") == s


def test_title_similarity_examples():
    assert rules.title_similarity("Tập huấn", "TAP HUAN") == 1.0
    assert rules.title_similarity(_nfd("Tập huấn kỹ năng"), "tập huấn kỹ năng") == 1.0
    assert rules.title_similarity("Đoàn viên tuyên truyền", "doan vien TUYEN TRUYEN") == 1.0
    # Stop words, numbers and one-letter words say nothing about the content.
    assert rules.title_words("Hội nghị tổng kết năm 2024 của Hội") == frozenset({"nghi", "tong", "ket"})
    assert rules.title_similarity("Cho các hội viên", "của những hội viên") == 1.0  # both just "vien"
    assert rules.title_similarity("năm 2024", "năm 2024") == 0.0
    assert rules.title_similarity("Bảo vệ môi trường", "Tuyên truyền pháp luật") == 0.0


# ============================================================================================
# Areas and target groups
# ============================================================================================


def _at(*paths: str, **kwargs) -> ActivityFacts:
    base = ActivityFacts(
        id=1, owner=1, rule_shared=False, title="Tuyên truyền pháp luật",
        start=dt.date(2024, 5, 6), end=dt.date(2024, 5, 10), area_paths=paths,
    )
    return replace(base, **kwargs)


def test_a_district_overlaps_its_communes_but_sibling_communes_do_not():
    district, commune, sibling = _at("/1/2/"), _at("/1/2/7/"), _at("/1/2/8/")
    assert rules.areas_overlap(district, commune) and rules.areas_overlap(commune, district)
    assert rules.areas_overlap(_at("/1/"), commune)
    assert not rules.areas_overlap(commune, sibling)
    assert not rules.areas_overlap(_at("/1/2/"), _at("/1/3/"))
    assert not rules.areas_overlap(_at("/1/"), _at("/12/"))  # "/1/" is no prefix of unit 12
    assert rules.areas_overlap(_at("/1/2/8/", "/9/"), _at("/9/10/"))  # any one area is enough


@given(area_tuples, area_tuples)
def test_areas_overlap_follows_the_tree_and_empty_means_everywhere(pa, pb):
    a, b = _at(*pa), _at(*pb)
    assert rules.areas_overlap(a, b) == rules.areas_overlap(b, a) == _areas_meet(a, b)
    assert rules.areas_overlap(_at(), b)


@given(pairs)
def test_sibling_communes_never_overlap(pair):
    a, b = pair
    a, b = replace(a, area_paths=("/1/2/7/",)), replace(b, area_paths=("/1/2/8/",))
    assert rules.overlap_reasons(a, b) == []


@given(pairs, st.data())
def test_disjoint_target_groups_never_overlap(pair, data):
    a, b = pair
    ga = data.draw(st.frozensets(st.sampled_from(TARGET_GROUPS), min_size=1, max_size=4))
    gb = data.draw(st.frozensets(st.sampled_from(sorted(set(TARGET_GROUPS) - ga)), min_size=1, max_size=3))
    a, b = replace(a, target_groups=ga), replace(b, target_groups=gb)
    assert not rules.targets_overlap(a, b)
    assert rules.overlap_reasons(a, b) == []


@given(pairs)
def test_empty_target_groups_mean_everyone(pair):
    a, b = pair
    everyone = replace(a, target_groups=frozenset())
    assert rules.targets_overlap(everyone, b) and rules.targets_overlap(b, everyone)
    if rules.overlap_reasons(a, b):  # reaching everyone cannot remove a clash
        assert rules.overlap_reasons(everyone, b)


# ============================================================================================
# Overlaps: concrete examples
# ============================================================================================

WOMEN, YOUTH = 11, 12  # Hội LHPN, Đoàn TN
COMMUNE = "/1/2/7/"


def _training(id, owner, title, start, days, **kwargs):
    return ActivityFacts(
        id=id, owner=owner, rule_shared=False, title=title,
        start=start, end=start + dt.timedelta(days=days - 1), area_paths=(COMMUNE,), **kwargs,
    )


def _women_and_youth_trainings(youth_start, **kwargs):
    """The Women's Union trains all week (Mon 10 – Fri 14 June 2024); the Youth Union for two days."""
    women = _training(
        1, WOMEN, "Tập huấn kỹ năng tuyên truyền cho hội viên phụ nữ", dt.date(2024, 6, 10), 5, **kwargs
    )
    youth = _training(
        2, YOUTH, "Tập huấn kỹ năng tuyên truyền cho đoàn viên thanh niên", youth_start, 2, **kwargs
    )
    return women, youth


def test_women_and_youth_trainings_in_the_same_commune_the_same_week_are_flagged():
    women, youth = _women_and_youth_trainings(dt.date(2024, 6, 12))
    assert rules.find_overlaps([youth, women]) == [(1, 2, ["title", "dates", "area", "targets"])]
    assert rules.overlaps_with(youth, [women]) == [(1, ["title", "dates", "area", "targets"])]


def test_women_and_youth_trainings_sharing_a_tag_and_a_target_group_are_flagged():
    women, youth = _women_and_youth_trainings(
        dt.date(2024, 6, 11), tags=frozenset({"ky-nang"}), target_groups=frozenset({"members"})
    )
    assert rules.overlap_reasons(women, youth) == ["tags:ky-nang", "title", "dates", "area", "targets"]


def test_women_and_youth_trainings_a_month_apart_are_not_flagged():
    women, youth = _women_and_youth_trainings(dt.date(2024, 7, 10))
    assert rules.overlap_reasons(women, youth) == []
    assert rules.find_overlaps([women, youth]) == []


def test_women_and_youth_trainings_for_disjoint_target_groups_are_not_flagged():
    women, youth = _women_and_youth_trainings(dt.date(2024, 6, 12))
    women = replace(women, target_groups=frozenset({"women"}))
    youth = replace(youth, target_groups=frozenset({"youth"}))
    assert rules.overlap_reasons(women, youth) == []


def test_the_same_organization_may_run_two_similar_trainings():
    women, youth = _women_and_youth_trainings(dt.date(2024, 6, 12))
    assert rules.overlap_reasons(women, replace(youth, owner=WOMEN)) == []


# ============================================================================================
# is_shared_instance
# ============================================================================================
# The same shared rule counts for the whole calendar quarter (an organization's year-end review
# a week before the joint one repeats it); look-alike content only at overlapping dates.

SHARED_RULE = 3


def _joint_summary(**kwargs) -> ActivityFacts:
    base = ActivityFacts(
        id=100, owner=None, rule_shared=True, title="Hội nghị tổng kết công tác năm 2024",
        start=dt.date(2024, 12, 16), end=dt.date(2024, 12, 27), area_paths=("/1/2/",), rule_id=SHARED_RULE,
    )
    return replace(base, **kwargs)


def _women_summary(**kwargs) -> ActivityFacts:
    base = ActivityFacts(
        id=200, owner=WOMEN, rule_shared=True, title="Hội nghị tổng kết năm 2024 Hội LHPN",
        start=dt.date(2024, 12, 20), end=dt.date(2024, 12, 20), area_paths=("/1/2/7/",), rule_id=SHARED_RULE,
    )
    return replace(base, **kwargs)


def _on(day: dt.date) -> dict:
    return {"start": day, "end": day}


def test_an_organization_summary_of_a_shared_matter_repeats_the_joint_one():
    assert rules.is_shared_instance(_women_summary(), _joint_summary())


def test_an_organization_summary_a_week_before_the_joint_one_in_the_same_quarter_repeats_it():
    assert rules.is_shared_instance(_women_summary(**_on(dt.date(2024, 12, 9))), _joint_summary())
    assert rules.is_shared_instance(_women_summary(**_on(dt.date(2024, 10, 1))), _joint_summary())


def test_an_organization_summary_for_another_period_is_not_a_repeat():
    assert not rules.is_shared_instance(
        _women_summary(start=dt.date(2024, 6, 20), end=dt.date(2024, 6, 21)), _joint_summary()
    )
    assert not rules.is_shared_instance(_women_summary(**_on(dt.date(2024, 9, 30))), _joint_summary())
    assert not rules.is_shared_instance(_women_summary(**_on(dt.date(2023, 12, 20))), _joint_summary())


def test_a_joint_candidate_is_never_an_instance():
    assert not rules.is_shared_instance(_women_summary(owner=None), _joint_summary())


def test_a_joint_activity_under_a_separate_rule_has_no_instances():
    assert not rules.is_shared_instance(_women_summary(), _joint_summary(rule_shared=False))


def test_an_organization_activity_is_not_a_joint_reference():
    assert not rules.is_shared_instance(_women_summary(), _joint_summary(owner=YOUTH))


def test_another_place_is_not_a_repeat():
    assert not rules.is_shared_instance(_women_summary(area_paths=("/1/3/5/",)), _joint_summary())


def test_look_alike_content_under_a_separate_rule_of_the_organization_is_a_repeat():
    candidate = _women_summary(rule_shared=False, rule_id=7)
    assert rules.title_similarity(candidate.title, _joint_summary().title) >= rules.TITLE_SIMILARITY
    assert rules.is_shared_instance(candidate, _joint_summary())
    # ... but only at overlapping dates: the quarter is the period of the shared rule alone.
    assert not rules.is_shared_instance(replace(candidate, **_on(dt.date(2024, 12, 9))), _joint_summary())


def test_unrelated_content_under_another_rule_is_not_a_repeat():
    candidate = _women_summary(rule_shared=False, rule_id=7, title="Tập huấn chuyển đổi số")
    assert not rules.is_shared_instance(candidate, _joint_summary())


def test_the_same_shared_rule_is_a_repeat_whatever_the_title():
    candidate = _women_summary(title="Tập huấn chuyển đổi số")
    assert rules.is_shared_instance(candidate, _joint_summary())


def _quarters(f: ActivityFacts) -> set[tuple[int, int]]:
    return {(d.year, (d.month - 1) // 3) for d in _days(f.start, f.end)}


wide_ranges = st.tuples(
    st.dates(min_value=dt.date(2023, 10, 1), max_value=dt.date(2025, 3, 31)),
    st.integers(min_value=0, max_value=200),
).map(lambda t: (t[0], t[0] + dt.timedelta(days=t[1])))


@given(facts(), facts(owner=0), st.one_of(date_ranges(), wide_ranges), st.one_of(date_ranges(), wide_ranges))
def test_is_shared_instance_needs_an_org_candidate_a_joint_shared_reference_and_a_reason(
    candidate, joint, candidate_range, joint_range
):
    candidate = replace(candidate, start=candidate_range[0], end=candidate_range[1])
    joint = replace(joint, owner=None, start=joint_range[0], end=joint_range[1])
    result = rules.is_shared_instance(candidate, joint)
    same_rule = candidate.rule_shared and candidate.rule_id is not None and candidate.rule_id == joint.rule_id
    alike = bool(candidate.tags & joint.tags) or (
        rules.title_similarity(candidate.title, joint.title) >= rules.TITLE_SIMILARITY
    )
    expected = (
        candidate.owner is not None and joint.rule_shared and _areas_meet(candidate, joint)
        and ((same_rule and bool(_quarters(candidate) & _quarters(joint))) or (_dates_meet(candidate, joint) and alike))
    )
    assert result == expected
    # Never for a joint candidate, nor against a separate rule or an organization's activity.
    assert not rules.is_shared_instance(replace(candidate, owner=None), joint)
    assert not rules.is_shared_instance(candidate, replace(joint, rule_shared=False))
    assert not rules.is_shared_instance(candidate, replace(joint, owner=5))


@given(facts(), facts(), st.integers(min_value=1, max_value=5), wide_ranges, wide_ranges)
def test_same_shared_rule_counts_for_the_calendar_quarter(candidate, joint, rule_id, c_range, j_range):
    candidate = replace(
        candidate, owner=WOMEN, rule_shared=True, rule_id=rule_id, area_paths=("/1/2/7/",),
        start=c_range[0], end=c_range[1], tags=frozenset(), title="Tập huấn chuyển đổi số",
    )
    joint = replace(
        joint, owner=None, rule_shared=True, rule_id=rule_id, area_paths=("/1/2/",),
        start=j_range[0], end=j_range[1], tags=frozenset(), title="Hội nghị tổng kết công tác",
    )
    assert rules.is_shared_instance(candidate, joint) == bool(_quarters(candidate) & _quarters(joint))
    if _dates_meet(candidate, joint):
        assert rules.is_shared_instance(candidate, joint)


@given(wide_ranges)
def test_quarters_are_the_calendar_quarters_touched(date_range):
    f = _women_summary(start=date_range[0], end=date_range[1])
    assert rules.quarters(f) == _quarters(f)


# ============================================================================================
# Known defect (see the report): punctuation sticks to title words
# ============================================================================================


def test_punctuation_does_not_change_title_words():
    assert rules.title_words("Tuyên truyền, pháp luật.") == rules.title_words("Tuyên truyền pháp luật")
    assert rules.is_shared_instance(
        _women_summary(rule_shared=False, rule_id=7), _joint_summary(title="Hội nghị tổng kết công tác năm 2024.")
    )
