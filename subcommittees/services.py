"""Tasks: assigned by the head or a subcommittee head to staff of any member organization;
every change is notified to the assignee."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khoi import access, text
from khoi.models import JointBody, Person, Position, Subcommittee, current_positions
from khoi.notifications import notify
from subcommittees.models import OPEN_STATUSES, Task, TaskStatus


def assignable_people(joint_body: JointBody):
    """Who may receive a task: people holding a position in the body, its parts or a member organization."""
    return Person.objects.filter(
        pk__in=Position.objects.filter(current_positions()).filter(
            Q(joint_body=joint_body) | Q(subcommittee__joint_body=joint_body)
            | Q(organization__in=joint_body.members.all())
        ).values("person_id")
    )


def _notify_assignee(task: Task, actor, message: str) -> None:
    user = task.assignee.user
    if user is not None and user != actor:
        notify(user=user, text=message, url=task.get_absolute_url())


@transaction.atomic
def task_save(*, actor, joint_body: JointBody, task: Task | None = None, subcommittee: Subcommittee | None = None,
              activity=None, title: str, description: str = "", assignee: Person, due_date: dt.date,
              status: str | None = None) -> Task:
    """Assign a new task or change one (the head for the whole body, a subcommittee head for theirs)."""
    creating = task is None
    task = task or Task(assigned_by=actor)
    old_assignee, old_due = (task.assignee_id, task.due_date) if not creating else (None, None)
    task.joint_body, task.subcommittee, task.activity = joint_body, subcommittee, activity
    task.title, task.description = text.clean(title), description.strip()
    task.assignee, task.due_date = assignee, due_date
    if status:
        task.status = status
    access.ensure(actor, access.CHANGE, task)
    if subcommittee is not None and subcommittee.joint_body_id != joint_body.pk:
        raise ValidationError({"subcommittee": _("Bộ phận giao việc phải thuộc cơ quan khối này.")})
    if activity is not None and activity.programme.joint_body_id != joint_body.pk:
        raise ValidationError({"activity": _("Hoạt động phải thuộc chương trình của cơ quan khối này.")})
    if not assignable_people(joint_body).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("Người thực hiện phải là cán bộ của cơ quan khối hoặc một tổ chức thành viên.")})
    if creating and due_date < timezone.localdate():
        raise ValidationError({"due_date": _("Hạn hoàn thành không được ở trong quá khứ.")})
    task.full_clean(exclude=["search_name"])
    task.save()
    if creating or old_assignee != task.assignee_id:
        _notify_assignee(task, actor, _("Bạn được giao nhiệm vụ “%(title)s”, hạn %(due)s.")
                         % {"title": task.title, "due": task.due_date.strftime("%d/%m/%Y")})
    else:
        what = _("hạn mới %(due)s") % {"due": task.due_date.strftime("%d/%m/%Y")} if old_due != task.due_date else _("đã cập nhật")
        _notify_assignee(task, actor, _("Nhiệm vụ “%(title)s”: %(what)s.") % {"title": task.title, "what": what})
    return task


def can_report(user, task: Task) -> bool:
    """The assignee reports progress; whoever manages the task may too."""
    person = getattr(user, "person", None)
    return (person is not None and person.pk == task.assignee_id) or access.can(user, access.CHANGE, task)


@transaction.atomic
def task_set_status(*, actor, task: Task, status: str, result: str = "") -> Task:
    if not can_report(actor, task):
        raise PermissionDenied
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    task.status = status
    task.result = result.strip() or task.result
    task.done_at = timezone.now() if status == TaskStatus.DONE else None
    task.save(update_fields=["status", "result", "done_at"])
    _notify_assignee(task, actor, _("Nhiệm vụ “%(title)s” chuyển sang “%(status)s”.")
                     % {"title": task.title, "status": task.get_status_display()})
    if task.assigned_by_id and task.assigned_by != actor:
        notify(user=task.assigned_by, text=_("%(who)s cập nhật nhiệm vụ “%(title)s”: %(status)s.") % {
            "who": task.assignee.full_name, "title": task.title, "status": task.get_status_display()},
            url=task.get_absolute_url())
    return task
