"""The JSON API, /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs).

Thin, like the views: parse → khoi.access / a selector / a service → schema. The same access
rules as the UI: lists come from the selectors (scoped by ``access.restrict``), one object
from ``access.get_for_user_or_404`` (outside the user's reach: 404; visible but not
changeable: 403), every write from a service (which calls ``access.ensure`` and
``full_clean``). Errors come back as JSON: 422 with ``{"detail": [{"loc", "msg", "type"}]}``
for invalid data (Django's messages, in Vietnamese), 403, 404, 409 with ``{"detail": "…"}``.

Payloads reference other objects by ``<field>_id``; units also by ``<field>_code`` (the
official code, resolved inside the user's reach, current units first).
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Model, Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, PatchDict, Query, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.responses import Status

from khoi import access, selectors, services
from khoi.api_auth import session_auth, token_auth
from khoi.forms import UnitCodeField
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    OrganizationType,
    Person,
    Position,
    PositionRole,
    RuleMode,
    Subcommittee,
    SubcommitteeKind,
    UnitLevel,
    UnitSuccession,
)

api = NinjaAPI(title="Khối API", version="1", urls_namespace="api", auth=[session_auth, token_auth])

PAGE_SIZE = 50


class Page(PageNumberPagination):
    """``?page=2&page_size=100`` → ``{"items": [...], "count": N}``."""

    def __init__(self, **kwargs):
        super().__init__(page_size=PAGE_SIZE, max_page_size=200, **kwargs)


# ---------------------------------------------------------------- errors


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


def answers(ok, status: int = 200) -> dict:
    """An operation's documented answers: its result and the errors every endpoint may give."""
    return {status: ok, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def _json_error(request, status: int, detail):
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    where = "query" if request.method in ("GET", "HEAD") else "body"
    errors = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
    return _json_error(request, 422, [
        {"loc": [where] if field == NON_FIELD_ERRORS else [where, field], "msg": msg, "type": "value_error"}
        for field, messages in errors for msg in messages
    ])


@api.exception_handler(PermissionDenied)
def _permission_denied(request, exc):
    return _json_error(request, 403, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _json_error(request, 404, _("Không tìm thấy."))


@api.exception_handler(IntegrityError)
def _integrity_error(request, exc):
    return _json_error(request, 409, _("Dữ liệu trùng hoặc mâu thuẫn với dữ liệu đã có; "
                                       "không có gì được lưu."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _json_error(request, 401, _("Cần đăng nhập hoặc một khóa API hợp lệ (Authorization: Bearer …)."))


# ---------------------------------------------------------------- references in payloads

# "<name>_id" resolves to one of these models, "<name>_code" (units only) to a unit by code.
REFERENCES: dict[str, type[Model]] = {
    "unit": AdministrativeUnit,
    "parent": AdministrativeUnit,
    "catalog_unit": AdministrativeUnit,
    "person": Person,
    "organization": Organization,
    "joint_body": JointBody,
    "subcommittee": Subcommittee,
}


def _reference(user, name: str, *, pk: int | None, code: str | None, id_key: str, code_key: str):
    """One referenced object inside the user's reach (VIEW: the service decides about CHANGE);
    None when neither key is given. A unit code resolves like the forms' unit field does."""
    if pk is not None and code:
        raise ValidationError({id_key: _("Chỉ nhập một trong hai: %(id)s hoặc %(code)s.")
                               % {"id": id_key, "code": code_key}})
    if code:
        try:
            return UnitCodeField(user=user).clean(code)
        except ValidationError as error:
            raise ValidationError({code_key: error.messages}) from None
    if pk is None:
        return None
    model = REFERENCES[name]
    found = access.restrict(model, user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({id_key: _("Không tìm thấy %(model)s số %(pk)s trong phạm vi của bạn.")
                               % {"model": model._meta.verbose_name, "pk": pk}})
    return found


def _resolve_references(user, model: type[Model], data: dict, fields: dict, errors: dict, *, creating: bool):
    """``<name>_id`` / ``<name>_code`` → ``<name>``. A reference the model requires must be given
    on create and cannot be emptied later (else access would answer 403 for a missing unit)."""
    for field in model._meta.concrete_fields:
        if field.name not in REFERENCES or not field.editable:
            continue
        id_key, code_key = f"{field.name}_id", f"{field.name}_code"
        if id_key not in data and code_key not in data and (field.null or not creating):
            continue
        try:
            value = _reference(user, field.name, pk=data.get(id_key), code=data.get(code_key),
                               id_key=id_key, code_key=code_key)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        if value is None and not field.null:
            hint = (_("Hãy nhập %(id)s hoặc %(code)s.") if field.related_model is AdministrativeUnit
                    else _("Hãy nhập %(id)s."))
            errors[id_key] = hint % {"id": id_key, "code": code_key}
        fields[field.name] = value


def _resolve_lookups(user, fields: dict, errors: dict):
    """The two references that are not ``<name>_id``: an organization type by code, and the
    member organizations of a joint body by ids."""
    if "org_type" in fields:
        code = fields["org_type"]
        fields["org_type"] = OrganizationType.objects.filter(code=code).first()
        if fields["org_type"] is None:
            errors["org_type"] = _("Không có loại tổ chức mã “%(code)s”.") % {"code": code}
    wanted = fields.pop("member_organization_ids", None)
    if wanted is not None:
        orgs = list(access.restrict(Organization, user).filter(pk__in=wanted).select_related("unit"))
        missing = sorted(set(wanted) - {o.pk for o in orgs})
        if missing:
            message = _("Không tìm thấy tổ chức số %(ids)s trong phạm vi của bạn.")
            errors["member_organization_ids"] = message % {"ids": ", ".join(map(str, missing))}
        fields["member_organizations"] = orgs


def _fields(user, model: type[Model], data: dict, *, creating: bool) -> dict:
    """Payload → the service's keyword arguments, every reference resolved inside the user's reach."""
    fields = {key: value for key, value in data.items()
              if not (key.rpartition("_")[0] in REFERENCES and key.rpartition("_")[2] in ("id", "code"))}
    errors: dict = {}
    _resolve_references(user, model, data, fields, errors, creating=creating)
    _resolve_lookups(user, fields, errors)
    if errors:
        raise ValidationError(errors)
    return fields


# ---------------------------------------------------------------- the shape every endpoint shares

_SUCCESSIONS = (
    Prefetch("succession_out", queryset=UnitSuccession.objects.select_related("successor")
             .order_by("successor__code")),
    Prefetch("succession_in", queryset=UnitSuccession.objects.select_related("predecessor")
             .order_by("predecessor__code")),
)

# Where one object is read from: the list selector's queryset, so list and detail show the same.
DETAIL_QUERYSETS = {
    AdministrativeUnit: lambda user: selectors.unit_list_for_user(user).prefetch_related(*_SUCCESSIONS),
    Organization: selectors.organization_list_for_user,
    JointBody: lambda user: selectors.joint_body_list_for_user(user).prefetch_related(
        "memberships", "subcommittees"),
    Subcommittee: lambda user: access.restrict(Subcommittee, user).select_related("joint_body"),
    Person: selectors.person_list_for_user,
    Position: selectors.position_list_for_user,
    CoordinationRule: selectors.rule_list_for_user,
}


def _get(request, model: type[Model], pk: int):
    return access.get_for_user_or_404(request.auth, access.VIEW, DETAIL_QUERYSETS[model](request.auth), pk=pk)


def _create(request, model: type[Model], service, data: dict):
    """Create through the service; 403 for a user who may create this kind of object nowhere."""
    if not access.can_create(request.auth, model):
        raise PermissionDenied
    saved = service(actor=request.auth, **_fields(request.auth, model, data, creating=True))
    return Status(201, _get(request, model, saved.pk))


def _update(request, model: type[Model], pk: int, service, instance_kw: str, data: dict):
    """Change through the service: 404 outside the user's reach, 403 when only readable."""
    obj = access.get_for_user_or_404(request.auth, access.CHANGE, model, pk=pk)
    service(actor=request.auth, **{instance_kw: obj}, **_fields(request.auth, model, data, creating=False))
    return _get(request, model, pk)


# ---------------------------------------------------------------- schemas

class UnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    unit_type: str
    level: UnitLevel
    parent_id: int | None
    parent_code: str | None
    depth: int
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_parent_code(obj):
        return obj.parent.code if obj.parent_id else None


class SuccessionOut(Schema):
    id: int
    code: str
    name: str
    effective_date: dt.date
    takes_history: bool


class UnitDetailOut(UnitOut):
    successors: list[SuccessionOut]
    predecessors: list[SuccessionOut]

    @staticmethod
    def resolve_successors(obj):
        return [_succession(s, s.successor) for s in obj.succession_out.all()]

    @staticmethod
    def resolve_predecessors(obj):
        return [_succession(s, s.predecessor) for s in obj.succession_in.all()]


def _succession(link: UnitSuccession, unit: AdministrativeUnit) -> dict:
    return {"id": unit.pk, "code": unit.code, "name": unit.name,
            "effective_date": link.effective_date, "takes_history": link.takes_history}


class UnitIn(Schema):
    code: str
    name: str
    short_name: str = ""
    unit_type: str
    level: UnitLevel
    parent_id: int | None = None
    parent_code: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class UnitFilters(Schema):
    q: str = Field("", description="Tên (không cần dấu) hoặc đầu mã, ví dụ “dam ha”, “06895”.")
    level: UnitLevel | None = None
    status: Literal["current", "past"] | None = None
    within_id: int | None = Field(None, description="Chỉ trong cây của đơn vị này (số hiệu).")
    within_code: str | None = Field(None, description="Chỉ trong cây của đơn vị có mã này.")


class OrganizationTypeOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    member_noun: str
    sort_order: int


class PersonBriefOut(Schema):
    position_id: int
    person_id: int
    full_name: str
    title: str


def _brief(position: Position) -> dict:
    return {"position_id": position.pk, "person_id": position.person_id,
            "full_name": position.person.full_name, "title": position.title}


def _heads(obj) -> list[dict]:
    return [_brief(p) for p in getattr(obj, "current_heads", [])]


class UnitRefMixin(Schema):
    unit_id: int
    unit_code: str
    unit_name: str

    @staticmethod
    def resolve_unit_code(obj):
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj):
        return obj.unit.name


class OrganizationOut(UnitRefMixin):
    id: int
    org_type: str
    org_type_name: str
    name: str
    short_name: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    heads: list[PersonBriefOut]

    @staticmethod
    def resolve_org_type(obj):
        return obj.org_type.code

    @staticmethod
    def resolve_org_type_name(obj):
        return obj.org_type.name

    @staticmethod
    def resolve_heads(obj):
        return _heads(obj)


class OrganizationIn(Schema):
    org_type: str = Field(..., description="Mã loại tổ chức, ví dụ MTTQ, HLHPN, BDV.")
    unit_id: int | None = None
    unit_code: str | None = None
    name: str
    short_name: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class OrganizationFilters(Schema):
    q: str = ""
    org_type: str | None = Field(None, description="Mã loại tổ chức.")
    within_id: int | None = None
    within_code: str | None = None


class JointBodyOut(UnitRefMixin):
    id: int
    name: str
    short_name: str
    decision_number: str
    decision_date: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    heads: list[PersonBriefOut]

    @staticmethod
    def resolve_heads(obj):
        return _heads(obj)


class SubcommitteeOut(Schema):
    id: int
    joint_body_id: int
    kind: SubcommitteeKind
    name: str
    sort_order: int


class JointBodyDetailOut(JointBodyOut):
    member_organization_ids: list[int]
    subcommittees: list[SubcommitteeOut]

    @staticmethod
    def resolve_member_organization_ids(obj):
        return sorted(m.organization_id for m in obj.memberships.all())

    @staticmethod
    def resolve_subcommittees(obj):
        return list(obj.subcommittees.all())


class JointBodyIn(Schema):
    name: str
    short_name: str = ""
    unit_id: int | None = None
    unit_code: str | None = None
    decision_number: str = ""
    decision_date: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    member_organization_ids: list[int] | None = Field(
        None, description="Thay toàn bộ danh sách tổ chức thành viên; bỏ trống để giữ nguyên."
    )


class WithinFilters(Schema):
    q: str = ""
    within_id: int | None = None
    within_code: str | None = None


class ChartOrganizationOut(Schema):
    id: int
    name: str
    short_name: str
    org_type: str


class ChartEntryOut(Schema):
    position_id: int
    title: str
    role: PositionRole
    person_id: int
    full_name: str
    organizations: list[ChartOrganizationOut]


class ChartSubcommitteeOut(SubcommitteeOut):
    heads: list[ChartEntryOut]
    members: list[ChartEntryOut]


class ChartOut(Schema):
    joint_body: JointBodyOut
    heads: list[ChartEntryOut]
    deputies: list[ChartEntryOut]
    staff: list[ChartEntryOut]
    subcommittees: list[ChartSubcommitteeOut]
    member_organizations: list[ChartOrganizationOut]


def _chart_org(org: Organization) -> dict:
    return {"id": org.pk, "name": org.name, "short_name": org.short_name, "org_type": org.org_type.code}


def _chart_entry(entry: dict) -> dict:
    position = entry["position"]
    return {"position_id": position.pk, "title": position.title, "role": position.role,
            "person_id": entry["person"].pk, "full_name": entry["person"].full_name,
            "organizations": [_chart_org(o) for o in entry["organizations"]]}


class SubcommitteeDetailOut(SubcommitteeOut):
    joint_body_name: str
    positions: list[PersonBriefOut]

    @staticmethod
    def resolve_joint_body_name(obj):
        return obj.joint_body.name

    @staticmethod
    def resolve_positions(obj):
        return [_brief(p) for p in selectors.subcommittee_members(obj)]


class SubcommitteeIn(Schema):
    name: str
    sort_order: int


class SeatMixin(Schema):
    organization_id: int | None
    joint_body_id: int | None
    subcommittee_id: int | None
    seat_name: str

    @staticmethod
    def resolve_seat_name(obj):
        return str(obj.seat)


class CurrentPositionOut(SeatMixin):
    id: int
    title: str
    role: PositionRole


class PersonOut(UnitRefMixin):
    id: int
    full_name: str
    phone: str
    email: str
    has_login: bool
    current_positions: list[CurrentPositionOut]

    @staticmethod
    def resolve_has_login(obj):
        return obj.user_id is not None


class PersonIn(Schema):
    full_name: str
    unit_id: int | None = None
    unit_code: str | None = None
    phone: str = ""
    email: str = ""


class PersonFilters(Schema):
    q: str = Field("", description="Họ tên, không cần dấu.")
    organization_id: int | None = Field(None, description="Chỉ người đang giữ chức vụ ở tổ chức này.")
    within_id: int | None = None
    within_code: str | None = None
    has_login: bool | None = None


class PositionOut(SeatMixin):
    id: int
    person_id: int
    person_name: str
    title: str
    role: PositionRole
    unit_id: int
    start_date: dt.date
    end_date: dt.date | None
    is_concurrent: bool
    is_current: bool

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.full_name

    @staticmethod
    def resolve_is_current(obj):
        return obj.is_current()


class PositionIn(Schema):
    person_id: int
    title: str
    role: PositionRole
    organization_id: int | None = None
    joint_body_id: int | None = None
    subcommittee_id: int | None = None
    start_date: dt.date
    end_date: dt.date | None = None
    is_concurrent: bool = False


class PositionEndIn(Schema):
    end_date: dt.date | None = Field(None, description="Bỏ trống: hôm nay.")


class PositionFilters(Schema):
    q: str = Field("", description="Họ tên cán bộ, không cần dấu.")
    role: PositionRole | None = None
    status: Literal["current", "past"] | None = None
    within_id: int | None = None
    within_code: str | None = None


class RuleOut(Schema):
    id: int
    catalog_unit_id: int | None
    catalog_unit_code: str | None
    code: str
    name: str
    description: str
    mode: RuleMode
    is_active: bool
    sort_order: int

    @staticmethod
    def resolve_catalog_unit_code(obj):
        return obj.catalog_unit.code if obj.catalog_unit_id else None


class RuleUpdate(Schema):
    code: str
    name: str
    description: str = ""
    mode: RuleMode
    is_active: bool = True
    sort_order: int = 0


class RuleIn(RuleUpdate):
    catalog_unit_id: int | None = Field(None, description="Bỏ trống: danh mục riêng của tỉnh mình.")
    catalog_unit_code: str | None = None


class RuleAdoptIn(Schema):
    catalog_unit_id: int | None = Field(
        None, description="Bỏ trống: tỉnh mình (thủ trưởng cơ quan khối cấp tỉnh)."
    )
    catalog_unit_code: str | None = None


class RuleFilters(Schema):
    q: str = ""
    mode: RuleMode | None = None
    catalog: str = Field("", description="“default” (danh mục mặc định) hoặc số hiệu đơn vị của danh mục.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=80)


class TokenOut(Schema):
    id: int
    name: str
    key: str = Field(..., description="Chỉ hiện một lần; hệ thống chỉ lưu mã băm.")
    created_at: dt.datetime


# ---------------------------------------------------------------- filters

def _within(request, filters) -> AdministrativeUnit | None:
    """The ``within_id`` / ``within_code`` filter: a subtree inside the user's reach (422 otherwise)."""
    return _reference(request.auth, "unit", pk=filters.within_id, code=filters.within_code,
                      id_key="within_id", code_key="within_code")


# ---------------------------------------------------------------- units

@api.get("/units", response=answers(list[UnitOut]), tags=["units"])
@paginate(Page)
def unit_list(request, filters: Query[UnitFilters]):
    return selectors.unit_list_for_user(
        request.auth, query=filters.q, level=filters.level or "", status=filters.status or "",
        within=_within(request, filters),
    )


@api.get("/units/{int:unit_id}", response=answers(UnitDetailOut), tags=["units"])
def unit_get(request, unit_id: int):
    return _get(request, AdministrativeUnit, unit_id)


@api.post("/units", response=answers(UnitDetailOut, 201), tags=["units"])
def unit_create(request, payload: UnitIn):
    return _create(request, AdministrativeUnit, services.unit_save, payload.model_dump())


@api.patch("/units/{int:unit_id}", response=answers(UnitDetailOut), tags=["units"])
def unit_update(request, unit_id: int, payload: PatchDict[UnitIn]):
    return _update(request, AdministrativeUnit, unit_id, services.unit_save, "unit", payload)


@api.get("/organization-types", response=answers(list[OrganizationTypeOut]), tags=["organizations"])
@paginate(Page)
def organization_type_list(request):
    return OrganizationType.objects.all()


# ---------------------------------------------------------------- organizations

@api.get("/organizations", response=answers(list[OrganizationOut]), tags=["organizations"])
@paginate(Page)
def organization_list(request, filters: Query[OrganizationFilters]):
    return selectors.organization_list_for_user(
        request.auth, query=filters.q, org_type=filters.org_type or "", within=_within(request, filters)
    )


@api.get("/organizations/{int:organization_id}", response=answers(OrganizationOut), tags=["organizations"])
def organization_get(request, organization_id: int):
    return _get(request, Organization, organization_id)


@api.post("/organizations", response=answers(OrganizationOut, 201), tags=["organizations"])
def organization_create(request, payload: OrganizationIn):
    return _create(request, Organization, services.organization_save, payload.model_dump())


@api.patch("/organizations/{int:organization_id}", response=answers(OrganizationOut), tags=["organizations"])
def organization_update(request, organization_id: int, payload: PatchDict[OrganizationIn]):
    return _update(request, Organization, organization_id, services.organization_save, "organization",
                   payload)


# ---------------------------------------------------------------- joint bodies and subcommittees

@api.get("/bodies", response=answers(list[JointBodyOut]), tags=["bodies"])
@paginate(Page)
def joint_body_list(request, filters: Query[WithinFilters]):
    return selectors.joint_body_list_for_user(request.auth, query=filters.q, within=_within(request, filters))


@api.get("/bodies/{int:body_id}", response=answers(JointBodyDetailOut), tags=["bodies"])
def joint_body_get(request, body_id: int):
    return _get(request, JointBody, body_id)


@api.post("/bodies", response=answers(JointBodyDetailOut, 201), tags=["bodies"])
def joint_body_create(request, payload: JointBodyIn):
    return _create(request, JointBody, services.joint_body_save, payload.model_dump())


@api.patch("/bodies/{int:body_id}", response=answers(JointBodyDetailOut), tags=["bodies"])
def joint_body_update(request, body_id: int, payload: PatchDict[JointBodyIn]):
    return _update(request, JointBody, body_id, services.joint_body_save, "joint_body", payload)


@api.get("/bodies/{int:body_id}/chart", response=answers(ChartOut), tags=["bodies"])
def joint_body_chart(request, body_id: int):
    """The organization chart: head, deputies, staff, the four parts with their heads and members
    (and each member's organizations), and the member organizations."""
    body = _get(request, JointBody, body_id)
    chart = selectors.org_chart(body)
    return {
        "joint_body": body,
        "heads": [_chart_entry(e) for e in chart["heads"]],
        "deputies": [_chart_entry(e) for e in chart["deputies"]],
        "staff": [_chart_entry(e) for e in chart["staff"]],
        "subcommittees": [
            {**SubcommitteeOut.model_validate(s["subcommittee"]).model_dump(),
             "heads": [_chart_entry(e) for e in s["heads"]],
             "members": [_chart_entry(e) for e in s["members"]]}
            for s in chart["subcommittees"]
        ],
        "member_organizations": [_chart_org(m.organization) for m in chart["memberships"]],
    }


@api.get("/subcommittees/{int:subcommittee_id}", response=answers(SubcommitteeDetailOut), tags=["bodies"])
def subcommittee_get(request, subcommittee_id: int):
    return _get(request, Subcommittee, subcommittee_id)


@api.patch("/subcommittees/{int:subcommittee_id}", response=answers(SubcommitteeDetailOut), tags=["bodies"])
def subcommittee_update(request, subcommittee_id: int, payload: PatchDict[SubcommitteeIn]):
    return _update(request, Subcommittee, subcommittee_id, services.subcommittee_save, "subcommittee",
                   payload)


# ---------------------------------------------------------------- people and positions

@api.get("/people", response=answers(list[PersonOut]), tags=["people"])
@paginate(Page)
def person_list(request, filters: Query[PersonFilters]):
    organization = None
    if filters.organization_id is not None:
        organization = _reference(request.auth, "organization", pk=filters.organization_id, code=None,
                                  id_key="organization_id", code_key="")
    has_login = {True: "yes", False: "no", None: ""}[filters.has_login]
    return selectors.person_list_for_user(
        request.auth, query=filters.q, organization=organization, within=_within(request, filters),
        has_login=has_login,
    )


@api.get("/people/{int:person_id}", response=answers(PersonOut), tags=["people"])
def person_get(request, person_id: int):
    return _get(request, Person, person_id)


@api.post("/people", response=answers(PersonOut, 201), tags=["people"])
def person_create(request, payload: PersonIn):
    return _create(request, Person, services.person_save, payload.model_dump())


@api.patch("/people/{int:person_id}", response=answers(PersonOut), tags=["people"])
def person_update(request, person_id: int, payload: PatchDict[PersonIn]):
    return _update(request, Person, person_id, services.person_save, "person", payload)


@api.get("/positions", response=answers(list[PositionOut]), tags=["people"])
@paginate(Page)
def position_list(request, filters: Query[PositionFilters]):
    return selectors.position_list_for_user(
        request.auth, query=filters.q, role=filters.role or "", status=filters.status or "",
        within=_within(request, filters),
    )


@api.post("/positions", response=answers(PositionOut, 201), tags=["people"])
def position_create(request, payload: PositionIn):
    return _create(request, Position, services.position_save, payload.model_dump())


@api.patch("/positions/{int:position_id}", response=answers(PositionOut), tags=["people"])
def position_update(request, position_id: int, payload: PatchDict[PositionIn]):
    return _update(request, Position, position_id, services.position_save, "position", payload)


@api.post("/positions/{int:position_id}/end", response=answers(PositionOut), tags=["people"])
def position_end(request, position_id: int, payload: PositionEndIn):
    """End a position (today, or on the given date)."""
    return _update(request, Position, position_id, services.position_end, "position", payload.model_dump())


# ---------------------------------------------------------------- coordination rules

def _catalog_unit(request, data: dict) -> AdministrativeUnit | None:
    """The catalog named in the payload, or the user's own province; it must be a root unit."""
    if data.get("catalog_unit_id") is None and not data.get("catalog_unit_code"):
        return access.own_catalog_root(request.auth)
    id_key, code_key = "catalog_unit_id", "catalog_unit_code"
    unit = _reference(request.auth, "catalog_unit", pk=data.get(id_key), code=data.get(code_key),
                      id_key=id_key, code_key=code_key)
    if unit.parent_id is not None:
        raise ValidationError({"catalog_unit": _("Danh mục quy tắc chỉ lập cho đơn vị cấp cao nhất "
                                                 "(tỉnh, thành phố).")})
    return unit


@api.get("/rules", response=answers(list[RuleOut]), tags=["rules"])
@paginate(Page)
def rule_list(request, filters: Query[RuleFilters]):
    return selectors.rule_list_for_user(
        request.auth, query=filters.q, mode=filters.mode or "", catalog=filters.catalog
    )


@api.get("/rules/{int:rule_id}", response=answers(RuleOut), tags=["rules"])
def rule_get(request, rule_id: int):
    return _get(request, CoordinationRule, rule_id)


@api.post("/rules", response=answers(RuleOut, 201), tags=["rules"])
def rule_create(request, payload: RuleIn):
    """A rule in a province's own catalog (by default the user's province; an administrator
    without one adds to the shipped default catalog)."""
    data = payload.model_dump(exclude={"catalog_unit_id", "catalog_unit_code"})
    if not access.can_create(request.auth, CoordinationRule):
        raise PermissionDenied
    data["catalog_unit"] = _catalog_unit(request, payload.model_dump())
    return Status(201, _get(request, CoordinationRule, services.rule_save(actor=request.auth, **data).pk))


@api.patch("/rules/{int:rule_id}", response=answers(RuleOut), tags=["rules"])
def rule_update(request, rule_id: int, payload: PatchDict[RuleUpdate]):
    return _update(request, CoordinationRule, rule_id, services.rule_save, "rule", payload)


@api.post("/rules/adopt", response=answers(list[RuleOut]), tags=["rules"])
def rule_catalog_adopt(request, payload: RuleAdoptIn | None = None):
    """Copy the default catalog into the province's own catalog, to adapt it. Idempotent."""
    root = _catalog_unit(request, payload.model_dump() if payload else {})
    if root is None:
        raise PermissionDenied(_("Chỉ thủ trưởng cơ quan khối cấp tỉnh mới lập được danh mục "
                                 "riêng của tỉnh."))
    # The service returns an existing catalog before checking anything: check here too.
    access.ensure(request.auth, access.CHANGE, CoordinationRule(catalog_unit=root))
    rules = services.rule_catalog_adopt(actor=request.auth, catalog_unit=root)
    return selectors.rule_list_for_user(request.auth).filter(pk__in=[r.pk for r in rules])


# ---------------------------------------------------------------- tokens

@api.post("/tokens", response=answers(TokenOut, 201), auth=[session_auth], tags=["tokens"])
def token_issue(request, payload: TokenIn):
    """A new API token for the logged-in user (session only: a token cannot mint tokens).
    The key is shown in this answer only."""
    token, key = services.api_token_issue(actor=request.auth, name=payload.name)
    return Status(201, {"id": token.pk, "name": token.name, "key": key, "created_at": token.created_at})
