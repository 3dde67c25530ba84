from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from khoi import access
from khoi.forms import DATE_WIDGET
from khoi.models import AdministrativeUnit, CoordinationRule, Organization
from khoi.selectors import rule_catalog_for_unit
from programme.models import Activity, ActivityStatus, TargetGroup, WorkProgramme


class ActivityForm(forms.ModelForm):
    tags_text = forms.CharField(label=_("Chủ đề"), required=False,
                                help_text=_("Các chủ đề cách nhau bằng dấu phẩy, ví dụ: an toàn giao thông, môi trường"))
    target_groups = forms.MultipleChoiceField(label=_("Đối tượng"), choices=TargetGroup.choices, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("Để trống: mọi người trên địa bàn."))
    areas = forms.ModelMultipleChoiceField(label=_("Địa bàn"), queryset=AdministrativeUnit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Để trống: toàn địa bàn của cơ quan khối."))
    participants = forms.ModelMultipleChoiceField(label=_("Tổ chức tham gia"), queryset=Organization.objects.none(),
                                                  required=False, widget=forms.CheckboxSelectMultiple,
                                                  help_text=_("Hoạt động chung: để trống là tất cả tổ chức thành viên."))
    exception_reason = forms.CharField(label=_("Lý do cho phép ngoại lệ (chỉ thủ trưởng)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Activity
        fields = ["title", "content", "rule", "owner", "subcommittee", "start_date", "end_date", "status", "result_notes"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET,
                   "content": forms.Textarea(attrs={"rows": 3}), "result_notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, programme: WorkProgramme, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.programme = user, programme
        body = programme.joint_body
        self.fields["rule"].queryset = rule_catalog_for_unit(body.unit).filter(is_active=True).order_by("sort_order")
        self.fields["rule"].label_from_instance = lambda r: f"{r.code} — {r.name} ({r.get_mode_display()})"
        members = body.members.select_related("org_type").order_by("org_type__sort_order")
        # Whose own activities this user may create: an organization's staff for it, the head for any.
        own = [o.pk for o in members
               if access.can(user, access.CHANGE, Activity(programme=programme, owner=o, rule=CoordinationRule()))]
        self.fields["owner"].queryset = members.filter(pk__in=own)
        self.fields["owner"].empty_label = _("— Chung (cơ quan khối chủ trì) —")
        self.fields["subcommittee"].queryset = body.subcommittees.all()
        self.fields["participants"].queryset = members
        self.fields["areas"].queryset = AdministrativeUnit.objects.filter(
            path__startswith=body.unit.path, depth__lte=body.unit.depth + 1).order_by("depth", "search_name")
        self.fields["status"].initial = ActivityStatus.PLANNED
        if self.instance.pk:
            self.initial.update({
                "tags_text": ", ".join(self.instance.tags),
                "target_groups": self.instance.target_groups,
                "areas": list(self.instance.areas.values_list("pk", flat=True)),
                "participants": list(self.instance.participants.values_list("pk", flat=True)),
            })
        if not access.can(user, access.CHANGE, Activity(programme=programme, owner=None, rule=CoordinationRule())):
            # only the head (who may change joint activities) can allow an exception
            self.fields.pop("exception_reason")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["tags"] = [t for t in data.pop("tags_text", "").replace(";", ",").split(",") if t.strip()]
        data["areas"] = list(data.get("areas") or [])
        data["participants"] = list(data.get("participants") or [])
        data["exception_reason"] = data.get("exception_reason", "") or ""
        return data


class MergeForm(forms.Form):
    rule = forms.ModelChoiceField(label=_("Quy tắc của hoạt động chung"), queryset=CoordinationRule.objects.none())
    title = forms.CharField(label=_("Tên hoạt động chung"), max_length=250, required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = rule_catalog_for_unit(unit).filter(mode="shared", is_active=True)
        self.fields["rule"].label_from_instance = lambda r: f"{r.code} — {r.name}"


class KeepForm(forms.Form):
    reason = forms.CharField(label=_("Lý do giữ cả hai"), widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(forms.Form):
    activity = forms.IntegerField(widget=forms.HiddenInput)
    start_date = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) theo mẫu"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm (PDF, Word, Excel, ảnh; tối đa 10 MB)"))
