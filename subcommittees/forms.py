from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from khoi import access
from khoi.forms import DATE_WIDGET
from khoi.models import JointBody, Subcommittee
from programme.models import Activity
from subcommittees.models import Task, TaskStatus
from subcommittees.services import assignable_people


class TaskForm(forms.ModelForm):
    class Meta:
        model = Task
        fields = ["joint_body", "subcommittee", "activity", "title", "description", "assignee", "due_date"]
        widgets = {"due_date": DATE_WIDGET, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        bodies = access.restrict(JointBody, user).filter(
            pk__in=[b.pk for b in access.restrict(JointBody, user) if _can_assign_in(user, b)]
        )
        self.fields["joint_body"].queryset = bodies
        body = self._body()
        subs = access.restrict(Subcommittee, user, access.CHANGE).select_related("joint_body")
        self.fields["subcommittee"].queryset = subs.filter(joint_body=body) if body else subs
        self.fields["subcommittee"].label_from_instance = lambda s: f"{s.name} — {s.joint_body.name}"
        activities = access.restrict(Activity, user).filter(merged_into__isnull=True)
        self.fields["activity"].queryset = activities.filter(programme__joint_body=body) if body else activities.none()
        people = assignable_people(body) if body else access.restrict(JointBody, user).none()
        self.fields["assignee"].queryset = people.select_related("unit") if body else self.fields["assignee"].queryset.none()
        if bodies.count() == 1 and not self.initial.get("joint_body"):
            self.initial["joint_body"] = bodies.first().pk

    def _body(self):
        raw = self.data.get("joint_body") or self.initial.get("joint_body") or (
            self.instance.joint_body_id if self.instance.pk else None)
        if not raw:
            candidates = list(self.fields["joint_body"].queryset[:2])
            return candidates[0] if len(candidates) == 1 else None
        return self.fields["joint_body"].queryset.filter(pk=raw).first()


def _can_assign_in(user, body) -> bool:
    if access.can(user, access.CHANGE, Task(joint_body=body)):
        return True
    return any(access.can(user, access.CHANGE, Task(joint_body=body, subcommittee=s)) for s in body.subcommittees.all())


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=TaskStatus.choices)
    result = forms.CharField(label=_("Kết quả, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
