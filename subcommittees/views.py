from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

from khoi import access
from khoi.generic import Column, Filter, ObjectListView
from subcommittees import forms, selectors, services
from subcommittees.models import Task, TaskStatus


def _due(task) -> str:
    label = task.due_date.strftime("%d/%m/%Y")
    return f"{label} ⚠ {_('quá hạn')}" if task.is_overdue else label


class TaskListView(ObjectListView):
    title = _lazy("Nhiệm vụ")
    model = Task
    selector = selectors.task_list_for_user
    create_url_name = "subcommittees:task_create"
    search_placeholder = _lazy("Tìm theo tên nhiệm vụ")
    template_name = "subcommittees/task_list.html"
    columns = [
        Column(_lazy("Hạn"), "", render=_due),
        Column(_lazy("Nhiệm vụ"), "title", link=True),
        Column(_lazy("Người thực hiện"), "assignee.full_name"),
        Column(_lazy("Hoạt động"), "activity.title"),
        Column(_lazy("Trạng thái"), "get_status_display"),
    ]
    filters = [
        Filter("scope", _lazy("Phạm vi"), lambda user: [("mine", _("Việc của tôi")), ("given", _("Việc tôi giao"))]),
        Filter("status", _lazy("Trạng thái"), lambda user: [("open", _("Chưa xong"))] + list(TaskStatus.choices)),
        Filter("overdue", _lazy("Quá hạn"), lambda user: [("yes", _("Chỉ việc quá hạn"))]),
    ]

    def extra_context(self, request):
        return {"can_create": _can_assign_anywhere(request.user)}


def _can_assign_anywhere(user) -> bool:
    from khoi.models import JointBody

    return any(forms._can_assign_in(user, b) for b in access.restrict(JointBody, user)[:20])


def _render_form(request, form, task, status=200):
    return render(request, "khoi/object_form.html", {
        "form": form, "object": task, "title": _("Sửa nhiệm vụ") if task else _("Giao nhiệm vụ"),
        "cancel_url": task.get_absolute_url() if task else reverse("subcommittees:task_list"),
    }, status=status)


@login_required
def task_edit(request, pk=None):
    task = access.get_for_user_or_404(request.user, access.CHANGE, Task, pk=pk) if pk else None
    if task is None and not _can_assign_anywhere(request.user):
        raise PermissionDenied
    if request.method != "POST":
        initial = {k: request.GET[k] for k in ("activity", "joint_body", "subcommittee") if request.GET.get(k)}
        return _render_form(request, forms.TaskForm(instance=task, user=request.user, initial=initial), task)
    form = forms.TaskForm(request.POST, instance=task, user=request.user)
    if form.is_valid():
        try:
            saved = services.task_save(actor=request.user, task=task, **form.cleaned_data)
        except PermissionDenied:
            form.add_error(None, _("Bạn chỉ giao việc trong cơ quan khối hoặc tiểu ban mình phụ trách."))
            return _render_form(request, form, task, status=403)
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                for e in errors:
                    form.add_error(field if field in form.fields else None, e)
        else:
            messages.success(request, _("Đã giao nhiệm vụ cho %(name)s.") % {"name": saved.assignee.full_name})
            return HttpResponseRedirect(saved.get_absolute_url())
    return _render_form(request, form, task, status=400)


@login_required
@require_safe
def task_detail(request, pk):
    task = access.get_for_user_or_404(
        request.user, access.VIEW, Task.objects.select_related("assignee", "activity", "joint_body", "subcommittee", "assigned_by"),
        pk=pk)
    return render(request, "subcommittees/task_detail.html", {
        "task": task,
        "can_change": access.can(request.user, access.CHANGE, task),
        "status_form": forms.TaskStatusForm(initial={"status": task.status}) if services.can_report(request.user, task) else None,
        "history": task.history.select_related("history_user").order_by("-history_date")[:20],
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def task_status(request, pk):
    task = access.get_for_user_or_404(request.user, access.VIEW, Task, pk=pk)
    if not services.can_report(request.user, task):
        raise PermissionDenied
    form = forms.TaskStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn trạng thái."))
    else:
        try:
            services.task_set_status(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã cập nhật nhiệm vụ."))
    return HttpResponseRedirect(task.get_absolute_url())
