"""The core domain: administrative units, organizations, the joint body ("Cơ quan Khối"),
people and their positions, and the coordination-rule catalog ("9 chung, 14 chia").

Levels, types, titles and the rule catalog are data. No code path assumes a district
level: units form a tree and everything walks it through the materialized ``path``.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from khoi import text


class UnitLevel(models.TextChoices):
    """Labels only: code never branches on a level, it walks the tree."""

    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")
    AREA = "area", _("Khu dân cư")


class SearchNameMixin(models.Model):
    """Stores the display name NFC-clean and a folded copy for diacritic-free search."""

    search_name = models.CharField(_("tên tìm kiếm"), max_length=300, db_index=True, editable=False, default="")

    NAME_FIELD = "name"

    class Meta:
        abstract = True

    def normalize_text(self) -> None:
        setattr(self, self.NAME_FIELD, text.clean(getattr(self, self.NAME_FIELD)))
        self.search_name = text.fold(getattr(self, self.NAME_FIELD))

    def save(self, *args, **kwargs):
        self.normalize_text()
        super().save(*args, **kwargs)


class AdministrativeUnit(SearchNameMixin):
    """A province, district, commune or residential area, valid over a period of time.

    ``path`` is the chain of primary keys from the root ("/12/345/"), so a subtree is one
    indexed prefix filter. Units are never deleted: a unit abolished in the 2025 reform
    keeps its history and points to its successors.
    """

    code = models.CharField(_("mã"), max_length=12, help_text=_("Mã đơn vị hành chính, giữ số 0 ở đầu."))
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên ngắn"), max_length=200, blank=True)
    unit_type = models.CharField(_("loại"), max_length=40, help_text=_("Ví dụ: Tỉnh, Thành phố, Huyện, Xã, Phường, Đặc khu"))
    level = models.CharField(_("cấp"), max_length=12, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self", through="UnitSuccession", symmetrical=False, related_name="predecessors", blank=True
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_to__isnull=True), name="unit_current_code_unique",
                violation_error_message=_("Đã có một đơn vị đang hiệu lực với mã này."),
            ),
            models.UniqueConstraint(
                fields=["code", "valid_to"], condition=Q(valid_to__isnull=False), name="unit_past_code_unique",
                violation_error_message=_("Đã có một đơn vị hết hiệu lực cùng ngày với mã này."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_dates_ordered",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="unit_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="unit_parent_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("khoi:unit_detail", args=[self.pk])

    def build_path(self) -> None:
        """Sets path and depth from the parent; needs a primary key."""
        prefix = self.parent.path if self.parent_id else "/"
        self.path = f"{prefix}{self.pk}/"
        self.depth = self.path.count("/") - 2

    def save(self, *args, **kwargs):
        self.normalize_text()
        self.code = (self.code or "").strip()
        if not self.pk:
            super().save(*args, **kwargs)
            kwargs = {k: v for k, v in kwargs.items() if k not in {"force_insert"}}
            kwargs.pop("update_fields", None)
        self.build_path()
        super().save(*args, **kwargs)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    @property
    def display_name(self) -> str:
        return f"{self.name} ({self.code})"


class UnitSuccession(models.Model):
    """An old unit whose territory (or part of it) went to a new unit on a date."""

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_out")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_in")
    effective_date = models.DateField(_("ngày hiệu lực"))
    takes_history = models.BooleanField(
        _("nhận lịch sử"), default=True,
        help_text=_("Đơn vị mới nhận số liệu lịch sử của đơn vị cũ (khi đơn vị cũ bị chia, chỉ một nơi nhận)."),
    )

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="succession_not_self"),
        ]


class OrganizationKind(models.TextChoices):
    FRONT = "front", _("Mặt trận Tổ quốc")
    SOCIOPOLITICAL = "sociopolitical", _("Tổ chức chính trị – xã hội")
    PARTY_BOARD = "party_board", _("Ban của cấp ủy Đảng")


class OrganizationType(models.Model):
    """MTTQ, the five socio-political organizations, and the Party's mass-mobilization board."""

    code = models.CharField(_("mã"), max_length=12, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    short_name = models.CharField(_("tên viết tắt"), max_length=40)
    kind = models.CharField(_("nhóm"), max_length=20, choices=OrganizationKind.choices)
    member_noun = models.CharField(_("người tham gia gọi là"), max_length=40, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("loại tổ chức")
        verbose_name_plural = _("loại tổ chức")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Organization(SearchNameMixin):
    """One organization at one unit, e.g. "Hội LHPN huyện Đầm Hà"."""

    org_type = models.ForeignKey(OrganizationType, verbose_name=_("loại tổ chức"), on_delete=models.PROTECT)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="organizations")
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")
        ordering = ["unit__path", "org_type__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["org_type", "unit"], name="organization_type_unit_unique",
                violation_error_message=_("Địa bàn này đã có một tổ chức cùng loại."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("khoi:organization_detail", args=[self.pk])


class JointBody(SearchNameMixin):
    """The joint secretariat ("Cơ quan Khối", since 2025 the Front Committee agency) at a unit."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="joint_bodies")
    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True, help_text=_("Dùng trong số, ký hiệu văn bản."))
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    members = models.ManyToManyField(Organization, through="JointBodyMembership", related_name="joint_bodies", blank=True)
    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("cơ quan khối")
        verbose_name_plural = _("cơ quan khối")
        ordering = ["unit__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="jointbody_valid_dates_ordered",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("khoi:jointbody_detail", args=[self.pk])


class JointBodyMembership(models.Model):
    """A member organization of a joint body, over a period (dated configuration)."""

    joint_body = models.ForeignKey(JointBody, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="memberships")
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("tổ chức thành viên")
        verbose_name_plural = _("tổ chức thành viên")
        constraints = [
            models.UniqueConstraint(
                fields=["joint_body", "organization"], name="membership_unique",
                violation_error_message=_("Tổ chức này đã là thành viên của cơ quan khối."),
            )
        ]


class SubcommitteeKind(models.TextChoices):
    PROPAGANDA = "propaganda", _("Tiểu ban Tuyên truyền – Vận động")
    INSPECTION = "inspection", _("Tiểu ban Kiểm tra – Giám sát")
    DEMOCRACY = "democracy", _("Tiểu ban Dân chủ – Pháp luật")
    OFFICE = "office", _("Văn phòng")


class Subcommittee(models.Model):
    """One of the four parts of a joint body: three subcommittees and the Office."""

    joint_body = models.ForeignKey(JointBody, verbose_name=_("cơ quan khối"), on_delete=models.CASCADE, related_name="subcommittees")
    kind = models.CharField(_("loại"), max_length=20, choices=SubcommitteeKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiểu ban")
        verbose_name_plural = _("tiểu ban")
        ordering = ["joint_body", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["joint_body", "kind"], name="subcommittee_kind_unique",
                violation_error_message=_("Cơ quan khối đã có bộ phận này."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("khoi:subcommittee_detail", args=[self.pk])


class Person(SearchNameMixin):
    """A cadre or staff member. One person may hold several positions at once."""

    NAME_FIELD = "full_name"

    full_name = models.CharField(_("họ và tên"), max_length=120)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn công tác"), on_delete=models.PROTECT, related_name="people"
    )
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["search_name"]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("khoi:person_detail", args=[self.pk])


class PositionRole(models.TextChoices):
    HEAD = "head", _("Người đứng đầu")
    DEPUTY = "deputy", _("Cấp phó")
    MEMBER = "member", _("Thành viên")
    STAFF = "staff", _("Cán bộ, công chức")
    FIELD = "field", _("Tổ viên tổ công tác")


class Position(models.Model):
    """A person's position in exactly one seat: an organization, a joint body or a subcommittee.

    Titles are data ("Trưởng Ban Dân vận, Chủ tịch UBMTTQ huyện", since 2025 "Chủ tịch
    UBMTTQ xã"); ``role`` is what access and the organization chart read. ``unit`` is the
    seat's unit, copied by the service so that scoping is one indexed filter.
    """

    person = models.ForeignKey(Person, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(_("chức danh"), max_length=200)
    role = models.CharField(_("vai trò"), max_length=10, choices=PositionRole.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("tổ chức"), null=True, blank=True, on_delete=models.CASCADE, related_name="positions"
    )
    joint_body = models.ForeignKey(
        JointBody, verbose_name=_("cơ quan khối"), null=True, blank=True, on_delete=models.CASCADE, related_name="positions"
    )
    subcommittee = models.ForeignKey(
        Subcommittee, verbose_name=_("tiểu ban"), null=True, blank=True, on_delete=models.CASCADE, related_name="positions"
    )
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    is_concurrent = models.BooleanField(_("kiêm nhiệm"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(organization__isnull=False, joint_body__isnull=True, subcommittee__isnull=True)
                    | Q(organization__isnull=True, joint_body__isnull=False, subcommittee__isnull=True)
                    | Q(organization__isnull=True, joint_body__isnull=True, subcommittee__isnull=False)
                ),
                name="position_exactly_one_seat",
                violation_error_message=_("Chức vụ phải thuộc đúng một nơi: tổ chức, cơ quan khối hoặc tiểu ban."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="position_dates_ordered",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "role"], name="position_unit_role_idx")]

    def __str__(self) -> str:
        return f"{self.person} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("khoi:person_detail", args=[self.person_id])

    @property
    def seat(self):
        return self.organization or self.joint_body or self.subcommittee

    def seat_unit(self) -> AdministrativeUnit:
        if self.organization_id:
            return self.organization.unit
        if self.joint_body_id:
            return self.joint_body.unit
        return self.subcommittee.joint_body.unit

    def clean(self):
        seats = [self.organization_id, self.joint_body_id, self.subcommittee_id]
        if sum(1 for s in seats if s) != 1:
            raise ValidationError(_("Chọn đúng một nơi: tổ chức, cơ quan khối hoặc tiểu ban."))
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


def current_positions(on: dt.date | None = None) -> Q:
    """Positions held on a date (today by default)."""
    on = on or timezone.localdate()
    return Q(start_date__lte=on) & (Q(end_date__isnull=True) | Q(end_date__gte=on))


class RuleMode(models.TextChoices):
    SHARED = "shared", _("Chung")
    SEPARATE = "separate", _("Chia (riêng)")


class CoordinationRule(SearchNameMixin):
    """One item of the coordination regulation ("9 chung, 14 chia").

    ``catalog_unit`` empty: the shipped default catalog. A province (any root unit) adapts
    it by copying it; every edit keeps history.
    """

    catalog_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("danh mục của"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="coordination_rules",
    )
    code = models.CharField(_("mã"), max_length=12)
    name = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    mode = models.CharField(_("loại"), max_length=10, choices=RuleMode.choices)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy tắc phối hợp")
        verbose_name_plural = _("quy tắc phối hợp")
        ordering = ["catalog_unit_id", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalog_unit", "code"], name="rule_code_unique_in_catalog",
                violation_error_message=_("Danh mục đã có quy tắc với mã này."),
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(catalog_unit__isnull=True), name="rule_code_unique_in_default",
                violation_error_message=_("Danh mục mặc định đã có quy tắc với mã này."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("khoi:rule_detail", args=[self.pk])


class Notification(models.Model):
    """A message in the app for one user (and by e-mail when an e-mail backend is configured)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("nội dung"), max_length=400)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.text


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=cls.hash_key(key)), key


class JointBodyUserObjectPermission(UserObjectPermissionBase):
    """Guardian exception: one joint body shared with a user outside its subtree (direct FK)."""

    content_object = models.ForeignKey(JointBody, on_delete=models.CASCADE)
