"""What official documents share, whatever app makes them (the joint report, the work
programme): the national motto, A4 text widths, the embedded font, a WeasyPrint URL fetcher that
never reaches the network, and python-docx helpers for runs, paragraphs, header rules, sections
and table cells in that font. Pure functions: no database.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
PROJECT_DIR = Path(__file__).resolve().parent.parent
# A4 text width (mm) in portrait and landscape with the margins of docx_section.
PORTRAIT_WIDTH_MM, LANDSCAPE_WIDTH_MM = 160, 262


def nfc(value) -> str:
    return unicodedata.normalize("NFC", str(value or "")).strip()


def local_only_fetcher(url: str, *args, **kwargs):
    """WeasyPrint may read local files (fonts, images under the project) but never the network."""
    from weasyprint.urls import default_url_fetcher

    if not url.startswith(("file:", "data:")):
        raise ValueError(f"refusing to fetch {url!r} while rendering a document")
    return default_url_fetcher(url, *args, **kwargs)



# ============================================================================================
# DOCX
# ============================================================================================

FONT = "Times New Roman"


def docx_run(paragraph, text: str, *, size: float = 14, bold=False, italic=False, underline=False):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    return run


def docx_paragraph(container, text: str = "", *, align=None, size: float = 14, bold=False, italic=False,
                    underline=False, indent=False, before: float = 0, after: float = 6):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.15
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        docx_run(paragraph, text, size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def docx_short_rule(paragraph, indent_cm: float) -> None:
    """A short horizontal line under a header line: a bottom border on an indented empty paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.space_after = Pt(6)
    fmt.line_spacing = Pt(4)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def docx_section(document, *, landscape: bool, new: bool):
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    section = document.add_section(WD_SECTION.NEW_PAGE) if new else document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    if landscape:
        section.top_margin, section.bottom_margin = Mm(20), Mm(15)
        section.left_margin, section.right_margin = Mm(20), Mm(15)
    else:
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(20)
    return section


def docx_repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def docx_cell(cell, text: str, *, bold=False, align=None, size: float = 10):
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = 0
    paragraph.paragraph_format.space_before = 0
    docx_run(paragraph, text, size=size, bold=bold)
