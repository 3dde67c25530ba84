"""Reads shared by views, the API and exports: scoped through khoi.access, with their
select_related / prefetch done once so that pages issue a fixed number of queries."""
from __future__ import annotations

import datetime as dt

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from khoi import access, text
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    Person,
    Position,
    PositionRole,
    Subcommittee,
    current_positions,
)


def search(qs: QuerySet, query: str | None, *, field: str = "search_name", code_field: str | None = None) -> QuerySet:
    """Diacritic- and case-insensitive search: every word must occur ("dam ha" finds "Đầm Hà")."""
    for term in text.search_terms(query):
        condition = Q(**{f"{field}__contains": term})
        if code_field:
            condition |= Q(**{f"{code_field}__istartswith": term})
        qs = qs.filter(condition)
    return qs


def best_matches_first(qs: QuerySet, query: str | None, *, field: str = "search_name") -> QuerySet:
    """Exact names ("na hang" → "Xã Nà Hang") before names that merely contain the words."""
    folded = text.fold(query)
    if not folded:
        return qs
    rank = Case(
        When(Q(**{field: folded}) | Q(**{f"{field}__endswith": " " + folded}), then=Value(0)),
        When(**{f"{field}__contains": folded}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(match_rank=rank).order_by("match_rank", *qs.model._meta.ordering)


def _current_position_prefetch(lookup: str, to_attr: str, **filters) -> Prefetch:
    return Prefetch(
        lookup,
        queryset=Position.objects.filter(current_positions(), **filters).select_related("person").order_by("role", "pk"),
        to_attr=to_attr,
    )


def unit_list_for_user(user, *, query: str = "", level: str = "", within: AdministrativeUnit | None = None,
                       status: str = "") -> QuerySet:
    qs = access.restrict(AdministrativeUnit, user).select_related("parent")
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    if level:
        qs = qs.filter(level=level)
    today = timezone.localdate()
    if status == "current":
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    elif status == "past":
        qs = qs.filter(valid_to__lt=today)
    return best_matches_first(search(qs, query, code_field="code"), query)


def unit_lookup(user, query: str, *, action: str = access.VIEW, limit: int = 20) -> list[AdministrativeUnit]:
    """Units for a picker: by code prefix or by folded name, current units first."""
    qs = access.restrict(AdministrativeUnit, user, action).select_related("parent")
    return list(search(qs, query, code_field="code").order_by("valid_to", "depth", "search_name")[:limit])


def organization_list_for_user(user, *, query: str = "", org_type: str = "", within: AdministrativeUnit | None = None,
                               action: str = access.VIEW) -> QuerySet:
    qs = access.restrict(Organization, user, action).select_related("org_type", "unit").prefetch_related(
        _current_position_prefetch("positions", "current_heads", role=PositionRole.HEAD)
    )
    if org_type:
        qs = qs.filter(org_type__code=org_type)
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    return search(qs, query)


def joint_body_list_for_user(user, *, query: str = "", within: AdministrativeUnit | None = None,
                             action: str = access.VIEW) -> QuerySet:
    qs = access.restrict(JointBody, user, action).select_related("unit").prefetch_related(
        _current_position_prefetch("positions", "current_heads", role=PositionRole.HEAD)
    )
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    return search(qs, query)


def person_list_for_user(user, *, query: str = "", organization: Organization | None = None,
                         within: AdministrativeUnit | None = None, has_login: str = "",
                         action: str = access.VIEW) -> QuerySet:
    qs = access.restrict(Person, user, action).select_related("unit", "user").prefetch_related(
        Prefetch(
            "positions",
            queryset=Position.objects.filter(current_positions()).select_related(
                "organization", "joint_body", "subcommittee"
            ),
            to_attr="current_positions",
        )
    )
    if organization is not None:
        qs = qs.filter(Q(positions__organization=organization) & current_positions_q("positions__")).distinct()
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    if has_login == "yes":
        qs = qs.filter(user__isnull=False)
    elif has_login == "no":
        qs = qs.filter(user__isnull=True)
    return search(qs, query)


def current_positions_q(prefix: str = "", on: dt.date | None = None) -> Q:
    on = on or timezone.localdate()
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


def position_list_for_user(user, *, query: str = "", role: str = "", status: str = "",
                           within: AdministrativeUnit | None = None) -> QuerySet:
    qs = access.restrict(Position, user).select_related(
        "person", "organization", "joint_body", "subcommittee", "unit"
    )
    if role:
        qs = qs.filter(role=role)
    if status == "current":
        qs = qs.filter(current_positions())
    elif status == "past":
        qs = qs.filter(end_date__lt=timezone.localdate())
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    return search(qs, query, field="person__search_name")


def rule_list_for_user(user, *, query: str = "", mode: str = "", catalog: str = "") -> QuerySet:
    qs = access.restrict(CoordinationRule, user).select_related("catalog_unit")
    if mode:
        qs = qs.filter(mode=mode)
    if catalog == "default":
        qs = qs.filter(catalog_unit__isnull=True)
    elif catalog.isdigit():
        qs = qs.filter(catalog_unit_id=int(catalog))
    return search(qs, query, code_field="code")


def rule_catalog_for_unit(unit: AdministrativeUnit) -> QuerySet:
    """The catalog in force at a unit: its province's own catalog if it adapted one, else the default."""
    root_id = unit.ancestor_ids()[0]
    own = CoordinationRule.objects.filter(catalog_unit_id=root_id)
    return own if own.exists() else CoordinationRule.objects.filter(catalog_unit__isnull=True)


def org_chart(joint_body: JointBody) -> dict:
    """Everything the organization chart shows, in a fixed number of queries."""
    positions = list(
        Position.objects.filter(current_positions())
        .filter(Q(joint_body=joint_body) | Q(subcommittee__joint_body=joint_body))
        .select_related("person", "subcommittee")
        .order_by("role", "pk")
    )
    person_ids = {p.person_id for p in positions}
    # Each person's organizations, to show where a subcommittee member comes from.
    org_positions = (
        Position.objects.filter(current_positions(), person_id__in=person_ids, organization__isnull=False)
        .select_related("organization__org_type")
        .order_by("pk")
    )
    orgs_of: dict[int, list[Organization]] = {}
    for p in org_positions:
        orgs_of.setdefault(p.person_id, []).append(p.organization)
    subcommittees = list(joint_body.subcommittees.all())
    by_sub: dict[int, dict] = {s.pk: {"subcommittee": s, "heads": [], "members": []} for s in subcommittees}
    heads, deputies, staff = [], [], []
    for p in positions:
        entry = {"position": p, "person": p.person, "organizations": orgs_of.get(p.person_id, [])}
        if p.subcommittee_id:
            by_sub[p.subcommittee_id]["heads" if p.role == PositionRole.HEAD else "members"].append(entry)
        elif p.role == PositionRole.HEAD:
            heads.append(entry)
        elif p.role == PositionRole.DEPUTY:
            deputies.append(entry)
        else:
            staff.append(entry)
    members = list(
        joint_body.memberships.select_related("organization__org_type").order_by("organization__org_type__sort_order")
    )
    return {
        "heads": heads,
        "deputies": deputies,
        "staff": staff,
        "subcommittees": [by_sub[s.pk] for s in subcommittees],
        "memberships": members,
    }


def subcommittee_members(subcommittee: Subcommittee) -> list[Position]:
    return list(
        subcommittee.positions.filter(current_positions()).select_related("person").order_by("role", "pk")
    )
