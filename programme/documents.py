"""The work programme as PDF and Word, next to the Excel download (``excel.programme_workbook``).

Both formats share one view model (``programme_document``): the rows of the Excel export (one
per activity, a "Tháng m/yyyy" row before each month's activities) with the columns people read
on paper — title, rule code, the organization in charge or "Chung", participating
organizations, subcommittee, area, dates and status. A4 landscape, in Vietnamese whatever the
interface language, under a simple official header (the joint body left, the national motto
right). The official-document toolkit (``khoi.documents``: the local-only URL fetcher, the Word
runs, paragraphs, rules, sections and table cells) is shared with the joint report.

``programme_document`` reads only what the list selector already fetched (related rows joined,
participants and areas prefetched), so the number of queries does not grow with the activities.
"""
from __future__ import annotations

import dataclasses
import io

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from programme.excel import LABELS
from programme.models import WorkProgramme
from khoi.documents import (
    FONT,
    LANDSCAPE_WIDTH_MM,
    MOTTO,
    MOTTO_2,
    PROJECT_DIR,
    docx_cell,
    docx_paragraph,
    docx_repeat_header,
    docx_run,
    docx_section,
    docx_short_rule,
    local_only_fetcher,
    nfc,
)

TEMPLATE = "programme/programme_document.html"
JOINT = "Chung"
DATE_FORMAT = "%d/%m/%Y"
TABLE_FONT_PT = 10
# (key, header label as in the Excel export, width in mm; None = the rest of the page width).
COLUMNS = [
    ("number", LABELS["number"], 9),
    ("title", LABELS["title"], None),
    ("rule", LABELS["rule"], 14),
    ("owner", LABELS["owner"], 24),
    ("participants", LABELS["participants"], 34),
    ("subcommittee", LABELS["subcommittee"], 32),
    ("areas", LABELS["areas"], 30),
    ("start_date", LABELS["start_date"], 19),
    ("end_date", LABELS["end_date"], 19),
    ("status", LABELS["status"], 20),
]
CENTERED = {"number", "rule", "owner", "start_date", "end_date", "status"}


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    label: str
    width_mm: float
    centered: bool


@dataclasses.dataclass(frozen=True)
class Row:
    month: str  # "Tháng 12/2024" on a month row, "" on an activity row
    cells: list[tuple[Column, str]]  # (column, text) in the order of COLUMNS, activity rows only


@dataclasses.dataclass(frozen=True)
class ProgrammeDocument:
    body_name: str
    title: str
    columns: list[Column]
    rows: list[Row]
    count: int  # activities

    @property
    def meta_title(self) -> str:
        return f"{self.title} — {self.body_name}" if self.body_name else self.title


def _text(value) -> str:
    """Printable text: NFC, trimmed, without the control characters XML cannot carry."""
    return nfc(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


def _columns() -> list[Column]:
    fixed = sum(width for _key, _label, width in COLUMNS if width)
    return [Column(key, label, width or LANDSCAPE_WIDTH_MM - fixed, key in CENTERED) for key, label, width in COLUMNS]


def _cells(columns: list[Column], number: int, activity) -> list[tuple[Column, str]]:
    owner = activity.owner
    participants = sorted(activity.participants.all(), key=lambda o: (o.org_type.sort_order, o.org_type.short_name))
    areas = sorted(activity.areas.all(), key=lambda u: u.path)
    values = {
        "number": number,
        "title": activity.title,
        "rule": activity.rule.code,
        "owner": (owner.short_name or owner.name) if owner is not None else JOINT,
        "participants": ", ".join(o.org_type.short_name or o.name for o in participants),
        "subcommittee": activity.subcommittee.name if activity.subcommittee_id else "",
        "areas": ", ".join(u.name for u in areas),
        "start_date": activity.start_date.strftime(DATE_FORMAT),
        "end_date": activity.end_date.strftime(DATE_FORMAT) if activity.end_date else "",
        "status": activity.get_status_display(),
    }
    return [(column, _text(values[column.key])) for column in columns]


def programme_document(programme: WorkProgramme, activities) -> ProgrammeDocument:
    """The view model of both formats. ``activities``: what the user may see, in order
    (``selectors.activity_list_for_user``, which joins and prefetches what is read here)."""
    with translation.override("vi"):  # status labels are translated model choices
        columns = _columns()
        rows, current = [], None
        number = 0
        for activity in activities:
            month = (activity.start_date.year, activity.start_date.month)
            if month != current:
                current = month
                rows.append(Row(month=f"Tháng {month[1]}/{month[0]}", cells=[]))
            number += 1
            rows.append(Row(month="", cells=_cells(columns, number, activity)))
        return ProgrammeDocument(
            body_name=_text(programme.joint_body.name).upper(),
            title=f"CHƯƠNG TRÌNH CÔNG TÁC NĂM {programme.year}",
            columns=columns,
            rows=rows,
            count=number,
        )


# ============================================================================================
# PDF
# ============================================================================================

def render_html(doc: ProgrammeDocument) -> str:
    """The programme as one self-contained HTML page (print CSS inline), the source of the PDF."""
    return render_to_string(TEMPLATE, {"doc": doc, "motto": MOTTO, "motto_2": MOTTO_2, "font_pt": TABLE_FONT_PT})


def render_pdf(doc: ProgrammeDocument) -> bytes:
    """A4 landscape PDF with its fonts embedded; nothing is fetched from the network."""
    from weasyprint import HTML

    html = HTML(string=render_html(doc), base_url=str(PROJECT_DIR), url_fetcher=local_only_fetcher)
    return html.write_pdf()


# ============================================================================================
# DOCX
# ============================================================================================

def _docx_widths(grid, widths_mm: list[float]) -> None:
    from docx.shared import Mm

    for column, width in zip(grid.columns, widths_mm):
        column.width = Mm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _docx_cell_margins(grid, mm: float) -> None:
    """Left and right cell padding of a whole table, close to the PDF's (Word's default is wider)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(mm * 1440 / 25.4)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties = grid._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema puts tblCellMar before tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _docx_header(document, doc: ProgrammeDocument) -> None:
    """Joint body left, national motto right, then the title under a short rule."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    center = WD_ALIGN_PARAGRAPH.CENTER
    header = document.add_table(rows=1, cols=2)
    header.autofit = False
    body_cell, motto_cell = header.rows[0].cells
    first = body_cell.paragraphs[0]
    first.alignment = center
    first.paragraph_format.space_after = Pt(0)
    docx_run(first, doc.body_name, size=13, bold=True)
    docx_short_rule(docx_paragraph(body_cell, align=center, after=6), 3.5)
    top = motto_cell.paragraphs[0]
    top.alignment = center
    top.paragraph_format.space_after = Pt(0)
    docx_run(top, MOTTO, size=12.5, bold=True)
    docx_paragraph(motto_cell, MOTTO_2, align=center, size=13.5, bold=True, underline=True, after=0)
    _docx_widths(header, [LANDSCAPE_WIDTH_MM * 0.45, LANDSCAPE_WIDTH_MM * 0.55])

    docx_paragraph(document, doc.title, align=center, size=14, bold=True, before=18, after=0)
    docx_short_rule(docx_paragraph(document, align=center, after=12), 11)


def render_docx(doc: ProgrammeDocument) -> bytes:
    """The programme as a Word document laid out like the PDF (A4 landscape)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = doc.meta_title
    document.core_properties.author = doc.body_name
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    docx_section(document, landscape=True, new=False)
    _docx_header(document, doc)

    if not doc.rows:
        docx_paragraph(document, "Chưa có hoạt động nào.", align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    else:
        center, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT
        widths = [c.width_mm for c in doc.columns]
        grid = document.add_table(rows=1, cols=len(doc.columns))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        grid.autofit = False
        _docx_cell_margins(grid, 1)  # the fixed widths are those of the PDF
        docx_repeat_header(grid.rows[0])
        for cell, column in zip(grid.rows[0].cells, doc.columns):
            docx_cell(cell, column.label, bold=True, align=center, size=TABLE_FONT_PT)
        months = []
        for row in doc.rows:
            cells = grid.add_row().cells
            if row.month:
                months.append((cells, row.month))
                continue
            for cell, (column, text) in zip(cells, row.cells):
                docx_cell(cell, text, align=center if column.centered else left, size=TABLE_FONT_PT)
        _docx_widths(grid, widths)  # before merging: a merged cell takes the sum of the widths
        for cells, month in months:
            merged = cells[0].merge(cells[-1])
            docx_cell(merged, month, bold=True, align=left, size=TABLE_FONT_PT)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
