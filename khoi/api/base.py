"""What every endpoint of the JSON API shares: the ``api`` object, pagination, the mapping of
errors to JSON, the resolution of ``<field>_id`` / ``<field>_code`` references inside the
user's reach, and the read-create-update helpers (see ``khoi/api/__init__.py``)."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.pagination import PageNumberPagination
from ninja.responses import Status

from khoi import access
from khoi.api_auth import session_auth, token_auth
from khoi.forms import UnitCodeField
from khoi.models import AdministrativeUnit, JointBody, Organization, OrganizationType, Person, Subcommittee


class KhoiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """``khoi_api_<function>``, whichever module of khoi/api/ holds the operation (as when
        the API was one module), so that generated clients keep their method names."""
        return f"khoi_api_{operation.view_func.__name__}"


api = KhoiAPI(title="Khối API", version="1", urls_namespace="api", auth=[session_auth, token_auth])

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


def answers(ok, status: int = 200, *, also: dict | None = None) -> dict:
    """An operation's documented answers: its result and the errors every endpoint may give
    (``also``: other answers, or other shapes of these, by status)."""
    return {status: ok, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut,
            **(also or {})}


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


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    """ninja's own errors (a body that is not JSON: 400), in Vietnamese where we know them."""
    known = {"Cannot parse request body": _("Không đọc được nội dung gửi lên: JSON không hợp lệ.")}
    return _json_error(request, exc.status_code, known.get(str(exc), str(exc)))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _json_error(request, 401, _("Cần đăng nhập hoặc một khóa API hợp lệ (Authorization: Bearer …)."))


# Pydantic's messages for a request that does not parse, in Vietnamese like Django's.
REQUEST_MESSAGES = {
    "missing": _lazy("Trường này là bắt buộc."),
    "int_parsing": _lazy("Hãy nhập một số nguyên."),
    "int_type": _lazy("Hãy nhập một số nguyên."),
    "int_from_float": _lazy("Hãy nhập một số nguyên."),
    "float_parsing": _lazy("Hãy nhập một số."),
    "float_type": _lazy("Hãy nhập một số."),
    "bool_parsing": _lazy("Hãy nhập true hoặc false."),
    "bool_type": _lazy("Hãy nhập true hoặc false."),
    "string_type": _lazy("Hãy nhập một chuỗi ký tự."),
    "list_type": _lazy("Hãy gửi một danh sách."),
    "dict_type": _lazy("Hãy gửi một đối tượng JSON."),
    "model_type": _lazy("Hãy gửi một đối tượng JSON."),
    "model_attributes_type": _lazy("Hãy gửi một đối tượng JSON."),
    "json_invalid": _lazy("Nội dung gửi lên không phải JSON hợp lệ."),
    "extra_forbidden": _lazy("Trường này không được phép."),
}
DATE_MESSAGE = _lazy("Hãy nhập một ngày hợp lệ theo dạng YYYY-MM-DD, ví dụ 2025-12-31.")
DATETIME_MESSAGE = _lazy("Hãy nhập một thời điểm hợp lệ theo dạng ISO 8601, ví dụ 2025-12-31T08:00:00+07:00.")


def _request_message(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in REQUEST_MESSAGES:
        return str(REQUEST_MESSAGES[kind])
    if kind.startswith("datetime_"):
        return str(DATETIME_MESSAGE)
    if kind.startswith("date_"):
        return str(DATE_MESSAGE)
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("' or '", "' hoặc '")
        return _("Hãy chọn một trong các giá trị: %(expected)s.") % {"expected": expected}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("Không được để trống.")
        return _("Cần ít nhất %(n)s ký tự.") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("Tối đa %(n)s ký tự.") % {"n": ctx.get("max_length")}
    bounds = {"greater_than_equal": (_("Giá trị phải lớn hơn hoặc bằng %(n)s."), "ge"),
              "greater_than": (_("Giá trị phải lớn hơn %(n)s."), "gt"),
              "less_than_equal": (_("Giá trị phải nhỏ hơn hoặc bằng %(n)s."), "le"),
              "less_than": (_("Giá trị phải nhỏ hơn %(n)s."), "lt")}
    if kind in bounds:
        message, key = bounds[kind]
        return message % {"n": ctx.get(key)}
    return _("Giá trị không hợp lệ.")


@api.exception_handler(RequestValidationError)
def _request_validation_error(request, exc: RequestValidationError):
    """A request that does not parse: the same shape and language as Django's errors; a body
    field's loc is ``["body", "<field>"]`` (ninja adds the parameter's name, ``payload``)."""
    found = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if loc[:2] == ["body", "payload"]:
            del loc[1]
        found.append({"loc": loc, "msg": _request_message(error), "type": error.get("type", "value_error")})
    return _json_error(request, 422, found)


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

# Where one object is read from: the list selector's queryset, so list and detail show the same
# (each module of khoi/api/ adds its models).
DETAIL_QUERYSETS: dict = {}


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


# ---------------------------------------------------------------- filters

def _within(request, filters) -> AdministrativeUnit | None:
    """The ``within_id`` / ``within_code`` filter: a subtree inside the user's reach (422 otherwise)."""
    return _reference(request.auth, "unit", pk=filters.within_id, code=filters.within_code,
                      id_key="within_id", code_key="within_code")

