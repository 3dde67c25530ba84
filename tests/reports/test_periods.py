"""Period codes and dates: properties over every cut-off day (hypothesis), the State
convention, and periods stored once per template with their deadline."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports import periods
from reports.models import ReportTemplate
from reports.services import get_or_create_period

cutoffs = st.integers(min_value=1, max_value=28)
years = st.integers(min_value=2000, max_value=2090)
days = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2090, 12, 31))


@given(year=years, cutoff=cutoffs)
def test_consecutive_months_tile_the_year_with_no_gap_or_overlap(year, cutoff):
    months = [periods.parse(f"{year}-{m:02d}").dates(cutoff) for m in range(1, 13)]
    for (_s1, end), (start, _e2) in zip(months, months[1:]):
        assert start == end + dt.timedelta(days=1)
    year_start, year_end = periods.parse(f"{year}-Y").dates(cutoff)
    assert (months[0][0], months[-1][1]) == (year_start, year_end)
    # and the next year starts the day after
    assert periods.parse(f"{year + 1}-01").dates(cutoff)[0] == year_end + dt.timedelta(days=1)


@given(day=days, cutoff=cutoffs, kind=st.sampled_from(["week", "month", "quarter", "half", "year"]))
def test_the_period_a_date_falls_in_contains_it(day, cutoff, kind):
    start, end = periods.parse(periods.code_for(kind, day, cutoff)).dates(cutoff)
    assert start <= day <= end


@given(day=days, cutoff=cutoffs)
def test_nine_months_contains_the_dates_of_its_first_three_quarters(day, cutoff):
    quarter = periods.parse(periods.code_for("quarter", day, cutoff))
    if quarter.last_month <= 9:
        start, end = periods.parse(f"{quarter.year}-9M").dates(cutoff)
        assert start <= day <= end
        assert periods.code_for("nine_months", day, cutoff) == f"{quarter.year}-9M"
    else:  # the last quarter lies in no 9-month period
        with pytest.raises(periods.PeriodCodeError):
            periods.code_for("nine_months", day, cutoff)


@given(year=years, cutoff=cutoffs)
@settings(max_examples=50)
def test_quarters_and_halves_are_made_of_their_months(year, cutoff):
    for code in (f"{year}-Q3", f"{year}-H1", f"{year}-9M"):
        spec = periods.parse(code)
        months = [periods.parse(m).dates(cutoff) for m in spec.months()]
        assert spec.dates(cutoff) == (months[0][0], months[-1][1])


def test_state_convention_month_runs_from_the_15th_to_the_14th():
    assert periods.parse("2023-11").dates(15) == (dt.date(2023, 10, 15), dt.date(2023, 11, 14))
    assert periods.parse("2023-01").dates(15) == (dt.date(2022, 12, 15), dt.date(2023, 1, 14))
    assert periods.parse("2023-H1").dates(15) == (dt.date(2022, 12, 15), dt.date(2023, 6, 14))
    assert periods.parse("2023-Y").dates(1) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert periods.code_for("month", dt.date(2023, 11, 15), 15) == "2023-12"
    assert periods.label("2023-Q4") == "Quý IV/2023"


def test_a_bad_code_says_so_in_vietnamese():
    with pytest.raises(periods.PeriodCodeError, match="không hợp lệ"):
        periods.parse("2023-13")


@pytest.mark.django_db
def test_a_period_is_stored_once_with_its_dates_and_deadline():
    template = ReportTemplate.objects.get(province__isnull=True)
    assert (template.cutoff_day, template.submission_kind) == (15, "month")
    first = get_or_create_period(template, "2024-10")
    assert (first.kind, first.start, first.end) == ("month", dt.date(2024, 9, 15), dt.date(2024, 10, 14))
    assert first.deadline == dt.date(2024, 10, 17)
    # a later change of the template's cut-off does not move an existing period
    template.cutoff_day = 1
    template.save()
    assert get_or_create_period(template, "2024-10").pk == first.pk
    assert get_or_create_period(template, "2024-10").start == dt.date(2024, 9, 15)
    assert get_or_create_period(template, "2024-11").start == dt.date(2024, 11, 1)


@pytest.mark.django_db
def test_a_province_may_have_its_own_template():
    from khoi.models import AdministrativeUnit
    from reports.selectors import template_for

    province = AdministrativeUnit.objects.create(code="98", name="Tỉnh Lịch", level="province", unit_type="Tỉnh")
    commune = AdministrativeUnit.objects.create(code="9801", name="Xã Lịch", level="commune", unit_type="Xã", parent=province)
    assert template_for(commune).province_id is None
    own = ReportTemplate.objects.create(province=province, name="Báo cáo theo tháng dương lịch", cutoff_day=1, deadline_days=5)
    assert template_for(commune) == own
    assert get_or_create_period(own, "2024-02").end == dt.date(2024, 2, 29)
    assert get_or_create_period(own, "2024-02").deadline == dt.date(2024, 3, 5)


@pytest.mark.parametrize(("code", "kind", "expected"), [
    ("2023-Q4", "month", ["2023-10", "2023-11", "2023-12"]),
    ("2023-9M", "quarter", ["2023-Q1", "2023-Q2", "2023-Q3"]),
    ("2023-Y", "half", ["2023-H1", "2023-H2"]),
    ("2023-H2", "quarter", ["2023-Q3", "2023-Q4"]),
    ("2023-Y", "year", ["2023-Y"]),
])
def test_a_report_period_is_made_of_whole_submission_periods(code, kind, expected):
    assert periods.sub_codes(code, kind) == expected


@pytest.mark.parametrize(("code", "kind"), [
    ("2023-11", "quarter"), ("2023-9M", "half"), ("2023-Q1", "half"), ("2023-W05", "month"), ("2023-H1", "year"),
])
def test_a_report_its_submissions_cannot_make_up_is_refused_in_vietnamese(code, kind):
    with pytest.raises(periods.PeriodCodeError, match="không lập được báo cáo"):
        periods.sub_codes(code, kind)
