"""Forms of the joint report pages: choices limited to what the user may reach (the services
check again), Vietnamese messages."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from khoi import access
from khoi.forms import DATE_WIDGET
from khoi.models import JointBody
from reports.models import PeriodKind, Report
from reports.reporting import NARRATIVE_FIELDS


def bodies_for_new_report(user):
    """Joint bodies whose report the user may write (their own body's head, deputy or office)."""
    qs = access.restrict(JointBody, user).select_related("unit").order_by("unit__path", "name")
    if access.is_admin(user):
        return qs
    ids = {g.joint_body_id for g in access.grants(user) if g.joint_body_id
           and access.can(user, access.CHANGE, Report(joint_body_id=g.joint_body_id))}
    return qs.filter(pk__in=ids)


class ReportCreateForm(forms.Form):
    joint_body = forms.ModelChoiceField(label=_("Cơ quan khối"), queryset=JointBody.objects.none(),
                                        empty_label=None)
    # weeks straddle months: no report is made of weekly figures (reports/periods.py sub_codes)
    kind = forms.ChoiceField(label=_("Loại kỳ"), choices=[c for c in PeriodKind.choices if c[0] != PeriodKind.WEEK],
                             initial=PeriodKind.YEAR)
    code = forms.CharField(
        label=_("Mã kỳ"), max_length=10,
        help_text=_("Ví dụ: 2023-Y (năm), 2023-H1 (6 tháng), 2023-9M (9 tháng), 2023-Q4 (quý), 2023-11 (tháng)."),
        error_messages={"required": _("Hãy nhập mã kỳ, ví dụ 2023-Y.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["joint_body"].queryset = bodies_for_new_report(user)
        self.fields["joint_body"].error_messages["required"] = _("Hãy chọn cơ quan khối.")
        self.fields["joint_body"].error_messages["invalid_choice"] = _("Bạn không lập báo cáo cho cơ quan khối này.")
        self.fields["code"].widget.attrs.update({"placeholder": "2023-Y", "autocomplete": "off", "size": 10})


class ReportNarrativeForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = NARRATIVE_FIELDS
        widgets = {
            "issued_on": DATE_WIDGET,
            "title": forms.TextInput(attrs={"class": "wide"}),
            **{name: forms.Textarea(attrs={"rows": 6}) for name in ("achievements", "limitations", "causes", "next_tasks")},
            "recipients": forms.Textarea(attrs={"rows": 4, "placeholder": "- Ban Dân vận Huyện ủy;\n- Lưu VT."}),
        }
        help_texts = {
            "achievements": _("Mỗi đoạn một dòng; số liệu tổng hợp được đưa vào bảng của báo cáo khi lập."),
            "recipients": _("Mỗi nơi nhận một dòng."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReportReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Ý kiến trả lại"), widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Hãy ghi ý kiến trả lại để cơ quan khối biết cần sửa gì.")},
        help_text=_("Cơ quan khối thấy ý kiến này trên trang báo cáo và nhận thông báo."),
    )

    def clean_comment(self):
        comment = self.cleaned_data["comment"].strip()
        if not comment:
            raise forms.ValidationError(self.fields["comment"].error_messages["required"], code="required")
        return comment

