"""Reads of the indicator catalog and of submissions, shared by views, Excel and services:
scoped through khoi.access, with their joins done once (a fixed number of queries per page)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from khoi import access
from khoi.models import AdministrativeUnit, JointBody, Organization
from khoi.selectors import search
from reports import periods
from reports.models import Figure, Indicator, Period, ReportTemplate, Submission, SubmissionStatus


# ---------------------------------------------------------------- catalog


def indicator_catalog_for_unit(unit: AdministrativeUnit) -> QuerySet:
    """The catalog in force at a unit: its province's own catalog if it adapted one, else the default."""
    root_id = unit.ancestor_ids()[0]
    own = Indicator.objects.filter(catalog_unit_id=root_id)
    return own if own.exists() else Indicator.objects.filter(catalog_unit__isnull=True)


def indicators_for_org_type(catalog: QuerySet, org_type_code: str) -> list[Indicator]:
    """Active indicators of a catalog that an organization type reports (one query), in catalog order."""
    rows = catalog.filter(is_active=True).select_related("numerator", "denominator", "not_above").order_by("sort_order", "code")
    return [ind for ind in rows if ind.reported_by_type(org_type_code)]


def indicators_for_organization(organization: Organization) -> list[Indicator]:
    return indicators_for_org_type(indicator_catalog_for_unit(organization.unit), organization.org_type.code)


def indicator_list_for_user(user, *, query: str = "", group: str = "", aggregation: str = "", org: str = "",
                            catalog: str = "", active: str = "") -> QuerySet:
    qs = access.restrict(Indicator, user).select_related("catalog_unit", "numerator", "denominator")
    if group:
        qs = qs.filter(group=group)
    if aggregation:
        qs = qs.filter(aggregation=aggregation)
    if org:  # "" in reported_by means every organization
        qs = qs.filter(Q(reported_by="") | Q(reported_by=org) | Q(reported_by__startswith=org + " ")
                       | Q(reported_by__endswith=" " + org) | Q(reported_by__contains=f" {org} "))
    if catalog == "default":
        qs = qs.filter(catalog_unit__isnull=True)
    elif catalog.isdigit():
        qs = qs.filter(catalog_unit_id=int(catalog))
    if active == "yes":
        qs = qs.filter(is_active=True)
    elif active == "no":
        qs = qs.filter(is_active=False)
    return search(qs, query, code_field="code").order_by("catalog_unit_id", "sort_order", "code")


# ---------------------------------------------------------------- templates and periods


def template_for(unit: AdministrativeUnit) -> ReportTemplate:
    """The report template of the unit's province, or the shipped default."""
    root_id = unit.ancestor_ids()[0]
    template = (ReportTemplate.objects.filter(Q(province_id=root_id) | Q(province__isnull=True))
                .order_by(F("province_id").asc(nulls_first=True)).last())  # the province's own, else the default
    return template or template_for_default()


def template_for_default() -> ReportTemplate:
    """The shipped default template (created if a database lacks the data migration's row)."""
    from reports.catalog import load_default_template

    return load_default_template()


# ---------------------------------------------------------------- submissions


def late_q(today: dt.date | None = None) -> Q:
    """Submitted after the deadline, or not submitted once it has passed (as ``Submission.is_late``)."""
    today = today or timezone.localdate()
    return Q(submitted_at__isnull=True, period__deadline__lt=today) | Q(
        submitted_at__isnull=False, submitted_at__date__gt=F("period__deadline"))


def submission_list_for_user(user, *, query: str = "", period: str = "", organization: Organization | None = None,
                             status: str = "", late: str = "", within: AdministrativeUnit | None = None) -> QuerySet:
    """Current revisions the user may see, newest period first."""
    qs = (access.restrict(Submission, user).filter(is_current=True)
          .select_related("organization__org_type", "organization__unit", "period", "submitted_by", "decided_by"))
    if period:
        qs = qs.filter(period__code=period)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if status:
        qs = qs.filter(status=status)
    if late == "yes":
        qs = qs.filter(late_q())
    elif late == "no":
        qs = qs.exclude(late_q())
    if within is not None:
        qs = qs.filter(organization__unit__path__startswith=within.path)
    qs = search(qs, query, field="organization__search_name")
    return qs.order_by("-period__start", "organization__unit__path", "organization__org_type__sort_order")


def submission_get(user, pk: int, action: str = access.VIEW) -> Submission:
    return access.get_for_user_or_404(
        user, action,
        Submission.objects.select_related("organization__org_type", "organization__unit", "period__template",
                                          "submitted_by", "decided_by"),
        pk=pk,
    )


def revisions(submission: Submission) -> list[Submission]:
    return list(Submission.objects.filter(organization_id=submission.organization_id, period_id=submission.period_id)
                .select_related("submitted_by", "decided_by").order_by("-revision"))


def previous_values(submission: Submission) -> dict[str, Figure]:
    """Figures of the same organization's current submission for the period before, by indicator
    code (codes survive a province adopting its own catalog between the two periods)."""
    spec = periods.parse(submission.period.code).previous()
    figures = Figure.objects.filter(
        submission__organization_id=submission.organization_id, submission__is_current=True,
        submission__period__code=spec.code,  # by code: the template may have changed in between
    ).select_related("indicator")
    return {f.indicator.code: f for f in figures}


@dataclass
class Row:
    """One line of the submission page."""

    indicator: Indicator
    figure: Figure | None = None
    previous: Figure | None = None
    auto: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def value(self):
        if self.figure is None:
            return None
        return self.figure.text if self.indicator.value_type == "text" else self.figure.value


def submission_rows(submission: Submission, *, with_auto: bool = True) -> list[Row]:
    """Every indicator the organization reports, with this revision's figure, the previous
    period's figure and (for app-counted ones) the count — a fixed number of queries."""
    from reports import auto

    indicators = indicators_for_organization(submission.organization)
    figures = {f.indicator_id: f for f in submission.figures.all()}
    previous = previous_values(submission)
    counted = {}
    if with_auto:
        sources = [i.auto_source for i in indicators if i.auto_source]
        counted = auto.counts_for(sources, submission.organization.unit.path, submission.period.start, submission.period.end)
    return [Row(ind, figures.get(ind.pk), previous.get(ind.code), counted.get(ind.auto_source)) for ind in indicators]


# ---------------------------------------------------------------- completeness


@dataclass
class Cell:
    code: str
    label: str
    deadline: dt.date
    submission: Submission | None
    expected: bool = True  # the organization was in operation in this period

    @property
    def status(self) -> str:
        if self.submission:
            return self.submission.status
        return "missing" if self.expected else "not_expected"

    @property
    def is_late(self) -> bool:
        if self.submission is not None:
            return self.submission.is_late
        return self.expected and timezone.localdate() > self.deadline


@dataclass
class Completeness:
    body: JointBody
    template: ReportTemplate
    period_code: str
    sub_periods: list[tuple[str, str, dt.date]]
    rows: list[tuple[Organization, list[Cell]]]

    @property
    def totals(self) -> dict[str, int]:
        cells = [c for _org, cells in self.rows for c in cells if c.expected or c.submission]
        return {
            "expected": len(cells),
            "approved": sum(c.status == SubmissionStatus.APPROVED for c in cells),
            "submitted": sum(c.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED) for c in cells),
            "late": sum(c.is_late for c in cells),
        }


def sub_period_codes(code: str, submission_kind: str) -> list[str]:
    """The submission periods a reporting period is made of (``periods.sub_codes``)."""
    return periods.sub_codes(code, submission_kind)


def completeness(body: JointBody, period_code: str) -> Completeness:
    """Organizations × the submission periods of ``period_code``: who submitted, who is late.
    The organizations are those the report's roll-up expects figures from (the body's unit and
    everything below it, and the units it succeeded), so the page and the report count alike.
    Four queries whatever the number of organizations."""
    from reports.rollup import reporting_organizations

    template = template_for(body.unit)
    codes = sub_period_codes(period_code, template.submission_kind)
    specs = [periods.parse(c) for c in codes]
    sub_periods = [(s.code, s.label, s.deadline(template.cutoff_day, template.deadline_days)) for s in specs]
    start, end = specs[0].dates(template.cutoff_day)[0], specs[-1].dates(template.cutoff_day)[1]
    orgs = list(reporting_organizations(body.unit, start, end).select_related("org_type", "unit")
                .order_by("unit__path", "org_type__sort_order", "pk"))
    found = {
        (s.organization_id, s.period.code): s
        for s in Submission.objects.filter(organization__in=orgs, is_current=True,
                                           period__code__in=codes).select_related("period")  # by code, as the roll-up
    }
    # a period created in the database keeps its own dates, even if the template changed since
    stored = {p.code: p.deadline for p in Period.objects.filter(template=template, code__in=codes)}
    bounds = {s.code: s.dates(template.cutoff_day) for s in specs}

    def active(org, code) -> bool:  # as the roll-up's expectations (rollup._active)
        first, last = bounds[code]
        return all((thing.valid_from is None or thing.valid_from <= last) and (thing.valid_to is None or thing.valid_to >= first)
                   for thing in (org, org.unit))

    rows = [(org, [Cell(code, label, stored.get(code, deadline), found.get((org.pk, code)), active(org, code))
                   for code, label, deadline in sub_periods]) for org in orgs]
    return Completeness(body, template, period_code, sub_periods, rows)
