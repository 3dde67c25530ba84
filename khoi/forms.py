"""Forms for the core entities. Choices are limited to what the user may reach; the
services check again."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khoi import access, text
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    Person,
    Position,
    Subcommittee,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "text", "placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class UnitCodeField(forms.CharField):
    """A unit typed by its official code (or an exact name), resolved inside the user's reach."""

    default_error_messages = {
        "unknown": _("Không tìm thấy đơn vị có mã hoặc tên “%(value)s” trong phạm vi của bạn."),
        "ambiguous": _("Có nhiều đơn vị tên “%(value)s”; hãy nhập mã đơn vị."),
    }

    def __init__(self, *, user=None, action=access.VIEW, **kwargs):
        kwargs.setdefault("help_text", _("Nhập mã đơn vị (ví dụ 06895) hoặc tên; gõ để xem gợi ý."))
        super().__init__(max_length=200, **kwargs)
        self.user = user
        self.action = action
        self.widget.attrs.update({"list": "unit-suggestions", "autocomplete": "off", "data-unit-lookup": "1"})

    def prepare_value(self, value):
        if isinstance(value, AdministrativeUnit):
            return value.code
        if isinstance(value, int):
            unit = AdministrativeUnit.objects.filter(pk=value).first()
            return unit.code if unit else value
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        cleaned = text.clean(value).split(" (")[0]
        qs = access.restrict(AdministrativeUnit, self.user, self.action).order_by("valid_to")
        current = qs.filter(valid_to__isnull=True)
        matches = list(current.filter(code=cleaned)[:2]) or list(qs.filter(code=cleaned)[:2])
        if not matches:
            matches = list(current.filter(search_name=text.fold(cleaned))[:2])
        if not matches:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        if len(matches) > 1:
            raise forms.ValidationError(self.error_messages["ambiguous"], code="ambiguous", params={"value": value})
        return matches[0]


class UserBoundForm(forms.ModelForm):
    """A model form that knows who fills it in, to limit choices."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE_WIDGET
            if isinstance(field, UnitCodeField):
                field.user = user


class UnitForm(UserBoundForm):
    parent = UnitCodeField(label=_("Trực thuộc"), required=False)

    class Meta:
        model = AdministrativeUnit
        fields = ["code", "name", "short_name", "unit_type", "level", "parent", "valid_from", "valid_to"]


class OrganizationForm(UserBoundForm):
    unit = UnitCodeField(label=_("Địa bàn"))

    class Meta:
        model = Organization
        fields = ["org_type", "unit", "name", "short_name", "valid_from", "valid_to"]


class JointBodyForm(UserBoundForm):
    unit = UnitCodeField(label=_("Địa bàn"))
    member_organizations = forms.ModelMultipleChoiceField(
        label=_("Tổ chức thành viên"), queryset=Organization.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = JointBody
        fields = ["name", "short_name", "unit", "decision_number", "decision_date", "valid_from", "valid_to"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = access.restrict(Organization, self.user).select_related("org_type", "unit")
        if self.instance.pk:
            orgs = orgs.filter(unit__path__startswith=self.instance.unit.path)
            self.initial.setdefault("member_organizations", list(self.instance.members.values_list("pk", flat=True)))
        self.fields["member_organizations"].queryset = orgs.order_by("unit__path", "org_type__sort_order")[:200]


class SubcommitteeForm(UserBoundForm):
    class Meta:
        model = Subcommittee
        fields = ["name", "sort_order"]


class PersonForm(UserBoundForm):
    unit = UnitCodeField(label=_("Địa bàn công tác"))

    class Meta:
        model = Person
        fields = ["full_name", "unit", "phone", "email"]


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    password = forms.CharField(label=_("Mật khẩu mới"), min_length=10,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))


class PositionForm(UserBoundForm):
    class Meta:
        model = Position
        fields = ["person", "title", "role", "organization", "joint_body", "subcommittee", "start_date", "end_date",
                  "is_concurrent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = access.restrict(Person, self.user).select_related("unit")
        self.fields["organization"].queryset = access.restrict(Organization, self.user, access.CHANGE).select_related("unit")
        self.fields["joint_body"].queryset = access.restrict(JointBody, self.user, access.CHANGE)
        self.fields["subcommittee"].queryset = access.restrict(Subcommittee, self.user, access.CHANGE).select_related(
            "joint_body"
        )
        self.fields["subcommittee"].label_from_instance = lambda s: f"{s.name} — {s.joint_body.name}"
        self.fields["organization"].label_from_instance = lambda o: f"{o.name}"
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.unit.name})"
        if not self.instance.pk:
            self.initial.setdefault("start_date", timezone.localdate())

    def clean(self):
        data = super().clean()
        seats = [data.get("organization"), data.get("joint_body"), data.get("subcommittee")]
        if sum(1 for s in seats if s) != 1:
            raise forms.ValidationError(_("Chọn đúng một nơi giữ chức vụ: tổ chức, cơ quan khối hoặc tiểu ban."))
        return data


class RuleForm(UserBoundForm):
    class Meta:
        model = CoordinationRule
        fields = ["code", "name", "description", "mode", "is_active", "sort_order"]
