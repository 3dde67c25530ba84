"""Tasks (nhiệm vụ) the head and subcommittee heads assign to staff of any member organization."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from khoi.models import JointBody, Person, SearchNameMixin, Subcommittee


class TaskStatus(models.TextChoices):
    TODO = "todo", _("Chưa làm")
    IN_PROGRESS = "in_progress", _("Đang làm")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", pgettext_lazy("trạng thái", "Hủy")


OPEN_STATUSES = (TaskStatus.TODO, TaskStatus.IN_PROGRESS)


class Task(SearchNameMixin):
    """A task with a due date, linked to an activity of the work programme or standalone."""

    NAME_FIELD = "title"

    joint_body = models.ForeignKey(JointBody, verbose_name=_("cơ quan khối"), on_delete=models.CASCADE, related_name="tasks")
    subcommittee = models.ForeignKey(Subcommittee, verbose_name=_("bộ phận giao"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="tasks")
    activity = models.ForeignKey("programme.Activity", verbose_name=_("hoạt động"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tasks")
    title = models.CharField(_("nhiệm vụ"), max_length=250)
    description = models.TextField(_("mô tả"), blank=True)
    assignee = models.ForeignKey(Person, verbose_name=_("người thực hiện"), on_delete=models.PROTECT, related_name="tasks")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    due_date = models.DateField(_("hạn"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.TODO)
    result = models.TextField(_("kết quả"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["assignee", "status", "due_date"], name="task_assignee_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("subcommittees:task_detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_STATUSES and self.due_date < timezone.localdate()
