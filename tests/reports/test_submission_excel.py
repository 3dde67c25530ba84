"""A submission's Excel template and its all-or-nothing upload: every bad row is reported with
its row number and the reason in Vietnamese, and nothing is stored unless every row is right."""
from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from reports import excel, services
from reports.models import Figure
from tests.reports.test_submissions import s  # noqa: F401  (the fixture)


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def fill(content: bytes, values: dict, extra_rows=()) -> bytes:
    """Write values by indicator code into the template's "Số liệu" column; append rows."""
    wb = workbook(content)
    ws = wb["Số liệu"]
    for row in ws.iter_rows(min_row=4):
        if row[1].value in values:
            row[4].value = values[row[1].value]
    for extra in extra_rows:
        ws.append(extra)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row_of(content: bytes, code: str) -> int:
    ws = workbook(content)["Số liệu"]
    return next(r[0].row for r in ws.iter_rows(min_row=4) if r[1].value == code)


def test_the_template_lists_the_typed_indicators_with_the_previous_value(s):
    before = s.draft(period=s.september)
    services.save_figures(actor=s.women_staff, submission=before, values={"TC04": "120"})
    sub = s.draft()
    ws = workbook(excel.template_workbook(sub))["Số liệu"]
    assert (ws["A2"].value, ws["B2"].value) == ("Mã kỳ", "2024-10")
    assert [c.value for c in ws[3]] == ["STT", "Mã", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Kỳ trước", "Cách tổng hợp"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=4)}
    assert "TC04" in rows and "KT09" in rows
    assert "TC10" not in rows and "TC16" not in rows  # ratios are computed, never typed
    assert "KT14" not in rows  # the Trade Union's
    assert rows["TC04"][5].value == 120


def test_a_good_upload_stores_every_figure(s):
    sub = s.draft()
    content = fill(excel.template_workbook(sub), {"TC04": 150, "PT06": "3", "AS06": 12.5})
    result = excel.import_workbook(actor=s.women_staff, submission=sub, file=content)
    assert result.ok and result.saved == 3
    assert dict(sub.figures.values_list("indicator__code", "value")) == {"TC04": 150, "PT06": 3, "AS06": 12.5}


def test_every_bad_row_is_reported_with_its_number_and_nothing_is_stored(s):
    sub = s.draft()
    services.save_figures(actor=s.women_staff, submission=sub, values={"PT06": "7"})
    template = excel.template_workbook(sub)
    content = fill(template, {"TC04": -5, "PT07": 2.5, "TC15": 3, "PT06": 9, "KT09": "nhiều"},
                   extra_rows=[(None, "ZZ99", "Chỉ tiêu lạ", None, 1), (None, "TC10", "Tỷ lệ", None, 50),
                               (None, "PT06", "Lặp lại", None, 1)])
    last = workbook(content)["Số liệu"].max_row
    result = excel.import_workbook(actor=s.women_staff, submission=sub, file=content)
    assert not result.ok and result.saved == 0
    messages = [m for _row, m in result.errors]
    assert f"Dòng {row_of(template, 'TC04')}: TC04 (Tổng số đoàn viên, hội viên (thành viên)): số liệu không được âm." in messages
    assert any(m.startswith(f"Dòng {row_of(template, 'PT07')}: PT07") and "phải là số nguyên" in m for m in messages)
    assert any(m.startswith(f"Dòng {row_of(template, 'TC15')}: ") and "ghi 1 nếu đã đạt" in m for m in messages)
    assert any(m.startswith(f"Dòng {row_of(template, 'KT09')}: ") and "“nhiều” không phải là số" in m for m in messages)
    assert f"Dòng {last - 2}: Mã chỉ tiêu “ZZ99” không có trong danh mục chỉ tiêu của Hội LHPN huyện Thử." in messages
    assert any(m.startswith(f"Dòng {last - 1}: ") and "TC10" in m for m in messages)
    assert f"Dòng {last}: Chỉ tiêu PT06 đã có ở dòng {row_of(template, 'PT06')}." in messages
    assert dict(sub.figures.values_list("indicator__code", "value")) == {"PT06": 7}  # unchanged


def test_cross_field_rule_is_reported_on_the_row_that_breaks_it(s):
    sub = s.draft(org=s.front)
    template = excel.template_workbook(sub)
    result = excel.import_workbook(actor=s.front_staff, submission=sub, file=fill(template, {"DN03": 4, "DN05": 6}))
    assert result.errors == [(row_of(template, "DN05"), f"Dòng {row_of(template, 'DN05')}: DN05 (Đơn thư đã có văn bản trả lời, "
                              "kết quả giải quyết) = 6 không được lớn hơn DN03 (Đơn thư tiếp nhận (khiếu nại / tố cáo / "
                              "kiến nghị, phản ánh / khác)) = 4.")]
    assert not Figure.objects.filter(submission=sub).exists()


def test_a_file_of_another_period_or_not_excel_is_refused(s):
    sub = s.draft()
    other = s.draft(period=s.september)
    result = excel.import_workbook(actor=s.women_staff, submission=sub, file=excel.template_workbook(other))
    assert result.errors == [(0, "Tệp là mẫu của kỳ 2024-09, không phải kỳ 2024-10: hãy tải mẫu của kỳ này.")]
    result = excel.import_workbook(actor=s.women_staff, submission=sub, file=b"STT;Ma;So lieu\n1;TC04;5\n")
    assert "không phải là tệp Excel .xlsx" in result.errors[0][1]


def test_the_upload_page_lists_the_errors_and_keeps_nothing(s):
    sub = s.draft()
    client = s.client(s.women_staff)
    assert client.get(reverse("reports:submission_import", args=[sub.pk])).status_code == 200
    content = fill(excel.template_workbook(sub), {"TC04": -1, "PT06": 2})
    upload = SimpleUploadedFile("so-lieu.xlsx", content)
    response = client.post(reverse("reports:submission_import", args=[sub.pk]), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400 and "Chưa có số liệu nào được lưu" in page and "số liệu không được âm" in page
    assert not sub.figures.exists()
    upload = SimpleUploadedFile("so-lieu.xlsx", fill(excel.template_workbook(sub), {"TC04": 1, "PT06": 2}))
    response = client.post(reverse("reports:submission_import", args=[sub.pk]), {"file": upload})
    assert response.status_code == 302 and sub.figures.count() == 2
    # the Front's staff may not upload the Women's Union's figures
    other = s.client(s.front_staff)
    assert other.get(reverse("reports:submission_import", args=[sub.pk])).status_code == 403
