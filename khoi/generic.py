"""Generic list and edit views configured by attributes (the NetBox way), so that search,
filters, paging, htmx partials, access checks and error display live in one place."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from khoi import access


@dataclass
class Column:
    label: str
    attr: str
    link: bool = False
    render: Callable[[Any], Any] | None = None

    def value(self, obj):
        if self.render is not None:
            return self.render(obj)
        value = obj
        for part in self.attr.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value) and not hasattr(value, "all"):
                value = value()
        return value


@dataclass
class Filter:
    name: str
    label: str
    choices: Callable[[Any], list[tuple[str, str]]]
    to_value: Callable[[Any, str], Any] = field(default=lambda user, raw: raw)


class ObjectListView(LoginRequiredMixin, View):
    """A searchable, filterable, paged list. Subclasses set title, selector, columns, filters."""

    title = ""
    model = None
    selector: Callable = None
    columns: list[Column] = []
    filters: list[Filter] = []
    create_url_name: str | None = None
    search_placeholder = _("Tìm theo tên (không cần dấu)")
    template_name = "khoi/object_list.html"
    partial_template_name = "khoi/_object_table.html"

    def selector_kwargs(self, request) -> dict:
        kwargs, active = {}, {}
        for flt in self.filters:
            raw = request.GET.get(flt.name, "").strip()
            if raw:
                value = flt.to_value(request.user, raw)
                if value is not None and value != "":
                    kwargs[flt.name] = value
                    active[flt.name] = raw
        self.active_filters = active
        return kwargs

    def extra_context(self, request) -> dict:
        return {}

    def get(self, request):
        query = request.GET.get("q", "").strip()
        qs = type(self).selector(request.user, query=query, **self.selector_kwargs(request))
        page = Paginator(qs, settings.KHOI_PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context = {
            "title": self.title,
            "page": page,
            "rows": [(obj, [(col, col.value(obj)) for col in self.columns]) for obj in page.object_list],
            "columns": self.columns,
            "query": query,
            "filters": [
                {"name": f.name, "label": f.label, "choices": f.choices(request.user), "value": self.active_filters.get(f.name, "")}
                for f in self.filters
            ],
            "querystring": params.urlencode(),
            "can_create": bool(self.create_url_name and self.model and access.can_create(request.user, self.model)),
            "create_url_name": self.create_url_name,
            "search_placeholder": self.search_placeholder,
        }
        context.update(self.extra_context(request))
        template = self.partial_template_name if request.headers.get("HX-Request") else self.template_name
        return render(request, template, context)


class ObjectEditView(LoginRequiredMixin, View):
    """Create (no pk) or edit (pk) through one service function; errors shown in the form."""

    model = None
    form_class = None
    service: Callable = None
    instance_kw = ""
    title_create = ""
    title_edit = ""
    template_name = "khoi/object_form.html"
    cancel_url_name = "home"

    def get_object(self, request, pk):
        return access.get_for_user_or_404(request.user, access.CHANGE, self.model, pk=pk)

    def initial(self, request) -> dict:
        return {}

    def _context(self, request, form, obj):
        return {
            "form": form,
            "object": obj,
            "title": self.title_edit if obj else self.title_create,
            "cancel_url": obj.get_absolute_url() if obj else reverse(self.cancel_url_name),
        }

    def get(self, request, pk=None):
        obj = self.get_object(request, pk) if pk else None
        if obj is None and not access.can_create(request.user, self.model):
            raise PermissionDenied
        form = self.form_class(instance=obj, user=request.user, initial=self.initial(request))
        return render(request, self.template_name, self._context(request, form, obj))

    def service_kwargs(self, form) -> dict:
        return dict(form.cleaned_data)

    def post(self, request, pk=None):
        obj = self.get_object(request, pk) if pk else None
        if obj is None and not access.can_create(request.user, self.model):
            raise PermissionDenied
        form = self.form_class(request.POST, instance=obj, user=request.user)
        if form.is_valid():
            try:
                saved = type(self).service(actor=request.user, **{self.instance_kw: obj}, **self.service_kwargs(form))
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied:
                form.add_error(None, _("Bạn không có quyền lưu dữ liệu này ở địa bàn đã chọn."))
                return render(request, self.template_name, self._context(request, form, obj), status=403)
            except IntegrityError:
                form.add_error(None, _("Dữ liệu trùng hoặc mâu thuẫn với dữ liệu đã có; không có gì được lưu."))
            else:
                return HttpResponseRedirect(saved.get_absolute_url())
        return render(request, self.template_name, self._context(request, form, obj), status=400 if form.errors else 200)
