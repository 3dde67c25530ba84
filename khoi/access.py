"""THE one place that answers "may this user see or do this?" and scopes querysets.

A user's reach comes from the positions their person currently holds: each position gives
a ``Grant`` (a role, the unit subtree it covers, and the seat). Querysets are scoped with
indexed prefix filters on the units' materialized path, never with per-object rows.
django-guardian grants only the exceptions (a joint body shared with a reviewer from
elsewhere), through direct foreign-key tables, and is never asked per row in a list.

Every view, API endpoint, export and task goes through ``restrict`` (lists),
``get_for_user_or_404`` (one object) or ``ensure`` (a write). An object outside the
user's reach answers 404, so existence does not leak; an object in reach that the user may
only read answers 403 on a write.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from campaigns.models import Campaign, Case, Household, WorkTeam
from programme.models import Activity, Overlap, WorkProgramme
from reports.models import Indicator, Report, ReportBuild, ReportTemplate, Submission
from subcommittees.models import Task
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    JointBodyUserObjectPermission,
    Organization,
    OrganizationKind,
    Person,
    Position,
    PositionRole,
    Subcommittee,
    UnitSuccession,
    current_positions,
)

ADMIN = "admin"
BOARD = "board"  # the Party's mass-mobilization board above the bodies: read-only
HEAD = "khoi_head"
DEPUTY = "deputy"
SUB_HEAD = "subcommittee_head"
STAFF = "staff"
FIELD = "field"
ROLES = (ADMIN, BOARD, HEAD, DEPUTY, SUB_HEAD, STAFF, FIELD)
EVERYONE = (BOARD, HEAD, DEPUTY, SUB_HEAD, STAFF, FIELD)

VIEW = "view"
CHANGE = "change"
APPROVE = "approve"  # a submission: its organization's head or deputy
RETURN = "return"  # a joint report: the provincial board sends it back for correction


@dataclass(frozen=True)
class Grant:
    role: str
    path: str
    organization_id: int | None = None
    joint_body_id: int | None = None
    subcommittee_id: int | None = None
    lead: bool = False  # heads (or deputises) its organization
    person_id: int | None = None  # whose grant: team membership is per person

    @property
    def unit_id(self) -> int:
        return int(self.path.strip("/").split("/")[-1])

    @property
    def root_id(self) -> int:
        return int(self.path.strip("/").split("/")[0])

    @property
    def at_root(self) -> bool:
        return self.path.count("/") == 2


def _grant(position: Position) -> Grant:
    leads = position.role in (PositionRole.HEAD, PositionRole.DEPUTY)
    if position.organization_id:
        org = position.organization
        if org.org_type.kind == OrganizationKind.PARTY_BOARD:
            role = BOARD
        elif position.role == PositionRole.FIELD:
            role = FIELD
        else:
            role = STAFF
        return Grant(role, org.unit.path, organization_id=org.pk, lead=leads and role == STAFF, person_id=position.person_id)
    if position.joint_body_id:
        body = position.joint_body
        role = {PositionRole.HEAD: HEAD, PositionRole.DEPUTY: DEPUTY, PositionRole.FIELD: FIELD}.get(position.role, STAFF)
        return Grant(role, body.unit.path, joint_body_id=body.pk, person_id=position.person_id)
    sub = position.subcommittee
    role = {PositionRole.HEAD: SUB_HEAD, PositionRole.FIELD: FIELD}.get(position.role, STAFF)
    return Grant(role, sub.joint_body.unit.path, joint_body_id=sub.joint_body_id, subcommittee_id=sub.pk,
                 person_id=position.person_id)


def grants(user) -> tuple[Grant, ...]:
    """The user's grants, read once per request (one query) and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_khoi_grants", None)
    if cached is None:
        positions = (
            Position.objects.filter(current_positions(), person__user=user)
            .select_related(
                "organization__unit", "organization__org_type", "joint_body__unit", "subcommittee__joint_body__unit"
            )
            .order_by("pk")
        )
        direct = list(dict.fromkeys(_grant(p) for p in positions))
        cached = tuple(dict.fromkeys(direct + _history_grants(direct)))
        user._khoi_grants = cached
    return cached


def _history_grants(direct: list[Grant]) -> list[Grant]:
    """History stays readable by the successor: a grant at a unit that replaced older units
    (the 2025 reform) reaches their subtrees too, with the same role."""
    if not direct:
        return []
    unit_ids = {g.unit_id for g in direct}
    successions = UnitSuccession.objects.filter(successor_id__in=unit_ids).values_list("successor_id", "predecessor__path")
    old_paths: dict[int, list[str]] = {}
    for successor_id, path in successions:
        old_paths.setdefault(successor_id, []).append(path)
    return [replace(g, path=path) for g in direct for path in old_paths.get(g.unit_id, [])]


def is_admin(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def roles(user) -> set[str]:
    found = {g.role for g in grants(user)}
    if is_admin(user):
        found.add(ADMIN)
    return found


# Which roles may do what, and over which part of their reach. The expectations in
# tests/khoi/access_matrix.py are written by hand, not derived from this table.
#   subtree: the grant's unit and everything below     below: strictly below it
#   own_org / own_body / own_sub: the grant's own seat  catalog / own_catalog: rule catalogs
#   org_member: the grant's organization, lead or not (own_org needs a head or deputy)
#   body_office: a seat in the joint body itself (its office staff), not in one of its subcommittees
POLICY: dict[type[Model], dict[str, dict[str, str]]] = {
    AdministrativeUnit: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "below"}},
    Organization: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "subtree", STAFF: "own_org"}},
    JointBody: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body"}},
    Subcommittee: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body", SUB_HEAD: "own_sub"}},
    Person: {
        VIEW: dict.fromkeys(EVERYONE, "subtree"),
        CHANGE: {HEAD: "subtree", DEPUTY: "subtree", SUB_HEAD: "subtree", STAFF: "subtree"},
    },
    Position: {
        VIEW: dict.fromkeys(EVERYONE, "subtree"),
        CHANGE: {HEAD: "subtree", STAFF: "own_org", SUB_HEAD: "own_sub"},
    },
    CoordinationRule: {VIEW: dict.fromkeys(EVERYONE, "catalog"), CHANGE: {HEAD: "own_catalog"}},
    # The work programme: the head and subcommittee heads plan joint activities; an
    # organization's staff keep its own (separate) activities; the others only look.
    WorkProgramme: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body"}},
    Activity: {
        VIEW: dict.fromkeys(EVERYONE, "subtree"),
        CHANGE: {HEAD: "own_body_joint", SUB_HEAD: "own_sub_joint", STAFF: "owner_org"},
    },
    Overlap: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body"}},
    Task: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body", SUB_HEAD: "own_sub"}},
    # Campaigns: the head and the subcommittee running it manage teams; team members see and
    # edit only their own team's households; the provincial board sees households in aggregate only.
    Campaign: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body", SUB_HEAD: "own_sub"}},
    WorkTeam: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {HEAD: "own_body", SUB_HEAD: "own_sub"}},
    Household: {
        VIEW: {HEAD: "own_body", SUB_HEAD: "own_sub", DEPUTY: "own_team", STAFF: "own_team", FIELD: "own_team"},
        CHANGE: {HEAD: "own_body", SUB_HEAD: "own_sub", DEPUTY: "own_team", STAFF: "own_team", FIELD: "own_team"},
    },
    Case: {
        VIEW: {HEAD: "own_body", DEPUTY: "own_body", SUB_HEAD: "own_body", STAFF: "subtree"},
        CHANGE: {HEAD: "own_body", DEPUTY: "own_body", SUB_HEAD: "own_body"},
    },
    # Reports: the indicator catalog like the rule catalog; an organization's staff (lead or not)
    # enter and submit its figures, its head or deputy approves or returns them; all see the subtree.
    Indicator: {VIEW: dict.fromkeys(EVERYONE, "catalog"), CHANGE: {HEAD: "own_catalog"}},
    ReportTemplate: {VIEW: dict.fromkeys(EVERYONE, "catalog"), CHANGE: {HEAD: "own_catalog"}},
    Submission: {VIEW: dict.fromkeys(EVERYONE, "subtree"), CHANGE: {STAFF: "org_member"}, APPROVE: {STAFF: "own_org"}},
    # The joint report: everyone over the subtree reads it; the body's head, deputy and office
    # staff write its narrative and request builds (not subcommittee heads or members, not the
    # organizations' staff: they submit figures); the provincial board returns it for correction.
    Report: {
        VIEW: dict.fromkeys(EVERYONE, "subtree"),
        CHANGE: {HEAD: "own_body", DEPUTY: "own_body", STAFF: "body_office"},
        RETURN: {BOARD: "subtree"},
    },
    ReportBuild: {
        VIEW: dict.fromkeys(EVERYONE, "subtree"),
        CHANGE: {HEAD: "own_body", DEPUTY: "own_body", STAFF: "body_office"},
    },
}

# How each model reaches the columns the policy filters on.
FIELDS: dict[type[Model], dict[str, str]] = {
    AdministrativeUnit: {"path": "path"},
    Organization: {"path": "unit__path", "org": "pk"},
    JointBody: {"path": "unit__path", "body": "pk"},
    Subcommittee: {"path": "joint_body__unit__path", "body": "joint_body_id", "sub": "pk"},
    Person: {"path": "unit__path"},
    Position: {"path": "unit__path", "org": "organization_id", "body": "joint_body_id", "sub": "subcommittee_id"},
    CoordinationRule: {"catalog": "catalog_unit_id"},
    WorkProgramme: {"path": "joint_body__unit__path", "body": "joint_body_id"},
    Activity: {"path": "programme__joint_body__unit__path", "body": "programme__joint_body_id",
               "sub": "subcommittee_id", "owner": "owner_id"},
    Overlap: {"path": "first__programme__joint_body__unit__path", "body": "first__programme__joint_body_id"},
    Task: {"path": "joint_body__unit__path", "body": "joint_body_id", "sub": "subcommittee_id"},
    Campaign: {"path": "joint_body__unit__path", "body": "joint_body_id", "sub": "subcommittee_id"},
    WorkTeam: {"path": "campaign__joint_body__unit__path", "body": "campaign__joint_body_id",
               "sub": "campaign__subcommittee_id"},
    Household: {"path": "campaign__joint_body__unit__path", "body": "campaign__joint_body_id",
                "sub": "campaign__subcommittee_id", "team": "team"},
    Case: {"path": "joint_body__unit__path", "body": "joint_body_id"},
    Indicator: {"catalog": "catalog_unit_id"},
    ReportTemplate: {"catalog": "province_id"},
    Submission: {"path": "organization__unit__path", "org": "organization_id"},
    Report: {"path": "joint_body__unit__path", "body": "joint_body_id"},
    ReportBuild: {"path": "report__joint_body__unit__path", "body": "report__joint_body_id"},
}

# Guardian exceptions, direct-FK tables only: model → (table, codename per action).
EXCEPTIONS = {JointBody: (JointBodyUserObjectPermission, {VIEW: "view_jointbody", CHANGE: "change_jointbody"})}


def _scope_q(model: type[Model], grant: Grant, scope: str) -> Q | None:
    f = FIELDS[model]
    if scope == "subtree":
        return Q(**{f"{f['path']}__startswith": grant.path})
    if scope == "below":
        return Q(**{f"{f['path']}__startswith": grant.path}) & ~Q(**{f["path"]: grant.path})
    if scope == "own_org":
        return Q(**{f["org"]: grant.organization_id}) if grant.lead and "org" in f else None
    if scope == "org_member":
        return Q(**{f["org"]: grant.organization_id}) if grant.organization_id and "org" in f else None
    if scope == "own_body":
        return Q(**{f["body"]: grant.joint_body_id}) if grant.joint_body_id and "body" in f else None
    if scope == "body_office":
        office = grant.joint_body_id and not grant.subcommittee_id and "body" in f
        return Q(**{f["body"]: grant.joint_body_id}) if office else None
    if scope == "own_sub":
        return Q(**{f["sub"]: grant.subcommittee_id}) if grant.subcommittee_id and "sub" in f else None
    if scope == "own_body_joint":
        return Q(**{f["body"]: grant.joint_body_id, f"{f['owner']}__isnull": True}) if grant.joint_body_id else None
    if scope == "own_sub_joint":
        return Q(**{f["sub"]: grant.subcommittee_id, f"{f['owner']}__isnull": True}) if grant.subcommittee_id else None
    if scope == "owner_org":
        return Q(**{f["owner"]: grant.organization_id}) if grant.organization_id else None
    if scope == "own_team":
        if not grant.person_id:
            return None
        # a subquery, not a join through memberships: a join would repeat each row per member
        teams = WorkTeam.objects.filter(Q(leader_id=grant.person_id) | Q(memberships__person_id=grant.person_id))
        return Q(**{f"{f['team']}__in": teams.values("pk")})
    if scope == "catalog":
        return Q(**{f"{f['catalog']}__isnull": True}) | Q(**{f["catalog"]: grant.root_id})
    if scope == "own_catalog":
        return Q(**{f["catalog"]: grant.root_id}) if grant.at_root else None
    raise ValueError(scope)


def _resolve(obj: Model, lookup: str):
    value = obj
    for part in lookup.split("__"):
        if value is None:
            return None
        value = value.pk if part == "pk" else getattr(value, part)
    return value


def _scope_matches(obj: Model, grant: Grant, scope: str) -> bool:
    f = FIELDS[type(obj)]
    if scope in ("subtree", "below"):
        path = _resolve(obj, f["path"]) or ""
        return path.startswith(grant.path) and (scope == "subtree" or path != grant.path)
    if scope == "own_org":
        return bool(grant.lead and "org" in f and grant.organization_id and _resolve(obj, f["org"]) == grant.organization_id)
    if scope == "org_member":
        return bool("org" in f and grant.organization_id and _resolve(obj, f["org"]) == grant.organization_id)
    if scope == "own_body":
        return bool("body" in f and grant.joint_body_id and _resolve(obj, f["body"]) == grant.joint_body_id)
    if scope == "body_office":
        return bool("body" in f and grant.joint_body_id and not grant.subcommittee_id
                    and _resolve(obj, f["body"]) == grant.joint_body_id)
    if scope == "own_sub":
        return bool("sub" in f and grant.subcommittee_id and _resolve(obj, f["sub"]) == grant.subcommittee_id)
    if scope == "own_body_joint":
        return bool(grant.joint_body_id and _resolve(obj, f["body"]) == grant.joint_body_id and _resolve(obj, f["owner"]) is None)
    if scope == "own_sub_joint":
        return bool(grant.subcommittee_id and _resolve(obj, f["sub"]) == grant.subcommittee_id and _resolve(obj, f["owner"]) is None)
    if scope == "owner_org":
        return bool(grant.organization_id and _resolve(obj, f["owner"]) == grant.organization_id)
    if scope == "own_team":
        team = _resolve(obj, f["team"])
        return bool(team is not None and grant.person_id and (
            team.leader_id == grant.person_id or team.memberships.filter(person_id=grant.person_id).exists()))
    catalog = _resolve(obj, f["catalog"])
    if scope == "catalog":
        return catalog is None or catalog == grant.root_id
    return grant.at_root and catalog == grant.root_id


def _model_of(model_or_qs) -> type[Model]:
    return model_or_qs.model if isinstance(model_or_qs, QuerySet) else model_or_qs


def scope_filter(user, action: str, model: type[Model]) -> Q | None:
    """The Q a queryset of ``model`` is filtered with; None when the user reaches nothing."""
    rules = POLICY[model][action]
    parts = [q for g in grants(user) if g.role in rules for q in [_scope_q(model, g, rules[g.role])] if q is not None]
    if model in EXCEPTIONS:
        table, codenames = EXCEPTIONS[model]
        if getattr(user, "is_authenticated", False):
            parts.append(
                Q(pk__in=table.objects.filter(user=user, permission__codename=codenames[action]).values("content_object_id"))
            )
    return reduce(or_, parts) if parts else None


def restrict(model_or_qs, user, action: str = VIEW) -> QuerySet:
    """The part of a queryset the user may see (VIEW) or change (CHANGE)."""
    model = _model_of(model_or_qs)
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model._default_manager.all()
    if is_admin(user):
        return qs
    q = scope_filter(user, action, model)
    return qs.filter(q) if q is not None else qs.none()


def can(user, action: str, obj: Model) -> bool:
    """Object check in Python, for an existing or an unsaved object (no query once grants are read)."""
    if is_admin(user):
        return True
    model = type(obj)
    rules = POLICY[model][action]
    if any(g.role in rules and _scope_matches(obj, g, rules[g.role]) for g in grants(user)):
        return True
    if model in EXCEPTIONS and obj.pk and getattr(user, "is_authenticated", False):
        table, codenames = EXCEPTIONS[model]
        return table.objects.filter(user=user, content_object=obj, permission__codename=codenames[action]).exists()
    return False


def can_create(user, model: type[Model]) -> bool:
    """Whether the user may create objects of this kind somewhere (to show the "add" button)."""
    if is_admin(user):
        return True
    rules = POLICY[model][CHANGE]
    return any(g.role in rules and _may_create_under(model, g, rules[g.role]) for g in grants(user))


def _may_create_under(model: type[Model], grant: Grant, scope: str) -> bool:
    """A seat-scoped grant ("own_org") lets one add things *in* the seat, never a new seat."""
    if scope in ("subtree", "below"):
        return True
    if scope == "own_catalog":
        return grant.at_root
    if scope == "own_team":
        return False  # households come from the campaign's import, not from team members
    if scope == "org_member":
        return bool(grant.organization_id)
    if scope == "body_office":
        return bool(grant.joint_body_id and not grant.subcommittee_id)
    key = {"own_org": "org", "own_body": "body", "own_sub": "sub", "own_body_joint": "body",
           "own_sub_joint": "sub", "owner_org": "owner"}[scope]
    seat_id = {"org": grant.organization_id if grant.lead else None, "body": grant.joint_body_id,
               "sub": grant.subcommittee_id, "owner": grant.organization_id}[key]
    return bool(seat_id) and FIELDS[model].get(key) not in (None, "pk")


def ensure(user, action: str, obj: Model) -> None:
    """Raises PermissionDenied unless the user may do ``action`` on ``obj`` (services call this)."""
    if not can(user, action, obj):
        raise PermissionDenied


def get_for_user_or_404(user, action: str, model_or_qs, **lookup) -> Model:
    """One object the user may see; 404 if missing or out of reach, 403 if seen but not changeable."""
    model = _model_of(model_or_qs)
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model._default_manager.all()
    obj = restrict(qs, user, VIEW).filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied
    return obj


def reachable_units(user, action: str = VIEW) -> QuerySet:
    """Units the user may use (e.g. as form choices)."""
    return restrict(AdministrativeUnit, user, action)


def shared_with(user, joint_body: JointBody, action: str = VIEW) -> bool:
    """Whether a guardian exception shares this joint body with the user."""
    table, codenames = EXCEPTIONS[JointBody]
    return table.objects.filter(user=user, content_object=joint_body, permission__codename=codenames[action]).exists()


def own_catalog_root(user) -> AdministrativeUnit | None:
    """The province (a root unit) whose rule catalog this user adapts: where they head a joint body."""
    for grant in grants(user):
        if grant.role == HEAD and grant.at_root:
            return AdministrativeUnit.objects.filter(pk=grant.root_id).first()
    return None


def grant_exception(*, user, obj: Model, action: str = VIEW) -> None:
    """Record a guardian exception (services call this; nobody else writes permissions)."""
    from guardian.shortcuts import assign_perm

    table, codenames = EXCEPTIONS[type(obj)]
    assign_perm(f"{obj._meta.app_label}.{codenames[action]}", user, obj)
