"""The campaigns' writes: one team per area, one team per household, visits move a household forward."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from campaigns import services
from campaigns.models import Household, HouseholdStatus, TeamArea, Visit, WorkTeam
from khoi.models import CoordinationRule, Person

pytestmark = pytest.mark.django_db


def deputy_person(world) -> Person:
    return world.users["deputy"].person  # heads the Women's Union: may lead a team


def second_team(world, actor="sub_head") -> WorkTeam:
    d = world.districts["own"]
    return services.team_save(actor=world.users[actor], campaign=d.campaign, name="Tổ công tác số 2",
                              leader=deputy_person(world), members=[(deputy_person(world), d.orgs["HLHPN"])])


def test_a_commune_already_covered_is_refused_to_a_second_team_with_the_first_teams_name(world):
    # given the commune covered by team 1 and a second team
    d = world.districts["own"]
    team2 = second_team(world)
    before = list(TeamArea.objects.filter(campaign=d.campaign).values_list("team_id", "unit_id"))
    # when the subcommittee head gives the same commune to team 2
    with pytest.raises(ValidationError) as refused:
        services.team_assign_area(actor=world.users["sub_head"], team=team2, unit=d.commune)
    # then a Vietnamese message names the team holding it, and nothing changed
    assert "Xã Trung Tâm Đầm Hà đã được giao cho Tổ công tác số 1" in refused.value.messages[0]
    assert list(TeamArea.objects.filter(campaign=d.campaign).values_list("team_id", "unit_id")) == before
    assert Household.objects.get(pk=d.household.pk).team_id == d.team.pk


def test_a_free_area_goes_to_the_team_with_its_households_without_a_team(world):
    from tests.world import unit

    d = world.districts["own"]
    hamlet_commune = unit("91102", "Xã Bờ Sông", "commune", d.unit)
    d.campaign.areas.add(hamlet_commune)
    stray = Household.objects.create(campaign=d.campaign, head_name="Lê Thị Bến", area=hamlet_commune)
    team2 = second_team(world)
    services.team_assign_area(actor=world.users["sub_head"], team=team2, unit=hamlet_commune)
    assert Household.objects.get(pk=stray.pk).team_id == team2.pk


def test_team_leader_must_lead_a_member_organization(world):
    d = world.districts["own"]
    field_person = world.users["field"].person
    with pytest.raises(ValidationError) as refused:
        services.team_save(actor=world.users["sub_head"], campaign=d.campaign, name="Tổ thanh niên",
                           leader=field_person, members=[])
    assert "Tổ trưởng phải là lãnh đạo" in str(refused.value)
    assert not WorkTeam.objects.filter(name="Tổ thanh niên").exists()


def test_only_those_running_the_campaign_create_teams(world):
    d = world.districts["own"]
    for role in ("deputy", "staff", "field", "board"):
        with pytest.raises(PermissionDenied):
            services.team_save(actor=world.users[role], campaign=d.campaign, name="Tổ lạ", leader=deputy_person(world),
                               members=[])
    assert d.campaign.teams.count() == 1


def test_reassigning_a_covered_household_needs_a_reason(world):
    d = world.districts["own"]
    team2 = second_team(world)
    with pytest.raises(ValidationError) as refused:
        services.household_reassign(actor=world.users["sub_head"], household=d.household, team=team2, reason="  ")
    assert "giao lại cần ghi lý do" in str(refused.value)
    assert Household.objects.get(pk=d.household.pk).team_id == d.team.pk
    moved = services.household_reassign(actor=world.users["sub_head"], household=d.household, team=team2,
                                        reason="Hộ có người thân trong Hội Phụ nữ, tổ 2 vận động thuận lợi hơn")
    assert moved.team_id == team2.pk and moved.reassignment_reason.startswith("Hộ có người thân")


def test_a_team_member_cannot_reassign(world):
    d = world.districts["own"]
    team2 = second_team(world)
    with pytest.raises(PermissionDenied):
        services.household_reassign(actor=world.users["field"], household=d.household, team=team2, reason="Lý do")
    assert Household.objects.get(pk=d.household.pk).team_id == d.team.pk


def test_a_visit_recorded_days_later_dates_the_status_change_to_the_visit(world):
    d = world.districts["own"]
    services.visit_record(actor=world.users["field"], household=d.household, date=dt.date(2020, 6, 12), outcome="agreed")
    changed = Household.objects.get(pk=d.household.pk).status_changed_at
    assert timezone.localtime(changed).date() == dt.date(2020, 6, 12)


def test_a_visit_moves_the_household_forward_never_back(world):
    d = world.districts["own"]
    field = world.users["field"]
    today = timezone.localdate()
    services.visit_record(actor=field, household=d.household, date=today, outcome="agreed",
                          organizations=[d.orgs["DTN"], d.orgs["HCCB"]], raised="Đồng ý bàn giao", next_step="Ký biên bản")
    assert Household.objects.get(pk=d.household.pk).status == HouseholdStatus.AGREED
    services.visit_record(actor=field, household=d.household, date=today, outcome="hesitant")
    assert Household.objects.get(pk=d.household.pk).status == HouseholdStatus.AGREED
    assert d.household.visits.count() == 3
    with pytest.raises(ValidationError):
        services.visit_record(actor=field, household=d.household, date=today + dt.timedelta(days=1), outcome="agreed")
    with pytest.raises(ValidationError, match="trước ngày bắt đầu"):  # a typing slip: before the campaign began
        services.visit_record(actor=field, household=d.household,
                              date=d.campaign.start_date - dt.timedelta(days=1), outcome="agreed")
    assert d.household.visits.count() == 3


def test_a_member_of_another_team_cannot_record_a_visit(world):
    d = world.districts["own"]
    team2 = second_team(world)
    other = Household.objects.create(campaign=d.campaign, head_name="Trần Văn Khác", area=d.commune, team=team2)
    with pytest.raises(PermissionDenied):
        services.visit_record(actor=world.users["field"], household=other, date=timezone.localdate(), outcome="agreed")
    assert not Visit.objects.filter(household=other).exists()


def test_a_blocked_household_needs_a_reason(world):
    d = world.districts["own"]
    with pytest.raises(ValidationError):
        services.household_set_status(actor=world.users["field"], household=d.household, status="blocked", reason="")
    done = services.household_set_status(actor=world.users["field"], household=d.household, status="blocked",
                                         reason="Tranh chấp ranh giới với hộ liền kề")
    assert done.status == HouseholdStatus.BLOCKED and done.blocked_reason


def test_a_campaign_falls_under_a_shared_rule(world):
    d = world.districts["own"]
    separate = CoordinationRule.objects.filter(catalog_unit=world.p1, mode="separate").first()
    with pytest.raises(ValidationError) as refused:
        services.campaign_save(actor=world.users["sub_head"], joint_body=d.body, subcommittee=d.subs["propaganda"],
                               rule=separate, name="Vận động riêng", reference_prefix="VR",
                               start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 2, 1))
    assert "quy tắc “chung”" in str(refused.value)
