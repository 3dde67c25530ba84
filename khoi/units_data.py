"""Loads the shipped administrative-unit data (``khoi/data/*.csv.gz``) into the database.

The files hold both structures: the one in force until 30 June 2025 (province → district →
commune) and the one from 1 July 2025 (province → commune), plus who succeeded whom. They are
built by ``manage.py build_units_data`` from the vietnamadminunits package, which the app
never imports at run time.

A unit's identity is (code, valid_to), the same pair the database keeps unique, so loading
again updates rows in place instead of duplicating them, and units added by users (e.g.
residential areas) are kept and re-pathed if their parents moved.
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TextIO

from django.db import connections, router, transaction

from khoi import text
from khoi.models import AdministrativeUnit, UnitSuccession

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_FILE = DATA_DIR / "admin_units.csv.gz"
SUCCESSIONS_FILE = DATA_DIR / "unit_successions.csv.gz"

UNIT_COLUMNS = ("key", "code", "name", "short_name", "unit_type", "level", "parent", "valid_from", "valid_to")
SUCCESSION_COLUMNS = ("predecessor", "successor", "effective_date", "takes_history")

# Django splits bulk queries itself where a backend needs it; this bounds the size of the
# CASE expressions bulk_update writes, which SQLite evaluates per row.
BATCH_SIZE = 500

UNIT_DATA_FIELDS = ("name", "short_name", "unit_type", "level", "parent_id", "valid_from", "search_name")
UnitIdentity = tuple[str, "dt.date | None"]


@dataclass(frozen=True)
class UnitRow:
    key: str
    code: str
    name: str
    short_name: str
    unit_type: str
    level: str
    parent: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @property
    def identity(self) -> UnitIdentity:
        return (self.code, self.valid_to)


@dataclass(frozen=True)
class SuccessionRow:
    predecessor: str
    successor: str
    effective_date: dt.date
    takes_history: bool


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _read_csv_gz(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != columns:
            raise ValueError(f"{path.name}: expected columns {columns}, found {reader.fieldnames}")
        return list(reader)


def read_unit_rows(path: Path = UNITS_FILE) -> list[UnitRow]:
    return [
        UnitRow(
            key=raw["key"], code=raw["code"].strip(), name=text.clean(raw["name"]),
            short_name=text.clean(raw["short_name"]), unit_type=raw["unit_type"], level=raw["level"],
            parent=raw["parent"], valid_from=_date(raw["valid_from"]), valid_to=_date(raw["valid_to"]),
        )
        for raw in _read_csv_gz(path, UNIT_COLUMNS)
    ]


def read_succession_rows(path: Path = SUCCESSIONS_FILE) -> list[SuccessionRow]:
    return [
        SuccessionRow(
            predecessor=raw["predecessor"], successor=raw["successor"],
            effective_date=dt.date.fromisoformat(raw["effective_date"]), takes_history=raw["takes_history"] == "1",
        )
        for raw in _read_csv_gz(path, SUCCESSION_COLUMNS)
    ]


def rows_by_depth(rows: list[UnitRow]) -> list[list[UnitRow]]:
    """Groups rows so that every parent is in an earlier group than its children."""
    by_key = {row.key: row for row in rows}
    depths: dict[str, int] = {}

    def depth(row: UnitRow) -> int:
        if row.key not in depths:
            if row.parent and row.parent not in by_key:
                raise ValueError(f"unit {row.key} has unknown parent {row.parent}")
            depths[row.key] = depth(by_key[row.parent]) + 1 if row.parent else 0
        return depths[row.key]

    groups: list[list[UnitRow]] = []
    for row in rows:
        level = depth(row)
        groups.extend([] for _ in range(level + 1 - len(groups)))
        groups[level].append(row)
    return groups


class _Log:
    def __init__(self, stdout: TextIO | None):
        self.stdout = stdout

    def __call__(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + ("" if message.endswith("\n") else "\n"))


def _apply_row(unit: AdministrativeUnit, row: UnitRow, parent_id: int | None) -> bool:
    """Copies a row's data onto a unit; returns whether anything changed."""
    values = {
        "name": row.name, "short_name": row.short_name, "unit_type": row.unit_type, "level": row.level,
        "parent_id": parent_id, "valid_from": row.valid_from, "search_name": text.fold(row.name),
    }
    changed = any(getattr(unit, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(unit, field, value)
    return changed


class UnitSync(NamedTuple):
    created: int
    updated: int
    pk_by_key: dict[str, int]


def _sync_unit_rows(rows: list[UnitRow], units: dict[UnitIdentity, AdministrativeUnit], log: _Log) -> UnitSync:
    """Creates missing units and updates changed ones, one tree level at a time.

    Parents are written before their children so that every child can point at a primary key.
    Paths are left to ``_sync_paths``.
    """
    pk_by_key: dict[str, int] = {}
    created = updated = 0
    for depth, group in enumerate(rows_by_depth(rows)):
        to_create, to_update = [], []
        for row in group:
            parent_id = pk_by_key[row.parent] if row.parent else None
            unit = units.get(row.identity)
            if unit is None:
                unit = AdministrativeUnit(code=row.code, valid_to=row.valid_to)
                _apply_row(unit, row, parent_id)
                to_create.append(unit)
                units[row.identity] = unit
            elif _apply_row(unit, row, parent_id):
                to_update.append(unit)
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        AdministrativeUnit.objects.bulk_update(to_update, UNIT_DATA_FIELDS, batch_size=BATCH_SIZE)
        pk_by_key.update((row.key, units[row.identity].pk) for row in group)
        created += len(to_create)
        updated += len(to_update)
        log(f"  depth {depth}: {len(group)} units, {len(to_create)} created, {len(to_update)} updated")
    return UnitSync(created, updated, pk_by_key)


def _sync_paths(units: list[AdministrativeUnit], using: str) -> int:
    """Recomputes path and depth for every unit (loaded or user-made) and writes the changed ones.

    Same result as ``AdministrativeUnit.build_path`` — bulk writes bypass ``save()``.
    """
    by_pk = {unit.pk: unit for unit in units}
    paths: dict[int, str] = {}

    def path_of(unit: AdministrativeUnit) -> str:
        if unit.pk not in paths:
            prefix = path_of(by_pk[unit.parent_id]) if unit.parent_id else "/"
            paths[unit.pk] = f"{prefix}{unit.pk}/"
        return paths[unit.pk]

    changed = []
    for unit in units:
        path = path_of(unit)
        depth = path.count("/") - 2
        if (unit.path, unit.depth) != (path, depth):
            unit.path, unit.depth = path, depth
            changed.append(unit)
    _write_paths(changed, using)
    return len(changed)


def _write_paths(units: list[AdministrativeUnit], using: str) -> None:
    """Writes path and depth with plain SQL.

    After a first load every unit needs this, and ``bulk_update`` would build a CASE
    expression per row and spend seconds in Python doing so. SQLite runs in-process, so one
    statement per row is cheap there; a database server gets batches joined to a VALUES list
    instead of a round trip per row.
    """
    meta = AdministrativeUnit._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    path, depth = quote(meta.get_field("path").column), quote(meta.get_field("depth").column)
    rows = [(unit.path, unit.depth, unit.pk) for unit in units]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"UPDATE {table} SET {path} = %s, {depth} = %s WHERE {pk} = %s", rows)
            return
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start:start + BATCH_SIZE]
            values = ", ".join(["(%s, %s, %s)"] * len(batch))
            cursor.execute(
                f"WITH new_paths (unit_path, unit_depth, unit_id) AS (VALUES {values})"
                f" UPDATE {table} SET {path} = new_paths.unit_path, {depth} = new_paths.unit_depth"
                f" FROM new_paths WHERE {table}.{pk} = new_paths.unit_id",
                [value for row in batch for value in row],
            )


def _sync_successions(rows: list[SuccessionRow], pk_by_key: dict[str, int]) -> dict[str, int]:
    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    to_create, to_update = [], []
    for row in rows:
        pair = (pk_by_key[row.predecessor], pk_by_key[row.successor])
        succession = existing.get(pair)
        if succession is None:
            to_create.append(UnitSuccession(
                predecessor_id=pair[0], successor_id=pair[1],
                effective_date=row.effective_date, takes_history=row.takes_history,
            ))
        elif (succession.effective_date, succession.takes_history) != (row.effective_date, row.takes_history):
            succession.effective_date, succession.takes_history = row.effective_date, row.takes_history
            to_update.append(succession)
    UnitSuccession.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    UnitSuccession.objects.bulk_update(to_update, ["effective_date", "takes_history"], batch_size=BATCH_SIZE)
    return {"created": len(to_create), "updated": len(to_update)}


def load_units(
    *, stdout: TextIO | None = None,
    units_file: Path = UNITS_FILE, successions_file: Path = SUCCESSIONS_FILE,
) -> dict:
    """Loads (or refreshes) all shipped units and successions in one transaction.

    Returns counts: units/successions in the files, how many were created or updated, how
    many paths were (re)written, and the elapsed seconds.
    """
    log = _Log(stdout)
    started = time.monotonic()
    unit_rows = read_unit_rows(units_file)
    succession_rows = read_succession_rows(successions_file)
    using = router.db_for_write(AdministrativeUnit)
    with transaction.atomic(using=using):
        all_units = list(AdministrativeUnit.objects.using(using))
        # (code, valid_to) is unique in the database, so this map holds every unit exactly once.
        units = {(unit.code, unit.valid_to): unit for unit in all_units}
        log(f"Units: {len(unit_rows)} in {units_file.name}, {len(all_units)} already in the database")
        unit_sync = _sync_unit_rows(unit_rows, units, log)
        paths_updated = _sync_paths(list(units.values()), using)
        log(f"Successions: {len(succession_rows)} in {successions_file.name}")
        succession_counts = _sync_successions(succession_rows, unit_sync.pk_by_key)
    return {
        "units": len(unit_rows),
        "units_created": unit_sync.created,
        "units_updated": unit_sync.updated,
        "paths_updated": paths_updated,
        "successions": len(succession_rows),
        "successions_created": succession_counts["created"],
        "successions_updated": succession_counts["updated"],
        "seconds": round(time.monotonic() - started, 2),
    }
