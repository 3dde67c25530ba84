"""A realistic report snapshot (the ``reports/snapshot.py`` format) for renderer tests.

Đầm Hà district (Quảng Ninh), year 2023, six organization types, three indicator groups with a
ratio, a latest stock, amounts in triệu đồng, missing figures, app-counted ("auto") figures and
Vietnamese narratives heavy in diacritics. ``sample_snapshot()`` returns a fresh dict each call;
pass keyword overrides for ``report`` fields (``sample_snapshot(number="")``).
"""
from __future__ import annotations

import copy
from decimal import Decimal

COLUMNS = [
    {"code": "MTTQ", "short_name": "MTTQ", "name": "Ủy ban Mặt trận Tổ quốc Việt Nam huyện"},
    {"code": "LDLD", "short_name": "LĐLĐ", "name": "Liên đoàn Lao động huyện"},
    {"code": "HLHPN", "short_name": "Hội LHPN", "name": "Hội Liên hiệp Phụ nữ huyện"},
    {"code": "DTN", "short_name": "Đoàn TN", "name": "Huyện đoàn (Đoàn TNCS Hồ Chí Minh)"},
    {"code": "HND", "short_name": "Hội ND", "name": "Hội Nông dân huyện"},
    {"code": "HCCB", "short_name": "Hội CCB", "name": "Hội Cựu chiến binh huyện"},
]
_ORGS = [c["code"] for c in COLUMNS]

# code: (name, unit, value_type, aggregation, [by org], previous, last_year, auto)
_INDICATORS = {
    "TC01": ("Tổng số đoàn viên, hội viên cuối kỳ", "người", "count", "latest",
             ["2150", "3412", "5128", "2876", "4705", "1326"], "19140", "19140", None),
    "TC02": ("Đoàn viên, hội viên kết nạp mới trong kỳ", "người", "count", "sum",
             ["45", "218", "367", "412", "296", "58"], "1287", "1287", None),
    "TC03": ("Chi hội, chi đoàn, công đoàn cơ sở", "đơn vị", "count", "latest",
             ["67", "54", "81", "73", "78", "69"], "420", "420", None),
    "TC04": ("Tỷ lệ tập hợp đoàn viên, hội viên so với đối tượng", "%", "percent", "ratio",
             ["92.4", "96.15", "88.0", "81.35", "85.6", "97.8"], "87.9", "87.9", None),
    "TC05": ("Cán bộ cơ sở được tập huấn, bồi dưỡng nghiệp vụ", "lượt người", "count", "sum",
             ["126", "84", None, "215", "148", "62"], "598", "598", None),
    "TC06": ("Đồng bào dân tộc thiểu số được kết nạp vào tổ chức", "người", "count", "sum",
             ["12", None, "47", "39", "28", "6"], "117", "117", None),
    "AS01": ("Vận động ủng hộ Quỹ Vì người nghèo", "triệu đồng", "amount", "sum",
             ["1245.5", "312.75", "186.2", "95", "143.8", "77.25"], "1873.4", "1873.4", None),
    "AS02": ("Nhà Đại đoàn kết xây mới", "căn", "count", "sum",
             ["18", "3", "4", "2", "3", "1"], "27", "27", "31"),
    "AS03": ("Nhà Đại đoàn kết sửa chữa", "căn", "count", "sum",
             ["11", "2", "5", None, "4", "3"], "19", "19", None),
    "AS04": ("Kinh phí hỗ trợ xây, sửa nhà cho hộ nghèo", "triệu đồng", "amount", "sum",
             ["1568", "245.5", "198", "60", "172.25", "95"], "2210.75", "2210.75", None),
    "AS05": ("Hộ nghèo, hộ cận nghèo được giúp đỡ thoát nghèo", "hộ", "count", "sum",
             ["96", "24", "58", "31", "47", "29"], "262", "262", "281"),
    "AS06": ("Dư nợ ủy thác qua Ngân hàng Chính sách xã hội", "triệu đồng", "amount", "latest",
             [None, None, "186450.5", "74320", "152880.25", "91206"], "478112.4", "478112.4", None),
    "GS01": ("Cuộc giám sát đã tổ chức", "cuộc", "count", "sum",
             ["14", "6", "5", "4", "5", "4"], "35", "35", None),
    "GS02": ("Cuộc phản biện xã hội", "cuộc", "count", "sum",
             ["3", "1", "1", None, "1", None], "5", "5", None),
    "GS03": ("Ý kiến, kiến nghị của cử tri và Nhân dân tiếp nhận", "ý kiến", "count", "sum",
             ["412", "96", "135", "58", "174", "63"], "1006", "1006", "947"),
    "GS04": ("Ý kiến, kiến nghị đã được giải quyết", "ý kiến", "count", "sum",
             ["371", "88", "121", "52", "153", "57"], "864", "864", None),
    "GS05": ("Tỷ lệ kiến nghị đã được giải quyết", "%", "percent", "ratio",
             None, "85.9", "85.9", None),
    "GS06": ("Mô hình “Dân vận khéo” được công nhận", "mô hình", "count", "sum",
             ["9", "5", "12", "8", "11", "6"], "43", "43", "52"),
}
GROUPS = [
    {"name": "Củng cố tổ chức, xây dựng lực lượng", "codes": ["TC01", "TC02", "TC03", "TC04", "TC05", "TC06"]},
    {"name": "An sinh xã hội, Quỹ “Vì người nghèo”", "codes": ["AS01", "AS02", "AS03", "AS04", "AS05", "AS06"]},
    {"name": "Giám sát, phản biện xã hội; tiếp nhận kiến nghị", "codes": ["GS01", "GS02", "GS03", "GS04", "GS05", "GS06"]},
]

ACHIEVEMENTS = """Năm 2023, Cơ quan Khối Dân vận huyện Đầm Hà đã chủ động phối hợp, thống nhất hành động giữa Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị – xã hội; tuyên truyền, vận động đồng bào dân tộc thiểu số ở các xã Quảng Lâm, Quảng An, Dực Yên thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước.

Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” và phong trào ủng hộ Quỹ Vì người nghèo được hưởng ứng rộng rãi; toàn huyện xây mới, sửa chữa nhiều nhà Đại đoàn kết cho hộ nghèo, hộ khó khăn về nhà ở.
Công tác giám sát, phản biện xã hội được triển khai đúng kế hoạch; các ý kiến, kiến nghị của cử tri được tổng hợp, phản ánh kịp thời tới cấp ủy, chính quyền.
Đồng chí Nguyễn Thị Hường, Ủy viên Ban Thường vụ Huyện ủy, Trưởng ban Dân vận, đánh giá cao sự vào cuộc của các tổ chức thành viên; tỉnh Quảng Ninh biểu dương 3 mô hình “Dân vận khéo” tiêu biểu của huyện. Kết quả <b>nổi bật</b> & “đáng ghi nhận”."""

LIMITATIONS = """Một số chi hội, tổ hội ở thôn, bản vùng đồng bào dân tộc thiểu số hoạt động còn hình thức; nội dung sinh hoạt chưa phong phú.
Việc nhập số liệu vào phần mềm ở một số xã còn chậm, chưa đúng hạn (2/72 tổ chức chưa gửi báo cáo)."""

CAUSES = """Đội ngũ cán bộ cơ sở thường xuyên thay đổi, kiêm nhiệm nhiều việc; kỹ năng ứng dụng công nghệ thông tin còn hạn chế.
Địa bàn rộng, giao thông đi lại ở các thôn vùng cao còn khó khăn, ảnh hưởng đến việc tổ chức các hoạt động."""

NEXT_TASKS = """Tiếp tục đổi mới nội dung, phương thức hoạt động; nâng cao chất lượng phối hợp giữa Mặt trận Tổ quốc và các tổ chức chính trị – xã hội.
Đẩy mạnh phong trào thi đua “Dân vận khéo”, vận động ủng hộ Quỹ Vì người nghèo năm 2024; phấn đấu xây mới, sửa chữa ít nhất 40 nhà Đại đoàn kết.
Thực hiện đúng chế độ thông tin, báo cáo định kỳ; 100% tổ chức cơ sở gửi báo cáo đúng hạn qua phần mềm."""

RECIPIENTS = """- Ban Dân vận Tỉnh ủy Quảng Ninh (b/c);
- Thường trực Huyện ủy (b/c);
- Các tổ chức thành viên;
- Lưu: VT."""


def _total(values: list[str | None]) -> str:
    return str(sum(Decimal(v) for v in values if v is not None))


def _values() -> dict:
    values = {}
    for code, (_name, _unit, value_type, aggregation, by_org, previous, last_year, auto) in _INDICATORS.items():
        if aggregation == "ratio":
            if code == "GS05":  # solved / received, computed from the totals like the build does
                solved, received = Decimal(_total(_INDICATORS["GS04"][4])), Decimal(_total(_INDICATORS["GS03"][4]))
                total = str((solved * 100 / received).quantize(Decimal("0.01")))
                by_org = [None] * len(_ORGS)
            else:
                total = "89.46"
        else:
            total = _total(by_org)
        values[code] = {
            "by_column": dict(zip(_ORGS, by_org)),
            "total": total,
            "previous": previous,
            "last_year": last_year,
            "auto": auto,
        }
    return values


_SNAPSHOT = {
    "format": 1,
    "built_at": "2023-12-20T09:30:00+07:00",
    "report": {
        "id": 7,
        "number": "12-BC/KDV",
        "title": "Kết quả công tác dân vận năm 2023, phương hướng, nhiệm vụ năm 2024",
        "place": "Đầm Hà",
        "issued_on": "2023-12-20",
        "period": {"code": "2023-Y", "label": "Năm 2023", "start": "2022-12-15", "end": "2023-12-14"},
        "body": {
            "name": "Cơ quan Khối Dân vận huyện Đầm Hà",
            "short_name": "KDV",
            "unit_name": "Huyện Đầm Hà, tỉnh Quảng Ninh",
            "superior": "Huyện ủy Đầm Hà",
        },
        "achievements": ACHIEVEMENTS,
        "limitations": LIMITATIONS,
        "causes": CAUSES,
        "next_tasks": NEXT_TASKS,
        "recipients": RECIPIENTS,
        "signer_title": "Trưởng Khối",
        "signer_name": "Nguyễn Thị Hường",
    },
    "columns": COLUMNS,
    "groups": GROUPS,
    "indicators": {
        code: {"name": name, "unit_label": unit, "value_type": value_type, "aggregation": aggregation}
        for code, (name, unit, value_type, aggregation, *_rest) in _INDICATORS.items()
    },
    "values": _values(),
    "previous_period": {"code": "2022-Y", "label": "Năm 2022"},
    "last_year_period": {"code": "2022-Y", "label": "Năm 2022"},
    "completeness": {"expected": 72, "received": 70, "on_time": 66},
    "submissions": [[101, 1], [102, 2], [103, 1]],
}


def sample_snapshot(**report_overrides) -> dict:
    """A fresh copy of the sample; keyword arguments replace fields of ``snapshot["report"]``."""
    snapshot = copy.deepcopy(_SNAPSHOT)
    snapshot["report"].update(report_overrides)
    return snapshot
