"""Building a joint report: an idempotent, crash-safe job kept in ``ReportBuild``.

``request_build`` (web request, management command) creates the build once per idempotency
key — the report, its narrative, the submission revisions it will read and the template's
cut-off — and enqueues ``reports.tasks.build_report`` after commit. ``run_build`` (the task's
body, also run synchronously by ``manage.py build_report``) follows ``research/reliability.md``
§2.3:

1. claim with one conditional UPDATE (pending, or running with an expired lease → running,
   attempts + 1, a lease); nothing claimed → another attempt holds it, or it is finished;
   more than ``MAX_ATTEMPTS`` claims → failed (a poison pill that kills its worker stops here);
2. freeze the rolled-up figures into ``ReportBuild.snapshot`` (``reports/snapshot.py``) once:
   a later attempt reuses them, so every file of a build shows the same figures;
3. render PDF, Word and Excel (``reports.render``), each stored once (content-addressed file,
   one ``ReportFile`` per build and format);
4. finish with an UPDATE fenced by the attempt number: a stale attempt cannot overwrite.

Every step after the claim is fenced the same way (``Superseded`` when the attempt lost its
lease). ``sweep_expired_leases`` (celery beat) re-enqueues builds whose worker died.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from khoi.models import AdministrativeUnit
from reports import periods
from reports import snapshot as snapshot_format
from reports.models import (
    BuildStatus,
    Figure,
    Report,
    ReportBuild,
    ReportFile,
    ReportStatus,
    build_file_path,
)
from reports.rollup import Rollup, _scope_paths, rollup, rollup_submissions
from reports.selectors import indicator_catalog_for_unit

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LEASE_MARGIN_SECONDS = 5  # the lease outlives the task's hard time limit by this much
PENDING_GRACE = timedelta(minutes=10)  # a pending build older than this lost its message
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)
NARRATIVE_FIELDS = (
    "number", "place", "issued_on", "title", "achievements", "limitations", "causes", "next_tasks",
    "recipients", "signer_title", "signer_name",
)  # fmt: skip

# Stages are stored in Vietnamese (the source strings) and translated when shown (ReportBuild.stage_display).
STAGE_ROLLUP = (10, gettext_noop("Tổng hợp số liệu"))
STAGE_DONE = (100, gettext_noop("Xong"))
RENDER_STEPS = (  # format, (progress, stage), renderer in reports.render
    ("pdf", (40, gettext_noop("Lập PDF")), "render_pdf"),
    ("docx", (70, gettext_noop("Lập Word")), "render_docx"),
    ("xlsx", (85, gettext_noop("Lập Excel")), "render_xlsx"),
)
# The left header of the document: the Party committee over the body, by unit type.
PARTY_COMMITTEES = {"tỉnh": "Tỉnh ủy", "thành phố": "Thành ủy", "huyện": "Huyện ủy", "quận": "Quận ủy", "thị xã": "Thị ủy"}


class Superseded(Exception):
    """This attempt lost its lease: another attempt claimed the build (or it was finished)."""


@dataclasses.dataclass(frozen=True)
class RunResult:
    """What ``run_build`` did: ``outcome`` is done, failed, finished (nothing to do), leased
    (another attempt holds a valid lease: try again in ``retry_in`` seconds), superseded or missing."""

    outcome: str
    attempt: int = 0
    retry_in: float | None = None


# --------------------------------------------------------------------------------------------
# Request
# --------------------------------------------------------------------------------------------


def build_key(report: Report, submissions: list[tuple[int, int]], content: str = "") -> str:
    """sha256 of what the build's output depends on (pure, given the report's fields).

    ``submissions``: the (id, revision) pairs of the report's own period; ``content``: a digest
    of everything else the snapshot reads (``content_digest``)."""
    narrative = {}
    for name in NARRATIVE_FIELDS:
        value = getattr(report, name)
        narrative[name] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
    payload = {
        "format": snapshot_format.FORMAT,
        "report": report.pk,
        "narrative": narrative,
        "submissions": [list(pair) for pair in submissions],
        "content": content,
        "cutoff_day": report.period.template.cutoff_day,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def content_digest(report: Report) -> str:
    """A digest of the figures a build reads beyond the report's own (id, revision) pairs: the
    values of the submissions of the period, the previous period and the same period last year
    (a returned submission corrected and sent again keeps its revision), and the catalog in
    force (names, codes, aggregations). Two queries."""
    from reports.services import get_or_create_period

    template = report.period.template
    spec = periods.parse(report.period.code)
    unit = report.joint_body.unit
    ids = set()
    for code in (report.period.code, spec.previous().code, spec.same_period_last_year().code):
        compared = get_or_create_period(template, code)  # as build_snapshot does
        ids.update(pk for pk, _revision in rollup_submissions(unit, compared))
    digest = hashlib.sha256()
    figures = (Figure.objects.filter(submission_id__in=ids).order_by("submission_id", "indicator_id")
               .values_list("submission_id", "indicator_id", "value", "text"))
    for row in figures.iterator(chunk_size=5000):
        digest.update(repr(row).encode())
    catalog = indicator_catalog_for_unit(unit).order_by("pk").values_list(
        "pk", "code", "name", "group", "unit_label", "aggregation", "is_active", "numerator_id", "denominator_id")
    digest.update(repr(list(catalog)).encode())
    return digest.hexdigest()


def request_build(*, report: Report, user, enqueue: bool = True) -> ReportBuild:
    """The build of the report as it stands now: the existing one for the same key, else a new version.

    The caller authorizes (``reports.reporting.report_request_build`` checks ``khoi.access``).
    A failed build asked for again is reset and retried. The task is enqueued after commit;
    ``enqueue=False`` leaves it pending for a synchronous ``run_build`` (the command).
    """
    report = Report.objects.select_related("joint_body__unit", "period__template").get(pk=report.pk)
    content = build_key(report, rollup_submissions(report.joint_body.unit, report.period), content_digest(report))
    with transaction.atomic():
        latest = ReportBuild.objects.filter(report=report).order_by("-version").first()
        # the latest build is the one shown and finished against: going back to an earlier
        # content is a new version, asking again for the latest content is that build
        key = hashlib.sha256(f"{content}:{latest.pk if latest else ''}".encode()).hexdigest()
        build = latest if latest is not None and latest.content_key == content else None
        if build is not None:
            reset = ReportBuild.objects.filter(pk=build.pk, status=BuildStatus.FAILED).update(
                status=BuildStatus.PENDING, attempts=0, lease_until=None, error="", progress=0, stage="",
                finished_at=None,
            )  # fmt: skip
            if reset:
                build.refresh_from_db()
                if enqueue:
                    _enqueue(build.pk)
            return build
        Report.objects.select_for_update().filter(pk=report.pk).first()  # one version number at a time
        version = (ReportBuild.objects.filter(report=report).aggregate(v=Max("version"))["v"] or 0) + 1
        try:
            with transaction.atomic():
                build = ReportBuild.objects.create(
                    report=report, version=version, content_key=content, idempotency_key=key, requested_by=user
                )
        except IntegrityError:  # the same request won the race
            return ReportBuild.objects.get(idempotency_key=key)
        if enqueue:
            _enqueue(build.pk)
    return build


def _enqueue(build_id: int) -> None:
    from reports.tasks import build_report

    build_report.delay_on_commit(build_id)


# --------------------------------------------------------------------------------------------
# Run
# --------------------------------------------------------------------------------------------


def lease_duration() -> timedelta:
    """Longer than a task may live (its hard time limit), so a valid lease means a live attempt."""
    return timedelta(seconds=int(settings.CELERY_TASK_TIME_LIMIT) + LEASE_MARGIN_SECONDS)


def run_build(build_id: int) -> RunResult:
    """Claim the build, freeze its snapshot, render and store its files, finish; see the module docstring.

    Transient database or connection errors give the claim back and propagate (the task
    retries them); any other error marks the build failed with its message.
    """
    claimed = _claim(build_id)
    if claimed.outcome != BuildStatus.RUNNING:
        return claimed
    attempt = claimed.attempt
    delay = float(os.environ.get("REPORT_TEST_DELAY") or 0)
    if delay:  # test-only hook: a window in which the crash test kills the worker
        time.sleep(delay)
    try:
        _advance(build_id, attempt, *STAGE_ROLLUP)
        frozen = _freeze_snapshot(build_id, attempt)
        from reports import render

        for fmt, (progress, stage), renderer in RENDER_STEPS:
            _advance(build_id, attempt, progress, stage)
            if not ReportFile.objects.filter(build_id=build_id, format=fmt).exists():
                _store(build_id, attempt, fmt, getattr(render, renderer)(frozen))
        _finish(build_id, attempt)
    except Superseded:
        logger.warning("report build %s: attempt %s was superseded", build_id, attempt)
        return RunResult("superseded", attempt)
    except TRANSIENT_ERRORS:
        _release(build_id, attempt)
        raise
    except Exception as exc:
        logger.exception("report build %s failed", build_id)
        _fail(build_id, attempt, f"{type(exc).__name__}: {exc}")
        return RunResult(BuildStatus.FAILED, attempt)
    return RunResult(BuildStatus.DONE, attempt)


def _claim(build_id: int) -> RunResult:
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            ReportBuild.objects.filter(pk=build_id)
            .filter(
                Q(status=BuildStatus.PENDING)
                | Q(status=BuildStatus.RUNNING, lease_until__isnull=True)
                | Q(status=BuildStatus.RUNNING, lease_until__lt=now)
            )
            .update(status=BuildStatus.RUNNING, attempts=F("attempts") + 1, lease_until=now + lease_duration())
        )
        # Our UPDATE holds the row lock until commit: what we read back is our own attempt.
        row = ReportBuild.objects.filter(pk=build_id).values("status", "attempts", "lease_until").first()
    if row is None:
        return RunResult("missing")
    if not claimed:
        if row["status"] == BuildStatus.RUNNING:
            left = (row["lease_until"] - now).total_seconds() if row["lease_until"] else 0
            return RunResult("leased", row["attempts"], retry_in=max(left, 0) + 1)
        return RunResult("finished", row["attempts"])
    attempt = row["attempts"]
    if attempt > MAX_ATTEMPTS:
        _fail(build_id, attempt, f"Đã thử lập {attempt - 1} lần không thành công (tiến trình lập bị dừng giữa chừng).")
        return RunResult(BuildStatus.FAILED, attempt)
    return RunResult(BuildStatus.RUNNING, attempt)


def _mine(build_id: int, attempt: int):
    return ReportBuild.objects.filter(pk=build_id, attempts=attempt, status=BuildStatus.RUNNING)


def _advance(build_id: int, attempt: int, progress: int, stage: str) -> None:
    if not _mine(build_id, attempt).update(progress=progress, stage=stage):
        raise Superseded


def _freeze_snapshot(build_id: int, attempt: int) -> dict:
    build = ReportBuild.objects.select_related("report__joint_body__unit", "report__period__template").get(pk=build_id)
    if build.snapshot:  # frozen by an earlier attempt: the files must show the same figures
        return build.snapshot
    frozen = build_snapshot(build.report)
    if not _mine(build_id, attempt).filter(snapshot__isnull=True).update(snapshot=frozen):
        current = ReportBuild.objects.filter(pk=build_id).values("attempts", "status", "snapshot").first()
        if not current or current["attempts"] != attempt or current["status"] != BuildStatus.RUNNING:
            raise Superseded
        return current["snapshot"]
    return frozen


def _store(build_id: int, attempt: int, fmt: str, data: bytes) -> ReportFile:
    """Write the document under a content-addressed name, then its row (once per build and format)."""
    digest = hashlib.sha256(data).hexdigest()
    item = ReportFile(build_id=build_id, format=fmt, sha256=digest, size=len(data))
    storage = item.file.storage
    path = build_file_path(item, "")
    if storage.exists(path) and _stored_digest(storage, path) == digest:
        item.file.name = path  # written by an earlier attempt that died before its row
    else:
        if storage.exists(path):  # a partial write of a killed attempt
            storage.delete(path)
        item.file.save(path, ContentFile(data), save=False)
    with transaction.atomic():
        if not _mine(build_id, attempt).select_for_update().exists():
            raise Superseded
        stored, _created = ReportFile.objects.get_or_create(
            build_id=build_id, format=fmt,
            defaults={"file": item.file.name, "sha256": digest, "size": len(data)},
        )  # fmt: skip
    return stored


def _stored_digest(storage, path: str) -> str:
    digest = hashlib.sha256()
    with storage.open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _finish(build_id: int, attempt: int) -> None:
    now = timezone.now()
    with transaction.atomic():
        progress, stage = STAGE_DONE
        done = _mine(build_id, attempt).update(
            status=BuildStatus.DONE, progress=progress, stage=stage, finished_at=now, lease_until=None, error=""
        )
        if not done:
            raise Superseded
        build = ReportBuild.objects.select_related("report").get(pk=build_id)
        report = Report.objects.select_for_update().get(pk=build.report_id)
        latest = ReportBuild.objects.filter(report=report).aggregate(v=Max("version"))["v"]
        if build.version == latest and report.status != ReportStatus.BUILT:
            report.status = ReportStatus.BUILT
            report.save(update_fields=["status", "updated_at"])


def _fail(build_id: int, attempt: int, message: str) -> None:
    ReportBuild.objects.filter(pk=build_id, attempts=attempt).exclude(status=BuildStatus.DONE).update(
        status=BuildStatus.FAILED, error=message[:2000], lease_until=None, finished_at=timezone.now()
    )


def _release(build_id: int, attempt: int) -> None:
    """Give the claim back so the task's retry can claim at once (best effort: the database may be down)."""
    try:
        _mine(build_id, attempt).update(status=BuildStatus.PENDING, lease_until=None)
    except TRANSIENT_ERRORS:
        logger.warning("report build %s: could not release attempt %s", build_id, attempt)


def sweep_expired_leases() -> int:
    """Re-enqueue builds whose attempt died (running, lease expired) or whose message was lost
    (pending for a long time). Duplicates are harmless: the claim lets one attempt through."""
    from reports.tasks import build_report

    now = timezone.now()
    stale = list(
        ReportBuild.objects.filter(
            Q(status=BuildStatus.RUNNING, lease_until__lt=now)
            | Q(status=BuildStatus.RUNNING, lease_until__isnull=True)
            | Q(status=BuildStatus.PENDING, requested_at__lt=now - PENDING_GRACE)
        ).values_list("pk", flat=True)[:500]
    )
    for build_id in stale:
        build_report.delay(build_id)
    return len(stale)


# --------------------------------------------------------------------------------------------
# The snapshot (reports/snapshot.py)
# --------------------------------------------------------------------------------------------


def build_snapshot(report: Report) -> dict:
    """The report's frozen content: rolled-up figures with the previous period and the same
    period last year, what the app counted itself, completeness and the submission revisions read."""
    from reports.services import get_or_create_period

    unit = report.joint_body.unit
    period = report.period
    template = period.template
    spec = periods.parse(period.code)
    previous_period = get_or_create_period(template, spec.previous().code)
    last_year_period = get_or_create_period(template, spec.same_period_last_year().code)

    current = rollup(unit, period)
    codes = list(current.indicators)
    previous = rollup(unit, previous_period, indicators=codes)
    last_year = rollup(unit, last_year_period, indicators=codes)
    auto = _auto_counts(current)

    groups: dict[str, list[str]] = {}
    for code, ind in current.indicators.items():
        if ind.group:
            groups.setdefault(ind.group, []).append(code)
    body = report.joint_body
    return {
        "format": snapshot_format.FORMAT,
        "built_at": timezone.localtime().isoformat(timespec="seconds"),
        "report": {
            "id": report.pk,
            "number": report.number,
            "title": report.title,
            "place": report.place,
            "issued_on": report.issued_on.isoformat() if report.issued_on else None,
            "period": {"code": period.code, "label": periods.label(period.code),
                       "start": period.start.isoformat(), "end": period.end.isoformat()},
            "body": {"name": body.name, "short_name": body.short_name, "unit_name": unit.name,
                     "superior": superior_of(unit)},
            "achievements": report.achievements,
            "limitations": report.limitations,
            "causes": report.causes,
            "next_tasks": report.next_tasks,
            "recipients": report.recipients,
            "signer_title": report.signer_title,
            "signer_name": report.signer_name,
        },
        "columns": [{"code": c.code, "short_name": c.short_name, "name": c.name} for c in current.columns],
        "groups": [{"name": name, "codes": group_codes} for name, group_codes in groups.items()],
        "indicators": {
            code: {"name": ind.name, "unit_label": ind.unit_label, "value_type": ind.value_type,
                   "aggregation": ind.aggregation}
            for code, ind in current.indicators.items()
        },
        "values": {
            code: {
                "by_column": {c.code: number(current.values[code].get(c.code)) for c in current.columns},
                "total": number(current.totals.get(code)),
                "previous": number(previous.totals.get(code)),
                "last_year": number(last_year.totals.get(code)),
                "auto": auto.get(code),
            }
            for code in codes
        },
        "previous_period": {"code": previous_period.code, "label": periods.label(previous_period.code)},
        "last_year_period": {"code": last_year_period.code, "label": periods.label(last_year_period.code)},
        "completeness": current.completeness.as_dict(),
        "submissions": [list(pair) for pair in rollup_submissions(unit, period)],
    }


def _auto_counts(current: Rollup) -> dict[str, str | None]:
    """code → what the app counted itself over the roll-up's scope (None without ``reports.auto``)."""
    try:
        from reports import auto
    except ImportError:
        return {}
    sources = getattr(auto, "SOURCES", {})
    wanted = {code: ind.auto_source for code, ind in current.indicators.items() if ind.auto_source in sources}
    if not wanted:
        return {}
    paths = _scope_paths([current.unit])[current.unit.pk]
    period = current.period
    out = {}
    for code, source in wanted.items():
        counts = auto.count(source, paths, period.start, period.end)
        out[code] = str(sum(counts.get(path, 0) for path in paths))
    return out


def number(value: Decimal | None) -> str | None:
    """A Decimal as the snapshot writes it: "1234", "12.5" (no exponent, no trailing zeros)."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def superior_of(unit: AdministrativeUnit) -> str:
    """The Party committee a unit's joint body answers to: "Huyện ủy Đầm Hà", "Đảng ủy xã Quảng Hà"."""
    kind = (unit.unit_type or "").strip()
    name = unit.name.strip()
    rest = name[len(kind):].strip() if kind and name.lower().startswith(kind.lower()) else name
    committee = PARTY_COMMITTEES.get(kind.lower())
    if committee:
        return f"{committee} {rest}"
    return f"Đảng ủy {kind.lower()} {rest}".replace("  ", " ").strip() if kind else f"Đảng ủy {name}"
