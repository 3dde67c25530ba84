"""The work programme as PDF and Word, as users download it next to the Excel file: in
Vietnamese with its diacritics, under the national motto, out of reach → 404, and a number of
queries that does not grow with the activities."""
from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata

import docx
import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khoi.models import CoordinationRule
from programme import documents, selectors
from programme.models import Activity, WorkProgramme

pytestmark = pytest.mark.django_db

TITLE = "CHƯƠNG TRÌNH CÔNG TÁC NĂM 2024"
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
FORMATS = ("programme:programme_pdf", "programme:programme_docx")


def one_line(text: str) -> str:
    """NFC, line breaks and runs of spaces made single spaces (table cells wrap anywhere)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return one_line(" ".join(page.extract_text() for page in reader.pages))


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return one_line(" ".join(parts))


def download(client, url_name: str, pk: int):
    return client.get(reverse(url_name, args=[pk]))


def test_the_pdf_has_the_title_the_motto_and_the_joint_activity_with_its_diacritics(world, client_for):
    d = world.districts["own"]

    response = download(client_for("head"), "programme:programme_pdf", d.programme.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="chuong-trinh-cong-tac-2024.pdf"'
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    assert round(float(box.width) * 25.4 / 72) == 297
    text = pdf_text(response.content)
    for expected in (TITLE, MOTTO, MOTTO_2, d.joint_activity.title, d.body.name.upper(), "Tháng 9/2024",
                     "Tên hoạt động", "Mã quy tắc", "Tổ chức chủ trì", "Chung", "Kế hoạch", "02/09/2024"):
        assert expected in text, expected


def test_the_word_file_has_the_same_text(world, client_for):
    d = world.districts["own"]

    response = download(client_for("head"), "programme:programme_docx", d.programme.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="chuong-trinh-cong-tac-2024.docx"'
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert section.page_width > section.page_height  # A4 landscape
    text = docx_text(response.content)
    for expected in (TITLE, MOTTO, MOTTO_2, d.joint_activity.title, d.body.name.upper(), "Tháng 9/2024",
                     "Tên hoạt động", "Mã quy tắc", "Tổ chức chủ trì", "Chung", "Kế hoạch", "02/09/2024"):
        assert expected in text, expected


def test_the_rows_are_those_of_the_excel_download(world):
    d = world.districts["own"]
    activities = list(selectors.activity_list_for_user(world.users["head"], programme=d.programme))

    doc = documents.programme_document(d.programme, activities)

    rows = [dict((column.key, text) for column, text in row.cells) for row in doc.rows if not row.month]
    assert [r["title"] for r in rows] == [a.title for a in activities]
    joint = next(r for r in rows if r["title"] == d.joint_activity.title)
    assert (joint["number"], joint["rule"], joint["owner"], joint["status"]) == ("1", "C5", "Chung", "Kế hoạch")
    assert (joint["start_date"], joint["end_date"], joint["areas"]) == ("02/09/2024", "03/09/2024", d.commune.name)
    assert joint["subcommittee"] == d.subs["propaganda"].name
    assert set(joint["participants"].split(", ")) == {o.org_type.short_name for o in d.orgs.values()}
    own = next(r for r in rows if r["title"] == d.own_activity.title)
    assert own["owner"] == (d.orgs["HLHPN"].short_name or d.orgs["HLHPN"].name)
    assert [row.month for row in doc.rows if row.month] == ["Tháng 9/2024"]


def test_the_document_stays_vietnamese_when_the_interface_is_in_english(world, client_for):
    d = world.districts["own"]
    client = client_for("head")
    client.cookies["django_language"] = "en"

    page = client.get(reverse("programme:programme_detail", args=[d.programme.pk])).content.decode()
    text = docx_text(download(client, "programme:programme_docx", d.programme.pk).content)

    assert "Download PDF" in page and "Download Word" in page  # the interface is in English
    assert "Kế hoạch" in text and "Chung" in text and TITLE in text
    assert "Planned" not in text


@pytest.mark.parametrize("url_name", FORMATS)
def test_a_programme_out_of_reach_is_not_found(world, client_for, url_name):
    other = world.districts["other_province"]

    assert download(client_for("head"), url_name, other.programme.pk).status_code == 404
    assert download(client_for("staff"), url_name, world.districts["other_district"].programme.pk).status_code == 404


@pytest.mark.parametrize("url_name", FORMATS)
def test_the_number_of_queries_does_not_grow_with_the_activities(world, client_for, django_assert_max_num_queries,
                                                                url_name):
    d = world.districts["own"]
    programme = WorkProgramme.objects.create(joint_body=d.body, year=2025, title="Chương trình công tác năm 2025")
    rule = CoordinationRule.objects.get(catalog_unit__code="91", code="C5")
    client = client_for("head")

    def add(day: int) -> None:
        activity = Activity.objects.create(programme=programme, title=f"Hoạt động ngày {day}", rule=rule,
                                           subcommittee=d.subs["propaganda"], start_date=dt.date(2025, 1 + day % 12, 1),
                                           end_date=dt.date(2025, 1 + day % 12, 2))
        activity.areas.set([d.commune])
        activity.participants.set(list(d.orgs.values()))

    add(0)
    download(client, url_name, programme.pk)  # warm caches (session, content types)
    with CaptureQueriesContext(connection) as one:
        assert download(client, url_name, programme.pk).status_code == 200
    for day in range(1, 15):
        add(day)

    with django_assert_max_num_queries(len(one)):
        response = download(client, url_name, programme.pk)

    assert response.status_code == 200
    assert "Hoạt động ngày 14" in (pdf_text if url_name.endswith("pdf") else docx_text)(response.content)
