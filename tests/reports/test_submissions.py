"""Submissions: entering figures, Vietnamese validation, the jump warning, the workflow
(draft → submitted → approved or returned), corrections as new revisions, the late flag,
the pages (inputs, previous value, app counts, buttons by permission) and their query counts."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from khoi.models import JointBody, JointBodyMembership, Notification, Organization, OrganizationType, Person, PositionRole
from reports import selectors, services
from reports.models import Figure, Indicator, ReportTemplate, Submission, SubmissionStatus
from tests.world import position, unit


def quick_login(person, username):
    """A login without a password (the tests log in with force_login; hashing is slow)."""
    user = get_user_model().objects.create(username=username)
    person.user = user
    person.save(update_fields=["user"])
    return user


class Setup:
    """A province with one district: its Front and Women's Union, a joint body, and logins:
    the Front's staff member, the Women's Union's staff member and its chair (its lead), and
    the chair of another district's Women's Union (out of reach)."""

    def __init__(self):
        types = {t.code: t for t in OrganizationType.objects.all()}
        self.province = unit("81", "Tỉnh Thử", "province")
        self.district = unit("811", "Huyện Thử", "district", self.province)
        other = unit("812", "Huyện Khác", "district", self.province)
        self.front = Organization.objects.create(org_type=types["MTTQ"], unit=self.district, name="Ủy ban MTTQ huyện Thử")
        self.women = Organization.objects.create(org_type=types["HLHPN"], unit=self.district, name="Hội LHPN huyện Thử")
        other_women = Organization.objects.create(org_type=types["HLHPN"], unit=other, name="Hội LHPN huyện Khác")
        self.body = JointBody.objects.create(unit=self.district, name="Cơ quan Khối huyện Thử")
        for org in (self.front, self.women):
            JointBodyMembership.objects.create(joint_body=self.body, organization=org)

        def person(name, org, role, username):
            p = Person.objects.create(full_name=name, unit=org.unit)
            position(p, org, name, role)
            return quick_login(p, username)

        self.front_staff = person("Cán bộ Mặt trận", self.front, PositionRole.STAFF, "front_staff")
        self.women_staff = person("Cán bộ Hội", self.women, PositionRole.STAFF, "women_staff")
        self.women_head = person("Chủ tịch Hội", self.women, PositionRole.HEAD, "women_head")
        self.other_head = person("Chủ tịch Hội khác", other_women, PositionRole.HEAD, "other_head")
        self.template = ReportTemplate.objects.get(province__isnull=True)
        self.october = services.get_or_create_period(self.template, "2024-10")
        self.september = services.get_or_create_period(self.template, "2024-09")

    def draft(self, org=None, period=None, actor=None) -> Submission:
        org = org or self.women
        return services.submission_get_or_create(actor=actor or (self.women_staff if org == self.women else self.front_staff),
                                                 organization=org, period=period or self.october)

    def full_values(self, org, value="0") -> dict:
        return {i.code: ("1" if i.aggregation == "max" else value)
                for i in selectors.indicators_for_organization(org) if i.is_typed}

    def client(self, user) -> Client:
        c = Client()
        c.force_login(user)
        return c


@pytest.fixture
def s(db):
    return Setup()


def messages_of(error: ValidationError) -> str:
    return " ".join(m for ms in error.message_dict.values() for m in ms)


# ---------------------------------------------------------------- entering and checking figures


def test_staff_enter_figures_and_blank_ones_stay_empty_in_a_draft(s):
    sub = s.draft()
    services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "12", "AS06": "1.250,5", "TC05": ""})
    figures = dict(sub.figures.values_list("indicator__code", "value"))
    assert figures == {"PT06": Decimal("12"), "AS06": Decimal("1250.5")}


def test_wrong_values_are_refused_in_vietnamese_and_nothing_is_stored(s):
    sub = s.draft(org=s.front)
    with pytest.raises(ValidationError) as error:
        services.save_figures(actor=s.front_staff, submission=sub, values={
            "PT06": "-3", "PT07": "12,5", "GS02": "abc", "TC15": "2", "DN03": "10", "DN05": "11"})
    text = messages_of(error.value)
    assert "PT06 (Số cuộc tuyên truyền, vận động): số liệu không được âm." in text
    assert "PT07 (Lượt người tham dự tuyên truyền): phải là số nguyên" in text
    assert "“abc” không phải là số" in text
    assert "ghi 1 nếu đã đạt, 0 nếu chưa" in text
    assert "DN05 (Đơn thư đã có văn bản trả lời, kết quả giải quyết) = 11 không được lớn hơn DN03" in text
    assert not Figure.objects.filter(submission=sub).exists()


def test_resolved_may_not_exceed_received(s):
    sub = s.draft(org=s.front)
    with pytest.raises(ValidationError, match="GS03"):
        services.save_figures(actor=s.front_staff, submission=sub, values={"GS02": "4", "GS03": "5"})
    services.save_figures(actor=s.front_staff, submission=sub, values={"GS02": "5", "GS03": "5"})


def test_a_ratio_or_an_app_count_is_never_typed(s):
    sub = s.draft(org=s.front)
    with pytest.raises(ValidationError) as error:
        services.save_figures(actor=s.front_staff, submission=sub, values={"PT03": "50", "UD01": "3"})
    text = messages_of(error.value)
    assert "PT03 là tỷ lệ, phần mềm tự tính từ tử số và mẫu số: không nhập." in text
    assert "UD01 do phần mềm tự đếm: không nhập." in text
    page = s.client(s.front_staff).get(sub.get_absolute_url()).content.decode()
    assert 'name="PT01"' in page and 'name="PT03"' not in page and 'name="UD01"' not in page


def test_a_jump_over_the_previous_period_is_a_warning_not_an_error(s):
    before = s.draft(period=s.september)
    services.save_figures(actor=s.women_staff, submission=before, values={"PT06": "10"})
    sub = s.draft()
    checked = services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "40", "PT07": "20"})
    assert sub.figures.get(indicator__code="PT06").value == 40
    assert checked.warnings["PT06"] == [
        "PT06 (Số cuộc tuyên truyền, vận động): 40 cao gấp hơn 3 lần kỳ trước (10). Hãy kiểm tra lại."]
    assert "PT07" not in checked.warnings  # no previous value: nothing to compare
    page = s.client(s.women_staff).get(sub.get_absolute_url()).content.decode()
    assert "cao gấp hơn 3 lần kỳ trước" in page


# ---------------------------------------------------------------- the workflow


def test_submit_needs_every_figure_then_waits_for_the_lead(s):
    sub = s.draft()
    services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "3"})
    with pytest.raises(ValidationError) as error:
        services.submit(actor=s.women_staff, submission=sub)
    assert "TC04 (Tổng số đoàn viên, hội viên (thành viên)): chưa nhập số liệu (ghi 0 nếu không phát sinh)." in messages_of(error.value)
    services.save_figures(actor=s.women_staff, submission=sub, values=s.full_values(s.women, "1"))
    services.submit(actor=s.women_staff, submission=sub)
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.SUBMITTED and sub.submitted_by == s.women_staff
    assert Notification.objects.filter(recipient=s.women_head, url=sub.get_absolute_url()).exists()
    with pytest.raises(ValidationError, match="đang chờ duyệt"):
        services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "4"})


def _submitted(s) -> Submission:
    sub = s.draft()
    services.save_figures(actor=s.women_staff, submission=sub, values=s.full_values(s.women, "2"))
    services.submit(actor=s.women_staff, submission=sub)
    return sub


def test_only_the_organizations_lead_approves(s):
    sub = _submitted(s)
    for outsider in (s.women_staff, s.front_staff, s.other_head):
        with pytest.raises(PermissionDenied):
            services.approve(actor=outsider, submission=sub)
    assert Submission.objects.get(pk=sub.pk).status == SubmissionStatus.SUBMITTED
    services.approve(actor=s.women_head, submission=sub)
    sub.refresh_from_db()
    assert (sub.status, sub.decided_by) == (SubmissionStatus.APPROVED, s.women_head)
    # the page shows "Duyệt" to the lead only
    submitted = _submitted_other_period(s)
    assert "submission_approve" not in _buttons(s.client(s.women_staff), submitted)
    assert "submission_approve" in _buttons(s.client(s.women_head), submitted)


def _submitted_other_period(s):
    sub = s.draft(period=s.september)
    services.save_figures(actor=s.women_staff, submission=sub, values=s.full_values(s.women))
    services.submit(actor=s.women_staff, submission=sub)
    return sub


def _buttons(client, sub) -> str:
    page = client.get(sub.get_absolute_url()).content.decode()
    return " ".join(name for name in ("submission_approve", "submission_return", "submission_submit", "submission_correct")
                    if reverse(f"reports:{name}", args=[sub.pk]) in page)


def test_returning_needs_a_reason_and_opens_the_figures_again(s):
    sub = _submitted(s)
    with pytest.raises(ValidationError, match="Hãy ghi lý do trả lại"):
        services.return_submission(actor=s.women_head, submission=sub, comment="  ")
    response = s.client(s.women_head).post(reverse("reports:submission_return", args=[sub.pk]),
                                           {"comment": "Số hội viên chưa khớp với quý trước"}, follow=True)
    assert "Đã trả lại số liệu kèm lý do." in response.content.decode()
    sub.refresh_from_db()
    assert sub.status == SubmissionStatus.RETURNED and sub.return_comment == "Số hội viên chưa khớp với quý trước"
    services.save_figures(actor=s.women_staff, submission=sub, values={"TC04": "150"})
    services.submit(actor=s.women_staff, submission=sub)


def test_a_correction_after_approval_is_a_new_revision_and_the_approved_one_is_kept(s):
    sub = _submitted(s)
    services.approve(actor=s.women_head, submission=sub)
    with pytest.raises(ValidationError, match="bản điều chỉnh"):
        services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "9"})
    new = services.correct(actor=s.women_staff, submission=sub)
    sub.refresh_from_db()
    assert (new.revision, new.is_current, new.status) == (2, True, SubmissionStatus.DRAFT)
    assert (sub.revision, sub.is_current, sub.status) == (1, False, SubmissionStatus.APPROVED)
    assert dict(new.figures.values_list("indicator__code", "value")) == dict(sub.figures.values_list("indicator__code", "value"))
    services.save_figures(actor=s.women_staff, submission=new, values={"PT06": "9"})
    assert sub.figures.get(indicator__code="PT06").value == 2  # the approved revision did not move
    with pytest.raises(ValidationError, match="bản cũ"):
        services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "1"})
    page = s.client(s.women_staff).get(new.get_absolute_url()).content.decode()
    assert "Lần 2" in page and reverse("reports:submission_detail", args=[sub.pk]) in page


def test_someone_of_another_organization_cannot_enter_figures(s):
    sub = s.draft()
    with pytest.raises(PermissionDenied):
        services.save_figures(actor=s.front_staff, submission=sub, values={"PT06": "1"})
    with pytest.raises(PermissionDenied):
        services.submission_get_or_create(actor=s.front_staff, organization=s.women, period=s.september)


def test_figures_are_entered_for_the_templates_submission_period_only(s):
    quarter = services.get_or_create_period(s.template, "2024-Q4")
    with pytest.raises(ValidationError, match="theo tháng"):
        s.draft(period=quarter)
    assert not Submission.objects.filter(period=quarter).exists()


# ---------------------------------------------------------------- the late flag


def test_late_flag_for_a_missing_and_a_late_submission(s):
    late_draft = s.draft()  # 2024-10: deadline 17/10/2024, long passed, never submitted
    assert s.october.deadline == dt.date(2024, 10, 17) and late_draft.is_late
    on_time = s.draft(org=s.front, period=s.september)
    on_time.submitted_at = timezone.make_aware(dt.datetime(2024, 9, 17, 16, 0))
    on_time.status = SubmissionStatus.SUBMITTED
    on_time.save()
    assert not on_time.is_late
    on_time.submitted_at = timezone.make_aware(dt.datetime(2024, 9, 18, 8, 0))
    on_time.save()
    assert on_time.is_late
    late = set(selectors.submission_list_for_user(s.women_head, late="yes").values_list("pk", flat=True))
    assert late_draft.pk in late
    page = s.client(s.women_head).get(reverse("reports:submission_list") + "?late=yes").content.decode()
    assert "trễ hạn" in page


# ---------------------------------------------------------------- pages


def test_starting_an_entry_opens_the_draft_of_the_period(s):
    client = s.client(s.women_staff)
    response = client.post(reverse("reports:submission_start"), {"organization": s.women.pk, "period": "2024-11"})
    sub = Submission.objects.get(organization=s.women, period__code="2024-11")
    assert response.status_code == 302 and response["Location"] == sub.get_absolute_url()
    assert sub.period.start == dt.date(2024, 10, 15) and sub.period.end == dt.date(2024, 11, 14)
    again = client.post(reverse("reports:submission_start"), {"organization": s.women.pk, "period": "2024-11"})
    assert again["Location"] == sub.get_absolute_url()
    wrong = client.post(reverse("reports:submission_start"), {"organization": s.women.pk, "period": "2024-Q4"}, follow=True)
    assert "Số liệu được nhập theo tháng" in wrong.content.decode()
    assert client.post(reverse("reports:submission_start"), {"organization": s.front.pk, "period": "2024-11"}).status_code == 403


def test_the_start_form_offers_ones_own_organization_and_its_last_period(s):
    form = s.client(s.women_staff).get(reverse("reports:submission_list")).context["start_form"]
    assert form.initial["organization"] == s.women.pk
    # an organization that ended with the 2025 reform: its last month, not today's
    s.women.valid_to = dt.date(2025, 6, 30)
    s.women.save()
    form = s.client(s.women_staff).get(reverse("reports:submission_list")).context["start_form"]
    assert form.initial["period"] == "2025-07"  # 30/06 is past the 15th cut-off: the July period


def test_the_form_page_saves_and_shows_previous_values(s):
    before = s.draft(period=s.september)
    services.save_figures(actor=s.women_staff, submission=before, values={"TC04": "120"})
    sub = s.draft()
    client = s.client(s.women_staff)
    response = client.post(sub.get_absolute_url(), {"TC04": "125", "PT06": "-1"})
    assert response.status_code == 400
    assert "số liệu không được âm" in response.content.decode()
    assert not sub.figures.exists()
    response = client.post(sub.get_absolute_url(), {"TC04": "125", "PT06": "2", "note": "Tháng có hội thi"})
    assert response.status_code == 302
    page = client.get(sub.get_absolute_url()).content.decode()
    assert 'value="125"' in page and ">120<" in page
    assert Submission.objects.get(pk=sub.pk).note == "Tháng có hội thi"


@pytest.mark.parametrize("rows", [1, 8])
def test_the_submission_list_has_no_query_per_row(s, rows, django_assert_max_num_queries):
    types = {t.code: t for t in OrganizationType.objects.all()}
    for i in range(rows):
        org = Organization.objects.create(org_type=types["HND"], unit=unit(f"81{i + 3}", f"Huyện {i}", "district", s.province),
                                          name=f"Hội Nông dân {i}")
        Submission.objects.create(organization=org, period=s.october)
    client = Client()
    client.force_login(_province_board(s))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:submission_list"))
    assert response.status_code == 200 and response.content.decode().count("Hội Nông dân") >= rows


def _province_board(s):
    types = {t.code: t for t in OrganizationType.objects.all()}
    board_org = Organization.objects.create(org_type=types["BDV"], unit=s.province, name="Ban Dân vận Tỉnh ủy")
    p = Person.objects.create(full_name="Chuyên viên Ban Dân vận", unit=s.province)
    position(p, board_org, "Chuyên viên", PositionRole.STAFF)
    return quick_login(p, "board_user")


@pytest.mark.parametrize("filled", [False, True])
def test_the_submission_page_has_a_fixed_number_of_queries(s, filled, django_assert_max_num_queries):
    sub = s.draft(org=s.front)
    if filled:
        services.save_figures(actor=s.front_staff, submission=sub, values=s.full_values(s.front, "3"))
    client = s.client(s.front_staff)
    with django_assert_max_num_queries(20):
        assert client.get(sub.get_absolute_url()).status_code == 200


def test_completeness_shows_organizations_by_month_and_flags_late_ones(s, django_assert_max_num_queries):
    sub = _submitted(s)  # the Women's Union, 2024-10, submitted today: late
    client = s.client(s.women_head)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("reports:period_completeness", args=[s.body.pk]) + "?period=2024-Q4")
    page = response.content.decode()
    assert "Tháng 10/2024" in page and "Tháng 11/2024" in page and "Tháng 12/2024" in page
    table = selectors.completeness(s.body, "2024-Q4")
    assert [org.name for org, _cells in table.rows] == ["Ủy ban MTTQ huyện Thử", "Hội LHPN huyện Thử"]
    women_october = table.rows[1][1][0]
    assert women_october.submission == sub and women_october.is_late
    assert table.rows[0][1][0].status == "missing" and table.rows[0][1][0].is_late
    assert table.totals["submitted"] == 1 and table.totals["expected"] == 6


def test_completeness_counts_the_organizations_the_report_counts(s):
    # a commune's Farmers' Association is no member of the district body, yet its figures roll up
    commune = unit("81101", "Xã Thử", "commune", s.district)
    farmers = Organization.objects.create(org_type=OrganizationType.objects.get(code="HND"), unit=commune,
                                          name="Hội Nông dân xã Thử")
    table = selectors.completeness(s.body, "2024-Q4")
    assert farmers in [org for org, _cells in table.rows]
    from reports.rollup import rollup

    quarter = services.get_or_create_period(s.template, "2024-Q4")
    assert table.totals["expected"] == rollup(s.district, quarter).completeness.expected == 9


def test_an_organization_that_ended_mid_quarter_is_expected_only_while_it_worked(s):
    commune = unit("81102", "Xã Cũ", "commune", s.district)
    commune.valid_to = dt.date(2024, 10, 20)  # merged away in the October period (15/09–14/10 … 15/10–14/11)
    commune.save()
    Organization.objects.create(org_type=OrganizationType.objects.get(code="HND"), unit=commune,
                                name="Hội Nông dân xã Cũ")
    table = selectors.completeness(s.body, "2024-Q4")
    cells = next(cells for org, cells in table.rows if org.unit == commune)
    assert [c.status for c in cells] == ["missing", "missing", "not_expected"]
    from reports.rollup import rollup

    quarter = services.get_or_create_period(s.template, "2024-Q4")
    assert table.totals["expected"] == rollup(s.district, quarter).completeness.expected == 8


# ---------------------------------------------------------------- the catalog by the province


def test_the_province_head_adapts_the_catalog_with_history(s):
    province_body = JointBody.objects.create(unit=s.province, name="Cơ quan Khối tỉnh")
    p = Person.objects.create(full_name="Trưởng Khối tỉnh", unit=s.province)
    position(p, province_body, "Thủ trưởng", PositionRole.HEAD)
    head = quick_login(p, "province_head")
    client = s.client(head)
    assert "Điều chỉnh danh mục chỉ tiêu cho Tỉnh Thử" in client.get(reverse("reports:indicator_list")).content.decode()
    assert client.post(reverse("reports:indicator_adopt")).status_code == 302
    own = Indicator.objects.filter(catalog_unit=s.province)
    assert own.count() == Indicator.objects.filter(catalog_unit__isnull=True).count()
    # the district now reports with the province's catalog
    assert {i.catalog_unit_id for i in selectors.indicators_for_organization(s.women)} == {s.province.pk}
    pt06 = own.get(code="PT06")
    response = client.post(reverse("reports:indicator_edit", args=[pt06.pk]), {
        "code": "PT06", "name": "Số buổi tuyên truyền", "group": pt06.group, "unit_label": "buổi", "value_type": "count",
        "aggregation": "sum", "reported_by": ["MTTQ", "HLHPN"], "sort_order": 5, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    pt06.refresh_from_db()
    assert (pt06.name, pt06.reported_by) == ("Số buổi tuyên truyền", "MTTQ HLHPN")
    assert pt06.history.count() >= 2
    assert Indicator.objects.get(catalog_unit__isnull=True, code="PT06").name == "Số cuộc tuyên truyền, vận động"
    # a ratio needs its terms
    response = client.post(reverse("reports:indicator_create"), {
        "code": "XX01", "name": "Tỷ lệ thử", "value_type": "percent", "aggregation": "ratio", "sort_order": 1})
    assert response.status_code == 400 and "Chỉ tiêu tỷ lệ cần tử số và mẫu số." in response.content.decode()
    # a code typed lower-case and a group typed in decomposed Unicode are stored as the others
    import unicodedata

    response = client.post(reverse("reports:indicator_create"), {
        "code": " tc99 ", "name": "Số chi hội mới", "group": unicodedata.normalize("NFD", pt06.group),
        "unit_label": "chi hội", "value_type": "count", "aggregation": "sum", "sort_order": 99, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    added = own.get(name="Số chi hội mới")
    assert added.code == "TC99" and added.group == pt06.group
    # a district staff member may not edit the catalog
    assert s.client(s.women_head).post(reverse("reports:indicator_edit", args=[pt06.pk]), {}).status_code == 403


def test_the_catalog_list_searches_without_diacritics_and_filters(s):
    client = s.client(s.women_staff)
    page = client.get(reverse("reports:indicator_list") + "?q=hoi nghi doi thoai").content.decode()
    assert "DC01" in page and "PT06" not in page
    page = client.get(reverse("reports:indicator_list") + "?org=LDLD&aggregation=latest&catalog=default").content.decode()
    assert "KT14" in page and "KT05" not in page and "TC04" in page
