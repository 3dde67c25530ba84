"""Forms of the campaigns. Choices are limited to what the user may reach and to the campaign's
own body; the services check again (access, one team per area, reasons)."""
from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, HouseholdStatus, Phase, TeamArea, VisitOutcome, WorkTeam
from khoi import access
from khoi.forms import DATE_WIDGET
from khoi.models import (
    AdministrativeUnit,
    CoordinationRule,
    JointBody,
    Organization,
    Person,
    Position,
    PositionRole,
    RuleMode,
    Subcommittee,
    SubcommitteeKind,
    current_positions,
)
from khoi.selectors import rule_catalog_for_unit

PROPAGANDA_RULE = "C5"  # "Tuyên truyền, vận động; chiến dịch chung"


def add_service_errors(form: forms.Form, error) -> None:
    """A service's ValidationError: messages about a field go under it, the others on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
    else:
        form.add_error(None, error)


def _member_positions(body_ids):
    """Current positions held in the member organizations of the given joint bodies."""
    return (Position.objects.filter(current_positions(), organization__joint_bodies__in=body_ids)
            .select_related("person", "organization__org_type").order_by("organization__org_type__sort_order",
                                                                          "role", "person__search_name"))


def _org_label(org: Organization) -> str:
    """Short: the organizations of one body share its area ("Đoàn TN", not "Đoàn TN huyện Đầm Hà")."""
    return org.org_type.short_name or org.short_name or org.name


# ---------------------------------------------------------------- campaign and phases


class CampaignForm(forms.ModelForm):
    """A campaign of a joint body the user may run one for (its head, or a subcommittee head)."""

    areas = forms.ModelMultipleChoiceField(label=_("Địa bàn"), queryset=AdministrativeUnit.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Các xã, thị trấn chiến dịch đi qua."))

    class Meta:
        model = Campaign
        fields = ["joint_body", "subcommittee", "name", "kind", "rule", "message", "situation", "requirements",
                  "solutions", "director", "areas", "reference_prefix", "start_date", "end_date", "status"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET,
                   "message": forms.Textarea(attrs={"rows": 2}), "situation": forms.Textarea(attrs={"rows": 4}),
                   "requirements": forms.Textarea(attrs={"rows": 4}), "solutions": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            bodies = [self.instance.joint_body]
            self.fields.pop("joint_body")
        else:
            bodies = self._bodies()
            self.fields["joint_body"].queryset = JointBody.objects.filter(pk__in=[b.pk for b in bodies])
            if len(bodies) == 1:
                self.fields["joint_body"].initial = bodies[0].pk
                self.fields["joint_body"].widget = forms.HiddenInput()
        body_ids = [b.pk for b in bodies]
        subs = [s for s in Subcommittee.objects.filter(joint_body_id__in=body_ids).select_related("joint_body")
                if access.can(user, access.CHANGE, Campaign(joint_body=s.joint_body, subcommittee=s))]
        self.fields["subcommittee"].queryset = Subcommittee.objects.filter(pk__in=[s.pk for s in subs])
        self.fields["subcommittee"].label_from_instance = (
            (lambda s: s.name) if len(bodies) == 1 else (lambda s: f"{s.name} — {s.joint_body.name}"))
        if any(access.can(user, access.CHANGE, Campaign(joint_body=b)) for b in bodies):
            self.fields["subcommittee"].empty_label = _("— Cơ quan khối trực tiếp chỉ đạo —")
        else:  # a subcommittee head runs campaigns through the subcommittee only
            self.fields["subcommittee"].required = True
            self.fields["subcommittee"].empty_label = None
        catalogs = Q(pk__in=[])
        provinces = {b.unit.ancestor_ids()[0]: b.unit for b in bodies}
        for unit in provinces.values():  # the rules in force there: the province's catalog, else the default
            catalogs |= Q(pk__in=rule_catalog_for_unit(unit).values("pk"))
        self.fields["rule"].queryset = CoordinationRule.objects.filter(catalogs, mode=RuleMode.SHARED,
                                                                       is_active=True).order_by("sort_order")
        self.fields["rule"].label_from_instance = lambda r: f"{r.code} — {r.name}"
        self.fields["director"].queryset = Person.objects.filter(
            Q(positions__in=Position.objects.filter(current_positions(), joint_body_id__in=body_ids))
            | Q(positions__in=_member_positions(body_ids).filter(role__in=(PositionRole.HEAD, PositionRole.DEPUTY)))
        ).distinct().order_by("search_name")
        body_units = Q()
        for b in bodies:
            body_units |= Q(path__startswith=b.unit.path, depth=b.unit.depth + 1)
        self.fields["areas"].queryset = (AdministrativeUnit.objects.filter(body_units).order_by("search_name")
                                         if bodies else AdministrativeUnit.objects.none())
        if self.instance.pk:
            self.initial.setdefault("areas", list(self.instance.areas.values_list("pk", flat=True)))
        else:
            own_sub = next((s for s in subs if s.kind == SubcommitteeKind.PROPAGANDA), subs[0] if subs else None)
            self.initial.setdefault("subcommittee", own_sub.pk if own_sub else None)
            if len(bodies) == 1:
                default_rule = rule_catalog_for_unit(bodies[0].unit).filter(code=PROPAGANDA_RULE).first()
                self.initial.setdefault("rule", default_rule.pk if default_rule else None)
            self.initial.setdefault("start_date", timezone.localdate())

    def _bodies(self) -> list[JointBody]:
        """Bodies where the user may create a campaign: directly (head) or through a subcommittee."""
        reach = access.restrict(JointBody, self.user).select_related("unit").prefetch_related("subcommittees")[:200]
        return [b for b in reach
                if access.can(self.user, access.CHANGE, Campaign(joint_body=b))
                or any(access.can(self.user, access.CHANGE, Campaign(joint_body=b, subcommittee=s))
                       for s in b.subcommittees.all())]

    def clean(self):
        data = super().clean()
        body = data.get("joint_body") or (self.instance.joint_body if self.instance.pk else None)
        sub, rule = data.get("subcommittee"), data.get("rule")
        if body and sub and sub.joint_body_id != body.pk:
            self.add_error("subcommittee", _("Tiểu ban phải thuộc cơ quan khối đã chọn."))
        if body and rule and not rule_catalog_for_unit(body.unit).filter(pk=rule.pk).exists():
            self.add_error("rule", _("Quy tắc phải thuộc bộ quy tắc của tỉnh nơi có cơ quan khối."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["areas"] = list(data.get("areas") or [])
        return data


class PhaseForm(forms.ModelForm):
    class Meta:
        model = Phase
        fields = ["name", "start_date", "end_date", "target", "target_agreed_percent", "sort_order"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        labels = {"sort_order": _("Thứ tự")}

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        if not self.instance.pk:
            self.initial.setdefault("sort_order", campaign.phases.count() + 1)
            self.initial.setdefault("start_date", campaign.start_date)
            self.initial.setdefault("end_date", campaign.end_date)


# ---------------------------------------------------------------- teams and areas


class TeamForm(forms.Form):
    """A work team: a leader who heads (or deputises) a member organization, members from several."""

    name = forms.CharField(label=_("Tên tổ"), max_length=120)
    leader = forms.ModelChoiceField(label=_("Tổ trưởng"), queryset=Person.objects.none(),
                                    help_text=_("Lãnh đạo (trưởng hoặc phó) một tổ chức thành viên."))
    members = forms.MultipleChoiceField(label=_("Tổ viên (theo tổ chức)"), required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        positions = list(_member_positions([campaign.joint_body_id]))
        leaders = [p for p in positions if p.role in (PositionRole.HEAD, PositionRole.DEPUTY)]
        self.fields["leader"].queryset = Person.objects.filter(pk__in={p.person_id for p in leaders}).order_by("search_name")
        leader_titles = {}
        for p in leaders:
            leader_titles.setdefault(p.person_id, f"{p.title}, {_org_label(p.organization)}")
        self.fields["leader"].label_from_instance = lambda person: f"{person.full_name} ({leader_titles[person.pk]})"
        self._pairs = {}
        for p in positions:
            self._pairs.setdefault(f"{p.person_id}-{p.organization_id}", (p.person, p.organization))
        self.fields["members"].choices = [(key, f"{person.full_name} — {_org_label(org)}")
                                          for key, (person, org) in self._pairs.items()]
        self.initial.setdefault("name", _("Tổ công tác số %(n)s") % {"n": campaign.teams.count() + 1})

    def clean_members(self):
        members, seen = [], set()
        for key in self.cleaned_data["members"]:
            person, org = self._pairs[key]
            if person.pk in seen:
                raise forms.ValidationError(_("%(name)s được chọn hai lần: mỗi người tham gia tổ với một tổ chức.")
                                            % {"name": person.full_name})
            seen.add(person.pk)
            members.append((person, org))
        return members


class AreaAssignForm(forms.Form):
    """Give one of the campaign's areas (or a part of one) to a team. Only free areas are offered;
    one taken in the meantime is refused by the database, with the name of the team holding it."""

    team = forms.ModelChoiceField(label=_("Tổ"), queryset=WorkTeam.objects.none())
    unit = forms.ModelChoiceField(label=_("Địa bàn"), queryset=AdministrativeUnit.objects.none())

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = campaign.teams.all()
        area_ids = list(campaign.areas.values_list("pk", flat=True))
        candidates = AdministrativeUnit.objects.filter(Q(pk__in=area_ids) | Q(parent_id__in=area_ids)).order_by("path")
        self.fields["unit"].queryset = candidates
        taken = set(TeamArea.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
        # the campaign's areas, each followed by its parts (indented)
        self.free_units = [(u.pk, u.name if u.pk in area_ids else f"— {u.name}")
                           for u in candidates if u.pk not in taken]
        self.fields["unit"].widget.choices = [("", "---------"), *self.free_units]


class ReassignForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Giao cho tổ"), queryset=WorkTeam.objects.none())
    reason = forms.CharField(label=_("Lý do giao lại"), max_length=250, required=False)

    def __init__(self, *args, household, **kwargs):
        # its own ids: the status form on the same page also has a "reason" (id_reason), and the
        # label “Lý do giao lại” would point at the blocked-reason box
        kwargs.setdefault("auto_id", "id_reassign_%s")
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = WorkTeam.objects.filter(campaign_id=household.campaign_id).exclude(
            pk=household.team_id)


class HouseholdStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[(HouseholdStatus.COMPLETED, HouseholdStatus.COMPLETED.label),
                                                               (HouseholdStatus.BLOCKED, HouseholdStatus.BLOCKED.label)],
                               widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Lý do vướng mắc"), max_length=250, required=False)


# ---------------------------------------------------------------- visits (the phone form)


class VisitForm(forms.Form):
    """A few taps on a phone: today's date, the team's organizations already ticked, one outcome."""

    outcome = forms.ChoiceField(label=_("Kết quả"), choices=VisitOutcome.choices, widget=forms.RadioSelect)
    date = forms.DateField(label=_("Ngày tiếp xúc"),
                           widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    organizations = forms.ModelMultipleChoiceField(label=_("Ai đi"), queryset=Organization.objects.none(),
                                                   required=False, widget=forms.CheckboxSelectMultiple)
    raised = forms.CharField(label=_("Hộ dân nêu, kiến nghị"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    next_step = forms.CharField(label=_("Bước tiếp theo"), max_length=250, required=False)

    def __init__(self, *args, household, team_orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date"].initial = today
        self.fields["date"].widget.attrs["max"] = today.isoformat()
        orgs = household.campaign.joint_body.members.select_related("org_type").order_by("org_type__sort_order")
        self.fields["organizations"].queryset = orgs
        self.fields["organizations"].label_from_instance = _org_label
        self.fields["organizations"].initial = list(team_orgs)
