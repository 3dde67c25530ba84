"""Developer command: rebuilds ``khoi/data/`` from the vietnamadminunits package.

Needs ``pip install vietnamadminunits==1.0.4`` (only to run this command; the app reads the
files it writes and never imports the package). Reads the package's ``data/dataset.db``
(tables ``admin_units_legacy`` and ``admin_units``) and ``data/converter_2025.json``, and
writes compact, reproducible gzip CSV files (same input → same bytes).

Converter entries are matched to dataset rows through the ``…Key`` columns, never through
display names, which differ in spelling between sources.
"""
from __future__ import annotations

import csv
import gzip
import importlib.metadata
import importlib.util
import io
import json
import re
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from khoi.models import UnitLevel
from khoi.units_data import DATA_DIR, SUCCESSION_COLUMNS, SUCCESSIONS_FILE, UNIT_COLUMNS, UNITS_FILE

PACKAGE = "vietnamadminunits"
LICENSE_FILE = DATA_DIR / "LICENSE-vietnamadminunits.txt"
LEGACY_VALID_TO = "2025-06-30"
REFORM_DATE = "2025-07-01"

# Longest first, so "Thành phố" wins over a shorter word sharing its start.
UNIT_TYPES = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
# The package disambiguates same-named units in short names: "Kỳ Anh (Thị xã)".
_SHORT_NAME_SUFFIX = re.compile(r"\s*\((?:" + "|".join(UNIT_TYPES) + r")\)$", re.IGNORECASE)


def legacy_key(code: str) -> str:
    return f"L:{code}"


def current_key(code: str) -> str:
    return f"N:{code}"


@dataclass
class BuiltData:
    units: list[dict] = field(default_factory=list)
    successions: dict[tuple[str, str], bool] = field(default_factory=dict)
    # converter key → unit key, one map per structure
    legacy_by_converter_key: dict[str, str] = field(default_factory=dict)
    current_by_converter_key: dict[tuple[str, str], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_succession(self, predecessor: str, successor: str, takes_history: bool) -> None:
        pair = (predecessor, successor)
        self.successions[pair] = self.successions.get(pair, False) or takes_history


def split_type(name: str, declared_type: str | None) -> tuple[str, str]:
    """Returns (unit_type, name) with the type word as the name spells it, in canonical case.

    The name wins over the package's type column: where they disagree (e.g. "Phường Việt Hòa"
    typed "Xã") the name and the converter key agree with each other, the column does not.
    """
    for unit_type in UNIT_TYPES:
        if name.casefold().startswith(unit_type.casefold() + " "):
            return unit_type, unit_type + name[len(unit_type):]
    if not declared_type:
        raise CommandError(f"cannot tell the type of {name!r}")
    return declared_type, name


def short_name(value: str) -> str:
    return _SHORT_NAME_SUFFIX.sub("", value)


def unit_row(
    data: BuiltData, *, key: str, code: str, name: str, short: str, declared_type: str | None,
    level: str, parent: str = "", legacy: bool,
) -> dict:
    unit_type, clean_name = split_type(name, declared_type)
    if declared_type and declared_type != unit_type:
        data.notes.append(f"{key} {name!r}: type column says {declared_type!r}, name says {unit_type!r}")
    if clean_name != name:
        data.notes.append(f"{key} {name!r}: type word recased to {clean_name!r}")
    return {
        "key": key, "code": code, "name": clean_name, "short_name": short_name(short), "unit_type": unit_type,
        "level": level, "parent": parent,
        "valid_from": "" if legacy else REFORM_DATE, "valid_to": LEGACY_VALID_TO if legacy else "",
    }


def read_legacy_units(db: sqlite3.Connection, data: BuiltData) -> None:
    """The structure of 1 January 2025, in force until 30 June 2025."""
    provinces, districts = {}, {}
    rows = db.execute(
        "SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort, districtType,"
        " districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey"
        " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    communes = []
    for (p_name, p_short, p_code, p_key, d_name, d_short, d_type, d_code, d_key,
         w_name, w_short, w_type, w_code, w_key) in rows:
        if p_code not in provinces:
            provinces[p_code] = unit_row(
                data, key=legacy_key(p_code), code=p_code, name=p_name, short=p_short, declared_type=None,
                level=UnitLevel.PROVINCE, legacy=True,
            )
            data.legacy_by_converter_key[p_key] = legacy_key(p_code)
        if d_code not in districts:
            districts[d_code] = unit_row(
                data, key=legacy_key(d_code), code=d_code, name=d_name, short=d_short, declared_type=d_type,
                level=UnitLevel.DISTRICT, parent=legacy_key(p_code), legacy=True,
            )
        # The converter names a district without communes (an island district) "<p>_<d>_".
        data.legacy_by_converter_key[f"{p_key}_{d_key}_{w_key or ''}"] = legacy_key(w_code or d_code)
        if w_code:
            communes.append(unit_row(
                data, key=legacy_key(w_code), code=w_code, name=w_name, short=w_short, declared_type=w_type,
                level=UnitLevel.COMMUNE, parent=legacy_key(d_code), legacy=True,
            ))
    childless = sorted(set(districts) - {row["parent"][2:] for row in communes})
    data.notes.append(f"legacy districts without communes: {', '.join(districts[c]['name'] for c in childless)}")
    data.units += [*provinces.values(), *districts.values(), *communes]


def read_current_units(db: sqlite3.Connection, data: BuiltData) -> None:
    """The two-level structure in force from 1 July 2025."""
    provinces, communes = {}, []
    rows = db.execute(
        "SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort, wardType, wardCode, wardKey"
        " FROM admin_units ORDER BY provinceCode, wardCode"
    )
    for p_name, p_short, p_code, p_key, w_name, w_short, w_type, w_code, w_key in rows:
        if p_code not in provinces:
            provinces[p_code] = unit_row(
                data, key=current_key(p_code), code=p_code, name=p_name, short=p_short, declared_type=None,
                level=UnitLevel.PROVINCE, legacy=False,
            )
            data.current_by_converter_key[(p_key, "")] = current_key(p_code)
        data.current_by_converter_key[(p_key, w_key)] = current_key(w_code)
        communes.append(unit_row(
            data, key=current_key(w_code), code=w_code, name=w_name, short=w_short, declared_type=w_type,
            level=UnitLevel.COMMUNE, parent=current_key(p_code), legacy=False,
        ))
    data.units += [*provinces.values(), *communes]


def _lookup(mapping: dict, key, what: str) -> str:
    try:
        return mapping[key]
    except KeyError:
        raise CommandError(f"converter_2025.json names an unknown {what}: {key!r}") from None


def add_commune_successions(converter: dict, data: BuiltData) -> None:
    """Old commune → new commune: merged whole (takes history), or divided (one part takes it)."""
    for new_province, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, old_wards in wards.items():
            successor = _lookup(data.current_by_converter_key, (new_province, new_ward), "new commune")
            for old_ward in old_wards:
                data.add_succession(_lookup(data.legacy_by_converter_key, old_ward, "old commune"), successor, True)
    for new_province, old_wards in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_ward, parts in old_wards.items():
            predecessor = _lookup(data.legacy_by_converter_key, old_ward, "old commune")
            defaults = sum(1 for part in parts if part["isDefaultNewWard"])
            if defaults != 1:
                data.notes.append(f"{old_ward}: divided with {defaults} default parts")
            for part in parts:
                successor = _lookup(data.current_by_converter_key, (new_province, part["newWardKey"]), "new commune")
                data.add_succession(predecessor, successor, bool(part["isDefaultNewWard"]))


def province_targets(converter: dict, data: BuiltData) -> dict[str, list[str]]:
    """Old province key → its new provinces, the one taking its history first.

    A province split across several new ones gives its history to the one most of its
    communes went to.
    """
    parents = {row["key"]: row["parent"] for row in data.units}

    def root(key: str) -> str:
        return root(parents[key]) if parents[key] else key

    communes_went_to: dict[str, Counter] = defaultdict(Counter)
    for (predecessor, successor), takes_history in data.successions.items():
        if takes_history:
            communes_went_to[root(predecessor)][root(successor)] += 1
    targets: dict[str, list[str]] = defaultdict(list)
    for new_province, old_provinces in converter["DICT_PROVINCE"].items():
        for old_province in old_provinces:
            old_key = _lookup(data.legacy_by_converter_key, old_province, "old province")
            targets[old_key].append(_lookup(data.current_by_converter_key, (new_province, ""), "new province"))
    for old_key, new_keys in targets.items():
        new_keys.sort(key=lambda new_key: -communes_went_to[old_key][new_key])
    return targets


def add_province_and_district_successions(converter: dict, data: BuiltData) -> None:
    """Old province → new province(s); old district → its old province's new province.

    A district that already has a successor of its own (an island district that became a
    special zone, "đặc khu") gives its history there, not to the province.
    """
    targets = province_targets(converter, data)
    for old_province, new_provinces in targets.items():
        for index, new_province in enumerate(new_provinces):
            data.add_succession(old_province, new_province, index == 0)
    has_successor = {predecessor for predecessor, _ in data.successions}
    for row in data.units:
        if row["level"] == UnitLevel.DISTRICT:
            data.add_succession(row["key"], targets[row["parent"]][0], row["key"] not in has_successor)


def check_coverage(data: BuiltData) -> None:
    predecessors = {predecessor for predecessor, _ in data.successions}
    successors = {successor for _, successor in data.successions}
    histories = Counter(predecessor for (predecessor, _), takes in data.successions.items() if takes)
    for row in data.units:
        key = row["key"]
        if key.startswith("L:") and key not in predecessors:
            data.notes.append(f"{key} {row['name']}: no successor in the converter")
        if key.startswith("L:") and histories[key] != 1:
            data.notes.append(f"{key} {row['name']}: {histories[key]} successors take its history")
        if key.startswith("N:") and key not in successors:
            data.notes.append(f"{key} {row['name']}: no predecessor in the converter")


def write_csv_gz(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    # mtime=0 and no file name in the header: rebuilding from the same input gives the same bytes.
    with open(path, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))


def package_data_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)  # locates the package without importing pandas & co.
    if spec is None or not spec.submodule_search_locations:
        raise CommandError(f"{PACKAGE} is not installed: pip install {PACKAGE}==1.0.4")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def package_license() -> str:
    dist = importlib.metadata.distribution(PACKAGE)
    for file in dist.files or ():
        if file.name.upper().startswith("LICENSE"):
            return file.read_text(encoding="utf-8")
    raise CommandError(f"{PACKAGE}: no LICENSE file in its distribution")


class Command(BaseCommand):
    help = "Rebuild khoi/data/ (administrative units, both structures) from the vietnamadminunits package."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, help="folder with dataset.db and converter_2025.json")
        parser.add_argument("--verbose-notes", action="store_true", help="print every data note")

    def handle(self, *args, source: Path | None, verbose_notes: bool, **options):
        source = source or package_data_dir()
        data = BuiltData()
        with sqlite3.connect(f"file:{source / 'dataset.db'}?mode=ro", uri=True) as db:
            read_legacy_units(db, data)
            read_current_units(db, data)
        converter = json.loads((source / "converter_2025.json").read_text(encoding="utf-8"))
        add_commune_successions(converter, data)
        add_province_and_district_successions(converter, data)
        check_coverage(data)

        write_csv_gz(UNITS_FILE, UNIT_COLUMNS, data.units)
        successions = [
            {"predecessor": pred, "successor": succ, "effective_date": REFORM_DATE, "takes_history": int(takes)}
            for (pred, succ), takes in sorted(data.successions.items())
        ]
        write_csv_gz(SUCCESSIONS_FILE, SUCCESSION_COLUMNS, successions)
        if importlib.util.find_spec(PACKAGE) is not None:
            LICENSE_FILE.write_text(package_license(), encoding="utf-8")

        self.report(data, successions, verbose_notes)

    def report(self, data: BuiltData, successions: list[dict], verbose_notes: bool) -> None:
        levels = Counter((row["key"][0], row["level"]) for row in data.units)
        for (structure, level), count in sorted(levels.items()):
            self.stdout.write(f"{'legacy' if structure == 'L' else 'current'} {level}: {count}")
        self.stdout.write(f"successions: {len(successions)}")
        for path in (UNITS_FILE, SUCCESSIONS_FILE):
            self.stdout.write(f"wrote {path} ({path.stat().st_size:,} bytes)")
        shown = data.notes if verbose_notes else data.notes[:15]
        for note in shown:
            self.stdout.write(self.style.WARNING(f"note: {note}"))
        if len(shown) < len(data.notes):
            self.stdout.write(f"... {len(data.notes) - len(shown)} more notes (--verbose-notes)")
