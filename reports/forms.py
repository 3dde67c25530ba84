"""Forms of periodic reporting. Figures are typed as text and checked by
``services.check_figures`` (so the form and the Excel upload say the same things)."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from khoi import access
from khoi.forms import UserBoundForm
from khoi.models import Organization, OrganizationType
from reports import periods
from reports.models import Aggregation, Indicator, ReportTemplate, ValueType


class FiguresForm(forms.Form):
    """One text input per typed indicator the organization reports (field name = indicator code)."""

    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = [i for i in indicators if i.is_typed]
        for ind in self.indicators:
            widget = (forms.Textarea(attrs={"rows": 2}) if ind.value_type == ValueType.TEXT
                      else forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "size": 12}))
            self.fields[ind.code] = forms.CharField(label=f"{ind.code} {ind.name}", required=False, widget=widget,
                                                    max_length=4000)

    def values(self) -> dict:
        """Typed values by code; an indicator absent from the posted data is left unchanged."""
        return {ind.code: self.cleaned_data.get(ind.code, "") for ind in self.indicators if ind.code in self.data}


class SubmissionStartForm(forms.Form):
    """Open (or find) an organization's submission for a period."""

    organization = forms.ModelChoiceField(label=_("Tổ chức"), queryset=Organization.objects.none())
    period = forms.CharField(label=_("Kỳ"), max_length=10, help_text=_("Ví dụ 2024-10 (tháng 10/2024)"))

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations

    def clean_period(self):
        try:
            return periods.parse(self.cleaned_data["period"]).code
        except periods.PeriodCodeError as error:
            raise forms.ValidationError(str(error)) from error


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["name", "cutoff_day", "deadline_days", "submission_kind", "jump_factor"]


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("Lý do trả lại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))


class IndicatorForm(UserBoundForm):
    reported_by = forms.MultipleChoiceField(
        label=_("Tổ chức báo cáo"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Để trống: tất cả các tổ chức."),
    )

    class Meta:
        model = Indicator
        fields = ["code", "name", "group", "unit_label", "value_type", "aggregation", "numerator", "denominator",
                  "not_above", "reported_by", "is_shared", "source_note", "is_active", "sort_order"]
        widgets = {"source_note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:  # a new indicator goes into the user's province catalog
            self.instance.catalog_unit = access.own_catalog_root(self.user)
        unit_id = self.instance.catalog_unit_id
        same = Indicator.objects.filter(catalog_unit_id=unit_id).order_by("sort_order", "code")
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        for name in ("numerator", "denominator", "not_above"):
            self.fields[name].queryset = same.exclude(aggregation=Aggregation.RATIO)
            self.fields[name].label_from_instance = lambda i: f"{i.code} — {i.name}"
        self.fields["reported_by"].choices = [(t.code, t.name) for t in OrganizationType.objects.exclude(
            kind="party_board").order_by("sort_order")]
        if self.instance.pk:
            self.initial["reported_by"] = self.instance.reporter_codes

    def clean_reported_by(self):
        return " ".join(self.cleaned_data["reported_by"])

    def clean(self):
        data = super().clean()
        if data.get("aggregation") == Aggregation.RATIO and not (data.get("numerator") and data.get("denominator")):
            raise forms.ValidationError(_("Chỉ tiêu tỷ lệ cần tử số và mẫu số."))
        return data
