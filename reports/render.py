"""Render a report snapshot (``snapshot.py``) to HTML/PDF, DOCX and XLSX.

Pure functions of the snapshot: no database, no network. All three formats share one view
model (``_document``), so they say the same thing in the same words:

- PDF: ``templates/reports/document.html`` through WeasyPrint, A4 portrait, tables on
  landscape pages when they are too wide for portrait, the font embedded (Times New Roman or
  Liberation Serif 2, both Vietnamese-complete);
- DOCX: the same layout built with python-docx (header block, sections, tables, signature);
- XLSX: one sheet with one row per indicator; numeric cells hold numbers, not strings.

Numbers are formatted the Vietnamese way: ``1.234,5``; percentages with one decimal and ``%``;
no figure is an en dash.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.template.loader import render_to_string

from khoi.documents import (  # the official-document toolkit shared with the work programme
    FONT as _FONT,
    LANDSCAPE_WIDTH_MM,
    MOTTO,
    MOTTO_2,
    PORTRAIT_WIDTH_MM,
    PROJECT_DIR,
    docx_cell as _docx_cell,
    docx_paragraph as _docx_paragraph,
    docx_repeat_header as _docx_repeat_header,
    docx_run as _docx_run,
    docx_section as _docx_section,
    docx_short_rule as _docx_short_rule,
    local_only_fetcher as _local_only_fetcher,
    nfc as _nfc,
)

DASH = "–"
TEMPLATE = "reports/document.html"
# Figure tables (mm): fixed columns, narrowest name column (A4 text widths: khoi.documents).
CODE_MM, UNIT_MM, MIN_NAME_MM, MIN_FIGURE_MM = 11, 15, 45, 13
TABLE_FONT_PT = 10
_PARAGRAPH_BREAK = re.compile(r"\r\n|\r|\n")


# ============================================================================================
# Numbers
# ============================================================================================

def _decimal(value: str | int | float | Decimal | None) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def _vi(number: Decimal, *, places: int, keep_zeros: bool) -> str:
    """``number`` rounded to ``places`` decimals, "." between thousands and "," before decimals."""
    quantum = Decimal(1).scaleb(-places)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    if not keep_zeros:
        fraction = fraction.rstrip("0")
    return sign + _group_thousands(whole) + ("," + fraction if fraction else "")


def format_number(value: str | None, value_type: str) -> str:
    """A snapshot figure as printed in the report.

    ``count`` 1234 → "1.234"; ``amount`` (triệu đồng) 1927.5 → "1.927,5" (at most 2 decimals);
    ``percent`` 85.25 → "85,3%" (the value is already in percent); ``text`` as given;
    None or empty → "–". A value that is not a number is shown as given rather than lost.
    """
    if value is None or str(value).strip() == "":
        return DASH
    if value_type == "text":
        return str(value)
    number = _decimal(value)
    if number is None:
        return str(value)
    if value_type == "percent":
        return _vi(number, places=1, keep_zeros=True) + "%"
    return _vi(number, places=2, keep_zeros=False)


def _excel_number(value: str | None, value_type: str) -> int | float | str | None:
    """The cell value for a figure: a real number (int when whole), text for ``text`` figures."""
    if value is None or str(value).strip() == "":
        return None
    if value_type == "text":
        return str(value)
    number = _decimal(value)
    if number is None:
        return str(value)
    return int(number) if number == number.to_integral_value() else float(number)


# ============================================================================================
# The view model shared by the three formats
# ============================================================================================

@dataclasses.dataclass(frozen=True)
class Cell:
    raw: str | None  # the snapshot's decimal string
    text: str  # as printed
    kind: str  # "org", "total", "compare" or "auto"


@dataclasses.dataclass(frozen=True)
class Row:
    code: str
    name: str
    unit: str
    value_type: str
    cells: list[Cell]  # in the order of Table.headers

    @property
    def raw(self) -> list[str | None]:
        return [cell.raw for cell in self.cells]


@dataclasses.dataclass(frozen=True)
class Table:
    number: int
    name: str
    headers: list[str]  # figure columns only (after code, name, unit)
    auto: bool  # has the "Phần mềm ghi nhận" column
    rows: list[Row]


def _paragraphs(text: str | None) -> list[str]:
    """Narrative text → paragraphs: one per non-empty line (blank lines only separate)."""
    return [line.strip() for line in _PARAGRAPH_BREAK.split(_nfc(text)) if line.strip()]


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _date_line(place: str, issued_on: dt.date | None) -> str:
    """"Đầm Hà, ngày 05 tháng 02 năm 2024": day below 10 and months 1–2 get a leading zero
    (Nghị định 30/2020/NĐ-CP); with no date, blanks to fill in by hand."""
    prefix = f"{place}, " if place else ""
    if issued_on is None:
        return prefix + "ngày      tháng      năm 20…"
    month = f"{issued_on.month:02d}" if issued_on.month < 3 else str(issued_on.month)
    return prefix + f"ngày {issued_on.day:02d} tháng {month} năm {issued_on.year}"


def _short_date(value: str | None) -> str:
    day = _parse_date(value)
    return day.strftime("%d/%m/%Y") if day else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _tables(snapshot: dict) -> list[Table]:
    columns = snapshot.get("columns") or []
    indicators = snapshot.get("indicators") or {}
    values = snapshot.get("values") or {}
    previous = (snapshot.get("previous_period") or {}).get("label")
    last_year = (snapshot.get("last_year_period") or {}).get("label")

    groups = [dict(group) for group in snapshot.get("groups") or []]
    grouped = {code for group in groups for code in group.get("codes") or []}
    rest = [code for code in indicators if code not in grouped]
    if rest:
        groups.append({"name": "Chỉ tiêu khác", "codes": rest})

    tables = []
    for group in groups:
        codes = [code for code in group.get("codes") or [] if code in indicators]
        if not codes:
            continue
        auto = any((values.get(code) or {}).get("auto") not in (None, "") for code in codes)
        headers = [_nfc(c.get("short_name") or c.get("code")) for c in columns] + [
            "Tổng",
            "Kỳ trước" + (f"\n({previous})" if previous else ""),
            "Cùng kỳ năm trước" + (f"\n({last_year})" if last_year else ""),
        ] + (["Phần mềm ghi nhận"] if auto else [])
        kinds = ["org"] * len(columns) + ["total", "compare", "compare"] + (["auto"] if auto else [])
        rows = []
        for code in codes:
            indicator = indicators[code]
            figures = values.get(code) or {}
            by_column = figures.get("by_column") or {}
            raw = [by_column.get(c.get("code")) for c in columns] + [
                figures.get("total"), figures.get("previous"), figures.get("last_year"),
            ] + ([figures.get("auto")] if auto else [])
            value_type = indicator.get("value_type") or "count"
            rows.append(Row(
                code=_nfc(code), name=_nfc(indicator.get("name")), unit=_nfc(indicator.get("unit_label")),
                value_type=value_type,
                cells=[Cell(v, format_number(v, value_type), kind) for v, kind in zip(raw, kinds)],
            ))
        tables.append(Table(len(tables) + 1, _nfc(group.get("name")), headers, auto, rows))
    return tables


# Advance widths (em) of Times New Roman / Liberation Serif, which share metrics.
_EM = {".": 0.25, ",": 0.25, "%": 0.833, "-": 0.333, " ": 0.25}


def _figure_width_mm(tables: list[Table]) -> float:
    """One width for every figure column: enough for the widest figure on one line, bold."""
    widest = max((sum(_EM.get(ch, 0.5) for ch in cell.text) for t in tables for r in t.rows for cell in r.cells),
                 default=0)
    padding_pt = 2 * 2.5 + 2  # cell padding + borders and rounding
    return max(MIN_FIGURE_MM, round((widest * TABLE_FONT_PT + padding_pt) * 25.4 / 72 + 0.5, 1))


def _document(snapshot: dict) -> dict:
    report = snapshot.get("report") or {}
    body = report.get("body") or {}
    period = report.get("period") or {}
    completeness = snapshot.get("completeness") or {}
    short_name = _nfc(body.get("short_name"))
    label = _nfc(period.get("label") or period.get("code"))
    body_name = _nfc(body.get("name"))

    number = _nfc(report.get("number"))
    number_line = f"Số: {number}" if number else f"Số:        -BC/{short_name}"
    title = _nfc(report.get("title")) or f"Kết quả thực hiện {_lower_first(label)}"

    start, end = _short_date(period.get("start")), _short_date(period.get("end"))
    context = [
        f"Báo cáo này tổng hợp kết quả {_lower_first(label)}"
        + (f" (từ ngày {start} đến ngày {end})" if start and end else "")
        + f" của {body_name or 'cơ quan khối'} trên cơ sở báo cáo của các tổ chức thành viên"
        + (f" thuộc {_lower_first(_nfc(body.get('unit_name')))}" if body.get("unit_name") else "") + "."
    ]
    completeness_line = ""
    if completeness.get("expected"):
        completeness_line = (
            f"Đã nhận {completeness.get('received') or 0}/{completeness['expected']} báo cáo của các tổ chức, "
            f"{completeness.get('on_time') or 0} đúng hạn."
        )
        context.append(completeness_line)

    tables = _tables(snapshot)
    columns = snapshot.get("columns") or []
    legend = "; ".join(
        f"{_nfc(c.get('short_name') or c.get('code'))}: {_nfc(c.get('name'))}"
        for c in columns if c.get("name") and _nfc(c.get("name")) != _nfc(c.get("short_name") or c.get("code"))
    )
    figure_mm = _figure_width_mm(tables)
    widest = max((len(t.headers) for t in tables), default=0)
    wide = CODE_MM + UNIT_MM + MIN_NAME_MM + widest * figure_mm > PORTRAIT_WIDTH_MM
    return {
        "superior": _nfc(body.get("superior")).upper(),
        "body_name": body_name.upper(),
        "number_line": number_line,
        "motto": MOTTO,
        "motto_2": MOTTO_2,
        "date_line": _date_line(_nfc(report.get("place")), _parse_date(report.get("issued_on"))),
        "doc_type": "BÁO CÁO",
        "title": title,
        "period_label": label,
        "context": context,
        "completeness_line": completeness_line,
        "achievements": _paragraphs(report.get("achievements")),
        "limitations": _paragraphs(report.get("limitations")),
        "causes": _paragraphs(report.get("causes")),
        "next_tasks": _paragraphs(report.get("next_tasks")),
        "tables": tables,
        "legend": legend,
        "wide": wide,
        "figure_mm": figure_mm,
        "recipients": _paragraphs(report.get("recipients")),
        "signer_title": _nfc(report.get("signer_title")).upper(),
        "signer_name": _nfc(report.get("signer_name")),
        "meta_title": f"Báo cáo {number} — {title}" if number else f"Báo cáo — {title}",
        "author": body_name,
    }


# ============================================================================================
# HTML and PDF
# ============================================================================================


def render_html(snapshot: dict) -> str:
    """The report as one self-contained HTML page (print CSS inline), the source of the PDF."""
    return render_to_string(TEMPLATE, {"doc": _document(snapshot)})


def render_pdf(snapshot: dict) -> bytes:
    """A4 PDF of ``render_html(snapshot)`` with its fonts embedded."""
    from weasyprint import HTML

    html = HTML(string=render_html(snapshot), base_url=str(PROJECT_DIR), url_fetcher=_local_only_fetcher)
    return html.write_pdf()


# ============================================================================================
# DOCX
# ============================================================================================


def _docx_table(document, table: Table, usable_mm: float, figure_mm: float) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    figures = len(table.headers)
    code_mm, unit_mm = CODE_MM + 2, UNIT_MM + 2  # Word's cell margins are wider than the PDF's
    figure_mm += 1.5
    name_mm = max(MIN_NAME_MM, usable_mm - code_mm - unit_mm - figures * figure_mm)
    widths = [code_mm, name_mm, unit_mm] + [figure_mm] * figures

    grid = document.add_table(rows=1, cols=3 + figures)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    header = grid.rows[0]
    _docx_repeat_header(header)
    for cell, text in zip(header.cells, ["Mã", "Chỉ tiêu", "Đơn vị tính", *table.headers]):
        _docx_cell(cell, text, bold=True, align=center)
    for row in table.rows:
        cells = grid.add_row().cells
        _docx_cell(cells[0], row.code, align=center)
        _docx_cell(cells[1], row.name, align=WD_ALIGN_PARAGRAPH.LEFT)
        _docx_cell(cells[2], row.unit, align=center)
        for i, cell in enumerate(row.cells):
            _docx_cell(cells[3 + i], cell.text, align=right, bold=cell.kind == "total")
    for row in grid.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = Mm(width)


def render_docx(snapshot: dict) -> bytes:
    """The report as a Word document laid out like the PDF (A4; tables on landscape pages if wide)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = _document(snapshot)
    document = Document()
    document.core_properties.title = doc["meta_title"]
    document.core_properties.author = doc["author"]
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = _FONT, Pt(14)
    _docx_section(document, landscape=False, new=False)
    center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT

    # Header block: issuing body left, national motto right.
    header = document.add_table(rows=1, cols=2)
    header.autofit = False
    body_cell, motto_cell = header.rows[0].cells
    body_cell.width, motto_cell.width = Mm(68), Mm(92)
    first = body_cell.paragraphs[0]
    first.alignment = center
    first.paragraph_format.space_after = Pt(0)
    if doc["superior"]:
        _docx_run(first, doc["superior"], size=13)
        _docx_paragraph(body_cell, doc["body_name"], align=center, size=13, bold=True, after=0)
    else:
        _docx_run(first, doc["body_name"], size=13, bold=True)
    _docx_short_rule(_docx_paragraph(body_cell, align=center, after=6), 2.2)
    _docx_paragraph(body_cell, doc["number_line"], align=center, size=13, after=0)
    top = motto_cell.paragraphs[0]
    top.alignment = center
    top.paragraph_format.space_after = Pt(0)
    _docx_run(top, doc["motto"], size=12.5, bold=True)
    _docx_paragraph(motto_cell, doc["motto_2"], align=center, size=13.5, bold=True, underline=True, after=12)
    _docx_paragraph(motto_cell, doc["date_line"], align=center, size=13.5, italic=True, after=0)

    _docx_paragraph(document, doc["doc_type"], align=center, size=14, bold=True, before=18, after=0)
    _docx_paragraph(document, doc["title"], align=center, size=14, bold=True, after=0)
    _docx_short_rule(_docx_paragraph(document, align=center, after=12), 6.5)

    def heading(text):
        _docx_paragraph(document, text, align=left, bold=True, indent=True, before=6)

    def narrative(paragraphs):
        for text in paragraphs:
            _docx_paragraph(document, text, indent=True)

    heading("I. ĐẶC ĐIỂM TÌNH HÌNH")
    narrative(doc["context"])
    heading("II. KẾT QUẢ THỰC HIỆN")
    heading("1. Kết quả đạt được")
    narrative(doc["achievements"] or ["Không có."])
    heading("2. Số liệu tổng hợp")
    if doc["tables"]:
        narrative([f"Chi tiết tại {len(doc['tables'])} biểu số liệu dưới đây."])
        landscape = doc["wide"]
        if landscape:
            _docx_section(document, landscape=True, new=True)
        usable = LANDSCAPE_WIDTH_MM if landscape else PORTRAIT_WIDTH_MM
        for table in doc["tables"]:
            _docx_paragraph(document, f"Biểu {table.number}. {table.name}", align=left, size=13, bold=True,
                            before=6, after=4)
            _docx_table(document, table, usable, doc["figure_mm"])
        if doc["legend"]:
            _docx_paragraph(document, "Ghi chú: " + doc["legend"] + ".", size=11, italic=True, before=6)
        if landscape:
            _docx_section(document, landscape=False, new=True)
    else:
        narrative(["Chưa có số liệu."])
    heading("III. HẠN CHẾ, NGUYÊN NHÂN")
    heading("1. Hạn chế")
    narrative(doc["limitations"] or ["Không có."])
    heading("2. Nguyên nhân")
    narrative(doc["causes"] or ["Không có."])
    heading("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI")
    narrative(doc["next_tasks"] or ["Không có."])

    # Recipients left, signature right.
    closing = document.add_table(rows=1, cols=2)
    closing.autofit = False
    to_cell, sign_cell = closing.rows[0].cells
    to_cell.width, sign_cell.width = Mm(80), Mm(80)
    lead = to_cell.paragraphs[0]
    lead.paragraph_format.space_before = Pt(12)
    lead.paragraph_format.space_after = Pt(0)
    _docx_run(lead, "Nơi nhận:", size=12, bold=True, italic=True)
    for line in doc["recipients"]:
        _docx_paragraph(to_cell, line, align=left, size=11, after=0)
    signer = sign_cell.paragraphs[0]
    signer.alignment = center
    signer.paragraph_format.space_before = Pt(12)
    signer.paragraph_format.space_after = Pt(0)
    _docx_run(signer, doc["signer_title"], size=14, bold=True)
    _docx_paragraph(sign_cell, "", align=center, after=72)
    _docx_paragraph(sign_cell, doc["signer_name"], align=center, size=14, bold=True, after=0)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ============================================================================================
# XLSX
# ============================================================================================

_XLSX_FORMATS = {"count": "#,##0", "amount": "#,##0.00", "percent": '0.0"%"'}
XLSX_HEADER_ROW = 5


def render_xlsx(snapshot: dict) -> bytes:
    """One sheet "Số liệu": a title block, then a header row and one row per indicator.

    Figures are numbers (percentages as 85.3 shown "85.3%"), so the sheet can be summed and
    charted; a missing figure is an empty cell.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    doc = _document(snapshot)
    tables = doc["tables"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Số liệu"
    workbook.properties.title = doc["meta_title"]
    workbook.properties.creator = doc["author"] or "Khối"

    headers = max((t.headers for t in tables), key=len, default=[])
    # Every table shares the org-type, total and comparison columns; only "auto" may be missing.
    has_auto = any(t.auto for t in tables)
    figure_headers = [h for h in headers if h != "Phần mềm ghi nhận"] + (["Phần mềm ghi nhận"] if has_auto else [])
    titles = ["Nhóm", "Mã", "Chỉ tiêu", "Đơn vị tính", *figure_headers]

    sheet["A1"] = f"{doc['doc_type']} {doc['number_line'].replace('Số: ', 'SỐ ')} — {doc['title']}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = f"{doc['author']} — {doc['period_label']} — {doc['date_line']}"
    sheet["A3"] = doc["completeness_line"]
    sheet["A3"].font = Font(italic=True)

    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=XLSX_HEADER_ROW, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    sheet.row_dimensions[XLSX_HEADER_ROW].height = 45

    row_number = XLSX_HEADER_ROW
    total_column = 5 + len(snapshot.get("columns") or [])
    for table in tables:
        for row in table.rows:
            row_number += 1
            raw = row.raw if table.auto or not has_auto else [*row.raw, None]
            values = [table.name, row.code, row.name, row.unit, *(_excel_number(v, row.value_type) for v in raw)]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row_number, column=column, value=value)
                cell.border = border
                if column >= 5:
                    cell.number_format = _XLSX_FORMATS.get(row.value_type, "General")
                    cell.alignment = Alignment(horizontal="right")
                    if column == total_column:
                        cell.font = Font(bold=True)
                else:
                    cell.alignment = Alignment(vertical="top", wrap_text=column in (1, 3))

    widths = {1: 24, 2: 8, 3: 48, 4: 12}
    for column in range(1, len(titles) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 14)
    sheet.freeze_panes = sheet.cell(row=XLSX_HEADER_ROW + 1, column=5).coordinate
    if row_number > XLSX_HEADER_ROW:
        sheet.auto_filter.ref = f"A{XLSX_HEADER_ROW}:{get_column_letter(len(titles))}{row_number}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{XLSX_HEADER_ROW}:{XLSX_HEADER_ROW}"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
