"""Household import from Excel (.xlsx) or CSV, duplicate detection and merging.

The import is all or nothing: the whole file is read and checked first, every bad row is
reported with its row number (as Excel shows it) and a Vietnamese reason, and only a file
without a single error is saved — in one transaction, each household through
``services.household_save`` (which picks the team covering the household's area).

Two households are "the same" when their heads' names fold alike (``khoi.text.fold``: NFC or
NFD, case, diacritics, extra spaces do not count) and they live in the same area. Inside a
file that is an error naming both rows; against households already in the campaign the new
household is saved and listed on the duplicates page, where a manager merges the two.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from campaigns import services
from campaigns.models import Campaign, Case, Household, Visit
from khoi import access, text
from khoi.models import AdministrativeUnit

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 10  # a title may stand above the header row

# Columns by their folded header → field. Every other titled column goes to Household.extra.
COLUMNS = {
    "chu ho": "name", "ho ten chu ho": "name", "ten chu ho": "name",
    "dia chi": "address",
    "dia ban": "area", "ma dia ban": "area",
    "dien thoai": "phone", "so dien thoai": "phone", "sdt": "phone",
}
REQUIRED = {"name": "Chủ hộ", "address": "Địa chỉ", "area": "Địa bàn"}
TEMPLATE_HEADERS = ["Chủ hộ", "Địa chỉ", "Địa bàn", "Điện thoại"]
SHEET_NAME = "Hộ dân"

_PHONE = re.compile(r"^\+?[\d\s.\-()]+$")
_CODE_IN_PARENS = re.compile(r"\(([0-9A-Za-z]+)\)\s*$")


class FileRefused(Exception):
    """The file as a whole cannot be read (type, size, encoding, missing columns)."""


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Dòng %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    name: str
    address: str
    area: AdministrativeUnit
    phone: str
    extra: dict

    @property
    def key(self) -> tuple[str, int]:
        return text.fold(self.name), self.area.pk


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[Household] = field(default_factory=list)
    # (row, new household, household already in the campaign that looks the same)
    duplicates: list[tuple[int, Household, Household]] = field(default_factory=list)
    # (new household, households of other active campaigns: "one household, one channel")
    channels: list[tuple[Household, list[Household]]] = field(default_factory=list)

    @property
    def without_team(self) -> list[Household]:
        return [h for h in self.created if h.team_id is None]

    def summary(self) -> dict:
        """What the result page shows after the redirect (kept in the session: plain data)."""
        return {
            "created": len(self.created),
            "without_team": len(self.without_team),
            "duplicates": [{"row": row, "pk": new.pk, "name": new.head_name, "area": new.area.name,
                            "existing_pk": old.pk, "existing_name": old.head_name} for row, new, old in self.duplicates],
            "channels": [{"pk": h.pk, "name": h.head_name, "area": h.area.name,
                          "campaigns": sorted({o.campaign.name for o in others})} for h, others in self.channels],
        }


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return text.clean(str(value))


def _read_xlsx(file) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds — zip, xml, key errors — for a damaged file)
        raise FileRefused(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx.")) from None
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        rows, filled = [], 0
        for values in sheet.iter_rows(min_row=1, values_only=True):
            rows.append(list(values))
            if any(v is not None and v != "" for v in values):
                filled += 1
                if filled > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                    break  # enough to say the file is too long
        return rows
    finally:
        workbook.close()


def _read_csv(file) -> list[list]:
    raw = file.read()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(_("Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8”).")) from None
    first_line = content.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    return [row for row in csv.reader(io.StringIO(content), delimiter=delimiter)]


def read_table(file) -> list[list]:
    """All rows of the file (the sheet "Hộ dân" or the first one), as cell values; refuses
    files that are too large or neither .xlsx nor .csv."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise FileRefused(_("Tệp lớn hơn 5 MB (%(size)s MB): hãy chia thành nhiều tệp.") % {"size": f"{size / 1024 / 1024:.1f}"})
    name = (getattr(file, "name", "") or "").lower()
    head = file.read(8)
    file.seek(0)
    if name.endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_("Tệp Excel cũ (.xls) chưa được hỗ trợ: hãy mở trong Excel và lưu lại dưới dạng .xlsx."))
    if name.endswith(".xlsx"):
        if not zipfile.is_zipfile(file):
            raise FileRefused(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx."))
        file.seek(0)
        return _read_xlsx(file)
    if name.endswith(".csv"):
        return _read_csv(file)
    raise FileRefused(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))


def _header_index(rows: list[list]) -> int:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(COLUMNS.get(text.fold(_cell_text(v))) == "name" for v in row):
            return i
    raise FileRefused(_("Không tìm thấy dòng tiêu đề có cột “Chủ hộ” (trong 10 dòng đầu): hãy dùng tệp mẫu."))


def _columns(header: list) -> tuple[dict[str, int], dict[int, str]]:
    """Known columns (field → index) and extra columns (index → title)."""
    known, extra, seen = {}, {}, {}
    for i, value in enumerate(header):
        title = _cell_text(value)
        if not title:
            continue
        folded = text.fold(title)
        if folded in seen:
            raise FileRefused(_("Cột “%(title)s” xuất hiện hai lần (cột %(a)s và %(b)s).")
                              % {"title": title, "a": _letter(seen[folded]), "b": _letter(i)})
        seen[folded] = i
        if folded in COLUMNS and COLUMNS[folded] not in known:
            known[COLUMNS[folded]] = i
        else:
            extra[i] = title
    missing = [label for key, label in REQUIRED.items() if key not in known]
    if missing:
        raise FileRefused(_("Thiếu cột: %(cols)s. Hãy dùng tệp mẫu.") % {"cols": ", ".join(f"“{m}”" for m in missing)})
    return known, extra


def _letter(index: int) -> str:
    letters, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Checking each row
# ---------------------------------------------------------------------------------------------

def clean_phone(value) -> tuple[str, str | None]:
    """(digits, error). A number cell that lost its leading 0 in Excel gets it back."""
    if value is None or value == "":
        return "", None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not value.is_integer():
            return "", _("điện thoại “%(v)s” không hợp lệ: chỉ gồm chữ số.") % {"v": value}
        raw = str(int(value))
    else:
        raw = text.clean(str(value))
        if not raw:
            return "", None
        if not _PHONE.match(raw):
            return "", _("điện thoại “%(v)s” không hợp lệ: chỉ gồm chữ số (có thể có dấu cách, dấu chấm, gạch ngang).") % {"v": raw}
    digits = services.phone_digits(raw)
    if raw.startswith("+84"):
        digits = "0" + digits[2:]
    if len(digits) == 9 and not digits.startswith("0"):
        digits = "0" + digits
    if not 10 <= len(digits) <= 11:
        return "", _("điện thoại “%(v)s” phải có 10 hoặc 11 chữ số.") % {"v": raw}
    return digits, None


class AreaResolver:
    """Finds a row's area by unit code or exact name among the campaign's areas and their subtrees."""

    def __init__(self, campaign: Campaign):
        roots = list(campaign.areas.all())
        self.roots = roots
        units = list(AdministrativeUnit.objects.filter(reduce(or_, [Q(path__startswith=r.path) for r in roots]))) if roots else []
        # current units first, so that a code or name re-used after the 2025 reform finds the living unit
        units.sort(key=lambda u: (u.valid_to is not None, u.depth, u.pk))
        self.by_code: dict[str, list[AdministrativeUnit]] = {}
        self.by_name: dict[str, list[AdministrativeUnit]] = {}
        self.by_fold: dict[str, list[AdministrativeUnit]] = {}  # typed without diacritics
        for u in units:
            self.by_code.setdefault(u.code, []).append(u)
            for name in {u.name, u.short_name} - {""}:
                self.by_name.setdefault(text.compare_key(name), []).append(u)
                self.by_fold.setdefault(text.fold(name), []).append(u)
        self._cache: dict[str, tuple[AdministrativeUnit | None, str | None]] = {}

    def resolve(self, raw: str) -> tuple[AdministrativeUnit | None, str | None]:
        if raw not in self._cache:
            self._cache[raw] = self._resolve(raw)
        return self._cache[raw]

    def _resolve(self, raw: str):
        code_match = _CODE_IN_PARENS.search(raw)  # "Xã Đại Bình (06787)", as the template's guide lists them
        code = code_match.group(1) if code_match else raw
        found = self.by_code.get(code)
        if not found and code.isdigit():  # a code typed in a number cell lost its leading zeros (06904 → 6904)
            found = next((self.by_code[c] for c in (code.zfill(n) for n in (2, 3, 5, 7)) if c in self.by_code), None)
        if not found:
            found = self.by_name.get(text.compare_key(raw)) or self.by_fold.get(text.fold(raw))
            if found and len({u.pk for u in found if u.valid_to is None}) > 1:
                return None, _("có nhiều địa bàn tên “%(v)s” trong chiến dịch: hãy ghi mã địa bàn.") % {"v": raw}
        if found:
            return found[0], None
        elsewhere = AdministrativeUnit.objects.filter(Q(code=code) | Q(search_name=text.fold(raw))).exists()
        if elsewhere:
            return None, _("địa bàn “%(v)s” nằm ngoài địa bàn của chiến dịch.") % {"v": raw}
        return None, _("không có địa bàn “%(v)s” (ghi mã hoặc đúng tên đơn vị, xem trang “Hướng dẫn” của tệp mẫu).") % {"v": raw}


def parse(file, campaign: Campaign) -> tuple[list[ParsedRow], list[RowError]]:
    """Reads and checks the whole file; nothing is written."""
    try:
        rows = read_table(file)
        header_at = _header_index(rows)
        known, extra_cols = _columns(rows[header_at])
    except FileRefused as refused:
        return [], [RowError(None, str(refused))]
    body = [(i + 1, row) for i, row in enumerate(rows) if i > header_at and any(_cell_text(v) for v in row)]
    if len(body) > MAX_ROWS:
        return [], [RowError(None, _("Tệp có hơn %(max)s dòng dữ liệu: hãy chia thành nhiều tệp, mỗi tệp tối đa %(max)s dòng.")
                             % {"max": f"{MAX_ROWS:,}".replace(",", ".")})]
    resolver = AreaResolver(campaign)
    if not resolver.roots:
        return [], [RowError(None, _("Chiến dịch chưa có địa bàn: hãy chọn địa bàn cho chiến dịch trước khi nhập hộ dân."))]
    width = len(rows[header_at])
    parsed, errors, first_row_of = [], [], {}

    def cell(row, key):
        i = known.get(key)
        return row[i] if i is not None and i < len(row) else None

    for number, row in body:
        problems = []
        name = _cell_text(cell(row, "name"))
        if not name:
            problems.append(_("thiếu tên chủ hộ."))
        elif len(name) > 120:
            problems.append(_("tên chủ hộ dài quá 120 ký tự."))
        address = _cell_text(cell(row, "address"))
        if len(address) > 250:
            problems.append(_("địa chỉ dài quá 250 ký tự."))
        area_raw = _cell_text(cell(row, "area"))
        area = None
        if not area_raw:
            problems.append(_("thiếu địa bàn."))
        else:
            area, error = resolver.resolve(area_raw)
            if error:
                problems.append(error)
        phone, error = clean_phone(cell(row, "phone"))
        if error:
            problems.append(error)
        extra = {}
        for i, title in extra_cols.items():
            value = _cell_text(row[i]) if i < len(row) else ""
            if value:
                extra[title] = value
        if any(_cell_text(v) for v in row[width:]) or any(
                _cell_text(row[i]) for i in range(min(width, len(row))) if not _cell_text(rows[header_at][i])):
            problems.append(_("có dữ liệu ở cột không có tiêu đề: hãy đặt tiêu đề cho cột đó hoặc xoá dữ liệu."))
        if not problems:
            item = ParsedRow(number, name, address, area, phone, extra)
            if item.key in first_row_of:
                first_row, first_name = first_row_of[item.key]
                problems.append(
                    _("trùng với dòng %(first)s: “%(name)s” và “%(first_name)s” là cùng một chủ hộ tại %(area)s "
                      "(khác cách viết vẫn là trùng). Nếu đúng là hai hộ khác nhau, hãy nhập dòng này ở lần sau: "
                      "hộ sẽ được liệt kê ở trang “Hộ trùng” để xác nhận.")
                    % {"first": first_row, "name": name, "first_name": first_name, "area": area.name})
            else:
                first_row_of[item.key] = (number, name)
                parsed.append(item)
        errors.extend(RowError(number, p) for p in problems)
    if not body and not errors:
        errors.append(RowError(None, _("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")))
    return parsed, errors


# ---------------------------------------------------------------------------------------------
# Importing
# ---------------------------------------------------------------------------------------------

def import_households(*, actor, campaign: Campaign, file) -> ImportResult:
    """All rows or none. Only managers of the campaign (access CHANGE on it) may import."""
    access.ensure(actor, access.CHANGE, campaign)
    rows, errors = parse(file, campaign)
    if errors:
        return ImportResult(errors=errors)
    existing = _existing_by_key(campaign, rows)
    created, failed = services.households_create(actor=actor, campaign=campaign, rows=[
        {"head_name": item.name, "address": item.address, "area": item.area, "phone": item.phone, "extra": item.extra}
        for item in rows])
    if failed:
        return ImportResult(errors=[RowError(rows[index].row, message) for index, message in failed])
    result = ImportResult(created=created)
    result.duplicates = [(item.row, household, existing[item.key])
                         for item, household in zip(rows, created) if item.key in existing]
    result.channels = channel_warnings(created)
    return result


def _existing_by_key(campaign: Campaign, rows: list[ParsedRow]) -> dict[tuple[str, int], Household]:
    keys = {r.key for r in rows}
    if not keys:
        return {}
    found = Household.objects.filter(campaign=campaign, name_key__in={k[0] for k in keys},
                                     area_id__in={k[1] for k in keys}).order_by("pk")
    existing = {}
    for h in found:
        existing.setdefault((h.name_key, h.area_id), h)
    return {k: v for k, v in existing.items() if k in keys}


def channel_warnings(households: list[Household]) -> list[tuple[Household, list[Household]]]:
    """"One household, one channel" for many households: one query narrows them down to those
    whose name and area appear in another active campaign; ``services.other_channels`` decides."""
    if not households:
        return []
    campaign_ids = {h.campaign_id for h in households}
    candidates = set(
        Household.objects.filter(name_key__in={h.name_key for h in households}, area_id__in={h.area_id for h in households},
                                 campaign__status="active").exclude(campaign_id__in=campaign_ids)
        .values_list("name_key", "area_id"))
    warnings = []
    for h in households:
        if (h.name_key, h.area_id) in candidates:
            others = services.other_channels(h)
            if others:
                warnings.append((h, others))
    return warnings


def template_workbook(campaign: Campaign) -> bytes:
    """The template to fill: the sheet "Hộ dân" (the campaign's own extra columns already in
    use are added) and a "Hướng dẫn" sheet listing the rules and the campaign's area codes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    extra_titles = []
    for extra in Household.objects.filter(campaign=campaign).exclude(extra={}).values_list("extra", flat=True)[:200]:
        for key in extra:
            if key not in extra_titles:
                extra_titles.append(key)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    headers = TEMPLATE_HEADERS + extra_titles
    sheet.append(headers)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for i, title in enumerate(headers, start=1):
        c = sheet.cell(row=1, column=i)
        c.font, c.fill = bold, fill
        sheet.column_dimensions[_letter(i - 1)].width = max(16, len(title) + 4)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 24
    for row in range(2, 2002):  # phone and area codes as text: Excel would drop the leading 0
        sheet.cell(row=row, column=3).number_format = "@"
        sheet.cell(row=row, column=4).number_format = "@"
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet("Hướng dẫn")
    lines = [
        "Mỗi hộ một dòng trên trang “Hộ dân”; dòng 1 là tiêu đề, giữ nguyên.",
        "Bắt buộc: Chủ hộ, Địa bàn. Địa chỉ nên ghi (thôn, xóm). Điện thoại: 10 hoặc 11 chữ số, có thể để trống.",
        "Địa bàn: ghi mã địa bàn (cột A bên dưới) hoặc đúng tên; phải thuộc địa bàn của chiến dịch.",
        "Cột thêm (ví dụ “Thửa đất”, “Số hồ sơ bồi thường”): thêm tiêu đề ở dòng 1, dữ liệu được giữ làm thông tin riêng của hộ.",
        "Nhập tất cả hoặc không dòng nào: nếu có dòng lỗi, không dòng nào được lưu và mọi dòng lỗi được liệt kê.",
        "Hai dòng cùng chủ hộ (kể cả khác cách viết, có dấu hay không dấu) trên cùng địa bàn là trùng.",
        f"Tối đa {MAX_ROWS:,} dòng, tệp tối đa 5 MB. Có thể lưu thành CSV UTF-8.".replace(",", "."),
        "",
    ]
    for line in lines:
        guide.append([line])
    guide.append(["Mã địa bàn", "Tên địa bàn", "Tổ phụ trách"])
    for c in guide[guide.max_row]:
        c.font = bold
    resolver_roots = list(campaign.areas.all())
    units = AdministrativeUnit.objects.filter(reduce(or_, [Q(path__startswith=r.path) for r in resolver_roots]),
                                              valid_to__isnull=True).order_by("path") if resolver_roots else []
    for unit in units:
        team = services.team_for_area(campaign, unit)
        guide.append([unit.code, unit.name, team.name if team else "— chưa giao tổ —"])
    guide.column_dimensions["A"].width = 16
    guide.column_dimensions["B"].width = 40
    guide.column_dimensions["C"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Duplicates already in the campaign, and merging them
# ---------------------------------------------------------------------------------------------

def duplicate_groups(campaign: Campaign) -> list[list[Household]]:
    """Households of the campaign sharing a folded head's name and an area, by group (oldest first)."""
    keys = list(Household.objects.filter(campaign=campaign).exclude(name_key="").values("name_key", "area_id")
                .annotate(n=Count("pk")).filter(n__gt=1).order_by("name_key", "area_id").values_list("name_key", "area_id"))
    if not keys:
        return []
    key_set = set(keys)
    households = (Household.objects.filter(campaign=campaign, name_key__in={k[0] for k in keys},
                                           area_id__in={k[1] for k in keys})
                  .select_related("area", "team").annotate(visit_count=Count("visits", distinct=True),
                                                           case_count=Count("cases", distinct=True)).order_by("pk"))
    groups: dict[tuple[str, int], list[Household]] = {}
    for h in households:
        if (h.name_key, h.area_id) in key_set:
            groups.setdefault((h.name_key, h.area_id), []).append(h)
    # a group every member of which was confirmed distinct is settled; a new namesake reopens it
    return [groups[k] for k in keys if len(groups.get(k, [])) > 1 and not all(h.distinct_confirmed for h in groups[k])]


@transaction.atomic
def households_mark_distinct(*, actor, campaign: Campaign, households: list[Household]) -> int:
    """"Not the same household": look-alikes of one group (same folded name and area) stay apart
    and leave the duplicates page, until another namesake arrives. Returns how many were marked."""
    access.ensure(actor, access.CHANGE, campaign)
    if len(households) < 2 or len({(h.campaign_id, h.name_key, h.area_id) for h in households}) != 1 \
            or households[0].campaign_id != campaign.pk:
        raise ValidationError(_("Hãy chọn các hộ của cùng một nhóm trùng."))
    for household in households:
        household.distinct_confirmed = True
        household.save(update_fields=["distinct_confirmed"])  # through save(): the history keeps who said so
    return len(households)


def looks_different(group: list[Household]) -> bool:
    """Namesakes are common: different phone numbers or land parcels suggest two households."""
    phones = {h.phone for h in group if h.phone}
    extras = {tuple(sorted((h.extra or {}).items())) for h in group if h.extra}
    return len(phones) > 1 or len(extras) > 1


@dataclass
class MergeResult:
    kept: Household
    visits: int
    cases: list[Case]
    detached: list[tuple[Case, Case]]  # (case of the removed household, same-topic case of the kept one)


@transaction.atomic
def household_merge(*, actor, keep: Household, remove: Household) -> MergeResult:
    """One household out of two duplicates: ``remove``'s visits and cases move to ``keep``, blank
    fields of ``keep`` are filled from ``remove``, ``remove`` is deleted. Managers of the campaign only.

    A case of ``remove`` on a topic ``keep`` already has a case for cannot move (one household,
    one topic, one case): it keeps its reference and stays reachable, detached from the household."""
    if keep.pk == remove.pk:
        raise ValidationError(_("Hãy chọn hai hộ khác nhau."))
    locked = {h.pk: h for h in Household.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])}
    if len(locked) != 2:
        raise ValidationError(_("Một trong hai hộ không còn (có thể vừa được gộp)."))
    keep, remove = locked[keep.pk], locked[remove.pk]
    if keep.campaign_id != remove.campaign_id:
        raise ValidationError(_("Chỉ gộp được hai hộ của cùng một chiến dịch."))
    access.ensure(actor, access.CHANGE, keep.campaign)

    visits = Visit.objects.filter(household=remove).update(household=keep)
    keep_cases = {c.topic_key: c for c in Case.objects.filter(household=keep)}
    moved, detached = [], []
    for case in Case.objects.filter(household=remove).order_by("pk"):
        if case.topic_key in keep_cases:
            case.household = None
            detached.append((case, keep_cases[case.topic_key]))
        else:
            case.household = keep
            moved.append(case)
        case.save(update_fields=["household"])  # one by one: the cases' history records the move
    for rel in Household._meta.related_objects:  # anything else pointing at a household follows it
        if rel.related_model in (Visit, Case) or not (rel.one_to_many or rel.one_to_one):
            continue
        rel.related_model._base_manager.filter(**{rel.field.name: remove}).update(**{rel.field.name: keep})

    for name in ("address", "phone"):
        if not getattr(keep, name) and getattr(remove, name):
            setattr(keep, name, getattr(remove, name))
    keep.extra = {**(remove.extra or {}), **(keep.extra or {})}
    if keep.team_id is None and remove.team_id is not None:
        keep.team_id = remove.team_id
    if services.STATUS_RANK[remove.status] > services.STATUS_RANK[keep.status]:
        keep.status, keep.blocked_reason, keep.status_changed_at = remove.status, remove.blocked_reason, remove.status_changed_at
    keep.save()
    remove.delete()
    return MergeResult(kept=keep, visits=visits, cases=moved, detached=detached)
