"""Two subcommittee heads assign the same commune to two teams at the same moment, on
PostgreSQL: the database lets exactly one win, the other gets a clear message."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection

from campaigns import services
from campaigns.models import Campaign, TeamArea, WorkTeam
from khoi.models import CoordinationRule, JointBody, Organization, OrganizationType, Person, Position
from tests.world import unit


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_assignments_of_one_area_exactly_one_wins(postgres):
    # given a campaign with two teams and one commune
    province = unit("81", "Tỉnh Thử", "province")
    district = unit("811", "Huyện Thử", "district", province)
    commune = unit("81101", "Xã Thử", "commune", district)
    body = JointBody.objects.create(unit=district, name="Cơ quan Khối huyện Thử")
    campaign = Campaign.objects.create(joint_body=body, rule=CoordinationRule.objects.get(catalog_unit__isnull=True, code="C5"),
                                       name="Chiến dịch thử", reference_prefix="TH",
                                       start_date=dt.date(2020, 6, 1), end_date=dt.date(2020, 6, 30))
    org = Organization.objects.create(org_type=OrganizationType.objects.get(code="HLHPN"), unit=district, name="Hội LHPN")
    leader = Person.objects.create(full_name="Tổ Trưởng", unit=district)
    Position.objects.create(person=leader, title="Chủ tịch", role="head", organization=org, unit=district,
                            start_date=dt.date(2019, 1, 1))
    teams = [WorkTeam.objects.create(campaign=campaign, name=f"Tổ {i}", leader=leader) for i in (1, 2)]
    admin = get_user_model().objects.create_superuser("quantri", password="x" * 12)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def assign(team_id: int) -> None:
        try:
            team = WorkTeam.objects.select_related("campaign__joint_body__unit").get(pk=team_id)
            barrier.wait(timeout=10)
            services.team_assign_area(actor=admin, team=team, unit=commune)
            results.append("won")
        except ValidationError as error:
            results.append(error.messages[0])
        finally:
            connection.close()

    # when both assign at once, each on its own database connection
    threads = [threading.Thread(target=assign, args=(t.pk,)) for t in teams]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then exactly one wins and the other is told which team has the commune
    assert results.count("won") == 1, results
    loser = next(r for r in results if r != "won")
    holder = TeamArea.objects.get(campaign=campaign, unit=commune).team
    assert f"Xã Thử đã được giao cho {holder.name}" in loser
    assert TeamArea.objects.filter(campaign=campaign).count() == 1
