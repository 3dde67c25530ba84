"""The frozen content of one report build: the contract between the build (``building.py``)
and the renderers (``render.py``). Plain JSON, stored in ``ReportBuild.snapshot``.

Numbers are decimal strings ("1234", "12.5") or None (no figure); renderers format them the
Vietnamese way (1.234,5). Keys::

    {
      "format": 1,
      "built_at": "2024-01-05T09:30:00+07:00",
      "report": {
        "id": 7, "number": "12-BC/KDV", "title": "Báo cáo kết quả …", "place": "Đầm Hà",
        "issued_on": "2023-12-20",
        "period": {"code": "2023-Y", "label": "Năm 2023", "start": "2022-12-15", "end": "2023-12-14"},
        "body": {"name": "Cơ quan Khối …", "short_name": "KDV", "unit_name": "Huyện Đầm Hà",
                 "superior": "Huyện ủy Đầm Hà"},          # left header: superior over body
        "achievements": "…", "limitations": "…", "causes": "…", "next_tasks": "…",
        "recipients": "- Ban Dân vận Tỉnh ủy;\\n- Lưu.",
        "signer_title": "TRƯỞNG KHỐI", "signer_name": "Nguyễn Văn A"
      },
      "columns": [{"code": "MTTQ", "short_name": "MTTQ", "name": "Ủy ban MTTQ"}, …],   # org types, in order
      "groups": [{"name": "Tổ chức, xây dựng lực lượng", "codes": ["TC04", …]}, …],
      "indicators": {"TC04": {"name": "…", "unit_label": "người", "value_type": "count",
                              "aggregation": "latest"}, …},
      "values": {"TC04": {"by_column": {"MTTQ": "120", "HLHPN": null, …}, "total": "5230",
                          "previous": "5100", "last_year": "4980", "auto": null}, …},
      "previous_period": {"code": "2022-Y", "label": "Năm 2022"},
      "last_year_period": {"code": "2022-Y", "label": "Năm 2022"},
      "completeness": {"expected": 72, "received": 70, "on_time": 66},
      "submissions": [[submission_id, revision], …]
    }

``auto`` is what the app counted itself (campaign households, cases, tasks…), shown beside
the typed total and never added to it.
"""
from __future__ import annotations

FORMAT = 1
