"""The joint work programme ("chương trình công tác"): one per joint body per year, made of
activities, each under a rule of the "9 chung, 14 chia" catalog. Shared activities belong
to the joint body; separate ones to one organization."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from khoi.models import AdministrativeUnit, CoordinationRule, JointBody, Organization, SearchNameMixin, Subcommittee


class TargetGroup(models.TextChoices):
    YOUTH = "youth", _("Thanh niên")
    WOMEN = "women", _("Phụ nữ")
    FARMERS = "farmers", _("Nông dân")
    VETERANS = "veterans", _("Cựu chiến binh")
    WORKERS = "workers", _("Công nhân, người lao động")
    MEMBERS = "members", _("Đoàn viên, hội viên")
    HOUSEHOLDS = "households", _("Hộ gia đình trên địa bàn")
    CADRES = "cadres", _("Cán bộ các tổ chức")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", pgettext_lazy("trạng thái", "Hủy")


class WorkProgramme(models.Model):
    """A joint body's work programme for one year."""

    joint_body = models.ForeignKey(JointBody, verbose_name=_("cơ quan khối"), on_delete=models.CASCADE, related_name="programmes")
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên"), max_length=200)

    class Meta:
        verbose_name = _("chương trình công tác")
        verbose_name_plural = _("chương trình công tác")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["joint_body", "year"], name="programme_one_per_year",
                                    violation_error_message=_("Cơ quan khối đã có chương trình công tác năm này.")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:programme_detail", args=[self.pk])


class Activity(SearchNameMixin):
    """One planned activity. ``owner`` empty: a joint activity of the whole body (shared rule);
    otherwise one organization's own activity (separate rule, or an exception)."""

    NAME_FIELD = "title"

    programme = models.ForeignKey(WorkProgramme, verbose_name=_("chương trình"), on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("tên hoạt động"), max_length=250)
    content = models.TextField(_("nội dung"), blank=True)
    tags = models.JSONField(_("chủ đề"), default=list, blank=True)
    rule = models.ForeignKey(CoordinationRule, verbose_name=_("quy tắc phối hợp"), on_delete=models.PROTECT)
    owner = models.ForeignKey(Organization, verbose_name=_("tổ chức chủ trì riêng"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="own_activities",
                              help_text=_("Để trống: hoạt động chung của cơ quan khối."))
    participants = models.ManyToManyField(Organization, verbose_name=_("tổ chức tham gia"), blank=True,
                                          related_name="activities")
    subcommittee = models.ForeignKey(Subcommittee, verbose_name=_("bộ phận phụ trách"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="activities")
    target_groups = models.JSONField(_("đối tượng"), default=list, blank=True)
    areas = models.ManyToManyField(AdministrativeUnit, verbose_name=_("địa bàn"), blank=True, related_name="activities")
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED)
    result_notes = models.TextField(_("kết quả"), blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from",
                                    verbose_name=_("đã gộp vào"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="activity_dates_ordered",
                                   violation_error_message=_("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")),
        ]
        indexes = [models.Index(fields=["programme", "start_date", "end_date"], name="activity_period_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme:activity_detail", args=[self.pk])

    @property
    def is_joint(self) -> bool:
        return self.owner_id is None

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(code, code)) for code in self.target_groups]


class ActivityAttachment(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="activities/%Y/")
    name = models.CharField(_("tên tệp"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class SharedException(models.Model):
    """The head allowed an organization its own instance of a shared matter, with a reason."""

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="shared_exception")
    joint_activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(_("lý do"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)


class OverlapStatus(models.TextChoices):
    OPEN = "open", _("Chưa xử lý")
    MERGED = "merged", _("Đã gộp")
    KEPT = "kept", _("Giữ cả hai")
    MOVED = "moved", _("Đã dời")


class Overlap(models.Model):
    """Two activities of different organizations that look alike (smaller id first)."""

    first = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    status = models.CharField(_("trạng thái"), max_length=8, choices=OverlapStatus.choices, default=OverlapStatus.OPEN)
    resolution = models.TextField(_("lý do xử lý"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)

    REASON_LABELS = {"title": _("tên gần giống"), "dates": _("trùng thời gian"), "area": _("cùng địa bàn"),
                     "targets": _("cùng đối tượng")}

    def reason_labels(self) -> list[str]:
        from khoi.text import fold

        written = {fold(t): t for t in list(self.first.tags) + list(self.second.tags)}  # as the users typed them
        labels = []
        for reason in self.reasons:
            if reason.startswith("tags:"):
                tags = [written.get(t, t) for t in reason[5:].split(",")]
                labels.append(_("cùng chủ đề: %(tags)s") % {"tags": ", ".join(tags)})
            else:
                labels.append(str(self.REASON_LABELS.get(reason, reason)))
        return labels

    class Meta:
        verbose_name = _("trùng lặp")
        verbose_name_plural = _("trùng lặp")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="overlap_pair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="overlap_pair_ordered"),
        ]
