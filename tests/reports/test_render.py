"""Renderers read back: the PDF through pypdf and pdftotext, the DOCX through python-docx, the
XLSX through openpyxl. No database: ``render_*`` are pure functions of the snapshot."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
import unicodedata
from decimal import Decimal

import docx
import openpyxl
import pypdf
import pytest

from reports import render
from reports.render import format_number
from tests.conftest import require_service
from tests.reports.sample_snapshot import sample_snapshot

A4 = (595.28, 841.89)  # points
HEADER_LINES = [
    "HUYỆN ỦY ĐẦM HÀ",
    "CƠ QUAN KHỐI DÂN VẬN",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Số: 12-BC/KDV",
    "Đầm Hà, ngày 20 tháng 12 năm 2023",
    "BÁO CÁO",
    "Kết quả công tác dân vận năm 2023",
    "Năm 2023",
    "Nơi nhận:",
    "TRƯỞNG KHỐI",
]
VIETNAMESE_WORDS = [
    "Nguyễn Thị Hường", "Quảng Ninh", "đồng bào dân tộc thiểu số", "ủng hộ Quỹ Vì người nghèo",
    "Dực Yên", "Đại đoàn kết", "Dân vận khéo", "kiêm nhiệm", "Lưu: VT.", "phương hướng, nhiệm vụ",
]
SECTIONS = ["I. ĐẶC ĐIỂM TÌNH HÌNH", "II. KẾT QUẢ THỰC HIỆN", "III. HẠN CHẾ, NGUYÊN NHÂN",
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def one_line(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (PDF lines wrap anywhere)."""
    return re.sub(r"\s+", " ", nfc(text))


def formatted_totals(snapshot: dict) -> dict[str, str]:
    return {
        code: format_number(figures["total"], snapshot["indicators"][code]["value_type"])
        for code, figures in snapshot["values"].items()
    }


def pdftotext(pdf: bytes, *args: str) -> str:
    require_service("pdftotext", shutil.which("pdftotext") is not None, "apt-get install poppler-utils")
    done = subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


# ============================================================================================
# Numbers
# ============================================================================================

@pytest.mark.parametrize(
    ("value", "value_type", "expected"),
    [
        ("1234", "count", "1.234"),
        ("19597", "count", "19.597"),
        ("1234567", "count", "1.234.567"),
        ("0", "count", "0"),
        ("12.0", "count", "12"),
        ("999", "count", "999"),
        ("-1234.5", "count", "-1.234,5"),
        ("1927.5", "amount", "1.927,5"),
        ("504856.75", "amount", "504.856,75"),
        ("12.50", "amount", "12,5"),
        ("0.125", "amount", "0,13"),
        ("2000", "amount", "2.000"),
        ("85.25", "percent", "85,3%"),
        ("85", "percent", "85,0%"),
        ("100", "percent", "100,0%"),
        ("1234.56", "percent", "1.234,6%"),
        (None, "count", "–"),
        ("", "amount", "–"),
        (None, "percent", "–"),
        ("Đạt", "text", "Đạt"),
        ("không phải số", "count", "không phải số"),
    ],
)
def test_format_number_the_vietnamese_way(value, value_type, expected):
    assert format_number(value, value_type) == expected


# ============================================================================================
# HTML
# ============================================================================================

def test_html_escapes_narrative_and_splits_paragraphs():
    html = render.render_html(sample_snapshot())

    assert "&lt;b&gt;nổi bật&lt;/b&gt; &amp;" in html
    assert "<b>nổi bật</b>" not in html
    # Every non-empty line of a narrative is its own paragraph.
    assert "<p>Công tác giám sát, phản biện xã hội được triển khai đúng kế hoạch;" in html
    assert "<p>- Thường trực Huyện ủy (b/c);</p>" in html


def test_html_is_self_contained():
    html = render.render_html(sample_snapshot())

    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_html_missing_parts_have_placeholders():
    snapshot = sample_snapshot(number="", issued_on=None, title="", limitations="", causes="  \n ", next_tasks="")
    for figures in snapshot["values"].values():
        figures["auto"] = None

    html = render.render_html(snapshot)

    assert "Số:" in html and "-BC/KDV" in html
    assert "Đầm Hà, ngày      tháng      năm 20…" in html
    assert "Kết quả thực hiện năm 2023" in html
    assert html.count("Không có.") == 3
    assert "Phần mềm ghi nhận" not in html


def test_date_line_pads_day_and_early_months():
    html = render.render_html(sample_snapshot(issued_on="2024-02-05"))
    assert "Đầm Hà, ngày 05 tháng 02 năm 2024" in html

    html = render.render_html(sample_snapshot(issued_on="2024-11-05"))
    assert "Đầm Hà, ngày 05 tháng 11 năm 2024" in html


def test_auto_column_only_in_tables_that_have_auto_figures():
    html = render.render_html(sample_snapshot())
    tables = html.split('<table class="figures">')[1:]

    # Biểu 1 has no auto figure; Biểu 2 and 3 do.
    assert ["Phần mềm ghi nhận" in t for t in tables] == [False, True, True]


# ============================================================================================
# PDF
# ============================================================================================

@pytest.fixture(scope="module")
def sample() -> dict:
    return sample_snapshot()


@pytest.fixture(scope="module")
def pdf(sample) -> bytes:
    return render.render_pdf(sample)


def test_pdf_renders_in_reasonable_time(sample):
    started = time.perf_counter()
    render.render_pdf(sample)
    assert time.perf_counter() - started < 8  # ~1 s on a warm process


def test_pdf_text_via_pypdf(pdf, sample):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = one_line(" ".join(page.extract_text() for page in reader.pages))

    for line in HEADER_LINES + SECTIONS + VIETNAMESE_WORDS:
        assert nfc(line) in text, line
    assert "Đã nhận 70/72 báo cáo của các tổ chức, 66 đúng hạn." in text
    for code, total in formatted_totals(sample).items():
        assert total in text, (code, total)


def test_pdf_text_via_pdftotext(pdf, sample):
    text = one_line(pdftotext(pdf))

    for line in HEADER_LINES + SECTIONS + VIETNAMESE_WORDS:
        assert nfc(line) in text, line
    for code, total in formatted_totals(sample).items():
        assert total in text, (code, total)
    assert "1.245,5" in text and "92,4%" in text and "504.856,75" in text
    assert "–" in text  # missing figures


def test_pdf_fonts_are_embedded_and_vietnamese_complete(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            font = ref.get_object()
            descriptor_owner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descriptor_owner["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile2", "/FontFile", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+")[-1])
    assert names, "no fonts found"
    # One serif family for everything; a fallback (DejaVu…) means a letter was missing from it.
    assert all(re.match(r"(Liberation-?Serif|TimesNewRoman|Times-New-Roman|Tinos)", n) for n in names), names


def test_pdf_pages_are_a4_portrait_with_landscape_table_pages(pdf):
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    sizes = [(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in reader.pages]

    for width, height in sizes:
        assert sorted((width, height)) == pytest.approx(sorted(A4), abs=1)
    assert sizes[0][0] < sizes[0][1] and sizes[-1][0] < sizes[-1][1]  # starts and ends portrait
    assert any(w > h for w, h in sizes)  # the wide tables got landscape pages


def _words(pdf: bytes) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page: (xMin, yMin, xMax, yMax, word) from ``pdftotext -bbox``; plus the page size."""
    html = pdftotext(pdf, "-bbox")
    pages = []
    for page in re.findall(r"<page (.*?)</page>", html, flags=re.S):
        width, height = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        words = [
            (float(a), float(b), float(c), float(d), w)
            for a, b, c, d, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', page
            )
        ]
        pages.append((width, height, words))
    return pages


def test_pdf_nothing_overflows_the_page_or_overlaps(pdf):
    for width, height, words in _words(pdf):
        for x_min, y_min, x_max, y_max, word in words:
            assert x_min >= 40 and x_max <= width - 40, word  # inside 15 mm margins at least
            assert y_min >= 15 and y_max <= height - 30, word  # the page number sits in the top margin
        lines: dict[int, list] = {}
        for word in words:
            lines.setdefault(round(word[1]), []).append(word)
        for line in lines.values():
            line.sort()
            for left, right in zip(line, line[1:]):
                assert left[2] <= right[0] + 0.5, (left[4], right[4])


def test_pdf_table_header_repeats_on_every_page_of_a_long_table():
    snapshot = sample_snapshot()
    template = snapshot["values"]["TC02"]
    codes = [f"X{i:02d}" for i in range(60)]
    for code in codes:
        snapshot["indicators"][code] = {"name": f"Chỉ tiêu thử nghiệm số {code}", "unit_label": "người",
                                        "value_type": "count", "aggregation": "sum"}
        snapshot["values"][code] = dict(template)
    snapshot["groups"] = [{"name": "Biểu dài", "codes": codes}]

    pages = _words(render.render_pdf(snapshot))
    table_pages = [words for _w, _h, words in pages if any(w[4].startswith("X") and w[4][1:].isdigit() for w in words)]

    assert len(table_pages) >= 2
    for words in table_pages:
        assert any(w[4] == "Tổng" for w in words)
        assert any(w[4] == "Chỉ" for w in words) and any(w[4] == "tiêu" for w in words)


def test_pdf_keeps_nfd_input_intact():
    snapshot = sample_snapshot(signer_name=unicodedata.normalize("NFD", "Nguyễn Thị Hường"))

    text = one_line(pdftotext(render.render_pdf(snapshot)))

    assert "Nguyễn Thị Hường" in text


# ============================================================================================
# DOCX
# ============================================================================================

@pytest.fixture(scope="module")
def word(sample) -> docx.document.Document:
    return docx.Document(io.BytesIO(render.render_docx(sample)))


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return one_line("\n".join(parts))


def test_docx_has_header_block_sections_and_signature(word):
    text = _docx_text(word)

    for line in HEADER_LINES + SECTIONS + VIETNAMESE_WORDS:
        assert nfc(line) in text, line
    header = word.tables[0].rows[0].cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    assert any(run.underline for p in header[1].paragraphs for run in p.runs if "Độc lập" in run.text)
    assert "Số: 12-BC/KDV" in header[0].text


def test_docx_tables_hold_the_totals(word, sample):
    figure_tables = [t for t in word.tables if t.rows[0].cells[0].text == "Mã"]
    assert len(figure_tables) == len(sample["groups"])

    totals = {}
    for table in figure_tables:
        titles = [c.text for c in table.rows[0].cells]
        at = titles.index("Tổng")
        for row in table.rows[1:]:
            totals[row.cells[0].text] = row.cells[at].text
        # the header row repeats on every page
        assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert totals == formatted_totals(sample)


def test_docx_pages_are_a4(word):
    for section in word.sections:
        size = sorted((section.page_width.mm, section.page_height.mm))
        assert size == pytest.approx([210, 297], abs=0.5)
    assert word.sections[0].page_width.mm < word.sections[0].page_height.mm
    assert any(s.page_width.mm > s.page_height.mm for s in word.sections)


# ============================================================================================
# XLSX
# ============================================================================================

@pytest.fixture(scope="module")
def workbook(sample):
    return openpyxl.load_workbook(io.BytesIO(render.render_xlsx(sample)))


def test_xlsx_one_row_per_indicator_with_real_numbers(workbook, sample):
    sheet = workbook["Số liệu"]
    header_row = render.XLSX_HEADER_ROW
    titles = [c.value for c in sheet[header_row]]
    assert titles[:4] == ["Nhóm", "Mã", "Chỉ tiêu", "Đơn vị tính"]
    org_at = {column["code"]: titles.index(column["short_name"]) for column in sample["columns"]}
    total_at = titles.index("Tổng")

    rows = [r for r in sheet.iter_rows(min_row=header_row + 1, values_only=True) if r[1]]
    assert [r[1] for r in rows] == [code for group in sample["groups"] for code in group["codes"]]
    for row in rows:
        figures = sample["values"][row[1]]
        assert isinstance(row[total_at], (int, float)) and not isinstance(row[total_at], bool)
        assert Decimal(str(row[total_at])) == Decimal(figures["total"])
        for org, at in org_at.items():
            expected = figures["by_column"][org]
            if expected is None:
                assert row[at] is None
            else:
                assert isinstance(row[at], (int, float)) and Decimal(str(row[at])) == Decimal(expected)


def test_xlsx_layout(workbook):
    sheet = workbook["Số liệu"]

    assert sheet.freeze_panes == f"E{render.XLSX_HEADER_ROW + 1}"
    assert sheet.column_dimensions["C"].width >= 40
    assert all(sheet.column_dimensions[c].width >= 12 for c in "ABDEFGHIJKLMN" if c != "B")
    assert "12-BC/KDV" in sheet["A1"].value
    assert sheet.cell(render.XLSX_HEADER_ROW, 1).font.bold
    percent = next(r for r in sheet.iter_rows(min_row=render.XLSX_HEADER_ROW + 1) if r[1].value == "TC04")
    assert percent[4].number_format == '0.0"%"' and percent[4].value == pytest.approx(92.4)


def test_pdf_narrow_tables_stay_on_portrait_pages():
    snapshot = sample_snapshot()
    snapshot["columns"] = snapshot["columns"][:1]
    for figures in snapshot["values"].values():
        figures["auto"] = None  # 4 figure columns: code + name + unit + 4 × ~20 mm fit in 160 mm

    reader = pypdf.PdfReader(io.BytesIO(render.render_pdf(snapshot)))

    assert all(float(p.mediabox.width) < float(p.mediabox.height) for p in reader.pages)
    text = one_line(" ".join(page.extract_text() for page in reader.pages))
    assert "Biểu 3. Giám sát, phản biện xã hội; tiếp nhận kiến nghị" in text
