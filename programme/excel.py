"""The work programme in Excel: download it, download an import template, upload a filled one.

- ``programme_workbook``: the programme as users read it (one row per activity, grouped by month).
- ``template_workbook``: the same columns, empty, with a "Hướng dẫn" sheet of every valid code
  and drop-down lists for the code columns.
- ``import_workbook``: all rows or none. Every row goes through ``services.activity_save`` (so
  access, the catalog, shared matters and overlaps are checked as in the form), each under its
  own savepoint so that every bad row is reported; if any row fails, nothing is kept.

Every text written to a cell goes through ``spreadsheet_safe`` (formula injection, ASVS 5.0
1.2.10).
"""
from __future__ import annotations

import datetime as dt
import html
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from khoi import text
from khoi.models import AdministrativeUnit, Organization, RuleMode, SubcommitteeKind
from khoi.selectors import rule_catalog_for_unit
from programme import services
from programme.models import Activity, ActivityStatus, TargetGroup, WorkProgramme

PROGRAMME_SHEET = "Chương trình"
TEMPLATE_SHEET = "Mẫu nhập"
GUIDE_SHEET = "Hướng dẫn"

MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024  # a 5 MB zip must not unpack into gigabytes
MAX_ROWS = 2000
MAX_COLUMNS = 30
HEADER_SCAN_ROWS = 20
JOINT = "CHUNG"
DATE_FORMAT = "dd/mm/yyyy"
EXCEL_CELL_MAX = 32767

# (key, header label, column width). The key is the service's field name where there is one.
COLUMNS = [
    ("number", "STT", 6),
    ("title", "Tên hoạt động", 40),
    ("content", "Nội dung", 40),
    ("tags", "Chủ đề", 22),
    ("rule", "Mã quy tắc", 11),
    ("mode", "Chung/Riêng", 11),
    ("owner", "Tổ chức chủ trì", 14),
    ("participants", "Tổ chức tham gia", 22),
    ("subcommittee", "Bộ phận phụ trách", 26),
    ("target_groups", "Đối tượng", 24),
    ("areas", "Địa bàn", 16),
    ("start_date", "Từ ngày", 12),
    ("end_date", "Đến ngày", 12),
    ("status", "Trạng thái", 15),
    ("result_notes", "Kết quả", 36),
]
LABELS = {key: label for key, label, _width in COLUMNS}
LETTERS = {key: get_column_letter(i) for i, (key, _label, _width) in enumerate(COLUMNS, start=1)}
LAST_LETTER = get_column_letter(len(COLUMNS))
DATE_KEYS = ("start_date", "end_date")
CODE_KEYS = ("rule", "owner", "participants", "areas")  # typed as text: unit codes keep their leading zeros

logger = logging.getLogger(__name__)

BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MONTH_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


# ---------------------------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------------------------

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value) -> str:
    """Text ready for a cell: characters XML cannot carry removed (NUL and other control
    characters), and a leading apostrophe when the text would start a formula (=, +, -, @, tab,
    carriage return), so neither openpyxl nor a spreadsheet ever evaluates it (ASVS 5.0 1.2.10)."""
    value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:EXCEL_CELL_MAX - 1]
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _unguard(value: str) -> str:
    """Reading a file we wrote: drop the apostrophe ``spreadsheet_safe`` added."""
    if value.startswith("'") and value[1:2] and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------


def _title(programme: WorkProgramme, prefix: str) -> str:
    return f"{prefix} NĂM {programme.year} — {programme.joint_body.name}"


def _sheet_header(ws, title: str, data_rows: int) -> None:
    """Title in row 1, the column header in row 2, widths, frozen panes, print setup."""
    ws.append([spreadsheet_safe(title)])
    ws.merge_cells(f"A1:{LAST_LETTER}1")
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 24
    ws.append([label for _key, label, _width in COLUMNS])
    for cell in ws[2]:
        cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, HEADER_ALIGN, BOX
    for key, _label, width in COLUMNS:
        ws.column_dimensions[LETTERS[key]].width = width
    ws.freeze_panes = "C3"  # header and the activity's number and name stay in view
    ws.auto_filter.ref = f"A2:{LAST_LETTER}{max(2 + data_rows, 3)}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _with_export_data(activities):
    """The lookups the workbook reads, fetched once (unit codes are deferred by the list selector)."""
    if not isinstance(activities, QuerySet):
        return list(activities)
    return list(activities.select_related("rule", "owner__org_type", "subcommittee").prefetch_related(
        Prefetch("areas", queryset=AdministrativeUnit.objects.only("pk", "code", "path").order_by("path"),
                 to_attr="excel_areas"),
        Prefetch("participants", queryset=Organization.objects.select_related("org_type").order_by("org_type__sort_order"),
                 to_attr="excel_participants"),
    ))


def _activity_row(number: int, activity: Activity) -> list:
    areas = getattr(activity, "excel_areas", None)
    if areas is None:
        areas = activity.areas.all()
    participants = getattr(activity, "excel_participants", None)
    if participants is None:
        participants = activity.participants.select_related("org_type")
    values = {
        "number": number,
        "title": activity.title,
        "content": activity.content,
        "tags": "; ".join(activity.tags or []),
        "rule": activity.rule.code,
        "mode": _("Chung") if activity.owner_id is None else _("Riêng"),
        "owner": activity.owner.org_type.code if activity.owner_id else JOINT,
        "participants": "; ".join(p.org_type.code for p in participants),
        "subcommittee": activity.subcommittee.name if activity.subcommittee_id else "",
        "target_groups": "; ".join(activity.target_group_labels()),
        "areas": "; ".join(u.code for u in areas),
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "status": str(activity.get_status_display()),
        "result_notes": activity.result_notes,
    }
    return [v if isinstance(v, (int, dt.date)) else spreadsheet_safe(v) for v in (values[k] for k, _l, _w in COLUMNS)]


def programme_workbook(programme: WorkProgramme, activities) -> bytes:
    """The programme as an .xlsx: one row per activity, a row per month before its activities.
    ``activities``: what the user may see (``selectors.activity_list_for_user``)."""
    activities = _with_export_data(activities)
    months = {(a.start_date.year, a.start_date.month) for a in activities}
    wb = Workbook()
    ws = wb.active
    ws.title = PROGRAMME_SHEET
    _sheet_header(ws, _title(programme, "CHƯƠNG TRÌNH CÔNG TÁC"), len(activities) + len(months))
    current_month = None
    for number, activity in enumerate(activities, start=1):
        month = (activity.start_date.year, activity.start_date.month)
        if month != current_month:
            current_month = month
            ws.append([_("Tháng %(month)s/%(year)s") % {"month": month[1], "year": month[0]}])
            row = ws.max_row
            ws.merge_cells(f"A{row}:{LAST_LETTER}{row}")
            ws.cell(row, 1).font, ws.cell(row, 1).fill = BOLD, MONTH_FILL
        ws.append(_activity_row(number, activity))
        for cell in ws[ws.max_row]:
            cell.alignment, cell.border = WRAP_TOP, BOX
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
    return _save(wb)


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Template
# ---------------------------------------------------------------------------------------------


def _members(programme: WorkProgramme) -> list[Organization]:
    return list(programme.joint_body.members.select_related("org_type").order_by("org_type__sort_order", "org_type__code"))


def _guide_units(programme: WorkProgramme) -> list[AdministrativeUnit]:
    unit = programme.joint_body.unit
    today = timezone.localdate()
    return [u for u in AdministrativeUnit.objects.filter(path__startswith=unit.path, depth__lte=unit.depth + 1)
            .order_by("depth", "search_name") if u.valid_to is None or u.valid_to >= today]


def template_workbook(programme: WorkProgramme) -> bytes:
    """An empty "Mẫu nhập" sheet with the programme's columns, drop-down lists for the code
    columns, and a "Hướng dẫn" sheet listing every value the import accepts for this body."""
    body = programme.joint_body
    rules = list(rule_catalog_for_unit(body.unit).filter(is_active=True).order_by("sort_order", "code"))
    members = _members(programme)
    subcommittees = list(body.subcommittees.all())
    wb = Workbook()
    ws = wb.active
    ws.title = TEMPLATE_SHEET
    _sheet_header(ws, _title(programme, "MẪU NHẬP CHƯƠNG TRÌNH CÔNG TÁC"), 1)
    first, last = 3, 2 + MAX_ROWS
    for key in DATE_KEYS:
        ws.column_dimensions[LETTERS[key]].number_format = DATE_FORMAT
    for key in CODE_KEYS:
        ws.column_dimensions[LETTERS[key]].number_format = "@"

    guide = wb.create_sheet(GUIDE_SHEET)
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 60
    guide.column_dimensions["C"].width = 16
    ranges = {}

    def heading(value: str) -> None:
        guide.append([])
        guide.append([spreadsheet_safe(value)])
        guide.cell(guide.max_row, 1).font = Font(bold=True, size=12)

    def table(name: str, header: list[str], rows: list[list[str]]) -> None:
        guide.append(header)
        for cell in guide[guide.max_row]:
            cell.font, cell.fill = BOLD, HEADER_FILL
        start = guide.max_row + 1
        for row in rows:
            guide.append([spreadsheet_safe(v) for v in row])
        ranges[name] = f"'{GUIDE_SHEET}'!$A${start}:$A${max(guide.max_row, start)}"

    guide.append([spreadsheet_safe(_("HƯỚNG DẪN NHẬP CHƯƠNG TRÌNH CÔNG TÁC NĂM %(year)s — %(body)s")
                                   % {"year": programme.year, "body": body.name})])
    guide["A1"].font = TITLE_FONT
    for line in (
        _("Mỗi hoạt động một dòng trên trang “Mẫu nhập”, từ dòng 3. Bắt buộc: Tên hoạt động, Mã quy tắc, Từ ngày."),
        _("Ngày ghi dạng dd/mm/yyyy (ví dụ 09/12/2024); để trống “Đến ngày” nếu hoạt động diễn ra trong một ngày."),
        _("Nhiều giá trị trong một ô cách nhau bằng dấu chấm phẩy “;” (chủ đề, tổ chức tham gia, đối tượng, địa bàn)."),
        _("Tổ chức chủ trì: “CHUNG” hoặc để trống là việc chung do cơ quan khối chủ trì; mã tổ chức là việc riêng "
          "của tổ chức đó. Cột “Chung/Riêng” chỉ để xem, khi nhập được bỏ qua."),
        _("Tổ chức tham gia để trống: việc chung có tất cả tổ chức thành viên tham gia."),
        _("Địa bàn để trống: toàn địa bàn của cơ quan khối. Trạng thái để trống: Kế hoạch."),
        _("Tệp được nhập trọn vẹn hoặc không nhập dòng nào: nếu có dòng lỗi, mọi lỗi được liệt kê kèm số dòng "
          "để sửa rồi tải lên lại. Tối đa %(rows)s dòng, tệp .xlsx không quá 5 MB.") % {"rows": f"{MAX_ROWS:,}".replace(",", ".")},
    ):
        guide.append([spreadsheet_safe("• " + line)])

    heading(_("Mã quy tắc phối hợp (danh mục đang áp dụng)"))
    table("rule", [_("Mã quy tắc"), _("Tên"), _("Loại")],
          [[r.code, r.name, _("Chung") if r.mode == RuleMode.SHARED else _("Chia (riêng)")] for r in rules])
    heading(_("Tổ chức chủ trì, tổ chức tham gia"))
    table("owner", [_("Mã"), _("Tổ chức")],
          [[JOINT, _("Việc chung: cơ quan khối chủ trì")]] + [[o.org_type.code, o.name] for o in members])
    heading(_("Bộ phận phụ trách (ghi tên hoặc mã)"))
    table("subcommittee", [_("Tên"), _("Mã")], [[s.name, s.kind] for s in subcommittees])
    heading(_("Đối tượng (ghi tên hoặc mã)"))
    table("target_groups", [_("Tên"), _("Mã")], [[str(label), code] for code, label in TargetGroup.choices])
    heading(_("Trạng thái (ghi tên hoặc mã)"))
    table("status", [_("Tên"), _("Mã")], [[str(label), code] for code, label in ActivityStatus.choices])
    heading(_("Địa bàn (mã đơn vị hành chính)"))
    table("areas", [_("Mã"), _("Tên")], [[u.code, u.name] for u in _guide_units(programme)])
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=cell.column > 1, vertical="top")

    for key, error in (
        ("rule", _("Hãy chọn một mã quy tắc trong danh mục (trang “Hướng dẫn”).")),
        ("owner", _("Hãy chọn CHUNG hoặc mã một tổ chức thành viên (trang “Hướng dẫn”).")),
        ("subcommittee", _("Hãy chọn một bộ phận của cơ quan khối (trang “Hướng dẫn”).")),
        ("status", _("Hãy chọn một trạng thái (trang “Hướng dẫn”).")),
    ):
        validation = DataValidation(type="list", formula1=ranges[key], allow_blank=True, showErrorMessage=True,
                                    errorTitle=_("Giá trị không hợp lệ"), error=error)
        validation.add(f"{LETTERS[key]}{first}:{LETTERS[key]}{last}")
        ws.add_data_validation(validation)
    wb.active = 0
    return _save(wb)


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an upload did: ``created`` activities (0 when there is any error), and every
    problem as (Excel row number — 0 for the file as a whole —, message in Vietnamese)."""

    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _FileError(Exception):
    pass


UNREADABLE = gettext_noop("Tệp không đọc được như một bảng tính Excel (.xlsx): hãy dùng tệp mẫu tải về từ trang này.")


def _read_upload(file) -> bytes:
    """The upload's bytes, refused unless it is a reasonably sized .xlsx (a zip)."""
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _FileError(_("Tệp quá lớn: tối đa 5 MB. Hãy chia chương trình thành nhiều tệp."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _FileError(_("Tệp Excel 97–2003 (.xls) chưa được hỗ trợ: hãy mở tệp và lưu lại dạng “Excel Workbook (.xlsx)”."))
    if not data.startswith(b"PK\x03\x04"):
        raise _FileError(_("Tệp tải lên không phải là tệp Excel .xlsx. Hãy dùng tệp mẫu tải về từ trang này."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise _FileError(_("Tệp Excel quá lớn khi giải nén: hãy chia chương trình thành nhiều tệp."))
    except zipfile.BadZipFile as error:
        raise _FileError(_("Tệp Excel bị hỏng hoặc không đọc được.")) from error
    return data


def _open(data: bytes):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any parser failure (a .docx, an .ods, a broken part) means "unreadable"
        raise _FileError(_(UNREADABLE)) from error


_HEADER_KEYS = {text.fold(label): key for key, label, _width in COLUMNS}
REQUIRED = ("title", "rule", "start_date")


def _header_map(values) -> dict[str, int] | None:
    """Column index of each known header label, if ``values`` is the header row."""
    found = {}
    for index, value in enumerate(values):
        key = _HEADER_KEYS.get(text.fold(str(value))) if value is not None else None
        if key and key not in found:
            found[key] = index
    return found if "title" in found and len(found) >= 3 else None


@dataclass
class _Row:
    number: int
    values: dict


def _read_rows(wb) -> list[_Row]:
    """The data rows (Excel row numbers kept) of the first sheet that has the header row."""
    for ws in wb.worksheets:
        if ws.title == GUIDE_SHEET:
            continue
        ws.reset_dimensions()  # do not trust the file's declared size
        columns, header_row, rows = None, 0, []
        for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if columns is None:
                columns = _header_map(values)
                header_row = number
                if columns is None and number >= HEADER_SCAN_ROWS:
                    break
                continue
            cells = {key: values[i] if i < len(values) else None for key, i in columns.items()}
            if all(_is_blank(v) for k, v in cells.items() if k != "number"):
                if number > header_row + MAX_ROWS + 1000:
                    break  # only trailing empty rows are left
                continue  # an empty row, or a "Tháng 9/2024" row of a downloaded programme
            if number > header_row + MAX_ROWS:
                raise _FileError(_("Tệp có quá %(rows)s dòng hoạt động: hãy chia thành nhiều tệp.")
                                 % {"rows": f"{MAX_ROWS:,}".replace(",", ".")})
            rows.append(_Row(number, cells))
        if columns is not None:
            missing = [LABELS[k] for k in REQUIRED if k not in columns]
            if missing:
                raise _FileError(_("Thiếu cột: %(columns)s. Hãy dùng tệp mẫu tải về từ trang này.")
                                 % {"columns": ", ".join(missing)})
            return rows
    raise _FileError(_("Không tìm thấy dòng tiêu đề (STT, Tên hoạt động, Mã quy tắc, …) trong %(n)s dòng đầu: "
                       "hãy dùng tệp mẫu tải về từ trang này.") % {"n": HEADER_SCAN_ROWS})


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value, *, multiline: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool):
        value = str(value)
    value = _unguard(str(value).strip())
    if multiline:
        return unicodedata.normalize("NFC", value).strip()
    return text.clean(value)


_SPLIT = re.compile(r"[;,\n]+")
_SPLIT_SEMICOLON = re.compile(r"[;\n]+")


def _items(value, pattern=_SPLIT) -> list[str]:
    return [item for item in (text.clean(part) for part in pattern.split(_cell_text(value, multiline=True))) if item]


_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _date(value) -> dt.date | None:
    """A date cell, or "dd/mm/yyyy" text; None when it is neither."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:  # a date whose cell lost its date format: Excel's serial number
            day = from_excel(value)
        except (ValueError, OverflowError, TypeError):
            return None
        day = day.date() if isinstance(day, dt.datetime) else day
        return day if isinstance(day, dt.date) and 2000 <= day.year <= 2100 else None
    raw = _cell_text(value)
    for pattern, order in ((_DMY, (2, 1, 0)), (_ISO, (0, 1, 2))):
        match = pattern.match(raw)
        if match:
            parts = [int(g) for g in match.groups()]
            try:
                return dt.date(parts[order[0]], parts[order[1]], parts[order[2]])
            except ValueError:
                return None
    return None


class _Lookups:
    """Everything a row's codes resolve against, read once per upload."""

    def __init__(self, programme: WorkProgramme, rows: list[_Row]):
        body = programme.joint_body
        self.body = body
        catalog = rule_catalog_for_unit(body.unit).filter(is_active=True)
        self.rules = {text.fold(r.code): r for r in catalog}
        self.members = _members(programme)
        self.member_codes = ", ".join(o.org_type.code for o in self.members)
        self.orgs = {}
        for org in self.members:
            for key in (org.org_type.code, org.org_type.short_name, org.short_name, org.name):
                if key:
                    self.orgs.setdefault(text.fold(key), org)
        self.subcommittees = {}
        kinds = dict(SubcommitteeKind.choices)
        for sub in body.subcommittees.all():
            for key in (sub.kind, sub.name, kinds.get(sub.kind, "")):
                if key:
                    self.subcommittees.setdefault(text.fold(str(key)), sub)
        self.target_groups = {}
        for code, label in TargetGroup.choices:
            self.target_groups[text.fold(code)] = code
            self.target_groups[text.fold(str(label))] = code
        self.statuses = {}
        for code, label in ActivityStatus.choices:
            self.statuses[text.fold(code)] = code
            self.statuses[text.fold(str(label))] = code
        # units: one query for every code the file names (a code typed as a number lost its zeros)
        codes = {code for row in rows for code in _items(row.values.get("areas"))}
        candidates = codes | {c.zfill(n) for c in codes if c.isdigit() for n in (2, 3, 5)}
        self.units_in, self.units_out = {}, set()
        units = AdministrativeUnit.objects.filter(code__in=candidates).order_by(F("valid_to").asc(nulls_last=True))
        for unit in units:  # past units first, so that the current one with a code wins
            if unit.path.startswith(body.unit.path):
                self.units_in[unit.code] = unit
            else:
                self.units_out.add(unit.code)

    def unit(self, code: str) -> tuple[AdministrativeUnit | None, bool]:
        """(unit of the body's subtree, whether the code exists elsewhere)."""
        options = [code] + ([code.zfill(n) for n in (2, 3, 5)] if code.isdigit() else [])
        for option in options:
            if option in self.units_in:
                return self.units_in[option], False
        return None, any(option in self.units_out for option in options)


def _parse(row: _Row, lookups: _Lookups) -> tuple[dict, list[str]]:
    """The service's keyword arguments for one row, or the row's problems."""
    v = row.values
    problems = []
    kwargs = {
        "title": _cell_text(v.get("title")),
        "content": _cell_text(v.get("content"), multiline=True),
        "result_notes": _cell_text(v.get("result_notes"), multiline=True),
        "tags": _items(v.get("tags")),
        "exception_reason": "",
    }
    if not kwargs["title"]:
        problems.append(_("Thiếu Tên hoạt động."))

    code = _cell_text(v.get("rule"))
    kwargs["rule"] = lookups.rules.get(text.fold(code))
    if not code:
        problems.append(_("Thiếu Mã quy tắc."))
    elif kwargs["rule"] is None:
        problems.append(_("Mã quy tắc “%(code)s” không có trong danh mục đang áp dụng.") % {"code": code})

    owner = _cell_text(v.get("owner"))
    kwargs["owner"] = None
    if owner and text.fold(owner) != text.fold(JOINT):
        kwargs["owner"] = lookups.orgs.get(text.fold(owner))
        if kwargs["owner"] is None:
            problems.append(_("Tổ chức chủ trì “%(code)s” không phải là tổ chức thành viên của cơ quan khối "
                              "(ghi CHUNG hoặc một mã: %(codes)s).") % {"code": owner, "codes": lookups.member_codes})

    kwargs["participants"] = []
    for item in _items(v.get("participants")):
        org = lookups.orgs.get(text.fold(item))
        if org is None:
            problems.append(_("Tổ chức tham gia “%(code)s” không phải là tổ chức thành viên của cơ quan khối "
                              "(các mã: %(codes)s).") % {"code": item, "codes": lookups.member_codes})
        elif org not in kwargs["participants"]:
            kwargs["participants"].append(org)

    sub = _cell_text(v.get("subcommittee"))
    kwargs["subcommittee"] = lookups.subcommittees.get(text.fold(sub)) if sub else None
    if sub and kwargs["subcommittee"] is None:
        problems.append(_("Bộ phận phụ trách “%(name)s” không thuộc cơ quan khối (xem trang “Hướng dẫn”).") % {"name": sub})

    kwargs["target_groups"] = []
    for item in _items(v.get("target_groups"), _SPLIT_SEMICOLON):
        # a label may hold a comma ("Công nhân, người lao động"); "a, b" may also be two groups
        codes = [lookups.target_groups.get(text.fold(item))]
        if codes[0] is None:
            codes = [lookups.target_groups.get(text.fold(part)) for part in _items(item)]
        if not codes or None in codes:
            problems.append(_("Đối tượng “%(name)s” không có trong danh sách (xem trang “Hướng dẫn”).") % {"name": item})
            continue
        kwargs["target_groups"] += [c for c in codes if c not in kwargs["target_groups"]]

    kwargs["areas"] = []
    for item in _items(v.get("areas")):
        unit, elsewhere = lookups.unit(item)
        if unit is not None:
            if unit not in kwargs["areas"]:
                kwargs["areas"].append(unit)
        elif elsewhere:
            problems.append(_("Địa bàn “%(code)s” không thuộc địa bàn của %(body)s.") % {"code": item, "body": lookups.body.name})
        else:
            problems.append(_("Không có đơn vị hành chính mã “%(code)s”.") % {"code": item})

    for key in DATE_KEYS:
        raw = v.get(key)
        kwargs[key] = _date(raw) if not _is_blank(raw) else None
        if not _is_blank(raw) and kwargs[key] is None:
            problems.append(_("%(column)s “%(value)s” không phải là ngày hợp lệ (ghi dạng dd/mm/yyyy).")
                            % {"column": LABELS[key], "value": _cell_text(raw)})
    if _is_blank(v.get("start_date")):
        problems.append(_("Thiếu Từ ngày."))
    elif _is_blank(v.get("end_date")):
        kwargs["end_date"] = kwargs["start_date"]  # a one-day activity

    status = _cell_text(v.get("status"))
    kwargs["status"] = lookups.statuses.get(text.fold(status)) if status else ActivityStatus.PLANNED
    if kwargs["status"] is None:
        problems.append(_("Trạng thái “%(value)s” không hợp lệ (Kế hoạch, Đang thực hiện, Hoàn thành hoặc Hủy).")
                        % {"value": status})
    return kwargs, problems


def _messages(error: ValidationError) -> list[str]:
    """A service's refusal as plain sentences, each with the column it concerns."""
    if hasattr(error, "error_dict"):
        result = []
        for name, messages in error.message_dict.items():
            column = LABELS.get(name)
            for message in messages:
                message = html.unescape(strip_tags(str(message)))
                result.append(f"{column}: {message}" if column and name != NON_FIELD_ERRORS else message)
        return result
    return [html.unescape(strip_tags(str(message))) for message in error.messages]


def import_workbook(*, actor, programme: WorkProgramme, file) -> ImportResult:
    """Create the activities of a filled template: all rows or none. Every row is checked as the
    form checks it (``services.activity_save``: access, catalog, shared matters), each under its
    own savepoint, so every bad row is reported; if any row is bad, everything is rolled back."""
    try:
        data = _read_upload(file)
        wb = _open(data)
        try:
            rows = _read_rows(wb)
        finally:
            wb.close()
    except _FileError as error:
        return ImportResult(errors=[(0, str(error))])
    except Exception:  # a malformed sheet inside a valid zip
        logger.warning("unreadable programme upload for programme %s", programme.pk, exc_info=True)
        return ImportResult(errors=[(0, _(UNREADABLE))])
    if not rows:
        return ImportResult(errors=[(0, _("Tệp không có dòng hoạt động nào (điền từ dòng ngay dưới dòng tiêu đề)."))])

    lookups = _Lookups(programme, rows)
    errors: list[tuple[int, str]] = []

    def report(row: _Row, message: str) -> None:
        errors.append((row.number, _("Dòng %(row)s: %(message)s") % {"row": row.number, "message": message}))

    created = 0
    with transaction.atomic():
        for row in rows:
            kwargs, problems = _parse(row, lookups)
            for problem in problems:
                report(row, problem)
            if problems:
                continue
            try:
                with transaction.atomic():  # this row only: later rows are still checked
                    services.activity_save(actor=actor, programme=programme, **kwargs)
            except PermissionDenied:
                if kwargs["owner"] is not None:
                    report(row, _("Bạn không có quyền thêm hoạt động riêng của %(org)s.") % {"org": kwargs["owner"].name})
                else:
                    report(row, _("Bạn không có quyền thêm hoạt động chung của cơ quan khối (thủ trưởng, hoặc trưởng "
                                  "tiểu ban cho phần việc của tiểu ban mình)."))
            except ValidationError as error:
                for message in _messages(error):
                    report(row, message)
            except DatabaseError:
                report(row, _("Không lưu được dòng này (lỗi cơ sở dữ liệu); hãy kiểm tra lại các giá trị."))
            else:
                created += 1
        if errors:
            transaction.set_rollback(True)
    return ImportResult(created=0 if errors else created, errors=errors)
