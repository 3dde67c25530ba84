"""A submission in Excel: download its template (one row per indicator the organization types,
with the previous period's value), upload it filled.

The upload is all or nothing: every row is checked as the form checks it
(``services.check_submission``), every bad row is reported with its Excel row number and the
reason in Vietnamese, and nothing is stored unless every row is right. File handling (size,
zip bomb, .xls, formula injection) is ``programme.excel``'s.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from khoi import text
from programme.excel import (
    BOX,
    HEADER_FILL,
    UNREADABLE,
    _cell_text,
    _FileError,
    _is_blank,
    _open,
    _read_upload,
    _save,
    _unguard,
    spreadsheet_safe,
)
from reports import selectors, services
from reports.models import Submission, ValueType

SHEET = "Số liệu"
HEADER_SCAN_ROWS = 20
MAX_ROWS = 500
COLUMNS = [  # key, header, width
    ("number", "STT", 6),
    ("code", "Mã", 8),
    ("name", "Chỉ tiêu", 60),
    ("unit", "Đơn vị tính", 14),
    ("value", "Số liệu", 14),
    ("previous", "Kỳ trước", 14),
    ("aggregation", "Cách tổng hợp", 24),
]
_HEADERS = {text.fold(label): key for key, label, _w in COLUMNS}
PERIOD_LABEL = "Mã kỳ"

logger = logging.getLogger(__name__)


def template_workbook(submission: Submission) -> bytes:
    """The submission's template: title, the period code (checked on upload), one row per typed
    indicator with the current value (if any) and the previous period's."""
    rows = [r for r in selectors.submission_rows(submission, with_auto=False) if r.indicator.is_typed]
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([spreadsheet_safe(_("SỐ LIỆU BÁO CÁO %(period)s — %(org)s")
                                % {"period": str(submission.period).upper(), "org": submission.organization.name})])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([PERIOD_LABEL, submission.period.code, spreadsheet_safe(
        _("Ghi số vào cột “Số liệu”; 0 nếu không phát sinh. Chỉ tiêu tỷ lệ và số liệu phần mềm tự đếm không có "
          "trong tệp. Tệp được nhập trọn vẹn hoặc không nhập dòng nào."))])
    ws.append([label for _k, label, _w in COLUMNS])
    for cell in ws[3]:
        cell.font, cell.fill, cell.border = Font(bold=True), HEADER_FILL, BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for i, (_k, _l, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[chr(64 + i)].width = width
    for number, row in enumerate(rows, start=1):
        ind = row.indicator
        prev = row.previous
        prev_value = (prev.text if ind.value_type == ValueType.TEXT else prev.value) if prev else None
        ws.append([number, ind.code, spreadsheet_safe(ind.name), spreadsheet_safe(ind.unit_label),
                   _excel_value(ind, row.value), _excel_value(ind, prev_value), spreadsheet_safe(ind.get_aggregation_display())])
        for cell in ws[ws.max_row]:
            cell.border = BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "E4"
    return _save(wb)


def _excel_value(ind, value):
    if value is None or value == "":
        return None
    if ind.value_type == ValueType.TEXT:
        return spreadsheet_safe(value)
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class ImportResult:
    """What an upload did: ``saved`` figures (0 on any error), every problem as (Excel row
    number — 0 for the whole file —, Vietnamese message), and the warnings (jumps)."""

    saved: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Line:
    number: int
    code: str
    value: object


def _read(wb) -> tuple[str | None, list[_Line]]:
    """The period code written in the file (if any) and the data rows, Excel row numbers kept."""
    for ws in wb.worksheets:
        ws.reset_dimensions()
        columns, period_code, lines = None, None, []
        for number, values in enumerate(ws.iter_rows(max_col=12, values_only=True), start=1):
            if columns is None:
                if values and values[0] is not None and text.fold(str(values[0])) == text.fold(PERIOD_LABEL):
                    period_code = _cell_text(values[1] if len(values) > 1 else None)
                found = {}
                for i, v in enumerate(values):
                    key = _HEADERS.get(text.fold(str(v))) if v is not None else None
                    if key and key not in found:
                        found[key] = i
                if "code" in found and "value" in found:
                    columns = found
                elif number >= HEADER_SCAN_ROWS:
                    break
                continue
            code = _cell_text(values[columns["code"]] if columns["code"] < len(values) else None)
            value = values[columns["value"]] if columns["value"] < len(values) else None
            if not code and _is_blank(value):
                continue
            if len(lines) >= MAX_ROWS:
                raise _FileError(_("Tệp có quá %(n)s dòng chỉ tiêu.") % {"n": MAX_ROWS})
            if isinstance(value, str):
                value = _unguard(value.strip())
            lines.append(_Line(number, code.upper(), value))
        if columns is not None:
            return period_code, lines
    raise _FileError(_("Không tìm thấy dòng tiêu đề (Mã, Chỉ tiêu, Số liệu…) trong %(n)s dòng đầu: hãy dùng tệp mẫu "
                       "tải về từ trang này.") % {"n": HEADER_SCAN_ROWS})


def import_workbook(*, actor, submission: Submission, file) -> ImportResult:
    """Store the figures of a filled template: all rows or none; every bad row is reported."""
    try:
        data = _read_upload(file)
        wb = _open(data)
        try:
            period_code, lines = _read(wb)
        finally:
            wb.close()
    except _FileError as error:
        return ImportResult(errors=[(0, str(error))])
    except Exception:  # a malformed sheet inside a valid zip
        logger.warning("unreadable submission upload for submission %s", submission.pk, exc_info=True)
        return ImportResult(errors=[(0, _(UNREADABLE))])
    if period_code and period_code.upper() != submission.period.code:
        return ImportResult(errors=[(0, _("Tệp là mẫu của kỳ %(file)s, không phải kỳ %(period)s: hãy tải mẫu của kỳ này.")
                                     % {"file": period_code, "period": submission.period.code})])
    if not lines:
        return ImportResult(errors=[(0, _("Tệp không có dòng chỉ tiêu nào."))])

    indicators = selectors.indicators_for_organization(submission.organization)
    known = {i.code for i in indicators}
    errors: list[tuple[int, str]] = []

    def report(number: int, message: str) -> None:
        errors.append((number, _("Dòng %(row)s: %(message)s") % {"row": number, "message": message}))

    raw, row_of = {}, {}
    for line in lines:
        if not line.code:
            report(line.number, _("Thiếu mã chỉ tiêu."))
        elif line.code not in known:
            report(line.number, _("Mã chỉ tiêu “%(code)s” không có trong danh mục chỉ tiêu của %(org)s.")
                   % {"code": line.code, "org": submission.organization.name})
        elif line.code in row_of:
            report(line.number, _("Chỉ tiêu %(code)s đã có ở dòng %(first)s.") % {"code": line.code, "first": row_of[line.code]})
        else:
            row_of[line.code] = line.number
            raw[line.code] = line.value
    checked = services.check_submission(submission, raw, indicators=indicators)
    for code, messages in checked.errors.items():
        for message in messages:
            report(row_of.get(code, 0), message)
    if errors:
        return ImportResult(errors=sorted(errors))
    try:
        checked = services.save_figures(actor=actor, submission=submission, values=raw)
    except PermissionDenied:
        return ImportResult(errors=[(0, _("Bạn không có quyền nhập số liệu của %(org)s.") % {"org": submission.organization.name})])
    except ValidationError as error:
        return ImportResult(errors=[(0, " ".join(error.messages))])
    saved = sum(1 for v in checked.values.values() if v not in (None, ""))
    warnings = [m for messages in checked.warnings.values() for m in messages]
    return ImportResult(saved=saved, warnings=warnings)

