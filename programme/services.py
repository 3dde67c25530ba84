"""Every write to the work programme: shared matters stay joint, overlaps are flagged and
resolved, history is kept (simple-history on Activity)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from khoi import access, rules, text
from khoi.models import AdministrativeUnit, CoordinationRule, JointBody, Organization, RuleMode
from khoi.selectors import rule_catalog_for_unit
from programme.models import Activity, ActivityStatus, Overlap, OverlapStatus, SharedException, WorkProgramme

INACTIVE = (ActivityStatus.CANCELLED,)


class SharedMatterConflict(ValidationError):
    """An organization tried to run its own instance of a matter the body runs jointly."""

    def __init__(self, joint: Activity):
        self.joint = joint
        super().__init__(
            format_html(
                _("Đây là việc chung của cơ quan khối (quy tắc {rule}): đã có hoạt động chung "
                  "<a href=\"{url}\">{joint}</a> ({start} – {end}) trên cùng địa bàn. "
                  "Tổ chức của bạn tham gia hoạt động chung thay vì tổ chức riêng; nếu thật cần, "
                  "thủ trưởng có thể cho phép ngoại lệ kèm lý do."),
                rule=joint.rule.code, url=joint.get_absolute_url(), joint=joint.title,
                start=joint.start_date.strftime("%d/%m/%Y"), end=joint.end_date.strftime("%d/%m/%Y"),
            ),
            code="shared_matter",
        )


def can_add_activity(user, programme: WorkProgramme) -> bool:
    """Whether the user may add any activity to the programme: a joint one (the head, or a
    subcommittee head for their part) or their own organization's."""
    body = programme.joint_body
    candidates = [Activity(programme=programme, owner=None)]
    candidates += [Activity(programme=programme, owner=None, subcommittee=s) for s in body.subcommittees.all()]
    candidates += [Activity(programme=programme, owner=o) for o in body.members.all()]
    return any(access.can(user, access.CHANGE, a) for a in candidates)


@transaction.atomic
def programme_get_or_create(*, actor, joint_body: JointBody, year: int) -> WorkProgramme:
    programme = WorkProgramme.objects.filter(joint_body=joint_body, year=year).first()
    if programme:
        return programme
    programme = WorkProgramme(joint_body=joint_body, year=year,
                              title=_("Chương trình công tác năm %(year)s") % {"year": year})
    access.ensure(actor, access.CHANGE, programme)
    programme.full_clean()
    programme.save()
    return programme


def facts(activity: Activity, *, area_paths=None, participants=None) -> rules.ActivityFacts:
    """The pure description of an activity the rules module reasons on."""
    if area_paths is None:
        area_paths = [u.path for u in activity.areas.all()] if activity.pk else []
    return rules.ActivityFacts(
        id=activity.pk or 0,
        owner=activity.owner_id,
        rule_shared=activity.rule.mode == RuleMode.SHARED,
        rule_id=activity.rule_id,
        title=activity.title,
        start=activity.start_date,
        end=activity.end_date,
        tags=rules.normalize_tags(activity.tags),
        target_groups=frozenset(activity.target_groups),
        area_paths=tuple(area_paths),
        organizations=frozenset(participants or ()),
    )


def _neighbours(activity: Activity):
    """Live activities of the same body whose dates touch this one's (candidates for clashes)."""
    return (
        Activity.objects.filter(programme__joint_body_id=activity.programme.joint_body_id,
                                start_date__lte=activity.end_date, end_date__gte=activity.start_date,
                                merged_into__isnull=True)
        .exclude(status__in=INACTIVE)
        .exclude(pk=activity.pk)
        .select_related("rule")
        .prefetch_related("areas")
    )


def _clean_tags(tags) -> list[str]:
    seen, result = set(), []
    for tag in tags or []:
        value = text.clean(tag).strip(" ,;#")
        if value and text.fold(value) not in seen:
            seen.add(text.fold(value))
            result.append(value)
    return result


def _validate(activity: Activity, areas, participants) -> None:
    body = activity.programme.joint_body
    errors = {}
    catalog = set(rule_catalog_for_unit(body.unit).values_list("pk", flat=True))
    if activity.rule_id not in catalog:
        errors["rule"] = _("Quy tắc không thuộc danh mục đang áp dụng của địa phương.")
    members = set(body.members.values_list("pk", flat=True))
    if activity.owner_id and activity.owner_id not in members:
        errors["owner"] = _("Tổ chức chủ trì phải là thành viên của cơ quan khối.")
    if activity.rule.mode == RuleMode.SEPARATE and not activity.owner_id:
        errors["owner"] = _("Việc riêng (quy tắc “chia”) phải do một tổ chức chủ trì.")
    if any(p.pk not in members for p in participants):
        errors["participants"] = _("Tổ chức tham gia phải là thành viên của cơ quan khối.")
    if any(not u.path.startswith(body.unit.path) for u in areas):
        errors["areas"] = _("Địa bàn phải nằm trong địa bàn của cơ quan khối.")
    if activity.subcommittee_id and activity.subcommittee.joint_body_id != body.pk:
        errors["subcommittee"] = _("Bộ phận phụ trách phải thuộc cơ quan khối này.")
    if errors:
        raise ValidationError(errors)


def _shared_conflict(activity: Activity, area_paths) -> Activity | None:
    if activity.owner_id is None:
        return None
    candidate = facts(activity, area_paths=area_paths)
    # joint activities of the same quarters (a shared matter's period), live ones only
    window_start = dt.date(activity.start_date.year, 3 * ((activity.start_date.month - 1) // 3) + 1, 1)
    end_q_month = 3 * ((activity.end_date.month - 1) // 3) + 3
    window_end = dt.date(activity.end_date.year, end_q_month, 1) + dt.timedelta(days=31)
    joint_candidates = (
        Activity.objects.filter(programme__joint_body_id=activity.programme.joint_body_id, owner__isnull=True,
                                start_date__lt=window_end, end_date__gte=window_start, merged_into__isnull=True)
        .exclude(status__in=INACTIVE).exclude(pk=activity.pk).select_related("rule").prefetch_related("areas")
    )
    for other in joint_candidates:
        if rules.is_shared_instance(candidate, facts(other)):
            return other
    return None


@transaction.atomic
def activity_save(
    *, actor, programme: WorkProgramme, activity: Activity | None = None, areas=(), participants=(),
    exception_reason: str = "", **fields,
) -> Activity:
    """Create or edit an activity. An organization's own instance of a shared matter is refused
    (``SharedMatterConflict``) unless the body's head allows it with a written reason."""
    activity = activity or Activity(created_by=actor)
    if activity.pk:
        access.ensure(actor, access.CHANGE, activity)  # as it is, before the change
    activity.programme = programme
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.tags = _clean_tags(activity.tags)
    activity.normalize_text()
    areas, participants = list(areas), list(participants)
    access.ensure(actor, access.CHANGE, activity)
    activity.full_clean(exclude=["search_name"])
    _validate(activity, areas, participants)
    area_paths = [u.path for u in areas]
    joint = _shared_conflict(activity, area_paths)
    if joint is not None:
        if not exception_reason.strip():
            raise SharedMatterConflict(joint)
        if not access.can(actor, access.CHANGE, joint):
            raise ValidationError(_("Chỉ thủ trưởng cơ quan khối được cho phép ngoại lệ."), code="exception_denied")
    activity.save()
    activity.areas.set(areas)
    if activity.owner_id is None and not participants:
        participants = list(programme.joint_body.members.all())  # every member takes part by default
    if activity.owner_id and activity.owner not in participants:
        participants.append(activity.owner)
    activity.participants.set(participants)
    if joint is not None:
        SharedException.objects.update_or_create(
            activity=activity, defaults={"joint_activity": joint, "reason": text.clean(exception_reason), "approved_by": actor}
        )
    overlaps_refresh(activity=activity)
    return activity


def overlaps_refresh(*, activity: Activity) -> list[Overlap]:
    """Flag the clashes of one activity; drop its open flags that no longer hold."""
    me = facts(activity)
    found = []
    keep_ids = set()
    if activity.status not in INACTIVE and activity.merged_into_id is None:
        for other in _neighbours(activity):
            reasons = rules.overlap_reasons(me, facts(other))
            if not reasons:
                continue
            first, second = sorted((activity.pk, other.pk))
            overlap, created = Overlap.objects.get_or_create(first_id=first, second_id=second, defaults={"reasons": reasons})
            if not created and overlap.status == OverlapStatus.OPEN and overlap.reasons != reasons:
                overlap.reasons = reasons
                overlap.save(update_fields=["reasons"])
            keep_ids.add(overlap.pk)
            found.append(overlap)
    Overlap.objects.filter(Q(first=activity) | Q(second=activity), status=OverlapStatus.OPEN).exclude(pk__in=keep_ids).delete()
    return found


@transaction.atomic
def activity_join(*, actor, joint: Activity, organization: Organization) -> Activity:
    """An organization confirms it takes part in a joint activity (instead of its own)."""
    if joint.owner_id is not None:
        raise ValidationError(_("Chỉ tham gia được hoạt động chung."))
    if not joint.programme.joint_body.members.filter(pk=organization.pk).exists():
        raise ValidationError(_("Chỉ tổ chức thành viên của cơ quan khối mới tham gia được."))
    access.ensure(actor, access.CHANGE, Activity(programme=joint.programme, owner=organization, rule=joint.rule))
    joint.participants.add(organization)
    return joint


def _resolve(overlap: Overlap, actor, status: str, resolution: str) -> None:
    overlap.status = status
    overlap.resolution = text.clean(resolution)
    overlap.resolved_by = actor
    overlap.resolved_at = timezone.now()
    overlap.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])


@transaction.atomic
def overlap_merge(*, actor, overlap: Overlap, rule: CoordinationRule, title: str = "") -> Activity:
    """Merge two clashing activities into one joint activity of the body; both organizations
    stay participants, the absorbed one points to the result (history kept on both)."""
    overlap = Overlap.objects.select_for_update().get(pk=overlap.pk)
    access.ensure(actor, access.CHANGE, overlap)
    if overlap.status != OverlapStatus.OPEN:
        raise ValidationError(_("Trùng lặp này đã được xử lý."))
    if rule.mode != RuleMode.SHARED:
        raise ValidationError({"rule": _("Hoạt động gộp là việc chung: hãy chọn một quy tắc “chung”.")})
    keep, absorb = overlap.first, overlap.second
    participants = set(keep.participants.all()) | set(absorb.participants.all())
    participants |= {o for o in (keep.owner, absorb.owner) if o is not None}
    keep.owner = None
    keep.rule = rule
    keep.title = text.clean(title) or keep.title
    keep.start_date = min(keep.start_date, absorb.start_date)
    keep.end_date = max(keep.end_date, absorb.end_date)
    keep.tags = _clean_tags(list(keep.tags) + list(absorb.tags))
    keep.target_groups = sorted(set(keep.target_groups) | set(absorb.target_groups))
    keep.content = "\n\n".join(c for c in (keep.content, absorb.content) if c)
    keep.normalize_text()
    keep.full_clean(exclude=["search_name"])
    keep.save()
    keep.areas.add(*absorb.areas.all())
    keep.participants.set(participants)
    absorb.merged_into = keep
    absorb.status = ActivityStatus.CANCELLED
    absorb.result_notes = (absorb.result_notes + "\n" if absorb.result_notes else "") + _(
        "Đã gộp vào hoạt động chung “%(title)s”.") % {"title": keep.title}
    absorb.save()
    absorb.tasks.update(activity=keep)
    _resolve(overlap, actor, OverlapStatus.MERGED, _("Gộp thành hoạt động chung."))
    overlaps_refresh(activity=keep)
    return keep


@transaction.atomic
def overlap_keep(*, actor, overlap: Overlap, reason: str) -> Overlap:
    access.ensure(actor, access.CHANGE, overlap)
    if not text.clean(reason):
        raise ValidationError({"reason": _("Hãy ghi lý do giữ cả hai hoạt động.")})
    _resolve(overlap, actor, OverlapStatus.KEPT, reason)
    return overlap


@transaction.atomic
def overlap_move(*, actor, overlap: Overlap, activity: Activity, start_date: dt.date, end_date: dt.date) -> Overlap:
    """Move one of the two activities to other dates (the head decides)."""
    access.ensure(actor, access.CHANGE, overlap)
    if activity.pk not in (overlap.first_id, overlap.second_id):
        raise ValidationError(_("Chỉ dời được một trong hai hoạt động trùng."))
    other = overlap.second if activity.pk == overlap.first_id else overlap.first
    activity.start_date, activity.end_date = start_date, end_date
    activity.full_clean(exclude=["search_name"])
    if rules.overlap_reasons(facts(activity), facts(other)):
        raise ValidationError(_("Sau khi dời, hai hoạt động vẫn trùng thời gian: hãy chọn ngày khác."))
    activity.save()
    _resolve(overlap, actor, OverlapStatus.MOVED, _("Dời “%(title)s” sang %(start)s – %(end)s.") % {
        "title": activity.title, "start": start_date.strftime("%d/%m/%Y"), "end": end_date.strftime("%d/%m/%Y")})
    overlaps_refresh(activity=activity)
    return overlap


ATTACHMENT_TYPES = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def activity_attach(*, actor, activity: Activity, file) -> "ActivityAttachment":
    """Attach a document or a photo to an activity (its organization, or the head for a joint one)."""
    from pathlib import Path

    from programme.models import ActivityAttachment

    access.ensure(actor, access.CHANGE, activity)
    suffix = Path(file.name).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        raise ValidationError({"file": _("Chỉ nhận tệp PDF, Word, Excel, OpenDocument hoặc ảnh JPG/PNG.")})
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn (tối đa 10 MB).")})
    name = text.clean(Path(file.name).name)[:200]
    return ActivityAttachment.objects.create(activity=activity, file=file, name=name, uploaded_by=actor)
