"""The joint work programme's rules as users meet them: shared matters stay joint, look-alike
activities of different organizations are flagged and resolved, history is kept."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khoi.models import CoordinationRule
from programme import services
from programme.models import Activity, ActivityStatus, Overlap, OverlapStatus, SharedException

pytestmark = pytest.mark.django_db
D = dt.date


def rule(code):
    return CoordinationRule.objects.get(catalog_unit__code="91", code=code)  # province P1's catalog


def save(world, actor, **fields):
    d = world.districts["own"]
    defaults = dict(title="Hoạt động", content="", tags=[], rule=rule("C5"), owner=None, subcommittee=None,
                    target_groups=[], areas=[], participants=[], start_date=D(2024, 12, 16), end_date=D(2024, 12, 17),
                    status=ActivityStatus.PLANNED, result_notes="")
    defaults.update(fields)
    return services.activity_save(actor=world.users[actor], programme=d.programme, **defaults)


@pytest.fixture
def joint_conference(world):
    return save(world, "head", title="Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối", rule=rule("C3"))


def test_deputy_cannot_hold_her_own_year_end_review_while_the_joint_one_exists(world, joint_conference):
    d = world.districts["own"]
    count = Activity.objects.count()
    with pytest.raises(services.SharedMatterConflict) as refused:
        save(world, "deputy", title="Hội nghị tổng kết công tác Hội năm 2024", rule=rule("C3"), owner=d.orgs["HLHPN"],
             start_date=D(2024, 12, 9), end_date=D(2024, 12, 9))
    message = " ".join(refused.value.messages)
    assert "Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối" in message
    assert joint_conference.get_absolute_url() in message
    assert refused.value.joint == joint_conference
    assert Activity.objects.count() == count


def test_the_deputy_cannot_grant_herself_an_exception(world, joint_conference):
    d = world.districts["own"]
    with pytest.raises(ValidationError, match="Chỉ thủ trưởng"):
        save(world, "deputy", title="Hội nghị tổng kết Hội", rule=rule("C3"), owner=d.orgs["HLHPN"],
             exception_reason="Hội muốn tổ chức riêng")


def test_an_exception_allowed_by_the_head_is_recorded(world, joint_conference):
    d = world.districts["own"]
    # the head is also staff of the Front committee, whose own review this is
    from tests.world import position
    from khoi.models import PositionRole

    position(world.users["head"].person, d.orgs["MTTQ"], "Chủ tịch Ủy ban MTTQ huyện", PositionRole.HEAD)
    world.users["head"].__dict__.pop("_khoi_grants", None)
    own = save(world, "head", title="Hội nghị tổng kết riêng của Ủy ban MTTQ", rule=rule("C3"), owner=d.orgs["MTTQ"],
               exception_reason="Theo hướng dẫn ngành dọc, phải tổng kết trước ngày 10/12.")
    exception = SharedException.objects.get(activity=own)
    assert exception.joint_activity == joint_conference and "ngành dọc" in exception.reason


def test_a_separate_activity_is_seen_by_others_but_changed_only_by_its_organization(world):
    d = world.districts["own"]
    own = d.own_activity
    with pytest.raises(PermissionDenied):
        save(world, "staff", activity=own, title="Đổi tên", rule=own.rule, owner=own.owner)
    assert Activity.objects.get(pk=own.pk).title == own.title
    edited = save(world, "deputy", activity=own, title="Tập huấn phòng chống ma túy (sửa)", rule=own.rule, owner=own.owner,
                  start_date=own.start_date, end_date=own.end_date, areas=[d.commune])
    assert edited.history.count() >= 1 and edited.title.endswith("(sửa)")


def test_look_alike_activities_of_two_organizations_are_flagged(world):
    d = world.districts["own"]
    from tests.world import position
    from khoi.models import Person, PositionRole

    youth_staff = Person.objects.create(full_name="Bí Thư Đoàn", unit=d.unit)
    position(youth_staff, d.orgs["HND"], "Chủ tịch Hội Nông dân", PositionRole.HEAD)
    from django.contrib.auth import get_user_model

    farmer = get_user_model().objects.create_user(username="farmer", password="x" * 12)
    youth_staff.user = farmer
    youth_staff.save()
    world.users["farmer"] = farmer
    flagged = save(world, "farmer", title="Tập huấn phòng chống ma túy cho hội viên nông dân", rule=rule("R6"),
                   owner=d.orgs["HND"], tags=["Phòng chống ma túy"], areas=[d.commune],
                   start_date=D(2024, 9, 11), end_date=D(2024, 9, 11))
    pairs = Overlap.objects.filter(status=OverlapStatus.OPEN).filter(second=flagged)
    assert pairs.count() == 2  # with the Women's Union's and the Youth Union's trainings
    # moved a month later, the flags disappear
    save(world, "farmer", activity=flagged, title=flagged.title, rule=rule("R6"), owner=d.orgs["HND"],
         tags=["Phòng chống ma túy"], areas=[d.commune], start_date=D(2024, 10, 15), end_date=D(2024, 10, 15))
    assert not Overlap.objects.filter(second=flagged).exists()


def test_merging_makes_one_joint_activity_with_both_organizations_and_keeps_history(world):
    d = world.districts["own"]
    overlap = d.overlap
    merged = services.overlap_merge(actor=world.users["head"], overlap=overlap, rule=rule("C5"),
                                    title="Tập huấn chung phòng chống ma túy")
    absorbed = Activity.objects.get(pk=overlap.second_id)
    assert merged.owner is None and merged.rule.code == "C5"
    assert {d.orgs["HLHPN"], d.orgs["DTN"]} <= set(merged.participants.all())
    assert absorbed.merged_into == merged and absorbed.status == ActivityStatus.CANCELLED
    assert Overlap.objects.get(pk=overlap.pk).status == OverlapStatus.MERGED
    assert merged.history.count() >= 1 and absorbed.history.count() >= 1


def test_only_the_head_resolves_overlaps_and_keeping_needs_a_reason(world):
    d = world.districts["own"]
    with pytest.raises(PermissionDenied):
        services.overlap_keep(actor=world.users["deputy"], overlap=d.overlap, reason="Khác nội dung")
    with pytest.raises(ValidationError):
        services.overlap_keep(actor=world.users["head"], overlap=d.overlap, reason="  ")
    services.overlap_keep(actor=world.users["head"], overlap=d.overlap, reason="Hai lớp cho hai đối tượng khác nhau")
    assert Overlap.objects.get(pk=d.overlap.pk).status == OverlapStatus.KEPT


def test_moving_one_activity_must_end_the_clash(world):
    d = world.districts["own"]
    with pytest.raises(ValidationError):
        services.overlap_move(actor=world.users["head"], overlap=d.overlap, activity=d.overlap.second,
                              start_date=D(2024, 9, 11), end_date=D(2024, 9, 11))
    services.overlap_move(actor=world.users["head"], overlap=d.overlap, activity=d.overlap.second,
                          start_date=D(2024, 10, 1), end_date=D(2024, 10, 1))
    assert Overlap.objects.get(pk=d.overlap.pk).status == OverlapStatus.MOVED
    assert Activity.objects.get(pk=d.overlap.second_id).start_date == D(2024, 10, 1)


def test_a_separate_rule_needs_an_owner_and_areas_stay_in_the_territory(world):
    other = world.districts["other_district"]
    with pytest.raises(ValidationError) as error:
        save(world, "head", rule=rule("R6"), areas=[other.commune])
    assert "owner" in error.value.message_dict and "areas" in error.value.message_dict
