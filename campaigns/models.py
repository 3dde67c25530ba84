"""Campaigns with cross-organization work teams, one per area; households and their visits;
citizens' cases through one single point of contact ("đầu mối").

Invariants held by the database: an area belongs to at most one team of a campaign; a
household is covered by at most one team (one foreign key); one household and topic opens
one case; a case reference is unique.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from khoi.models import AdministrativeUnit, CoordinationRule, JointBody, Organization, Person, SearchNameMixin, Subcommittee


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Chiến dịch")
    MOVEMENT = "movement", _("Cuộc vận động")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    ACTIVE = "active", _("Đang triển khai")
    CLOSED = "closed", _("Đã kết thúc")


class Campaign(SearchNameMixin):
    """A campaign of the joint body (under the shared propaganda–mobilization rule)."""

    joint_body = models.ForeignKey(JointBody, verbose_name=_("cơ quan khối"), on_delete=models.CASCADE, related_name="campaigns")
    subcommittee = models.ForeignKey(Subcommittee, verbose_name=_("tiểu ban phụ trách"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="campaigns")
    rule = models.ForeignKey(CoordinationRule, verbose_name=_("quy tắc phối hợp"), on_delete=models.PROTECT)
    name = models.CharField(_("tên"), max_length=250)
    kind = models.CharField(_("loại"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.CAMPAIGN)
    message = models.TextField(_("nội dung tuyên truyền"), blank=True)
    situation = models.TextField(_("tình hình"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    solutions = models.TextField(_("giải pháp"), blank=True)
    director = models.ForeignKey(Person, verbose_name=_("người chỉ đạo chung"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="directed_campaigns")
    areas = models.ManyToManyField(AdministrativeUnit, verbose_name=_("địa bàn"), blank=True, related_name="campaigns")
    reference_prefix = models.CharField(_("tiền tố số hồ sơ"), max_length=8, help_text=_("Ví dụ DH cho Đầm Hà"))
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    status = models.CharField(_("trạng thái"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chiến dịch")
        verbose_name_plural = _("chiến dịch")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="campaign_dates_ordered",
                                   violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu.")),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", args=[self.pk])


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("giai đoạn"), max_length=200)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    target = models.CharField(_("chỉ tiêu"), max_length=250, blank=True)
    target_agreed_percent = models.PositiveSmallIntegerField(_("tỷ lệ hộ đồng thuận (%)"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "sort_order", "start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="phase_dates_ordered"),
            models.CheckConstraint(condition=Q(target_agreed_percent__lte=100), name="phase_percent_max_100"),
        ]


class WorkTeam(models.Model):
    """A cross-organization work team, led by a leader of a member organization."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("tên tổ"), max_length=120)
    leader = models.ForeignKey(Person, verbose_name=_("tổ trưởng"), on_delete=models.PROTECT, related_name="led_teams")

    class Meta:
        verbose_name = _("tổ công tác")
        verbose_name_plural = _("tổ công tác")
        ordering = ["campaign", "name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="team_name_unique",
                                               violation_error_message=_("Chiến dịch đã có tổ cùng tên."))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:team_detail", args=[self.pk])


class TeamMember(models.Model):
    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="team_memberships")
    organization = models.ForeignKey(Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="team_member_unique")]


class TeamArea(models.Model):
    """An area (commune, residential area) assigned to a team. ``campaign`` is the team's,
    copied so that the database itself refuses a second team on the same area."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="team_areas")
    team = models.ForeignKey(WorkTeam, on_delete=models.CASCADE, related_name="areas")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="one_team_per_area",
                                    violation_error_message=_("Địa bàn này đã được giao cho một tổ khác của chiến dịch.")),
        ]


class HouseholdStatus(models.TextChoices):
    NOT_CONTACTED = "new", _("Chưa tiếp xúc")
    CONTACTED = "contacted", _("Đã tiếp xúc")
    AGREED = "agreed", _("Đồng thuận")
    COMPLETED = "completed", _("Hoàn thành")
    BLOCKED = "blocked", _("Vướng mắc")


class Household(SearchNameMixin):
    """A household a campaign targets; covered by exactly one team."""

    NAME_FIELD = "head_name"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="households")
    head_name = models.CharField(_("chủ hộ"), max_length=120)
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    address = models.CharField(_("địa chỉ"), max_length=250, blank=True)
    area = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    extra = models.JSONField(_("thông tin riêng của chiến dịch"), default=dict, blank=True)
    team = models.ForeignKey(WorkTeam, verbose_name=_("tổ phụ trách"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="households")
    reassignment_reason = models.CharField(_("lý do giao lại"), max_length=250, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=HouseholdStatus.choices,
                              default=HouseholdStatus.NOT_CONTACTED)
    blocked_reason = models.CharField(_("lý do vướng mắc"), max_length=250, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # a manager looked at its look-alikes (same name, same area) and said: another household
    distinct_confirmed = models.BooleanField(_("đã xác nhận không trùng"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hộ dân")
        verbose_name_plural = _("hộ dân")
        ordering = ["campaign", "area", "search_name"]
        indexes = [
            models.Index(fields=["campaign", "team", "status"], name="household_team_status_idx"),
            models.Index(fields=["campaign", "name_key"], name="household_name_key_idx"),
        ]

    def __str__(self) -> str:
        return self.head_name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:household_detail", args=[self.pk])


class VisitOutcome(models.TextChoices):
    AGREED = "agreed", _("Đồng thuận")
    HESITANT = "hesitant", _("Còn băn khoăn")
    REFUSED = "refused", _("Không đồng ý")
    NEEDS_SUPPORT = "support", _("Cần hỗ trợ")


class Visit(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    team = models.ForeignKey(WorkTeam, on_delete=models.PROTECT, related_name="visits")
    date = models.DateField(_("ngày"))
    organizations = models.ManyToManyField(Organization, verbose_name=_("tổ chức tham gia"), related_name="+")
    outcome = models.CharField(_("kết quả"), max_length=10, choices=VisitOutcome.choices)
    raised = models.TextField(_("hộ dân nêu, kiến nghị"), blank=True)
    next_step = models.CharField(_("bước tiếp theo"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lần tiếp xúc")
        verbose_name_plural = _("lần tiếp xúc")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["team", "date"], name="visit_team_date_idx")]


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


class Case(models.Model):
    """A citizen's question, request or complaint, recorded once at the single point of contact."""

    reference = models.CharField(_("số hồ sơ"), max_length=30, unique=True)
    joint_body = models.ForeignKey(JointBody, on_delete=models.CASCADE, related_name="cases")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    topic = models.CharField(_("chủ đề"), max_length=200)
    topic_key = models.CharField(max_length=200, editable=False, default="")
    citizen_name = models.CharField(_("người gửi"), max_length=120)
    phone = models.CharField(_("điện thoại"), max_length=20)
    content = models.TextField(_("nội dung"))
    responsible = models.ForeignKey(Person, verbose_name=_("người phụ trách"), on_delete=models.PROTECT, related_name="cases")
    organizations = models.ManyToManyField(Organization, verbose_name=_("tổ chức liên quan"), blank=True, related_name="+")
    deadline = models.DateField(_("hạn trả lời"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hồ sơ đầu mối")
        verbose_name_plural = _("hồ sơ đầu mối")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["household", "topic_key"], condition=Q(household__isnull=False),
                                    name="one_case_per_household_topic",
                                    violation_error_message=_("Hộ này đã có hồ sơ cùng chủ đề: bổ sung vào hồ sơ đó.")),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("campaigns:case_detail", args=[self.pk])


class ReferenceCounter(models.Model):
    """The last number used per prefix and year, taken under a row lock."""

    prefix = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")]
