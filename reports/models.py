"""Joint periodic reports: periods, the indicator catalog, submissions and their figures,
the consolidated report and its builds (jobs) and files.

One joint report replaces one report per organization. Organizations submit their figures
for the template's submission period (a month by default); reports for longer periods roll
those up (``reports/rollup.py``). A build freezes the rolled-up figures into a snapshot that
records the submission revisions it used; its files carry a checksum.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from khoi.models import AdministrativeUnit, JointBody, Organization, SearchNameMixin


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Tuần")
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    HALF = "half", _("6 tháng")
    NINE_MONTHS = "nine_months", _("9 tháng")
    YEAR = "year", _("Năm")


class ReportTemplate(models.Model):
    """Cut-off and deadline settings; ``province`` empty is the shipped default.

    ``cutoff_day`` 15 is the State convention (Decree 09/2019): a month runs from the 15th
    of the previous month to the 14th; 1 means calendar months.
    """

    province = models.OneToOneField(
        AdministrativeUnit, verbose_name=_("tỉnh"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="report_template",
    )
    name = models.CharField(_("tên"), max_length=200, default="Báo cáo định kỳ")
    cutoff_day = models.PositiveSmallIntegerField(
        _("ngày bắt đầu kỳ"), default=15, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("15: kỳ tháng từ ngày 15 tháng trước đến ngày 14 (quy ước của Nhà nước); 1: theo tháng dương lịch."),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("hạn nộp (số ngày sau khi kết thúc kỳ)"), default=3, validators=[MaxValueValidator(60)]
    )
    # Submissions must tile the year and the reports made of them (reports/periods.py): month,
    # quarter, half or year — never 9 months, never weeks (they straddle months).
    submission_kind = models.CharField(
        _("kỳ nộp số liệu"), max_length=12, default=PeriodKind.MONTH,
        choices=[(k.value, k.label) for k in PeriodKind if k not in (PeriodKind.NINE_MONTHS, PeriodKind.WEEK)],
    )
    jump_factor = models.DecimalField(
        _("cảnh báo khi số liệu tăng hơn (lần)"), max_digits=5, decimal_places=1, default=3,
        validators=[MinValueValidator(1)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        constraints = [
            models.CheckConstraint(condition=Q(submission_kind__in=["month", "quarter", "half", "year"]),
                                   name="template_submission_kind_tiles_reports"),
        ]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """A reporting period of a template, e.g. ``2023-11``, ``2023-Q4``, ``2023-H1``, ``2023-Y``.

    Dates are computed once by ``reports/periods.py`` when the period is first used, so a
    later change of the template's cut-off does not move past periods.
    """

    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="periods")
    kind = models.CharField(_("loại kỳ"), max_length=12, choices=PeriodKind.choices)
    code = models.CharField(_("mã kỳ"), max_length=10)
    year = models.PositiveSmallIntegerField(_("năm"))
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    deadline = models.DateField(_("hạn nộp"))

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="period_code_unique_in_template"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_dates_ordered"),
        ]
        indexes = [models.Index(fields=["template", "kind", "start"], name="period_kind_start_idx")]

    def __str__(self) -> str:
        from reports import periods

        return periods.label(self.code)


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn (số phát sinh)")
    LATEST = "latest", _("Số cuối kỳ (số tồn)")
    MAX = "max", _("Đạt/không (đếm đơn vị đạt)")
    RATIO = "ratio", _("Tỷ lệ của hai chỉ tiêu")


class ValueType(models.TextChoices):
    COUNT = "count", _("Số lượng")
    AMOUNT = "amount", _("Số tiền (triệu đồng)")
    PERCENT = "percent", _("Tỷ lệ (%)")
    TEXT = "text", _("Văn bản")


class Indicator(SearchNameMixin):
    """One indicator (chỉ tiêu) of a catalog; ``catalog_unit`` empty is the shipped default.

    A province adapts the default by copying it (as with the rule catalog); every edit keeps
    history. Ratios are formulas over two other indicators, never typed numbers.
    """

    catalog_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("danh mục của"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="indicators",
    )
    code = models.CharField(_("mã"), max_length=12)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    group = models.CharField(_("nhóm"), max_length=80, blank=True)
    unit_label = models.CharField(_("đơn vị tính"), max_length=40, blank=True)
    value_type = models.CharField(_("kiểu số liệu"), max_length=10, choices=ValueType.choices, default=ValueType.COUNT)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    numerator = models.ForeignKey(
        "self", verbose_name=_("tử số"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name=_("mẫu số"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_above = models.ForeignKey(
        "self", verbose_name=_("không lớn hơn chỉ tiêu"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Ví dụ: số đã giải quyết không lớn hơn số tiếp nhận."),
    )
    reported_by = models.CharField(
        _("tổ chức báo cáo"), max_length=120, blank=True,
        help_text=_("Mã loại tổ chức, cách nhau bởi dấu cách (MTTQ LDLD HLHPN DTN HND HCCB); để trống: tất cả."),
    )
    is_shared = models.BooleanField(_("số liệu chung của khối"), default=False)
    auto_source = models.CharField(
        _("đếm tự động từ"), max_length=40, blank=True,
        help_text=_("Số liệu phần mềm đã ghi nhận (hộ dân chiến dịch, hồ sơ đầu mối, nhiệm vụ…), không nhập lại."),
    )
    source_note = models.TextField(_("nguồn"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["catalog_unit_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog_unit", "code"], name="indicator_code_unique_in_catalog",
                violation_error_message=_("Danh mục đã có chỉ tiêu với mã này."),
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(catalog_unit__isnull=True), name="indicator_code_unique_in_default",
                violation_error_message=_("Danh mục mặc định đã có chỉ tiêu với mã này."),
            ),
            models.CheckConstraint(
                condition=~Q(aggregation="ratio") | Q(numerator__isnull=False, denominator__isnull=False),
                name="indicator_ratio_has_terms",
                violation_error_message=_("Chỉ tiêu tỷ lệ cần tử số và mẫu số."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("reports:indicator_detail", args=[self.pk])

    @property
    def reporter_codes(self) -> list[str]:
        return self.reported_by.split()

    def reported_by_type(self, org_type_code: str) -> bool:
        return not self.reported_by.strip() or org_type_code in self.reporter_codes

    @property
    def is_typed(self) -> bool:
        """Entered by people (not a ratio, not counted by the app)."""
        return self.aggregation != Aggregation.RATIO and not self.auto_source


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", pgettext_lazy("trạng thái", "Trả lại")


class Submission(models.Model):
    """One organization's figures for one period, one revision.

    A correction after approval makes a new revision (``is_current`` moves to it) and the
    old one stays, so a frozen report can still say which revision it used.
    """

    organization = models.ForeignKey(Organization, verbose_name=_("tổ chức"), on_delete=models.PROTECT, related_name="submissions")
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="submissions")
    revision = models.PositiveSmallIntegerField(_("lần"), default=1)
    is_current = models.BooleanField(default=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("duyệt/trả lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField(_("lý do trả lại"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu báo cáo")
        verbose_name_plural = _("số liệu báo cáo")
        ordering = ["period__start", "organization__unit__path", "organization__org_type__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "period", "revision"], name="submission_revision_unique"),
            models.UniqueConstraint(
                fields=["organization", "period"], condition=Q(is_current=True), name="submission_one_current",
                violation_error_message=_("Tổ chức đã có số liệu cho kỳ này."),
            ),
        ]
        indexes = [models.Index(fields=["period", "is_current", "status"], name="submission_period_idx")]

    def __str__(self) -> str:
        return f"{self.organization} — {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("reports:submission_detail", args=[self.pk])

    @property
    def is_late(self) -> bool:
        """Submitted after the deadline, or still not submitted once it has passed."""
        deadline = self.period.deadline
        if self.submitted_at:
            return timezone.localtime(self.submitted_at).date() > deadline
        return timezone.localdate() > deadline


class Figure(models.Model):
    """One typed value of a submission (numbers non-negative; text for text indicators)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="figures")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="figures")
    value = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="figure_unique_per_submission"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="figure_not_negative"),
        ]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    BUILT = "built", _("Đã lập")
    RETURNED = "returned", _("Bị trả lại")


class Report(models.Model):
    """The joint report of a joint body for a period: its number, narrative and state."""

    joint_body = models.ForeignKey(JointBody, verbose_name=_("cơ quan khối"), on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="reports")
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 12-BC/KDV"))
    place = models.CharField(_("địa danh"), max_length=80, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    title = models.CharField(_("trích yếu"), max_length=300, blank=True)
    achievements = models.TextField(_("kết quả đạt được"), blank=True)
    limitations = models.TextField(_("hạn chế"), blank=True)
    causes = models.TextField(_("nguyên nhân"), blank=True)
    next_tasks = models.TextField(_("nhiệm vụ kỳ tới"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=120, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    return_comment = models.TextField(_("ý kiến trả lại"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("báo cáo chung")
        verbose_name_plural = _("báo cáo chung")
        ordering = ["-period__start", "joint_body__unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["joint_body", "period"], name="report_one_per_body_period",
                violation_error_message=_("Cơ quan khối đã có báo cáo cho kỳ này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.joint_body} — {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])


class BuildStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class ReportBuild(models.Model):
    """One build of a report (the Celery job and its versioned snapshot).

    Job state lives here, not in Celery results. ``content_key`` hashes what the output depends
    on (the narrative, the submission revisions and figures read, the catalog);
    ``idempotency_key`` chains it to the build it follows, so the same request twice gives one
    build, while going back to an earlier content makes a new, latest version.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="builds")
    version = models.PositiveIntegerField(_("phiên bản"))
    content_key = models.CharField(max_length=64, blank=True, default="")
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(_("bước"), max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    snapshot = models.JSONField(null=True, blank=True, help_text="figures frozen at build time, with the submission revisions used")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần lập báo cáo")
        verbose_name_plural = _("lần lập báo cáo")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="build_version_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="build_progress_max_100"),
        ]
        indexes = [models.Index(fields=["status", "lease_until"], name="build_status_lease_idx")]

    def __str__(self) -> str:
        return f"{self.report} v{self.version}"

    @property
    def stage_display(self) -> str:
        """The stage in the reader's language (stored in Vietnamese, the source strings)."""
        from django.utils.translation import gettext

        return gettext(self.stage) if self.stage else ""


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word"
    XLSX = "xlsx", "Excel"


def build_file_path(instance: "ReportFile", filename: str) -> str:
    return f"reports/{instance.build_id}/{instance.sha256[:16]}.{instance.format}"


class ReportFile(models.Model):
    """One rendered document of a build; at most one per format (exactly-once effect)."""

    build = models.ForeignKey(ReportBuild, on_delete=models.CASCADE, related_name="files")
    format = models.CharField(max_length=4, choices=FileFormat.choices)
    file = models.FileField(upload_to=build_file_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["build", "format"], name="reportfile_one_per_format")]
