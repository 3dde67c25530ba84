"""Tasks as users meet them: a subcommittee head assigns, the assignee sees it on the home page
(overdue ones stand out) and is notified of every change by someone else."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from khoi.models import Notification
from subcommittees import services
from subcommittees.models import Task, TaskStatus

pytestmark = pytest.mark.django_db


def test_subcommittee_head_assigns_a_task_that_appears_on_the_assignees_home_page(world, client_for):
    d = world.districts["own"]
    staff_person = world.users["staff"].person  # works for the Front committee, a member organization
    response = client_for("sub_head").post(reverse("subcommittees:task_create"), {
        "joint_body": d.body.pk, "subcommittee": d.subs["propaganda"].pk, "activity": d.joint_activity.pk,
        "title": "Chuẩn bị tài liệu tuyên truyền hiến đất", "description": "",
        "assignee": staff_person.pk, "due_date": (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y"),
    })
    assert response.status_code == 302
    home = client_for("staff").get(reverse("home")).content.decode()
    assert "Chuẩn bị tài liệu tuyên truyền hiến đất" in home
    assert Notification.objects.filter(recipient=world.users["staff"], text__contains="Chuẩn bị tài liệu").exists()


def test_overdue_tasks_stand_out_on_the_home_page(world, client_for):
    d = world.districts["own"]
    Task.objects.create(joint_body=d.body, subcommittee=d.subs["propaganda"], title="Nộp báo cáo quý",
                        assignee=world.users["staff"].person, due_date=timezone.localdate() - dt.timedelta(days=3))
    home = client_for("staff").get(reverse("home")).content.decode()
    assert 'class="overdue"' in home and "quá hạn" in home


def test_a_subcommittee_head_assigns_only_within_her_part(world):
    d = world.districts["own"]
    with pytest.raises(PermissionDenied):
        services.task_save(actor=world.users["sub_head"], joint_body=d.body, subcommittee=d.subs["inspection"],
                           title="Giám sát", assignee=world.users["staff"].person,
                           due_date=timezone.localdate() + dt.timedelta(days=3))


def test_the_assignee_must_work_for_the_body_or_a_member_organization(world):
    d, other = world.districts["own"], world.districts["other_district"]
    with pytest.raises(ValidationError) as error:
        services.task_save(actor=world.users["head"], joint_body=d.body, title="Việc", assignee=other.person,
                           due_date=timezone.localdate() + dt.timedelta(days=3))
    assert "assignee" in error.value.message_dict


def test_every_change_notifies_the_assignee_and_by_email_when_configured(world, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.KHOI_SEND_EMAIL = True
    d = world.districts["own"]
    staff = world.users["staff"]
    staff.email = "canbo@example.vn"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        task = services.task_save(actor=world.users["head"], joint_body=d.body, title="Tổng hợp ý kiến",
                                  assignee=staff.person, due_date=timezone.localdate() + dt.timedelta(days=3))
        services.task_save(actor=world.users["head"], joint_body=d.body, task=task, title="Tổng hợp ý kiến",
                           assignee=staff.person, due_date=timezone.localdate() + dt.timedelta(days=10))
    texts = list(Notification.objects.filter(recipient=staff).values_list("text", flat=True))
    assert any("Bạn được giao" in t for t in texts) and any("hạn mới" in t for t in texts)
    assert [m.to for m in mail.outbox] == [["canbo@example.vn"], ["canbo@example.vn"]]


def test_the_assignee_reports_progress_and_the_assigner_hears_of_it(world, client_for):
    d = world.districts["own"]
    task = services.task_save(actor=world.users["head"], joint_body=d.body, title="Viết tin bài",
                              assignee=world.users["staff"].person, due_date=timezone.localdate() + dt.timedelta(days=3))
    response = client_for("staff").post(reverse("subcommittees:task_status", args=[task.pk]),
                                        {"status": TaskStatus.DONE, "result": "Đã đăng 2 tin"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_at is not None
    assert Notification.objects.filter(recipient=world.users["head"], text__contains="Viết tin bài").exists()
