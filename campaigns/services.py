"""Every write of the campaigns: teams and their areas, households, visits, cases.

The invariants (one team per area, one team per household, one case per household and
topic, unique references) are database constraints; these services turn the database's
refusal into a clear Vietnamese message and keep every write in a transaction."""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import (
    Campaign,
    Case,
    CaseStatus,
    Household,
    HouseholdStatus,
    Phase,
    ReferenceCounter,
    TeamArea,
    TeamMember,
    Visit,
    VisitOutcome,
    WorkTeam,
)
from khoi import access, text
from khoi.models import Organization, Person, Position, PositionRole, RuleMode, current_positions
from khoi.notifications import notify


@transaction.atomic
def campaign_save(*, actor, campaign: Campaign | None = None, areas=(), **fields) -> Campaign:
    campaign = campaign or Campaign()
    if campaign.pk:
        access.ensure(actor, access.CHANGE, campaign)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.reference_prefix = text.fold(campaign.reference_prefix).replace(" ", "").upper()[:8]
    access.ensure(actor, access.CHANGE, campaign)
    campaign.full_clean(exclude=["search_name"])
    if campaign.rule.mode != RuleMode.SHARED:
        raise ValidationError({"rule": _("Chiến dịch là việc chung của cơ quan khối: hãy chọn một quy tắc “chung”.")})
    body_path = campaign.joint_body.unit.path
    if any(not u.path.startswith(body_path) for u in areas):
        raise ValidationError({"areas": _("Địa bàn phải nằm trong địa bàn của cơ quan khối.")})
    campaign.save()
    campaign.areas.set(areas)
    return campaign


@transaction.atomic
def phase_save(*, actor, campaign: Campaign, phase: Phase | None = None, **fields) -> Phase:
    access.ensure(actor, access.CHANGE, campaign)
    phase = phase or Phase(campaign=campaign)
    for name, value in fields.items():
        setattr(phase, name, value)
    phase.full_clean()
    phase.save()
    return phase


def _leading_organizations(person: Person, campaign: Campaign) -> set[int]:
    members = campaign.joint_body.members.values_list("pk", flat=True)
    return set(
        Position.objects.filter(current_positions(), person=person, organization_id__in=members,
                                role__in=(PositionRole.HEAD, PositionRole.DEPUTY)).values_list("organization_id", flat=True)
    )


@transaction.atomic
def team_save(*, actor, campaign: Campaign, name: str, leader: Person, members: list[tuple[Person, Organization]],
              team: WorkTeam | None = None) -> WorkTeam:
    """Create or change a work team: a leader who leads a member organization, members from them."""
    access.ensure(actor, access.CHANGE, campaign)
    if not _leading_organizations(leader, campaign):
        raise ValidationError({"leader": _("Tổ trưởng phải là lãnh đạo (trưởng hoặc phó) một tổ chức thành viên.")})
    member_orgs = set(campaign.joint_body.members.values_list("pk", flat=True))
    for person, org in members:
        if org.pk not in member_orgs:
            raise ValidationError({"members": _("%(org)s không phải tổ chức thành viên.") % {"org": org}})
    team = team or WorkTeam(campaign=campaign)
    team.name, team.leader = text.clean(name), leader
    team.full_clean()
    team.save()
    team.memberships.all().delete()
    TeamMember.objects.bulk_create([TeamMember(team=team, person=p, organization=o) for p, o in members])
    return team


def team_organizations(team: WorkTeam) -> set[int]:
    return set(team.memberships.values_list("organization_id", flat=True)) | _leading_organizations(team.leader, team.campaign)


def team_assign_area(*, actor, team: WorkTeam, unit) -> TeamArea:
    """Give an area to a team. The database refuses a second team on the same area even when two
    heads click at the same moment; the loser gets a message naming the team that has it."""
    campaign = team.campaign
    access.ensure(actor, access.CHANGE, campaign)
    if not unit.path.startswith(campaign.joint_body.unit.path):
        raise ValidationError({"unit": _("Địa bàn phải nằm trong địa bàn của cơ quan khối.")})
    try:
        with transaction.atomic():
            # serialized with imports (households_create), which read the areas once
            Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
            area = TeamArea.objects.create(campaign=campaign, team=team, unit=unit)
            # households of the area (and below) with no team yet are covered by this team
            Household.objects.filter(campaign=campaign, team__isnull=True, area__path__startswith=unit.path).update(team=team)
    except IntegrityError:
        holder = TeamArea.objects.filter(campaign=campaign, unit=unit).select_related("team").first()
        raise ValidationError(
            _("%(unit)s đã được giao cho %(team)s; mỗi địa bàn chỉ do một tổ phụ trách.")
            % {"unit": unit.name, "team": holder.team.name if holder else _("một tổ khác")},
            code="area_taken",
        ) from None
    return area


def team_for_area(campaign: Campaign, unit) -> WorkTeam | None:
    """The team covering a unit: the one assigned to it or to its nearest ancestor."""
    return teams_for_areas(campaign, [unit])[unit.pk]


def teams_for_areas(campaign: Campaign, units) -> dict[int, WorkTeam | None]:
    """Unit id → the team covering it (its own or its nearest ancestor's), for many units in one query."""
    areas = {a.unit_id: a.team for a in TeamArea.objects.filter(campaign=campaign).select_related("team")}
    found = {}
    for unit in units:
        ancestors = [int(pk) for pk in unit.path.strip("/").split("/")]
        found[unit.pk] = next((areas[pk] for pk in reversed(ancestors) if pk in areas), None)
    return found


@transaction.atomic
def households_create(*, actor, campaign: Campaign, rows: list[dict]) -> tuple[list[Household], list[tuple[int, str]]]:
    """Many new households at once (the Excel import): the rules of ``household_save`` with one
    access check, one team lookup and a bulk insert (history included). Returns the households,
    or — writing nothing — the (row index, message) of every row that fails validation."""
    from simple_history.utils import bulk_create_with_history

    access.ensure(actor, access.CHANGE, campaign)
    # no area changes team while the file goes in (team_assign_area takes the same lock)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    teams = teams_for_areas(campaign, {fields["area"] for fields in rows})
    households, errors = [], []
    for index, fields in enumerate(rows):
        household = Household(campaign=campaign, **fields)
        household.normalize_text()
        household.name_key = text.fold(household.head_name)
        household.address = text.clean(household.address)
        household.team = teams[household.area.pk]
        try:  # the foreign keys are known to exist: the campaign's own areas and teams
            household.clean_fields(exclude=["search_name", "name_key", "campaign", "area", "team"])
        except ValidationError as error:
            errors.append((index, " ".join(error.messages)))
        households.append(household)
    if errors:
        return [], errors
    return bulk_create_with_history(households, Household, batch_size=500, default_user=actor), []


@transaction.atomic
def household_save(*, actor, campaign: Campaign, household: Household | None = None, **fields) -> Household:
    creating = household is None
    household = household or Household(campaign=campaign)
    for name, value in fields.items():
        setattr(household, name, value)
    household.normalize_text()
    household.name_key = text.fold(household.head_name)
    household.address = text.clean(household.address)
    if creating:
        access.ensure(actor, access.CHANGE, campaign)
        household.team = team_for_area(campaign, household.area)
    else:
        access.ensure(actor, access.CHANGE, household)
    household.full_clean(exclude=["search_name", "name_key"])
    household.save()
    return household


@transaction.atomic
def household_reassign(*, actor, household: Household, team: WorkTeam, reason: str) -> Household:
    """Move a household to another team: only explicitly, with a reason."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    access.ensure(actor, access.CHANGE, household.campaign)
    if team.campaign_id != household.campaign_id:
        raise ValidationError(_("Tổ phải thuộc cùng chiến dịch."))
    if household.team_id and household.team_id != team.pk and not text.clean(reason):
        raise ValidationError(
            {"reason": _("Hộ %(name)s đã do %(team)s phụ trách: giao lại cần ghi lý do.")
             % {"name": household.head_name, "team": household.team.name}})
    household.team = team
    household.reassignment_reason = text.clean(reason)
    household.save(update_fields=["team", "reassignment_reason"])
    return household


OUTCOME_STATUS = {
    VisitOutcome.AGREED: HouseholdStatus.AGREED,
    VisitOutcome.HESITANT: HouseholdStatus.CONTACTED,
    VisitOutcome.REFUSED: HouseholdStatus.CONTACTED,
    VisitOutcome.NEEDS_SUPPORT: HouseholdStatus.CONTACTED,
}
STATUS_RANK = {HouseholdStatus.NOT_CONTACTED: 0, HouseholdStatus.CONTACTED: 1, HouseholdStatus.BLOCKED: 1,
               HouseholdStatus.AGREED: 2, HouseholdStatus.COMPLETED: 3}


@transaction.atomic
def visit_record(*, actor, household: Household, date: dt.date, outcome: str, organizations=(), raised: str = "",
                 next_step: str = "") -> Visit:
    """A team member records a visit; the household moves forward (never back from agreed or completed)."""
    household = Household.objects.select_for_update(of=("self",)).select_related("team").get(pk=household.pk)
    access.ensure(actor, access.CHANGE, household)
    if household.team_id is None:
        raise ValidationError(_("Hộ chưa được giao cho tổ nào."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("Ngày tiếp xúc không được ở tương lai.")})
    # before the start is a typing slip; after the planned end teams still follow up the stragglers
    if date < household.campaign.start_date:
        raise ValidationError({"date": _("Ngày tiếp xúc không được trước ngày bắt đầu chiến dịch.")})
    visit = Visit(household=household, team=household.team, date=date, outcome=outcome, raised=raised.strip(),
                  next_step=text.clean(next_step), recorded_by=actor)
    visit.full_clean()
    visit.save()
    visit.organizations.set(organizations or [])
    new_status = OUTCOME_STATUS[outcome]
    if STATUS_RANK[new_status] > STATUS_RANK[household.status] or household.status == HouseholdStatus.BLOCKED:
        household.status = new_status
        # the status changed on the day of the visit, even when it is recorded days later
        household.status_changed_at = (timezone.now() if date == timezone.localdate() else
                                       timezone.make_aware(dt.datetime.combine(date, dt.time(12))))
        household.save(update_fields=["status", "status_changed_at"])
    return visit


@transaction.atomic
def household_set_status(*, actor, household: Household, status: str, reason: str = "") -> Household:
    """Mark a household completed (e.g. land handed over) or blocked with a reason."""
    access.ensure(actor, access.CHANGE, household)
    if status == HouseholdStatus.BLOCKED and not text.clean(reason):
        raise ValidationError({"reason": _("Hãy ghi lý do vướng mắc.")})
    household.status = status
    household.blocked_reason = text.clean(reason) if status == HouseholdStatus.BLOCKED else ""
    household.status_changed_at = timezone.now()
    household.save(update_fields=["status", "blocked_reason", "status_changed_at"])
    return household


def _next_reference(prefix: str, year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


@transaction.atomic
def case_open(*, actor, campaign: Campaign, topic: str, citizen_name: str, phone: str, content: str,
              responsible: Person, deadline: dt.date, household: Household | None = None, organizations=(),
              received: dt.date | None = None) -> Case:
    """Record a citizen's question once: one reference, one responsible person, one answer."""
    case = Case(joint_body=campaign.joint_body, campaign=campaign, household=household, topic=text.clean(topic),
                citizen_name=text.clean(citizen_name), phone=phone_digits(phone), content=content.strip(),
                responsible=responsible, deadline=deadline)
    case.topic_key = text.fold(case.topic)
    access.ensure(actor, access.CHANGE, case)
    if household is not None:
        existing = Case.objects.filter(household=household, topic_key=case.topic_key).first()
        if existing is not None:
            raise ValidationError(_("Hộ này đã có hồ sơ %(ref)s cùng chủ đề: một hộ, một chủ đề, một hồ sơ.")
                                  % {"ref": existing.reference}, code="case_exists")
    if len(case.phone) < 9:
        raise ValidationError({"phone": _("Số điện thoại cần ít nhất 9 chữ số (dùng để người dân tra cứu).")})
    case.reference = _next_reference(campaign.reference_prefix or "KH", (received or timezone.localdate()).year)
    case.full_clean(exclude=["topic_key"])
    case.save()
    case.organizations.set(organizations)
    if responsible.user_id:
        notify(user=responsible.user, text=_("Bạn phụ trách hồ sơ %(ref)s: %(topic)s.") % {"ref": case.reference, "topic": case.topic},
               url=case.get_absolute_url())
    return case


def can_answer(user, case: Case) -> bool:
    person = getattr(user, "person", None)
    return (person is not None and person.pk == case.responsible_id) or access.can(user, access.CHANGE, case)


@transaction.atomic
def case_answer(*, actor, case: Case, answer: str, close: bool = False) -> Case:
    if not can_answer(actor, case):
        raise PermissionDenied
    if not answer.strip():
        raise ValidationError({"answer": _("Hãy ghi nội dung trả lời.")})
    case.answer = answer.strip()
    case.status = CaseStatus.CLOSED if close else CaseStatus.ANSWERED
    case.answered_at = case.answered_at or timezone.now()
    case.closed_at = timezone.now() if close else None
    case.save(update_fields=["answer", "status", "answered_at", "closed_at"])
    return case


def other_channels(household: Household) -> list[Household]:
    """"One household, one channel": the same household (name and area) targeted by another
    active campaign whose message looks alike."""
    from khoi.rules import title_similarity

    others = Household.objects.filter(name_key=household.name_key, area=household.area,
                                      campaign__status="active").exclude(campaign=household.campaign).select_related("campaign")
    return [o for o in others
            if title_similarity(o.campaign.message or o.campaign.name, household.campaign.message or household.campaign.name) >= 0.3]
