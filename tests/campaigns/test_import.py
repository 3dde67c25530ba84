"""Household import (all or nothing), duplicates across spellings, and merging duplicates."""
from __future__ import annotations

import io
import re
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from campaigns import importer
from campaigns.models import Case, Household, Visit
from khoi.models import AdministrativeUnit

pytestmark = pytest.mark.django_db

HEADER = "Chủ hộ,Địa chỉ,Địa bàn,Điện thoại,Thửa đất,Số hồ sơ bồi thường"


def csv_file(*lines, bom=True, name="ho-dan.csv") -> SimpleUploadedFile:
    content = "\n".join(lines) + "\n"
    return SimpleUploadedFile(name, (("\ufeff" if bom else "") + content).encode("utf-8"), content_type="text/csv")


def xlsx_file(rows, name="ho-dan.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def upload(client, campaign, file):
    return client.post(reverse("campaigns:household_import", args=[campaign.pk]), {"file": file})


@pytest.fixture
def hamlet(world):
    """A residential area under the campaign's commune (covered by the commune's team)."""
    d = world.districts["own"]
    return AdministrativeUnit.objects.create(code="9110101", name="Thôn Đồng Tâm", level="hamlet", unit_type="Thôn",
                                             parent=d.commune)


# --- all or nothing ----------------------------------------------------------------------------

def test_import_with_bad_rows_saves_nothing_and_lists_every_bad_row(world, client_for, hamlet):
    d = world.districts["own"]
    before = Household.objects.count()
    response = upload(client_for("head"), d.campaign, csv_file(
        HEADER,
        "Trần Văn Một,thôn 1,91101,0912000001,12,BT-001",   # row 2: good
        ",thôn 1,91101,0912000002,,",                        # row 3: no name
        "Lê Thị Ba,thôn 2,99999,,,",                         # row 4: unknown area
        "Phạm Văn Bốn,thôn 3,91201,,,",                      # row 5: another district's commune
        "Hoàng Thị Năm,thôn 1,Thôn Đồng Tâm,09x2-abc,,",     # row 6: phone not digits
        "Vũ Văn Sáu,thôn 1,91101,0912,,",                    # row 7: phone too short
    ))
    body = response.content.decode()
    assert response.status_code == 400
    assert Household.objects.count() == before
    assert "Chưa có dòng nào được lưu" in body
    expected = {
        3: "thiếu tên chủ hộ", 4: "không có địa bàn “99999”", 5: "nằm ngoài địa bàn của chiến dịch",
        6: "không hợp lệ: chỉ gồm chữ số", 7: "phải có 10 hoặc 11 chữ số",
    }
    for row, reason in expected.items():
        assert re.search(rf"Dòng {row}</strong>: [^<]*{re.escape(reason)}", body), (row, reason)
    assert "Dòng 2<" not in body


@pytest.mark.parametrize("name,content,message", [
    ("ho-dan.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)"),
    ("ho-dan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Tệp Excel cũ (.xls)"),
    ("ho-dan.xlsx", b"not a zip", "Không đọc được tệp Excel"),
    ("ho-dan.csv", "Chủ hộ;Địa chỉ;Địa bàn\nTrần Văn Một;thôn 1;91101\n".encode("cp1258", "replace"), "UTF-8"),
    ("ho-dan.csv", "Họ tên,Địa chỉ\nA,B\n".encode(), "“Chủ hộ”"),
])
def test_files_of_the_wrong_kind_are_refused(world, client_for, name, content, message):
    d = world.districts["own"]
    before = Household.objects.count()
    response = upload(client_for("head"), d.campaign, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Household.objects.count() == before


def test_files_over_5_mb_or_5000_rows_are_refused(world, client_for):
    d = world.districts["own"]
    client = client_for("head")
    big = SimpleUploadedFile("ho-dan.csv", b"Ch\xe1\xbb\xa7 h\xe1\xbb\x99\n" + b"x" * (5 * 1024 * 1024))
    assert "Tệp lớn hơn 5 MB" in upload(client, d.campaign, big).content.decode()
    rows = [f"Hộ Số {i},thôn 1,91101," for i in range(5001)]
    response = upload(client, d.campaign, csv_file("Chủ hộ,Địa chỉ,Địa bàn,Điện thoại", *rows))
    assert response.status_code == 400 and "Tệp có hơn 5.000 dòng" in response.content.decode()
    assert not Household.objects.filter(head_name="Hộ Số 1").exists()


# --- a good import -----------------------------------------------------------------------------

def test_good_xlsx_import_creates_households_covered_by_the_team_of_their_area(world, client_for, hamlet):
    d = world.districts["own"]
    uncovered = AdministrativeUnit.objects.create(code="91102", name="Xã Chưa Có Tổ", level="commune", unit_type="Xã",
                                                  parent=d.unit)
    d.campaign.areas.add(uncovered)
    client = client_for("sub_head")
    response = upload(client, d.campaign, xlsx_file([
        ["DANH SÁCH HỘ BỊ ẢNH HƯỞNG"],  # a title above the header row
        ["Chủ hộ", "Địa chỉ", "Địa bàn", "Điện thoại", "Thửa đất", "Số hồ sơ bồi thường"],
        ["Trần  Văn Một", "thôn 1", "91101", 912000001, 12, "BT-001"],  # Excel dropped the leading 0
        ["Lê Thị Hai", "thôn Đồng Tâm", "Thôn Đồng Tâm (9110101)", "0912.000.002", None, "BT-002"],
        [None, None, None, None, None, None],  # empty rows are skipped
        ["Phạm Văn Ba", "", "xã chưa có tổ", "", "7", ""],
    ]))
    assert response.status_code == 302
    one, two, three = (Household.objects.get(campaign=d.campaign, head_name=n)
                       for n in ("Trần Văn Một", "Lê Thị Hai", "Phạm Văn Ba"))
    assert one.area == d.commune and one.team == d.team and one.phone == "0912000001"
    assert one.extra == {"Thửa đất": "12", "Số hồ sơ bồi thường": "BT-001"} and one.name_key == "tran van mot"
    assert two.area == hamlet and two.team == d.team and two.phone == "0912000002"  # the commune's team covers the hamlet
    assert three.area == uncovered and three.team is None and three.extra == {"Thửa đất": "7"}
    result = client.get(response.url).content.decode()
    assert "Đã nhập 3 hộ dân" in result and "1 hộ ở địa bàn chưa giao cho tổ nào" in result
    assert "Đã nhập 3 hộ dân" not in client.get(response.url).content.decode()  # shown once


def test_row_numbers_are_those_excel_shows_and_lost_leading_zeros_are_restored(world):
    d = world.districts["own"]
    commune = AdministrativeUnit.objects.get(pk=d.commune.pk)  # a fresh copy: the world is shared by the module
    commune.code = "01101"  # a commune code with a leading zero, typed in a number cell
    commune.save()
    workbook_rows = [[], ["Chủ hộ", "Địa chỉ", "Địa bàn"], ["Trần Văn Một", "thôn 1", 1101], [], [None, "thôn 2", 1101]]
    rows, errors = importer.parse(xlsx_file(workbook_rows), d.campaign)
    assert [r.area for r in rows] == [d.commune]
    assert [(e.row, e.message) for e in errors] == [(5, "thiếu tên chủ hộ.")]


def test_csv_without_bom_and_with_semicolons_is_read(world, client_for):
    d = world.districts["own"]
    response = upload(client_for("head"), d.campaign, csv_file(
        "Chủ hộ;Địa chỉ;Địa bàn;Điện thoại", "Đinh Văn Bảy;thôn 2;Xã Trung Tâm Đầm Hà;+84 912 000 007", bom=False))
    assert response.status_code == 302
    household = Household.objects.get(head_name="Đinh Văn Bảy")
    assert household.area == d.commune and household.phone == "0912000007" and household.team == d.team


def test_only_managers_of_the_campaign_may_import(world, client_for):
    d = world.districts["own"]
    for role in ("deputy", "staff", "field", "board"):
        response = upload(client_for(role), d.campaign, csv_file(HEADER, "Trần Văn Một,thôn 1,91101,,,"))
        assert response.status_code == 403, role
    assert not Household.objects.filter(head_name="Trần Văn Một").exists()


def test_template_lists_the_columns_and_the_campaigns_area_codes(world, client_for, hamlet):
    d = world.districts["own"]
    response = client_for("head").get(reverse("campaigns:household_template", args=[d.campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook["Hộ dân"][1]][:4] == ["Chủ hộ", "Địa chỉ", "Địa bàn", "Điện thoại"]
    guide = [tuple(r) for r in workbook["Hướng dẫn"].iter_rows(values_only=True)]
    assert ("91101", "Xã Trung Tâm Đầm Hà", "Tổ công tác số 1") in guide
    assert ("9110101", "Thôn Đồng Tâm", "Tổ công tác số 1") in guide
    # the template, filled in, imports as is
    workbook["Hộ dân"].append(["Trần Văn Một", "thôn 1", "9110101", "0912000001"])
    out = io.BytesIO()
    workbook.save(out)
    assert upload(client_for("head"), d.campaign, SimpleUploadedFile("mau.xlsx", out.getvalue())).status_code == 302


# --- duplicates ----------------------------------------------------------------------------------

def test_duplicate_spellings_inside_a_file_are_errors_naming_both_rows(world, client_for):
    d = world.districts["own"]
    nfd = unicodedata.normalize("NFD", "Trần Thị  Lan")
    assert nfd != "Trần Thị Lan"
    before = Household.objects.count()
    response = upload(client_for("head"), d.campaign, csv_file(
        HEADER, "Trần Thị Lan,thôn 1,91101,,,", "TRAN THI LAN,thôn 1,91101,,,", f"{nfd},thôn 2,91101,,,",
        "Trần Thị Lan,thôn 1,91201,,,"))
    body = response.content.decode()
    assert response.status_code == 400 and Household.objects.count() == before
    assert re.search(r"Dòng 3</strong>: trùng với dòng 2", body)
    assert re.search(r"Dòng 4</strong>: trùng với dòng 2", body)


def test_duplicates_against_existing_households_are_listed_and_merged_keeping_visits(world, client_for):
    d = world.districts["own"]
    client = client_for("head")
    original = d.household  # "Nguyễn Văn Hộ", with one visit and one case
    response = upload(client, d.campaign, csv_file(HEADER, "NGUYEN VAN HO,thôn 1,91101,,45,BT-045"))
    assert response.status_code == 302  # it is saved …
    result = client.get(response.url).content.decode()
    assert "1 hộ có thể trùng với hộ đã có trong chiến dịch" in result and "NGUYEN VAN HO" in result
    imported = Household.objects.get(campaign=d.campaign, head_name="NGUYEN VAN HO")
    nfd = Household.objects.create(campaign=d.campaign, head_name=unicodedata.normalize("NFD", "nguyễn  văn hộ"),
                                   name_key=importer.text.fold(unicodedata.normalize("NFD", "nguyễn  văn hộ")),
                                   area=d.commune, team=d.team, address="thôn 9")
    page = client.get(reverse("campaigns:duplicate_list", args=[d.campaign.pk])).content.decode()
    for h in (original, imported, nfd):  # … and listed together on the duplicates page
        assert h.get_absolute_url() in page
    # the manager keeps the imported household and merges the two others into it
    merged = client.post(reverse("campaigns:duplicate_merge", args=[d.campaign.pk]),
                         {"keep": imported.pk, "remove": [original.pk, nfd.pk]})
    assert merged.status_code == 302
    imported.refresh_from_db()
    assert list(Household.objects.filter(campaign=d.campaign, name_key="nguyen van ho")) == [imported]
    assert Visit.objects.filter(household=imported).count() == 1  # the original's visit followed
    assert Case.objects.get(pk=d.case.pk).household == imported
    assert imported.phone == "0912345678" and imported.address == "thôn 1"
    assert imported.extra == {"Thửa đất": "45", "Số hồ sơ bồi thường": "BT-045"}
    assert "Không có hộ trùng" in client.get(reverse("campaigns:duplicate_list", args=[d.campaign.pk])).content.decode()


def test_merging_detaches_a_same_topic_case_instead_of_breaking_one_case_per_topic(world):
    d = world.districts["own"]
    twin = Household.objects.create(campaign=d.campaign, head_name="Nguyen Van Ho", name_key="nguyen van ho",
                                    area=d.commune, team=d.team)
    twin_case = Case.objects.create(reference="T911-2020-000099", joint_body=d.body, campaign=d.campaign, household=twin,
                                    topic="Mức bồi thường", topic_key="muc boi thuong", citizen_name="Nguyễn Văn Hộ",
                                    phone="0912345678", content="Hỏi lại", responsible=d.team.leader,
                                    deadline=d.case.deadline)
    result = importer.household_merge(actor=world.users["head"], keep=d.household, remove=twin)
    assert [(c.pk, k.pk) for c, k in result.detached] == [(twin_case.pk, d.case.pk)]
    twin_case.refresh_from_db()
    assert twin_case.household is None and twin_case.reference == "T911-2020-000099"
    assert not Household.objects.filter(pk=twin.pk).exists()


def test_merge_is_for_managers_only_and_changes_nothing_when_refused(world, client_for):
    d = world.districts["own"]
    twin = Household.objects.create(campaign=d.campaign, head_name="Nguyen Van Ho", name_key="nguyen van ho",
                                    area=d.commune, team=d.team)
    url = reverse("campaigns:duplicate_merge", args=[d.campaign.pk])
    assert client_for("staff").post(url, {"keep": d.household.pk, "remove": [twin.pk]}).status_code == 403
    assert client_for("deputy").get(reverse("campaigns:duplicate_list", args=[d.campaign.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        importer.household_merge(actor=world.users["field"], keep=d.household, remove=twin)
    assert Household.objects.filter(pk=twin.pk).exists() and Visit.objects.filter(household=d.household).count() == 1
    # households of another campaign cannot be pulled in through this campaign's URL
    other = world.districts["other_district"].household
    client_for("head").post(url, {"keep": d.household.pk, "remove": [other.pk]})
    assert Household.objects.filter(pk=other.pk).exists()


def test_namesakes_confirmed_as_different_households_leave_the_duplicates_page_until_a_new_one(world, client_for):
    d = world.districts["own"]
    twin = Household.objects.create(campaign=d.campaign, head_name="Nguyen Van Ho", name_key="nguyen van ho",
                                    area=d.commune, team=d.team, phone="0987000111")
    client = client_for("head")
    page_url = reverse("campaigns:duplicate_list", args=[d.campaign.pk])
    assert twin.get_absolute_url() in client.get(page_url).content.decode()
    # the manager knows them: two households, same name
    response = client.post(reverse("campaigns:duplicate_distinct", args=[d.campaign.pk]), {"group": [d.household.pk, twin.pk]})
    assert response.status_code == 302
    assert "Không có hộ trùng" in client.get(page_url).content.decode()
    assert Household.objects.filter(campaign=d.campaign, name_key="nguyen van ho").count() == 2  # nothing merged
    assert twin.history.first().history_user == world.users["head"]
    # a third namesake reopens the group, all three listed
    third = Household.objects.create(campaign=d.campaign, head_name="Nguyễn Văn Hộ", name_key="nguyen van ho",
                                     area=d.commune, team=d.team)
    page = client.get(page_url).content.decode()
    assert all(h.get_absolute_url() in page for h in (d.household, twin, third))
    # households of two groups, or of another campaign, are not confirmed together
    other = world.districts["other_district"].household
    client.post(reverse("campaigns:duplicate_distinct", args=[d.campaign.pk]), {"group": [third.pk, other.pk]})
    third.refresh_from_db()
    assert not third.distinct_confirmed
    assert client_for("staff").post(reverse("campaigns:duplicate_distinct", args=[d.campaign.pk]),
                                    {"group": [third.pk, twin.pk]}).status_code == 403


def test_phone_cleaning():
    assert importer.clean_phone("0912 345 678") == ("0912345678", None)
    assert importer.clean_phone(912345678) == ("0912345678", None)
    assert importer.clean_phone("+84 912-345-678") == ("0912345678", None)
    assert importer.clean_phone("") == ("", None)
    assert importer.clean_phone("0912abc")[1]
    assert importer.clean_phone("12345")[1]



@pytest.mark.parametrize("count", [2, 60])
def test_an_import_costs_the_same_queries_for_2_rows_or_60_and_keeps_history(world, django_assert_max_num_queries, count):
    d = world.districts["own"]
    lines = [f"Hộ Số {i},thôn 1,91101,09120{i:05d},{i},BT-{i}" for i in range(count)]
    admin = world.users["admin"]
    with django_assert_max_num_queries(30):
        result = importer.import_households(actor=admin, campaign=d.campaign, file=csv_file(HEADER, *lines))
    assert not result.errors and len(result.created) == count
    created = Household.objects.filter(campaign=d.campaign, head_name__startswith="Hộ Số")
    assert created.count() == count and {h.team_id for h in created} == {d.team.pk}
    assert Household.history.filter(head_name__startswith="Hộ Số", history_type="+").count() == count
    assert created.get(head_name="Hộ Số 1").search_name == "ho so 1"
