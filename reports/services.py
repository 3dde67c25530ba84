"""Every write of periodic reporting: periods, figures and their workflow (draft → submitted →
approved, or returned with a comment; a correction after approval is a new revision), and the
indicator catalog. One function per use case, keyword-only, in a transaction, access-checked
through ``khoi.access``.

``check_figures`` and ``parse_number`` are pure (no database): the form, the Excel upload and
``save_figures`` share them, so every path gives the same Vietnamese messages.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khoi import access, text
from khoi.models import AdministrativeUnit, Organization
from reports import catalog, periods, selectors
from reports.models import (
    Aggregation,
    Figure,
    Indicator,
    Period,
    ReportTemplate,
    Submission,
    SubmissionStatus,
    ValueType,
)

EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
MAX_VALUE = Decimal("9999999999999999")  # 16 digits: what Figure.value holds


# ---------------------------------------------------------------- periods


@transaction.atomic
def report_template_save(*, actor, province: AdministrativeUnit | None, **fields) -> ReportTemplate:
    """A province's own settings (cut-off day, deadline, submission period, jump warning),
    made from the default on first save; ``province`` None is the shipped default (administrators).
    History is kept; periods already in use keep their dates (figures are matched to reports by
    period code, so they stay counted). The submission period cannot change once figures exist:
    reports are made of whole submission periods."""
    if province is not None:  # one first save at a time per province
        AdministrativeUnit.objects.select_for_update().filter(pk=province.pk).first()
    template = ReportTemplate.objects.select_for_update().filter(province=province).first()
    in_force = template or (selectors.template_for(province) if province else selectors.template_for_default())
    template = template or ReportTemplate(province=province)
    access.ensure(actor, access.CHANGE, template)
    kind = fields.get("submission_kind", in_force.submission_kind)
    if kind != in_force.submission_kind:
        figures = Submission.objects.all()
        if province is not None:
            figures = figures.filter(organization__unit__path__startswith=province.path)
        else:  # the default: the provinces without their own template
            for root in ReportTemplate.objects.filter(province__isnull=False).values_list("province__path", flat=True):
                figures = figures.exclude(organization__unit__path__startswith=root)
        if figures.exists():
            raise ValidationError({"submission_kind": _(
                "Đã có số liệu nộp theo %(kind)s: không đổi được kỳ nộp (báo cáo được ghép từ các kỳ nộp trọn vẹn).")
                % {"kind": in_force.get_submission_kind_display().lower()}})
    for name, value in fields.items():
        setattr(template, name, value)
    template.full_clean()
    template.save()
    return template



@transaction.atomic
def get_or_create_period(template: ReportTemplate, code: str) -> Period:
    """The period ``code`` of a template, created with its dates on first use (``PeriodCodeError``
    with a Vietnamese message for a bad code). Later changes of the template do not move it."""
    spec = periods.parse(code)
    found = Period.objects.filter(template=template, code=spec.code).first()
    if found:
        return found
    start, end = spec.dates(template.cutoff_day)
    period = Period(template=template, kind=spec.kind, code=spec.code, year=spec.year, start=start, end=end,
                    deadline=spec.deadline(template.cutoff_day, template.deadline_days))
    period.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:  # created meanwhile by another request
        return Period.objects.get(template=template, code=spec.code)
    return period


# ---------------------------------------------------------------- values (pure)


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_number(raw) -> Decimal | None:
    """A typed or read value as a Decimal; None when empty. Vietnamese notation is accepted
    ("1.234.567" thousands, "12,5" decimal). ValueError when it is not a number."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValueError(raw)
    if isinstance(raw, (int, Decimal)):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(str(raw))
    value = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    if not value:
        return None
    if "," in value and "." in value:
        value = value.replace(".", "").replace(",", ".")
    elif "," in value:
        value = value.replace(",", ".")
    elif _THOUSANDS.match(value):
        value = value.replace(".", "")
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise ValueError(raw) from error
    if not number.is_finite():
        raise ValueError(raw)
    return number


def format_number(value: Decimal) -> str:
    """Vietnamese notation: 1.234,5"""
    value = value.normalize() if value == value.to_integral() else value
    whole, _sep, frac = f"{value:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + ".".join(groups or ["0"]) + ("," + frac.rstrip("0") if frac.rstrip("0") else "")


@dataclass
class Checked:
    """The result of checking typed values: what to store, the errors (by indicator code) and
    the warnings (by code; a jump over the previous period does not block saving)."""

    values: dict[str, Decimal | str | None] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def error(self, code: str, message: str) -> None:
        self.errors.setdefault(code, []).append(message)

    def warn(self, code: str, message: str) -> None:
        self.warnings.setdefault(code, []).append(message)


def check_figures(indicators, raw: dict, *, previous: dict[str, Decimal | None] | None = None,
                  jump_factor: Decimal = Decimal(3), required: bool = False) -> Checked:
    """Check raw values (by indicator code) against the indicators an organization reports.

    Errors: not a number, negative, not a whole number for a count, not 0/1 for a yes/no
    flag, missing when ``required``, above the indicator it may not exceed (``not_above``).
    Warnings: more than ``jump_factor`` times the previous period's value.
    Ratios and app-counted indicators are never typed: a value given for them is an error.
    """
    result = Checked()
    previous = previous or {}
    by_code = {i.code: i for i in indicators}
    for code in raw:
        if code not in by_code:
            result.error(code, _("Mã chỉ tiêu “%(code)s” không có trong danh mục chỉ tiêu của tổ chức.") % {"code": code})
    for ind in indicators:
        if ind.code not in raw and not (required and ind.is_typed):
            continue  # not given: left as it is
        given = raw.get(ind.code)
        if not ind.is_typed:
            if given not in (None, "") and ind.code in raw:
                why = _("là tỷ lệ, phần mềm tự tính từ tử số và mẫu số") if ind.aggregation == Aggregation.RATIO \
                    else _("do phần mềm tự đếm")
                result.error(ind.code, _("%(code)s %(why)s: không nhập.") % {"code": ind.code, "why": why})
            continue
        label = f"{ind.code} ({ind.name})"
        if ind.value_type == ValueType.TEXT:
            result.values[ind.code] = text.clean(given) if given is not None else ""
            continue
        try:
            number = parse_number(given)
        except ValueError:
            result.error(ind.code, _("%(label)s: “%(value)s” không phải là số.") % {"label": label, "value": given})
            continue
        result.values[ind.code] = number
        if number is None:
            if required:
                result.error(ind.code, _("%(label)s: chưa nhập số liệu (ghi 0 nếu không phát sinh).") % {"label": label})
            continue
        if number < 0:
            result.error(ind.code, _("%(label)s: số liệu không được âm.") % {"label": label})
        elif number > MAX_VALUE:
            result.error(ind.code, _("%(label)s: số quá lớn.") % {"label": label})
        elif ind.value_type == ValueType.COUNT and number != number.to_integral_value():
            result.error(ind.code, _("%(label)s: phải là số nguyên (%(unit)s).") % {"label": label, "unit": ind.unit_label or _("số lượng")})
        elif ind.aggregation == Aggregation.MAX and number not in (0, 1):
            result.error(ind.code, _("%(label)s: ghi 1 nếu đã đạt, 0 nếu chưa.") % {"label": label})
        elif number.as_tuple().exponent < -2:
            result.error(ind.code, _("%(label)s: tối đa 2 chữ số thập phân.") % {"label": label})
        before = previous.get(ind.code)
        if ind.code not in result.errors and before and before > 0 and number > before * jump_factor:
            result.warn(ind.code, _("%(label)s: %(value)s cao gấp hơn %(factor)s lần kỳ trước (%(before)s). Hãy kiểm tra lại.")
                        % {"label": label, "value": format_number(number), "factor": format_number(Decimal(jump_factor)), "before": format_number(before)})
    for ind in indicators:
        limit = ind.not_above
        if limit is None or ind.code in result.errors or limit.code in result.errors:
            continue
        value, top = result.values.get(ind.code), result.values.get(limit.code)
        if isinstance(value, Decimal) and isinstance(top, Decimal) and value > top:
            result.error(ind.code, _("%(code)s (%(name)s) = %(value)s không được lớn hơn %(top_code)s (%(top_name)s) = %(top)s.")
                         % {"code": ind.code, "name": ind.name, "value": format_number(value), "top_code": limit.code,
                            "top_name": limit.name, "top": format_number(top)})
    return result


# ---------------------------------------------------------------- submissions


def _ensure_editable(submission: Submission) -> None:
    if not submission.is_current:
        raise ValidationError(_("Đây là bản cũ; chỉ sửa được bản hiện hành."))
    if submission.status not in EDITABLE:
        if submission.status == SubmissionStatus.APPROVED:
            raise ValidationError(_("Số liệu đã được duyệt: muốn sửa, hãy tạo bản điều chỉnh."))
        raise ValidationError(_("Số liệu đã gửi, đang chờ duyệt: không sửa được cho đến khi được trả lại."))


@transaction.atomic
def _submission_kind_message(template: ReportTemplate) -> str:
    return _("Số liệu được nhập theo %(kind)s (ví dụ %(example)s).") % {
        "kind": template.get_submission_kind_display().lower(),
        "example": periods.code_for(template.submission_kind, timezone.localdate(), template.cutoff_day)}


def submission_period(template: ReportTemplate, code: str) -> Period:
    """The period ``code`` for entering figures: a valid code of the template's submission kind
    (``ValidationError`` with a Vietnamese message otherwise), created on first use."""
    try:
        spec = periods.parse(code)
    except periods.PeriodCodeError as error:
        raise ValidationError(str(error)) from None
    if spec.kind != template.submission_kind:
        raise ValidationError(_submission_kind_message(template))
    return get_or_create_period(template, spec.code)


def submission_get_or_create(*, actor, organization: Organization, period: Period) -> Submission:
    """The organization's current submission for the period, a new draft if there is none."""
    # by code: figures entered before the province set its own template stay the ones in force
    current = Submission.objects.filter(organization=organization, period__code=period.code, is_current=True).first()
    if current:
        access.ensure(actor, access.VIEW, current)
        return current
    submission = Submission(organization=organization, period=period, revision=1, is_current=True)
    access.ensure(actor, access.CHANGE, submission)
    if period.kind != period.template.submission_kind:
        raise ValidationError(_submission_kind_message(period.template))
    try:
        with transaction.atomic():
            submission.save()
    except IntegrityError:
        return Submission.objects.get(organization=organization, period=period, is_current=True)
    return submission


def _previous_numbers(submission: Submission) -> dict[str, Decimal | None]:
    return {code: f.value for code, f in selectors.previous_values(submission).items()}


def check_submission(submission: Submission, raw: dict, *, required: bool = False,
                     indicators: list[Indicator] | None = None) -> Checked:
    indicators = indicators if indicators is not None else selectors.indicators_for_organization(submission.organization)
    previous = _previous_numbers(submission)
    return check_figures(indicators, raw, previous=previous, jump_factor=submission.period.template.jump_factor,
                         required=required)


def _raise(checked: Checked) -> None:
    if checked.errors:
        raise ValidationError({code: messages for code, messages in checked.errors.items()})


@transaction.atomic
def save_figures(*, actor, submission: Submission, values: dict, note: str | None = None) -> Checked:
    """Store typed values (by indicator code) in a draft or returned submission. Blank values
    are allowed in a draft (they are required on submit). Raises ValidationError (by code)
    and stores nothing when a value is wrong; returns the warnings otherwise."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related(
        "organization__org_type", "organization__unit", "period__template").get(pk=submission.pk)
    access.ensure(actor, access.CHANGE, submission)
    _ensure_editable(submission)
    indicators = selectors.indicators_for_organization(submission.organization)
    checked = check_submission(submission, values, indicators=indicators)
    _raise(checked)
    by_code = {i.code: i for i in indicators}
    existing = {f.indicator_id: f for f in submission.figures.all()}
    create, update, delete = [], [], []
    for code, value in checked.values.items():
        ind = by_code[code]
        is_text = ind.value_type == ValueType.TEXT
        empty = value in (None, "")
        figure = existing.get(ind.pk)
        if empty:
            if figure is not None:
                delete.append(figure.pk)
            continue
        if figure is None:
            create.append(Figure(submission=submission, indicator=ind, value=None if is_text else value,
                                 text=value if is_text else ""))
        else:
            figure.value, figure.text = (None, value) if is_text else (value, "")
            update.append(figure)
    Figure.objects.filter(pk__in=delete).delete()
    Figure.objects.bulk_create(create)
    Figure.objects.bulk_update(update, ["value", "text"])
    fields = ["updated_at"]
    if note is not None:
        submission.note = text.clean_paragraphs(note)
        fields.append("note")
    submission.save(update_fields=fields)
    return checked


@transaction.atomic
def submit(*, actor, submission: Submission) -> Checked:
    """Send the figures to the organization's head or deputy for approval. Every typed
    indicator must be filled (0 when nothing happened)."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related(
        "organization__org_type", "organization__unit", "period__template").get(pk=submission.pk)
    access.ensure(actor, access.CHANGE, submission)
    _ensure_editable(submission)
    figures = {f.indicator.code: (f.text if f.indicator.value_type == ValueType.TEXT else f.value)
               for f in submission.figures.select_related("indicator")}
    checked = check_submission(submission, figures, required=True)
    _raise(checked)
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.submitted_by = actor
    submission.return_comment = ""
    submission.save(update_fields=["status", "submitted_at", "submitted_by", "return_comment", "updated_at"])
    _notify_leads(submission)
    return checked


def _notify_leads(submission: Submission) -> None:
    """Tell the organization's head and deputies that figures wait for them (best effort)."""
    try:
        from khoi.models import Notification, Position, PositionRole, current_positions
    except ImportError:  # pragma: no cover
        return
    users = (Position.objects.filter(current_positions(), organization_id=submission.organization_id,
                                     role__in=(PositionRole.HEAD, PositionRole.DEPUTY), person__user__isnull=False)
             .values_list("person__user_id", flat=True).distinct())
    message = _("%(org)s gửi số liệu %(period)s, chờ duyệt.") % {"org": submission.organization.name,
                                                                  "period": submission.period}
    Notification.objects.bulk_create([Notification(recipient_id=uid, text=message[:400], url=submission.get_absolute_url())
                                      for uid in users])


def _decide(actor, submission: Submission) -> Submission:
    submission = Submission.objects.select_for_update(of=("self",)).select_related("organization__unit", "period").get(pk=submission.pk)
    access.ensure(actor, access.APPROVE, submission)
    if not submission.is_current or submission.status != SubmissionStatus.SUBMITTED:
        raise ValidationError(_("Chỉ duyệt hoặc trả lại được số liệu đã gửi, đang chờ duyệt."))
    return submission


@transaction.atomic
def approve(*, actor, submission: Submission) -> Submission:
    """The organization's head or deputy approves its submitted figures."""
    submission = _decide(actor, submission)
    submission.status = SubmissionStatus.APPROVED
    submission.decided_at, submission.decided_by = timezone.now(), actor
    submission.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return submission


@transaction.atomic
def return_submission(*, actor, submission: Submission, comment: str) -> Submission:
    """The head or deputy sends the figures back to be fixed, saying why."""
    comment = text.clean_paragraphs(comment)
    if not comment:
        raise ValidationError({"comment": _("Hãy ghi lý do trả lại để người nhập biết cần sửa gì.")})
    submission = _decide(actor, submission)
    submission.status = SubmissionStatus.RETURNED
    submission.return_comment = comment
    submission.decided_at, submission.decided_by = timezone.now(), actor
    submission.save(update_fields=["status", "return_comment", "decided_at", "decided_by", "updated_at"])
    return submission


@transaction.atomic
def correct(*, actor, submission: Submission) -> Submission:
    """A correction after approval: a new draft revision (revision + 1) with the same figures;
    the approved revision is kept, no longer current (a frozen report still names it)."""
    submission = Submission.objects.select_for_update(of=("self",)).select_related("organization__unit").get(pk=submission.pk)
    access.ensure(actor, access.CHANGE, submission)
    if not submission.is_current or submission.status != SubmissionStatus.APPROVED:
        raise ValidationError(_("Chỉ tạo bản điều chỉnh từ bản hiện hành đã được duyệt."))
    submission.is_current = False
    submission.save(update_fields=["is_current", "updated_at"])
    new = Submission.objects.create(organization=submission.organization, period_id=submission.period_id,
                                    revision=submission.revision + 1, is_current=True, note=submission.note)
    Figure.objects.bulk_create([Figure(submission=new, indicator_id=f.indicator_id, value=f.value, text=f.text)
                                for f in submission.figures.all()])
    return new


# ---------------------------------------------------------------- the indicator catalog


@transaction.atomic
def indicator_catalog_adopt(*, actor, catalog_unit: AdministrativeUnit) -> list[Indicator]:
    """Copy the default catalog for a province (a root unit) so it can adapt it. Idempotent."""
    access.ensure(actor, access.CHANGE, Indicator(catalog_unit=catalog_unit))
    return catalog.adopt_catalog(catalog_unit)


@transaction.atomic
def indicator_save(*, actor, indicator: Indicator | None = None, **fields) -> Indicator:
    """Create or edit an indicator of a province's own catalog (history is kept)."""
    indicator = indicator or Indicator()
    for name, value in fields.items():
        setattr(indicator, name, value)
    if indicator.aggregation != Aggregation.RATIO:
        indicator.numerator = indicator.denominator = None
    else:
        indicator.value_type = ValueType.PERCENT
    indicator.reported_by = " ".join(dict.fromkeys((indicator.reported_by or "").upper().split()))
    # codes are matched upper-case (Excel uploads, the roll-up); groups and units are compared as
    # text (a report's tables are the groups): all stored clean and NFC
    indicator.code = text.clean(indicator.code).upper().replace(" ", "")
    indicator.group, indicator.unit_label = text.clean(indicator.group), text.clean(indicator.unit_label)
    indicator.source_note = text.clean_paragraphs(indicator.source_note)
    access.ensure(actor, access.CHANGE, indicator)
    errors = {}
    for name in ("numerator", "denominator", "not_above"):
        other = getattr(indicator, name)
        if other is not None and other.catalog_unit_id != indicator.catalog_unit_id:
            errors[name] = _("Chỉ tiêu liên quan phải cùng danh mục.")
        elif other is not None and indicator.pk and other.pk == indicator.pk:
            errors[name] = _("Không chọn chính chỉ tiêu này.")
    if errors:
        raise ValidationError(errors)
    indicator.normalize_text()
    indicator.full_clean()
    indicator.save()
    return indicator
