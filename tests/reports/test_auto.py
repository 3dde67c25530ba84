"""Figures the app already records are counted in SQL (one query per source, whatever the
number of units) and shown beside the typed figures, never typed twice."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import Case, Household, Visit
from programme.models import Activity
from reports import auto
from reports.models import Indicator
from subcommittees.models import Task
from tests.khoi.conftest import world  # noqa: F401  (the shared access-test world)

OCT = (dt.date(2024, 9, 15), dt.date(2024, 10, 14))  # the State convention's October 2024


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def paths(world):
    d = world.districts
    return [d["own"].unit.path, d["other_district"].unit.path, world.p1.path, world.p2.path]


@pytest.mark.django_db
def test_every_linked_source_exists_and_is_in_the_catalog():
    linked = set(Indicator.objects.exclude(auto_source="").values_list("auto_source", flat=True))
    assert linked == set(auto.SOURCES)
    assert set(auto.LABELS) == set(auto.SOURCES)


@pytest.mark.django_db
def test_cases_received_and_closed_per_subtree_in_one_query(world, django_assert_num_queries):
    d1, d2 = world.districts["own"], world.districts["other_district"]
    Case.objects.filter(pk=d1.case.pk).update(created_at=at(dt.date(2024, 10, 1)), status="closed",
                                              closed_at=at(dt.date(2024, 10, 14), 23))
    Case.objects.filter(pk=d2.case.pk).update(created_at=at(dt.date(2024, 10, 15)))  # the day after the cut-off
    own, other, p1, p2 = paths(world)
    with django_assert_num_queries(1):
        received = auto.count("cases_received", paths(world), *OCT)
    assert received == {own: 1, other: 0, p1: 1, p2: 0}
    assert auto.count("cases_closed", paths(world), *OCT) == {own: 1, other: 0, p1: 1, p2: 0}


@pytest.mark.django_db
def test_households_agreed_and_completed(world, django_assert_num_queries):
    d1 = world.districts["own"]
    Visit.objects.create(household=d1.household, team=d1.team, date=dt.date(2024, 10, 2), outcome="agreed")
    Visit.objects.create(household=d1.household, team=d1.team, date=dt.date(2024, 10, 5), outcome="agreed")
    Visit.objects.create(household=d1.household, team=d1.team, date=dt.date(2024, 11, 1), outcome="agreed")
    Household.objects.filter(pk=d1.household.pk).update(status="completed", status_changed_at=at(dt.date(2024, 9, 15), 0))
    own, other, p1, p2 = paths(world)
    with django_assert_num_queries(1):
        agreed = auto.count("campaign_households_agreed", paths(world), *OCT)
    assert agreed == {own: 1, other: 0, p1: 1, p2: 0}  # one household, however many agreeing visits
    assert auto.count("campaign_households_completed", paths(world), *OCT) == {own: 1, other: 0, p1: 1, p2: 0}


@pytest.mark.django_db
def test_tasks_and_activities_done(world):
    for d in world.districts.values():
        Task.objects.filter(pk=d.task.pk).update(status="done", done_at=at(dt.date(2024, 10, 3)))
    Activity.objects.filter(pk=world.districts["own"].joint_activity.pk).update(status="done")  # ends 03/09/2024
    own, other, p1, p2 = paths(world)
    assert auto.count("tasks_done", paths(world), *OCT) == {own: 1, other: 1, p1: 2, p2: 1}
    september = (dt.date(2024, 8, 15), dt.date(2024, 9, 14))
    assert auto.count("activities_done", paths(world), *september) == {own: 1, other: 0, p1: 1, p2: 0}
    assert auto.count("activities_done", paths(world), *OCT)[own] == 0


@pytest.mark.django_db
def test_supervisions_and_trainings_are_the_activities_done_under_their_shared_rules(world):
    d1 = world.districts["own"]
    rules = {r.code: r for r in world.rules["own"].__class__.objects.filter(
        catalog_unit_id=world.rules["own"].catalog_unit_id)}
    for code in ("C6", "C4", "C6"):
        Activity.objects.create(programme=d1.programme, title=f"Hoạt động {code}", rule=rules[code], status="done",
                                start_date=dt.date(2024, 9, 20), end_date=dt.date(2024, 9, 21))
    own, other, p1, p2 = paths(world)
    assert auto.count("supervisions_done", paths(world), *OCT) == {own: 2, other: 0, p1: 2, p2: 0}
    assert auto.count("trainings_done", paths(world), *OCT) == {own: 1, other: 0, p1: 1, p2: 0}


@pytest.mark.django_db
def test_the_front_sees_the_counts_beside_its_figures_read_only(world):
    d1 = world.districts["own"]
    Case.objects.filter(pk=d1.case.pk).update(created_at=at(dt.date(2024, 10, 1)))
    client = Client()
    client.force_login(world.users["staff"])
    page = client.get(d1.draft_submission.get_absolute_url()).content.decode()
    row = page[page.index(">UD01<"):]
    row = row[:row.index("</tr>")]
    assert "Hồ sơ đầu mối tiếp nhận" in row and "<strong>1</strong>" in row
    assert 'name="UD01"' not in page  # never typed
