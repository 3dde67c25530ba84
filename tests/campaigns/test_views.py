"""The campaign pages: the phone visit form, who sees households, teams and areas, progress, query counts."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Household, HouseholdStatus, TeamArea, Visit, WorkTeam

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 Mobile Safari/537.36"}


def own(world):
    return world.districts["own"]


def second_team(world, name="Tổ công tác số 2") -> WorkTeam:
    d = own(world)
    return WorkTeam.objects.create(campaign=d.campaign, name=name, leader=world.users["deputy"].person)


def progress(client, campaign) -> dict:
    return client.get(reverse("campaigns:campaign_detail", args=[campaign.pk])).context["overall"]


def test_field_member_records_a_visit_on_the_phone_form_and_the_progress_moves(world, client_for):
    # given the field member on the team, on a phone, and the hesitant household of the team
    d = own(world)
    client = client_for("field", **PHONE)
    before = progress(client_for("head"), d.campaign)
    url = reverse("campaigns:visit_create", args=[d.household.pk])
    form = client.get(url)
    page = form.content.decode()
    assert form.status_code == 200
    assert 'name="viewport" content="width=device-width' in page
    assert page.count('type="radio" name="outcome"') == 4
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page  # today by default
    assert set(form.context["form"]["organizations"].initial) == {d.orgs["DTN"].pk, d.orgs["HCCB"].pk}
    # when it records that the household agrees
    response = client.post(url, {"outcome": "agreed", "date": f"{timezone.localdate():%Y-%m-%d}",
                                 "organizations": [d.orgs["DTN"].pk, d.orgs["HCCB"].pk],
                                 "raised": "Xin hỗ trợ di dời chuồng trại", "next_step": "Ký biên bản bàn giao"})
    # then back to the team's households with a message, the household agrees, the numbers move
    assert response.status_code == 302 and response.url == reverse("campaigns:team_detail", args=[d.team.pk])
    listing = client.get(response.url).content.decode()
    assert "Đã ghi nhận tiếp xúc hộ Nguyễn Văn Hộ" in listing
    household = Household.objects.get(pk=d.household.pk)
    assert household.status == HouseholdStatus.AGREED
    visit = household.visits.first()
    assert visit.recorded_by == world.users["field"] and visit.outcome == "agreed"
    assert set(visit.organizations.values_list("pk", flat=True)) == {d.orgs["DTN"].pk, d.orgs["HCCB"].pk}
    after = progress(client_for("head"), d.campaign)
    assert (before["agreed_or_done"], after["agreed_or_done"]) == (0, 1)
    assert (before["percent_agreed"], after["percent_agreed"]) == (0.0, 100.0)


def test_a_visit_without_an_outcome_is_refused_in_the_form(world, client_for):
    d = own(world)
    response = client_for("field").post(reverse("campaigns:visit_create", args=[d.household.pk]),
                                        {"date": f"{timezone.localdate():%Y-%m-%d}"})
    assert response.status_code == 400 and response.context["form"].errors["outcome"]
    assert d.household.visits.count() == 1


def test_field_member_and_deputy_cannot_reach_another_teams_household(world, client_for):
    # given a household of another team of the same campaign
    d = own(world)
    other = Household.objects.create(campaign=d.campaign, head_name="Trần Thị Khác", area=d.commune,
                                     team=second_team(world), phone="0987654321")
    field = client_for("field")
    # then the field member gets 404 on it (detail, form, POST), and nothing is recorded
    for name in ("campaigns:household_detail", "campaigns:visit_create"):
        assert field.get(reverse(name, args=[other.pk])).status_code == 404
    assert field.post(reverse("campaigns:visit_create", args=[other.pk]), {"outcome": "agreed"}).status_code == 404
    assert not Visit.objects.filter(household=other).exists()
    # nor does it appear in the team list or among the field member's households
    assert "Trần Thị Khác" not in field.get(reverse("campaigns:my_households")).content.decode()
    # the deputy, who is not on team 1, does not reach team 1's household either
    deputy = client_for("deputy")
    assert deputy.get(reverse("campaigns:household_detail", args=[d.household.pk])).status_code == 404
    assert deputy.get(reverse("campaigns:visit_create", args=[d.household.pk])).status_code == 404


def test_a_taken_commune_is_refused_to_a_second_team_with_the_first_teams_name(world, client_for):
    # given the subcommittee head creates a second team on the teams page
    d = own(world)
    client = client_for("sub_head")
    url = reverse("campaigns:team_manage", args=[d.campaign.pk])
    deputy, field = world.users["deputy"].person, world.users["field"].person
    created = client.post(url, {"action": "team", "name": "Tổ công tác số 2", "leader": deputy.pk,
                                "members": [f"{field.pk}-{d.orgs['DTN'].pk}"]})
    assert created.status_code == 302
    team2 = WorkTeam.objects.get(campaign=d.campaign, name="Tổ công tác số 2")
    assert list(team2.memberships.values_list("person_id", "organization_id")) == [(field.pk, d.orgs["DTN"].pk)]
    page = client.get(url).content.decode()
    assert "Tổ công tác số 2" in page and "Hội LHPN" not in page.split("Tổ công tác số 2")[1].split("</section>")[0]
    # when it gives the commune of team 1 to team 2 (a page opened before team 1 took it)
    refused = client.post(url, {"action": "area", "team": team2.pk, "unit": d.commune.pk})
    # then the page says which team has it, and nothing changed
    assert refused.status_code == 400
    assert "Xã Trung Tâm Đầm Hà đã được giao cho Tổ công tác số 1" in refused.content.decode()
    assert list(TeamArea.objects.filter(campaign=d.campaign).values_list("team_id", flat=True)) == [d.team.pk]
    assert Household.objects.get(pk=d.household.pk).team_id == d.team.pk
    # a free commune of the campaign is offered and given
    from tests.world import unit

    free = unit("91103", "Xã Ven Sông", "commune", d.unit)
    d.campaign.areas.add(free)
    assert (free.pk, free.name) in client.get(url).context["area_form"].free_units
    given = client.post(url, {"action": "area", "team": team2.pk, "unit": free.pk})
    assert given.status_code == 302 and TeamArea.objects.get(campaign=d.campaign, unit=free).team_id == team2.pk


def test_team_leader_must_lead_a_member_organization_shown_in_the_form(world, client_for):
    d = own(world)
    url = reverse("campaigns:team_manage", args=[d.campaign.pk])
    response = client_for("sub_head").post(url, {"action": "team", "name": "Tổ 9", "leader": world.users["field"].person.pk})
    assert response.status_code == 400 and response.context["team_form"].errors["leader"]
    assert d.campaign.teams.count() == 1


def test_reassigning_a_household_without_a_reason_is_refused(world, client_for):
    d = own(world)
    team2 = second_team(world)
    client = client_for("sub_head")
    url = reverse("campaigns:household_detail", args=[d.household.pk])
    refused = client.post(url, {"action": "reassign", "team": team2.pk, "reason": ""})
    assert refused.status_code == 400
    assert "giao lại cần ghi lý do" in refused.content.decode()
    assert Household.objects.get(pk=d.household.pk).team_id == d.team.pk
    done = client.post(url, {"action": "reassign", "team": team2.pk, "reason": "Tổ 2 có người quen của hộ"})
    assert done.status_code == 302 and Household.objects.get(pk=d.household.pk).team_id == team2.pk


def test_field_member_may_not_reassign_but_may_mark_blocked(world, client_for):
    d = own(world)
    team2 = second_team(world)
    client = client_for("field")
    url = reverse("campaigns:household_detail", args=[d.household.pk])
    page = client.get(url)
    assert page.context["reassign_form"] is None and page.context["status_form"] is not None
    assert client.post(url, {"action": "reassign", "team": team2.pk, "reason": "x"}).status_code == 403
    assert Household.objects.get(pk=d.household.pk).team_id == d.team.pk
    blocked = client.post(url, {"action": "status", "status": "blocked", "reason": "Tranh chấp ranh giới"})
    assert blocked.status_code == 302 and Household.objects.get(pk=d.household.pk).status == HouseholdStatus.BLOCKED


def test_the_board_sees_the_progress_numbers_but_no_household_names_or_phones(world, client_for):
    d = own(world)
    board = client_for("board")
    detail = board.get(reverse("campaigns:campaign_detail", args=[d.campaign.pk]))
    page = detail.content.decode()
    assert detail.status_code == 200
    assert detail.context["overall"]["total"] == 1 and detail.context["team_stats"][0]["total"] == 1
    assert "Tổ công tác số 1" in page and "Xã Trung Tâm Đầm Hà" in page
    assert "Nguyễn Văn Hộ" not in page and "0912345678" not in page
    team = board.get(reverse("campaigns:team_detail", args=[d.team.pk]))
    assert team.status_code == 200 and team.context["stats"]["total"] == 1
    assert "Nguyễn Văn Hộ" not in team.content.decode() and "0912345678" not in team.content.decode()
    assert board.get(reverse("campaigns:household_detail", args=[d.household.pk])).status_code == 404
    # while the subcommittee head running it sees the stuck household by name
    head_page = client_for("sub_head").get(reverse("campaigns:campaign_detail", args=[d.campaign.pk])).content.decode()
    assert "Nguyễn Văn Hộ" in head_page and "0912345678" in head_page


def test_campaign_page_draws_the_daily_chart_and_phases_against_their_target(world, client_for):
    d = own(world)
    client = client_for("sub_head")
    added = client.post(reverse("campaigns:phase_create", args=[d.campaign.pk]), {
        "name": "Giai đoạn 1: tiếp xúc", "start_date": "01/06/2020", "end_date": "07/06/2020",
        "target": "Tiếp xúc 100% hộ", "target_agreed_percent": "50", "sort_order": "1"})
    assert added.status_code == 302
    Visit.objects.create(household=d.household, team=d.team, date=dt.date(2020, 6, 5), outcome="agreed")
    Household.objects.filter(pk=d.household.pk).update(status=HouseholdStatus.AGREED)
    response = client.get(reverse("campaigns:campaign_detail", args=[d.campaign.pk]), {"stuck_days": "3"})
    page = response.content.decode()
    assert "<svg" in page and "03/06" in page and "100%" in page and "0%" in page  # day and percent axes
    assert response.context["chart"]["agreed_points"].count(",") == 28  # 03/06 → 30/06, one point a day
    phase = response.context["phases"][0]
    assert (phase["phase"].target_agreed_percent, phase["actual"], phase["met"]) == (50, 100.0, True)
    assert response.context["stuck_days"] == 3 and response.context["stuck"] == []


def test_a_past_campaign_counts_stuck_households_back_from_its_end(world, client_for):
    d = own(world)  # the campaign ran in June 2020; the household was visited on 25/06, hesitant
    Visit.objects.create(household=d.household, team=d.team, date=dt.date(2020, 6, 25), outcome="hesitant")
    client = client_for("sub_head")
    recent = client.get(reverse("campaigns:campaign_detail", args=[d.campaign.pk]), {"stuck_days": "7"})
    assert recent.context["stuck"] == []  # 5 days before the end: not stuck
    assert "tính đến ngày kết thúc chiến dịch (30/06/2020)" in recent.content.decode()
    longer = client.get(reverse("campaigns:campaign_detail", args=[d.campaign.pk]), {"stuck_days": "3"})
    assert [h.pk for h in longer.context["stuck"]] == [d.household.pk]


def test_subcommittee_head_creates_a_campaign_under_the_propaganda_rule(world, client_for):
    d = own(world)
    client = client_for("sub_head")
    form = client.get(reverse("campaigns:campaign_create")).context["form"]
    assert form.initial["rule"] == d.campaign.rule.pk and form.initial["subcommittee"] == d.subs["propaganda"].pk
    response = client.post(reverse("campaigns:campaign_create"), {
        "joint_body": d.body.pk, "subcommittee": d.subs["propaganda"].pk, "name": "Cuộc vận động hiến đất làm đường",
        "kind": "movement", "rule": d.campaign.rule.pk, "reference_prefix": "hd", "areas": [d.commune.pk],
        "start_date": "01/03/2025", "end_date": "30/06/2025", "status": "draft", "message": "Hiến đất làm đường"})
    created = Campaign.objects.get(name="Cuộc vận động hiến đất làm đường")
    assert response.status_code == 302 and response.url == created.get_absolute_url()
    assert created.reference_prefix == "HD" and list(created.areas.all()) == [d.commune]
    # a subcommittee head does not put it under another subcommittee
    other = client.post(reverse("campaigns:campaign_create"), {
        "joint_body": d.body.pk, "subcommittee": d.subs["inspection"].pk, "name": "Giám sát", "kind": "campaign",
        "rule": d.campaign.rule.pk, "reference_prefix": "GS", "start_date": "01/03/2025", "end_date": "30/06/2025",
        "status": "draft"})
    assert other.status_code == 400 and not Campaign.objects.filter(name="Giám sát").exists()


def test_my_households_lists_the_not_yet_contacted_first(world, client_for):
    d = own(world)
    Household.objects.create(campaign=d.campaign, head_name="Đỗ Văn Mới", area=d.commune, team=d.team)
    Household.objects.create(campaign=d.campaign, head_name="Đinh Thị Đã", area=d.commune, team=d.team,
                             status=HouseholdStatus.AGREED)
    rows = client_for("field").get(reverse("campaigns:my_households")).context["page"].object_list
    assert [h.head_name for h in rows] == ["Đỗ Văn Mới", "Nguyễn Văn Hộ", "Đinh Thị Đã"]
    # someone on no team has none
    assert list(client_for("head").get(reverse("campaigns:my_households")).context["page"].object_list) == []


def test_team_page_filters_by_status_and_searches_without_diacritics(world, client_for):
    d = own(world)
    Household.objects.create(campaign=d.campaign, head_name="Hoàng Thị Lựu", area=d.commune, team=d.team,
                             status=HouseholdStatus.AGREED)
    url = reverse("campaigns:team_detail", args=[d.team.pk])
    client = client_for("field")
    assert [h.head_name for h in client.get(url, {"status": "new"}).context["page"].object_list] == ["Nguyễn Văn Hộ"]
    assert [h.head_name for h in client.get(url, {"q": "hoang luu"}).context["page"].object_list] == ["Hoàng Thị Lựu"]
    assert f'href="/households/{d.household.pk}/visit/"' in client.get(url).content.decode()


@pytest.fixture
def households(world, request):
    """The own district's campaign with ``request.param`` households in all, each visited once."""
    d = own(world)
    for i in range(request.param - 1):
        h = Household.objects.create(campaign=d.campaign, head_name=f"Hộ số {i}", area=d.commune, team=d.team,
                                     phone=f"09120000{i:02d}", status=HouseholdStatus.CONTACTED)
        v = Visit.objects.create(household=h, team=d.team, date=dt.date(2020, 6, 2 + i % 20), outcome="hesitant")
        v.organizations.set([d.orgs["HCCB"]])
    assert Household.objects.filter(campaign=d.campaign).count() == request.param
    return request.param


@pytest.mark.parametrize("households", [1, 20], indirect=True)
@pytest.mark.parametrize("url_name,attr,queries", [("campaigns:campaign_detail", "campaign", 18),
                                                   ("campaigns:team_detail", "team", 15)])
def test_campaign_and_team_pages_query_count_does_not_grow_with_households(
        world, client_for, django_assert_num_queries, households, url_name, attr, queries):
    d = own(world)
    client = client_for("sub_head")
    url = reverse(url_name, args=[getattr(d, attr).pk])
    client.get(url)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    if "stuck" in response.context:  # the campaign page lists the 15 longest stuck, and counts them all
        assert len(response.context["stuck"]) == min(households, 15) and response.context["stuck_count"] == households
    else:
        assert len(response.context["page"].object_list) == households


def test_a_team_leader_sees_each_household_of_the_team_once(world, client_for):
    # given the deputy leading a second team of two members (the access filter joins the memberships)
    d = own(world)
    team2 = second_team(world)
    for person, org in ((world.users["field"].person, d.orgs["DTN"]), (world.users["staff"].person, d.orgs["MTTQ"])):
        team2.memberships.create(person=person, organization=org)
    for name in ("Vi Văn Một", "Vi Văn Hai"):
        Household.objects.create(campaign=d.campaign, head_name=name, area=d.commune, team=team2)
    # then its households are listed once each, in the team page and in "my households"
    for url in (reverse("campaigns:team_detail", args=[team2.pk]), reverse("campaigns:my_households")):
        page = client_for("deputy").get(url).context["page"]
        assert sorted(h.head_name for h in page.object_list) == ["Vi Văn Hai", "Vi Văn Một"]
        assert page.paginator.count == 2
