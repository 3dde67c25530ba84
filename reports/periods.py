"""Reporting period codes and their dates (pure: no database).

Codes: ``2023-11`` (month), ``2023-Q4`` (quarter), ``2023-H1``/``2023-H2`` (6 months),
``2023-9M`` (9 months), ``2023-Y`` (year), ``2023-W05`` (ISO week).

``cutoff_day`` 15 is the State convention (Decree 09/2019): month m runs from the 15th of
month m-1 to the 14th of month m, the year from 15/12 of the year before to 14/12. With
``cutoff_day`` 1 periods follow the calendar. Weeks are ISO weeks whatever the cut-off.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = ("week", "month", "quarter", "half", "nine_months", "year")
_CODE = re.compile(r"^(?P<year>\d{4})-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])|H(?P<half>[12])|(?P<nine>9M)|(?P<yr>Y)|W(?P<week>\d{2}))$")
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodCodeError(ValueError):
    """A period code that does not parse; the message is Vietnamese for the user."""


@dataclasses.dataclass(frozen=True)
class PeriodSpec:
    code: str
    kind: str
    year: int
    first_month: int  # for weeks: the ISO week number
    last_month: int

    def dates(self, cutoff_day: int = 15) -> tuple[dt.date, dt.date]:
        """First and last day of the period (both included)."""
        if self.kind == "week":
            start = dt.date.fromisocalendar(self.year, self.first_month, 1)
            return start, start + dt.timedelta(days=6)
        return _month_start(self.year, self.first_month, cutoff_day), _month_end(self.year, self.last_month, cutoff_day)

    def deadline(self, cutoff_day: int = 15, deadline_days: int = 3) -> dt.date:
        return self.dates(cutoff_day)[1] + dt.timedelta(days=deadline_days)

    def previous(self) -> "PeriodSpec":
        """The period of the same kind just before (the year before for 6/9 months and years)."""
        if self.kind == "week":
            monday = dt.date.fromisocalendar(self.year, self.first_month, 1) - dt.timedelta(days=7)
            iso = monday.isocalendar()
            return parse(f"{iso.year}-W{iso.week:02d}")
        if self.kind == "month":
            y, m = (self.year, self.first_month - 1) if self.first_month > 1 else (self.year - 1, 12)
            return parse(f"{y}-{m:02d}")
        if self.kind == "quarter":
            q = (self.first_month - 1) // 3 + 1
            return parse(f"{self.year}-Q{q - 1}" if q > 1 else f"{self.year - 1}-Q4")
        if self.kind == "half" and self.first_month == 7:
            return parse(f"{self.year}-H1")
        if self.kind == "half":
            return parse(f"{self.year - 1}-H2")
        return self.same_period_last_year()

    def same_period_last_year(self) -> "PeriodSpec":
        if self.kind == "week":
            week = min(self.first_month, dt.date(self.year - 1, 12, 28).isocalendar().week)
            return parse(f"{self.year - 1}-W{week:02d}")
        return parse(str(self.year - 1) + self.code[4:])

    def months(self) -> list[str]:
        """Month codes the period covers (empty for a week)."""
        if self.kind == "week":
            return []
        return [f"{self.year}-{m:02d}" for m in range(self.first_month, self.last_month + 1)]

    @property
    def label(self) -> str:
        return label(self.code)


def parse(code: str) -> PeriodSpec:
    code = (code or "").strip().upper().replace("9m", "9M")
    m = _CODE.match(code)
    if not m:
        raise PeriodCodeError(_(
            "Mã kỳ “%(code)s” không hợp lệ. Dùng dạng 2023-11 (tháng), 2023-Q4 (quý), 2023-H1 (6 tháng), "
            "2023-9M (9 tháng), 2023-Y (năm) hoặc 2023-W05 (tuần)."
        ) % {"code": code})
    year = int(m["year"])
    if m["month"]:
        month = int(m["month"])
        return PeriodSpec(code, "month", year, month, month)
    if m["quarter"]:
        q = int(m["quarter"])
        return PeriodSpec(code, "quarter", year, 3 * q - 2, 3 * q)
    if m["half"]:
        return PeriodSpec(code, "half", year, 1, 6) if m["half"] == "1" else PeriodSpec(code, "half", year, 7, 12)
    if m["nine"]:
        return PeriodSpec(code, "nine_months", year, 1, 9)
    if m["yr"]:
        return PeriodSpec(code, "year", year, 1, 12)
    week = int(m["week"])
    if not 1 <= week <= dt.date(year, 12, 28).isocalendar().week:
        raise PeriodCodeError(_("Năm %(year)s không có tuần %(week)s.") % {"year": year, "week": week})
    return PeriodSpec(code, "week", year, week, week)


# What a report period can be made of, by submission period: submissions must tile it exactly.
SUBMISSION_KINDS = ("month", "quarter", "half", "year")
_TILES = {
    "month": {"month", "quarter", "half", "nine_months", "year"},
    "quarter": {"quarter", "half", "nine_months", "year"},
    "half": {"half", "year"},
    "year": {"year"},
}
_STEP = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_KIND_NAMES = {"week": gettext_lazy("tuần"), "month": gettext_lazy("tháng"), "quarter": gettext_lazy("quý"),
               "half": gettext_lazy("6 tháng"), "nine_months": gettext_lazy("9 tháng"), "year": gettext_lazy("năm")}


def sub_codes(code: str, submission_kind: str) -> list[str]:
    """The submission periods a report period is made of: 2023-Q4 of months → 2023-10, -11, -12.

    ``PeriodCodeError`` (in Vietnamese) when the submissions cannot make it up exactly (a month
    report from quarterly figures, a 9-month report from half-year figures, any week report)."""
    spec = parse(code)
    if submission_kind not in _TILES or spec.kind not in _TILES[submission_kind]:
        raise PeriodCodeError(_("Số liệu được nộp theo %(submitted)s: không lập được báo cáo %(report)s từ số liệu đó.")
                              % {"submitted": _KIND_NAMES.get(submission_kind, submission_kind),
                                 "report": _KIND_NAMES[spec.kind]})
    step = _STEP[submission_kind]
    codes = []
    for first in range(spec.first_month, spec.last_month + 1, step):
        if submission_kind == "month":
            codes.append(f"{spec.year}-{first:02d}")
        elif submission_kind == "quarter":
            codes.append(f"{spec.year}-Q{(first - 1) // 3 + 1}")
        elif submission_kind == "half":
            codes.append(f"{spec.year}-H{1 if first <= 6 else 2}")
        else:
            codes.append(f"{spec.year}-Y")
    return codes


def label(code: str) -> str:
    """Vietnamese name of a period as it appears in a report title."""
    spec = parse(code)
    if spec.kind == "month":
        return f"Tháng {spec.first_month}/{spec.year}"
    if spec.kind == "quarter":
        return f"Quý {_ROMAN[(spec.first_month - 1) // 3 + 1]}/{spec.year}"
    if spec.kind == "half":
        return f"6 tháng đầu năm {spec.year}" if spec.first_month == 1 else f"6 tháng cuối năm {spec.year}"
    if spec.kind == "nine_months":
        return f"9 tháng đầu năm {spec.year}"
    if spec.kind == "year":
        return f"Năm {spec.year}"
    return f"Tuần {spec.first_month}/{spec.year}"


def code_for(kind: str, on: dt.date, cutoff_day: int = 15) -> str:
    """The code of the period of ``kind`` that contains ``on``.

    Nine months is the one kind that does not tile the year: a date of the last quarter lies in
    no 9-month period, and asking for one raises ``PeriodCodeError``."""
    if kind == "week":
        iso = on.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    year, month = on.year, on.month
    if cutoff_day > 1 and on.day >= cutoff_day:  # from the cut-off on, the date counts for the next month
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    if kind == "month":
        return f"{year}-{month:02d}"
    if kind == "quarter":
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if kind == "half":
        return f"{year}-H{1 if month <= 6 else 2}"
    if kind == "nine_months":
        if month > 9:
            raise PeriodCodeError(_("Ngày %(day)s không thuộc kỳ 9 tháng nào.") % {"day": f"{on:%d/%m/%Y}"})
        return f"{year}-9M"
    if kind == "year":
        return f"{year}-Y"
    raise PeriodCodeError(_("Loại kỳ “%(kind)s” không hợp lệ.") % {"kind": kind})


def _month_start(year: int, month: int, cutoff_day: int) -> dt.date:
    if cutoff_day <= 1:
        return dt.date(year, month, 1)
    y, m = (year, month - 1) if month > 1 else (year - 1, 12)
    return dt.date(y, m, cutoff_day)


def _month_end(year: int, month: int, cutoff_day: int) -> dt.date:
    if cutoff_day <= 1:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return dt.date(year, month, cutoff_day - 1)
