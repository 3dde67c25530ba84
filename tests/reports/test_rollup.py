"""The roll-up selector (reports/rollup.py): each aggregation, the 2025 successors, completeness
and timeliness, and a query count that does not grow with the number of units."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import Period
from reports.rollup import Completeness, compare, rollup, rollups, sub_periods
from tests.reports import build_fixtures as bf

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world():
    return bf.quarter_world()


def test_sum_adds_months_and_units(world):
    r = rollup(world.prov, world.q1)

    assert r.values["AS01"] == {"MTTQ": D(65), "HLHPN": D(3)}  # 10+20+30 + 5 ; 1+2 (the draft's 1000 is not read)
    assert r.totals["AS01"] == D(68)
    assert rollup(world.a.unit, world.q1).totals["AS01"] == D(63)
    assert rollup(world.b.unit, world.q1).totals["AS01"] == D(5)


def test_latest_takes_each_organizations_last_value_never_adds_months(world):
    r = rollup(world.prov, world.q1)

    # A/MTTQ March 120 (not 100+110+120), A/HLHPN February 55 (it sent nothing in March), B/MTTQ 9
    assert r.values["TC04"] == {"MTTQ": D(129), "HLHPN": D(55)}
    assert r.totals["TC04"] == D(184)
    assert r.totals["TC09"] == D(1070)


def test_max_counts_organizations_that_set_the_flag_at_any_time(world):
    r = rollup(world.prov, world.q1)

    # A/MTTQ held its congress in February (0 again in March), B/MTTQ in March; HLHPN gave no flag
    assert r.values["TC15"] == {"MTTQ": D(2), "HLHPN": None}
    assert r.totals["TC15"] == D(2)


def test_ratio_is_the_ratio_of_rolled_up_terms_not_a_mean_of_ratios(world):
    r = rollup(world.prov, world.q1)

    assert r.totals["TC10"] == D("17.20")  # 184 / 1070 × 100
    per_org = [D(120) / D(1000), D(55) / D(60), D(9) / D(10)]
    mean_of_ratios = sum(per_org) / len(per_org) * 100
    assert abs(mean_of_ratios - r.totals["TC10"]) > 40  # 64.6 %: the two really differ here
    assert r.values["TC10"] == {"MTTQ": D("12.77"), "HLHPN": D("91.67")}  # 129/1010, 55/60


def test_text_indicators_are_not_rolled_up_and_codes_can_be_chosen(world):
    everything = rollup(world.prov, world.q1)
    assert "GC01" not in everything.values
    assert list(everything.indicators) == ["AS01", "TC04", "TC09", "TC10", "TC15", "UD01"]

    chosen = rollup(world.prov, world.q1, indicators=["TC10", "GC01", "NOPE"])
    assert list(chosen.values) == ["TC10"]  # its terms are rolled up, not shown
    assert chosen.totals["TC10"] == D("17.20")


def test_a_month_report_reads_that_month_only(world):
    r = rollup(world.prov, world.months[1])

    assert r.totals["AS01"] == D(22)
    assert r.totals["TC04"] == D(165)
    assert r.completeness == Completeness(expected=4, received=2, on_time=1)


def test_completeness_and_timeliness(world):
    r = rollup(world.prov, world.q1)

    # 4 organizations × 3 months; received: A/MTTQ 3, A/HLHPN 2 (February late), B/MTTQ 1; the draft is not
    assert r.completeness == Completeness(expected=12, received=6, on_time=5)
    assert r.completeness.received_rate == D("50.00")
    assert r.completeness.on_time_rate == D("83.33")
    assert r.completeness_by_column["HLHPN"] == Completeness(6, 2, 1)
    assert [c.code for c in r.columns] == ["MTTQ", "HLHPN"]


def test_only_current_sent_revisions_count_and_party_boards_are_not_expected(world):
    jan = world.months[0]
    # B/HLHPN: revision 1 returned then corrected: revision 2 is current and approved
    bf.submit(world.b.orgs["HLHPN"], jan, {"AS01": 400}, status="approved", revision=1, is_current=False)
    bf.submit(world.b.orgs["HLHPN"], jan, {"AS01": 4}, status="approved", revision=2)
    bf.submit(world.a.orgs["MTTQ"], bf.period(world.tpl, "2023-04"), {"AS01": 999})  # outside the quarter
    returned = bf.place(world.prov, "95003", "Bắc", types=("HND",))
    bf.submit(returned.orgs["HND"], jan, {"AS01": 800}, status="returned")
    bf.place(world.prov, "95004", "Nam", types=("BDV",))  # the Party board: directs, does not report
    gone = bf.place(world.prov, "95005", "Cũ", types=("HCCB",), valid_to=dt.date(2022, 12, 31))

    r = rollup(world.prov, world.q1)

    assert r.totals["AS01"] == D(72)  # 68 + 4
    assert r.completeness.expected == 12 + 3  # + Bắc/HND; not the board, not the unit that ended in 2022
    assert r.completeness.received == 7
    assert "BDV" not in [c.code for c in r.columns]
    assert gone.unit.pk  # (made only to be left out)


def test_successor_rolls_up_the_history_of_the_units_it_replaced():
    prov = bf.province("96", "Mới")
    tpl = bf.template(prov)
    bf.catalog(prov)
    y2023 = bf.period(tpl, "2023-Y")
    old1 = bf.place(prov, "96001", "Cũ Một", valid_to=dt.date(2025, 6, 30))
    old2 = bf.place(prov, "96002", "Cũ Hai", valid_to=dt.date(2025, 6, 30))
    older = bf.place(prov, "96003", "Cũ Nữa", valid_to=dt.date(2023, 12, 31))  # merged into old1 in 2024
    split = bf.place(prov, "96004", "Bị Chia", valid_to=dt.date(2025, 6, 30))  # its history went elsewhere
    new = bf.place(prov, "96010", "Mới", level="commune", valid_from=dt.date(2025, 7, 1))
    commune_of_old1 = bf.place(old1.unit, "9600101", "Xã Con", level="commune", types=("HND",))
    bf.succession(old1.unit, new.unit)
    bf.succession(old2.unit, new.unit)
    bf.succession(older.unit, old1.unit)
    bf.succession(split.unit, new.unit, takes_history=False)
    for p, value in ((old1, 1), (old2, 10), (older, 100), (split, 1000), (commune_of_old1, 10000)):
        for org in p.orgs.values():
            bf.submit(org, bf.period(tpl, "2023-05"), {"AS01": value})

    r = rollup(new.unit, y2023)

    # old1 (2 orgs) + its commune + old2 (2 orgs) + older (2 orgs, transitively); not the split unit
    assert r.totals["AS01"] == D(2 * 1 + 10000 + 2 * 10 + 2 * 100)
    assert r.completeness.received == 7
    # the province (an ancestor) counts each organization once
    assert rollup(prov, y2023).totals["AS01"] == D(2 * 1 + 10000 + 2 * 10 + 2 * 100 + 2 * 1000)
    # a unit that existed then is not given its successor's history
    assert rollup(old2.unit, y2023).totals["AS01"] == D(20)


def test_compare_gives_one_column_per_unit(world):
    result = compare([world.a.unit, world.b.unit], world.q1, ["AS01", "TC10"])

    assert result["values"] == {
        world.a.unit.pk: {"AS01": D(63), "TC10": D("16.51")},  # (120+55)/(1000+60)
        world.b.unit.pk: {"AS01": D(5), "TC10": D("90.00")},
    }
    assert result["completeness"][world.a.unit.pk] == {"expected": 6, "received": 5, "on_time": 4}
    assert result["completeness"][world.b.unit.pk] == {"expected": 6, "received": 1, "on_time": 1}
    assert result["rollups"][world.b.unit.pk].values["AS01"] == {"MTTQ": D(5), "HLHPN": None}


def test_sub_periods_follow_the_cutoff():
    period = Period(code="2023-Q1", kind="quarter", year=2023, start=dt.date(2022, 12, 15), end=dt.date(2023, 3, 14))
    assert [s[0] for s in sub_periods(period, "month", 15)] == ["2023-01", "2023-02", "2023-03"]
    year = Period(code="2023-Y", kind="year", year=2023, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31))
    assert [s[0] for s in sub_periods(year, "quarter", 1)] == ["2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"]
    assert len(sub_periods(year, "month", 1)) == 12


def _world_of(count: int):
    prov = bf.province("97", "Đo")
    tpl = bf.template(prov)
    bf.catalog(prov)
    places = bf.many_places(prov, count)
    months = [bf.period(tpl, f"2023-{m:02d}") for m in (1, 2, 3)]
    for p in places:
        for org in p.orgs.values():
            for i, month in enumerate(months):
                bf.submit(org, month, {"AS01": 1, "TC04": 10 + i, "TC09": 20, "TC15": i % 2})
    quarter = bf.period(tpl, "2023-Q1")
    return prov, places, Period.objects.get(pk=quarter.pk)


ROLLUP_QUERIES = 7  # template, scope, catalog, expected, received, sum/max, latest
COMPARE_QUERIES = 7


@pytest.mark.parametrize("count", [1, 100])
def test_rollup_query_count_does_not_depend_on_the_number_of_units(count, django_assert_num_queries):
    prov, _places, quarter = _world_of(count)

    with django_assert_num_queries(ROLLUP_QUERIES):
        r = rollup(prov, quarter)

    assert r.totals["AS01"] == D(2 * 3 * count)
    assert r.totals["TC04"] == D(2 * 12 * count)  # March's 12, per organization
    assert r.totals["TC15"] == D(2 * count)
    assert r.completeness == Completeness(6 * count, 6 * count, 6 * count)


@pytest.mark.parametrize("count", [1, 100])
def test_compare_query_count_does_not_depend_on_the_number_of_units(count):
    _prov, places, quarter = _world_of(count)
    units = [p.unit for p in places]

    with CaptureQueriesContext(connection) as ctx:
        found = rollups(units, quarter, ["AS01", "TC10"])

    assert len(ctx.captured_queries) == COMPARE_QUERIES
    assert [r.totals["AS01"] for r in found] == [D(6)] * count
    assert {r.totals["TC10"] for r in found} == {D(60)}  # 2×12 / 2×20


def test_ratio_total_leaves_out_columns_that_report_only_one_term(world):
    # the Youth Union of a third district sends its members but not its age cohort
    c = bf.place(world.prov, "95003", "Nam", types=("DTN",))
    bf.submit(c.orgs["DTN"], world.months[2], {"TC04": 500})

    r = rollup(world.prov, world.q1)

    assert r.totals["TC04"] == D(684) and r.values["TC10"]["DTN"] is None
    assert r.totals["TC10"] == D("17.20")  # still 184 / 1070, not 684 / 1070
