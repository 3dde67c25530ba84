"""The English catalog (the second language) is complete and keeps every placeholder, tag and
space of its Vietnamese source strings (scripts/translate_check.py)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext

ROOT = Path(__file__).resolve().parents[2]


def test_the_english_catalog_has_no_untranslated_fuzzy_or_broken_entry(capsys):
    spec = importlib.util.spec_from_file_location("translate_check", ROOT / "scripts" / "translate_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.check() == 0, capsys.readouterr().out


def test_the_compiled_catalog_is_the_one_in_use():
    with translation.override("en"):
        assert gettext("Số liệu báo cáo") != "Số liệu báo cáo"
        assert gettext("Kỳ báo cáo và hạn nộp") != "Kỳ báo cáo và hạn nộp"
