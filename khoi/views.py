"""Views of the core domain: thin — parse, authorize through khoi.access, call a selector or
a service, render."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from khoi import access, forms, selectors, services
from khoi.generic import Column, Filter, ObjectEditView, ObjectListView
from programme.selectors import open_overlap_count
from reports.reporting import due_for_user as report_due_for_user
from subcommittees.selectors import open_tasks_for_user
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Notification,
    Organization,
    OrganizationType,
    Person,
    Position,
    PositionRole,
    RuleMode,
    Subcommittee,
    UnitLevel,
    current_positions,
)


def _unit_in_reach(user, raw: str):
    if not raw.isdigit():
        return None
    return access.restrict(AdministrativeUnit, user).filter(pk=int(raw)).first()


def _host_unit_choices(user) -> list[tuple[str, str]]:
    """Units that host a joint body or an organization, as filter choices (few, whatever the tree size)."""
    hosts = access.restrict(AdministrativeUnit, user).filter(
        Q(joint_bodies__isnull=False) | Q(organizations__isnull=False)
    ).distinct().order_by("path")[:200]
    return [(str(u.pk), u.name) for u in hosts]


UNIT_FILTER = Filter("within", _lazy("Địa bàn"), _host_unit_choices, _unit_in_reach)


def _heads(obj) -> str:
    return ", ".join(p.person.full_name for p in getattr(obj, "current_heads", [])) or "—"


# ---------------------------------------------------------------- home


@login_required
@require_safe
def home(request):
    """What is mine and what is due, by role."""
    user = request.user
    today = timezone.localdate()
    person = getattr(user, "person", None)
    my_positions = (
        list(person.positions.filter(current_positions()).select_related("organization", "joint_body", "subcommittee__joint_body"))
        if person else []
    )
    bodies = list(selectors.joint_body_list_for_user(user)[:10])
    due: list[dict] = []
    manageable_bodies = access.restrict(JointBody, user, access.CHANGE)
    manageable_subs = access.restrict(Subcommittee, user, access.CHANGE).select_related("joint_body")
    headless_subs = manageable_subs.exclude(
        pk__in=Position.objects.filter(current_positions(), role=PositionRole.HEAD, subcommittee__isnull=False)
        .values("subcommittee_id")
    ).filter(Q(joint_body__valid_to__isnull=True) | Q(joint_body__valid_to__gte=today))
    for sub in headless_subs[:20]:
        due.append({"text": _("%(sub)s (%(body)s) chưa có trưởng tiểu ban.") % {"sub": sub.name, "body": sub.joint_body.name},
                    "url": sub.get_absolute_url()})
    ending = access.restrict(Position, user, access.CHANGE).filter(
        end_date__gte=today, end_date__lte=today + dt.timedelta(days=30)
    ).select_related("person")
    for pos in ending[:20]:
        due.append({"text": _("Chức vụ “%(title)s” của %(person)s kết thúc ngày %(date)s.")
                    % {"title": pos.title, "person": pos.person.full_name, "date": pos.end_date.strftime("%d/%m/%Y")},
                    "url": pos.person.get_absolute_url()})
    due += report_due_for_user(user)
    context = {
        "my_positions": my_positions,
        "bodies": bodies,
        "due": due,
        "roles": _display_roles(user),
        "role_labels": ROLE_LABELS,
        "can_manage": manageable_bodies.exists() or access.is_admin(user),
        "my_tasks": open_tasks_for_user(user),
        "today": today,
        "overlap_count": open_overlap_count(user),
    }
    return render(request, "khoi/home.html", context)


def _display_roles(user) -> list[str]:
    """Roles worth a badge: "staff" says nothing more next to a leading role."""
    found = access.roles(user)
    if found & {access.HEAD, access.DEPUTY, access.SUB_HEAD, access.BOARD}:
        found.discard(access.STAFF)
    order = list(ROLE_LABELS)
    return sorted(found, key=order.index)


@login_required
@require_safe
def notification_list(request):
    """The user's notifications; opening the page marks them read."""
    notes = list(Notification.objects.filter(recipient=request.user)[:100])
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "khoi/notification_list.html", {"notes": notes, "title": _("Thông báo")})


ROLE_LABELS = {
    access.ADMIN: _lazy("Quản trị hệ thống"),
    access.BOARD: _lazy("Ban Dân vận cấp trên (chỉ xem)"),
    access.HEAD: _lazy("Thủ trưởng cơ quan khối"),
    access.DEPUTY: _lazy("Phó trưởng khối"),
    access.SUB_HEAD: _lazy("Trưởng tiểu ban"),
    access.STAFF: _lazy("Cán bộ"),
    access.FIELD: _lazy("Tổ viên tổ công tác"),
}


# ---------------------------------------------------------------- units


class UnitListView(ObjectListView):
    title = _lazy("Đơn vị hành chính")
    model = AdministrativeUnit
    selector = selectors.unit_list_for_user
    create_url_name = "khoi:unit_create"
    search_placeholder = _lazy("Tên hoặc mã (ví dụ: dam ha, 06895)")
    columns = [
        Column(_lazy("Mã"), "code"),
        Column(_lazy("Tên"), "name", link=True),
        Column(_lazy("Loại"), "unit_type"),
        Column(_lazy("Cấp"), "get_level_display"),
        Column(_lazy("Trực thuộc"), "parent.name"),
        Column(_lazy("Hiệu lực đến"), "valid_to"),
    ]
    filters = [
        Filter("level", _lazy("Cấp"), lambda user: list(UnitLevel.choices)),
        Filter("status", _lazy("Hiệu lực"), lambda user: [("current", _("Đang hiệu lực")), ("past", _("Đã hết hiệu lực"))]),
        UNIT_FILTER,
    ]


@require_safe
def unit_detail(request, pk):
    unit = access.get_for_user_or_404(request.user, access.VIEW, AdministrativeUnit.objects.select_related("parent"), pk=pk)
    children = selectors.unit_list_for_user(request.user).filter(parent=unit).order_by("search_name")
    context = {
        "unit": unit,
        "children": children[:300],
        "children_count": children.count(),
        "organizations": selectors.organization_list_for_user(request.user).filter(unit=unit),
        "joint_bodies": selectors.joint_body_list_for_user(request.user).filter(unit=unit),
        "successors": unit.succession_out.select_related("successor").order_by("successor__name"),
        "predecessors": unit.succession_in.select_related("predecessor__parent").order_by("predecessor__name"),
        "can_change": access.can(request.user, access.CHANGE, unit),
    }
    return render(request, "khoi/unit_detail.html", context)


@login_required
@require_safe
def unit_lookup(request):
    """Suggestions for the unit pickers (htmx fills a datalist)."""
    units = selectors.unit_lookup(request.user, request.GET.get("q", ""))
    if request.headers.get("HX-Request"):
        return render(request, "khoi/_unit_options.html", {"units": units})
    return JsonResponse({"results": [{"id": u.pk, "code": u.code, "name": u.name,
                                      "parent": u.parent.name if u.parent else None} for u in units]})


class UnitEditView(ObjectEditView):
    cancel_url_name = "khoi:unit_list"
    model = AdministrativeUnit
    form_class = forms.UnitForm
    service = services.unit_save
    instance_kw = "unit"
    title_create = _lazy("Thêm đơn vị hành chính")
    title_edit = _lazy("Sửa đơn vị hành chính")


# ---------------------------------------------------------------- organizations


class OrganizationListView(ObjectListView):
    title = _lazy("Tổ chức")
    model = Organization
    selector = selectors.organization_list_for_user
    create_url_name = "khoi:organization_create"
    columns = [
        Column(_lazy("Tên"), "name", link=True),
        Column(_lazy("Loại"), "org_type.short_name"),
        Column(_lazy("Địa bàn"), "unit.name"),
        Column(_lazy("Người đứng đầu"), "", render=_heads),
    ]
    filters = [
        Filter("org_type", _lazy("Loại tổ chức"), lambda user: [(t.code, t.short_name) for t in OrganizationType.objects.all()]),
        UNIT_FILTER,
    ]


@require_safe
def organization_detail(request, pk):
    org = access.get_for_user_or_404(
        request.user, access.VIEW, Organization.objects.select_related("org_type", "unit"), pk=pk
    )
    positions = org.positions.select_related("person").order_by("end_date", "role", "pk")
    return render(request, "khoi/organization_detail.html", {
        "organization": org,
        "current": [p for p in positions if p.is_current()],
        "past": [p for p in positions if not p.is_current()],
        "bodies": org.joint_bodies.all(),
        "can_change": access.can(request.user, access.CHANGE, org),
        "can_add_position": access.can(request.user, access.CHANGE, Position(organization=org, unit=org.unit)),
    })


class OrganizationEditView(ObjectEditView):
    cancel_url_name = "khoi:organization_list"
    model = Organization
    form_class = forms.OrganizationForm
    service = services.organization_save
    instance_kw = "organization"
    title_create = _lazy("Thêm tổ chức")
    title_edit = _lazy("Sửa tổ chức")


# ---------------------------------------------------------------- joint bodies


class JointBodyListView(ObjectListView):
    title = _lazy("Cơ quan khối")
    model = JointBody
    selector = selectors.joint_body_list_for_user
    create_url_name = "khoi:jointbody_create"
    columns = [
        Column(_lazy("Tên"), "name", link=True),
        Column(_lazy("Địa bàn"), "unit.name"),
        Column(_lazy("Quyết định thành lập"), "decision_number"),
        Column(_lazy("Hoạt động từ"), "valid_from"),
        Column(_lazy("Đến"), "valid_to"),
        Column(_lazy("Thủ trưởng"), "", render=_heads),
    ]
    filters = [UNIT_FILTER]


@require_safe
def joint_body_detail(request, pk):
    """The organization chart: head, deputies, the four parts with their members and organizations."""
    body = access.get_for_user_or_404(request.user, access.VIEW, JointBody.objects.select_related("unit"), pk=pk)
    chart = selectors.org_chart(body)
    return render(request, "khoi/jointbody_detail.html", {
        "body": body,
        "chart": chart,
        "can_change": access.can(request.user, access.CHANGE, body),
        "can_add_position": access.can(request.user, access.CHANGE, Position(joint_body=body, unit=body.unit)),
        "rules": selectors.rule_catalog_for_unit(body.unit),
        "today": timezone.localdate(),
    })


class JointBodyEditView(ObjectEditView):
    cancel_url_name = "khoi:jointbody_list"
    model = JointBody
    form_class = forms.JointBodyForm
    service = services.joint_body_save
    instance_kw = "joint_body"
    title_create = _lazy("Thêm cơ quan khối")
    title_edit = _lazy("Sửa cơ quan khối")


@require_safe
def subcommittee_detail(request, pk):
    sub = access.get_for_user_or_404(request.user, access.VIEW, Subcommittee.objects.select_related("joint_body__unit"), pk=pk)
    positions = selectors.subcommittee_members(sub)
    org_of = selectors.org_chart(sub.joint_body)
    entries = next(s for s in org_of["subcommittees"] if s["subcommittee"].pk == sub.pk)
    return render(request, "khoi/subcommittee_detail.html", {
        "sub": sub, "entries": entries, "positions": positions,
        "can_change": access.can(request.user, access.CHANGE, sub),
        "can_add_position": access.can(request.user, access.CHANGE, Position(subcommittee=sub, unit=sub.joint_body.unit)),
    })


class SubcommitteeEditView(ObjectEditView):
    cancel_url_name = "khoi:jointbody_list"
    model = Subcommittee
    form_class = forms.SubcommitteeForm
    service = services.subcommittee_save
    instance_kw = "subcommittee"
    title_edit = _lazy("Sửa tiểu ban")


# ---------------------------------------------------------------- people and positions


def _person_positions(person) -> str:
    return "; ".join(p.title for p in getattr(person, "current_positions", [])) or "—"


def _org_in_reach(user, raw):
    return access.restrict(Organization, user).filter(pk=int(raw)).first() if raw.isdigit() else None


class PersonListView(ObjectListView):
    title = _lazy("Cán bộ")
    model = Person
    selector = selectors.person_list_for_user
    create_url_name = "khoi:person_create"
    search_placeholder = _lazy("Tìm theo họ tên (không cần dấu)")
    columns = [
        Column(_lazy("Họ và tên"), "full_name", link=True),
        Column(_lazy("Chức vụ hiện tại"), "", render=_person_positions),
        Column(_lazy("Địa bàn"), "unit.name"),
        Column(_lazy("Điện thoại"), "phone"),
        Column(_lazy("Tài khoản"), "", render=lambda p: p.user.username if p.user_id else "—"),
    ]
    filters = [
        Filter("organization", _lazy("Tổ chức"),
               lambda user: [(str(o.pk), o.name) for o in access.restrict(Organization, user).order_by("unit__path")[:200]],
               _org_in_reach),
        UNIT_FILTER,
        Filter("has_login", _lazy("Tài khoản"), lambda user: [("yes", _("Có tài khoản")), ("no", _("Chưa có tài khoản"))]),
    ]


@require_safe
def person_detail(request, pk):
    person = access.get_for_user_or_404(request.user, access.VIEW, Person.objects.select_related("unit", "user"), pk=pk)
    positions = person.positions.select_related("organization", "joint_body", "subcommittee__joint_body").order_by(
        "end_date", "-start_date"
    )
    can_change = access.can(request.user, access.CHANGE, person)
    login_form = forms.LoginForm(initial={"username": person.user.username if person.user_id else ""})
    return render(request, "khoi/person_detail.html", {
        "person": person,
        "current": [p for p in positions if p.is_current()],
        "past": [p for p in positions if not p.is_current()],
        "can_change": can_change,
        "login_form": login_form if can_change else None,
        "position_change": {p.pk for p in positions if access.can(request.user, access.CHANGE, p)},
    })


@require_POST
def person_login(request, pk):
    person = access.get_for_user_or_404(request.user, access.CHANGE, Person, pk=pk)
    form = forms.LoginForm(request.POST)
    if form.is_valid():
        try:
            services.person_grant_login(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            for msg in error.messages:
                messages.error(request, msg)
        else:
            messages.success(request, _("Đã cấp tài khoản đăng nhập cho %(name)s.") % {"name": person.full_name})
    else:
        for errors in form.errors.values():
            for msg in errors:
                messages.error(request, msg)
    return HttpResponseRedirect(person.get_absolute_url())


class PersonEditView(ObjectEditView):
    cancel_url_name = "khoi:person_list"
    model = Person
    form_class = forms.PersonForm
    service = services.person_save
    instance_kw = "person"
    title_create = _lazy("Thêm cán bộ")
    title_edit = _lazy("Sửa thông tin cán bộ")


def _seat(position):
    return position.seat


class PositionListView(ObjectListView):
    title = _lazy("Chức vụ")
    model = Position
    selector = selectors.position_list_for_user
    create_url_name = "khoi:position_create"
    search_placeholder = _lazy("Tìm theo họ tên cán bộ")
    columns = [
        Column(_lazy("Cán bộ"), "person.full_name", render=None),
        Column(_lazy("Chức danh"), "title", link=True),
        Column(_lazy("Vai trò"), "get_role_display"),
        Column(_lazy("Nơi giữ chức vụ"), "", render=_seat),
        Column(_lazy("Từ ngày"), "start_date"),
        Column(_lazy("Đến ngày"), "end_date"),
    ]
    filters = [
        Filter("role", _lazy("Vai trò"), lambda user: list(PositionRole.choices)),
        Filter("status", _lazy("Trạng thái"), lambda user: [("current", _("Đang giữ")), ("past", _("Đã thôi"))]),
        UNIT_FILTER,
    ]


class PositionEditView(ObjectEditView):
    cancel_url_name = "khoi:position_list"
    model = Position
    form_class = forms.PositionForm
    service = services.position_save
    instance_kw = "position"
    title_create = _lazy("Thêm chức vụ")
    title_edit = _lazy("Sửa chức vụ")

    def initial(self, request):
        initial = {}
        for name in ("person", "organization", "joint_body", "subcommittee", "role"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        return initial


# ---------------------------------------------------------------- rules


class RuleListView(ObjectListView):
    title = _lazy("Quy tắc phối hợp “9 chung, 14 chia”")
    model = CoordinationRule
    selector = selectors.rule_list_for_user
    create_url_name = None
    search_placeholder = _lazy("Tìm theo mã hoặc tên")
    template_name = "khoi/rule_list.html"
    columns = [
        Column(_lazy("Mã"), "code"),
        Column(_lazy("Tên"), "name", link=True),
        Column(_lazy("Loại"), "get_mode_display"),
        Column(_lazy("Đang áp dụng"), "", render=lambda r: _("Có") if r.is_active else _("Không")),
        Column(_lazy("Danh mục"), "", render=lambda r: r.catalog_unit.name if r.catalog_unit_id else _("Mặc định")),
    ]
    filters = [
        Filter("mode", _lazy("Loại"), lambda user: list(RuleMode.choices)),
        Filter("catalog", _lazy("Danh mục"), lambda user: [("default", _("Mặc định"))] + [
            (str(u.pk), u.name) for u in AdministrativeUnit.objects.filter(
                pk__in=access.restrict(CoordinationRule, user).filter(catalog_unit__isnull=False).values("catalog_unit_id")
            )
        ]),
    ]

    def extra_context(self, request):
        root = access.own_catalog_root(request.user)
        has_own = root is not None and CoordinationRule.objects.filter(catalog_unit=root).exists()
        return {"adoptable": root if root and not has_own else None, "own_catalog": root if has_own else None}


@require_safe
def rule_detail(request, pk):
    rule = access.get_for_user_or_404(request.user, access.VIEW, CoordinationRule.objects.select_related("catalog_unit"), pk=pk)
    history = rule.history.select_related("history_user").order_by("-history_date")[:50]
    return render(request, "khoi/rule_detail.html", {
        "rule": rule, "history": history, "can_change": access.can(request.user, access.CHANGE, rule),
        "adoptable": access.own_catalog_root(request.user) if rule.catalog_unit_id is None else None,
    })


@require_POST
def rule_catalog_adopt(request):
    root = access.own_catalog_root(request.user)
    if root is None:
        raise PermissionDenied
    services.rule_catalog_adopt(actor=request.user, catalog_unit=root)
    messages.success(request, _("Đã tạo danh mục riêng của %(unit)s từ danh mục mặc định; có thể chỉnh sửa.")
                     % {"unit": root.name})
    return HttpResponseRedirect(reverse("khoi:rule_list") + f"?catalog={root.pk}")


class RuleEditView(ObjectEditView):
    cancel_url_name = "khoi:rule_list"
    model = CoordinationRule
    form_class = forms.RuleForm
    service = services.rule_save
    instance_kw = "rule"
    title_create = _lazy("Thêm quy tắc")
    title_edit = _lazy("Sửa quy tắc")

    def service_kwargs(self, form):
        kwargs = super().service_kwargs(form)
        if form.instance.pk is None:
            root = access.own_catalog_root(self.request.user)
            kwargs["catalog_unit"] = root
        return kwargs
