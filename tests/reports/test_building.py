"""The build pipeline (reports/building.py) run in-process: the snapshot, idempotent requests,
the claim, fencing of stale attempts, the attempt cap, failures and the lease sweeper.

Rendering is replaced by a fake here (the renderers have their own tests); the real-worker
crash test (test_worker_kill.py) renders for real."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import OperationalError
from django.utils import timezone

from reports import building, render
from reports.models import BuildStatus, ReportBuild, ReportFile, ReportStatus
from tests.reports import build_fixtures as bf

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_render(monkeypatch):
    calls = []

    def fake(fmt):
        def renderer(snapshot):
            calls.append(fmt)
            return f"{fmt}:{snapshot['report']['id']}:{snapshot['values']['AS01']['total']}".encode()
        return renderer

    for fmt in ("pdf", "docx", "xlsx"):
        monkeypatch.setattr(render, f"render_{fmt}", fake(fmt))
    return calls


@pytest.fixture
def world():
    return bf.quarter_world()


@pytest.fixture
def report(world):
    return bf.report(world.a.body, world.q1, number="12-BC/KDV", title="Báo cáo quý I", place="Đông",
                     issued_on=dt.date(2023, 3, 20), signer_title="Trưởng khối", signer_name="Nguyễn Văn A")


def _expire_lease(build_id):
    ReportBuild.objects.filter(pk=build_id).update(lease_until=timezone.now() - dt.timedelta(seconds=1))


def test_a_build_freezes_the_snapshot_and_stores_one_file_per_format(report, world, fake_render):
    build = building.request_build(report=report, user=None)

    result = building.run_build(build.pk)

    assert result.outcome == BuildStatus.DONE
    build.refresh_from_db()
    assert (build.status, build.progress, build.stage, build.attempts, build.version) == ("done", 100, "Xong", 1, 1)
    assert build.lease_until is None and build.finished_at is not None
    files = {f.format: f for f in build.files.all()}
    assert set(files) == {"pdf", "docx", "xlsx"}
    for fmt, item in files.items():
        data = item.file.read()
        assert data == f"{fmt}:{report.pk}:63".encode()
        assert item.sha256 == hashlib.sha256(data).hexdigest() and item.size == len(data)
        assert item.file.name == f"reports/{build.pk}/{item.sha256[:16]}.{fmt}"
    report.refresh_from_db()
    assert report.status == ReportStatus.BUILT

    snap = build.snapshot
    assert snap["format"] == 1
    assert snap["report"]["period"] == {"code": "2023-Q1", "label": "Quý I/2023", "start": "2023-01-01", "end": "2023-03-31"}
    assert snap["report"]["body"] == {"name": world.a.body.name, "short_name": "KDV", "unit_name": "Huyện Đông",
                                      "superior": "Huyện ủy Đông"}
    assert snap["report"]["issued_on"] == "2023-03-20" and snap["report"]["number"] == "12-BC/KDV"
    assert [c["code"] for c in snap["columns"]] == ["MTTQ", "HLHPN"]
    assert snap["groups"][0] == {"name": "An sinh xã hội", "codes": ["AS01"]}
    assert snap["indicators"]["TC10"] == {"name": "Tỷ lệ tập hợp", "unit_label": "người", "value_type": "percent",
                                          "aggregation": "ratio"}
    assert snap["values"]["AS01"] == {"by_column": {"MTTQ": "60", "HLHPN": "3"}, "total": "63",
                                      "previous": "7", "last_year": "3", "auto": None}
    assert snap["values"]["TC15"]["by_column"] == {"MTTQ": "1", "HLHPN": None}
    assert snap["values"]["TC10"]["total"] == "16.51"
    assert snap["values"]["UD01"]["auto"] == "0"  # counted by the app (reports.auto), never typed
    assert snap["previous_period"] == {"code": "2022-Q4", "label": "Quý IV/2022"}
    assert snap["last_year_period"] == {"code": "2022-Q1", "label": "Quý I/2022"}
    assert snap["completeness"] == {"expected": 6, "received": 5, "on_time": 4}
    assert len(snap["submissions"]) == 5 and all(rev == 1 for _id, rev in snap["submissions"])
    assert "GC01" not in snap["values"]


def test_the_same_request_twice_gives_one_build_and_one_enqueue(report, monkeypatch, django_capture_on_commit_callbacks):
    from reports.tasks import build_report

    sent = []
    monkeypatch.setattr(build_report, "delay", lambda *args, **kw: sent.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        first = building.request_build(report=report, user=None)
    with django_capture_on_commit_callbacks(execute=True):
        again = building.request_build(report=report, user=None)

    assert again.pk == first.pk
    assert ReportBuild.objects.count() == 1
    assert sent == [(first.pk,)]


def test_a_changed_narrative_or_a_new_revision_makes_a_new_version(report, world):
    first = building.request_build(report=report, user=None, enqueue=False)

    report.achievements = "Hoàn thành tốt các chỉ tiêu."
    report.save()
    second = building.request_build(report=report, user=None, enqueue=False)
    old = world.a.orgs["HLHPN"].submissions.get(period=world.months[0])
    old.is_current = False
    old.save()
    bf.submit(world.a.orgs["HLHPN"], world.months[0], {"AS01": 5}, revision=2)
    third = building.request_build(report=report, user=None, enqueue=False)

    assert [first.version, second.version, third.version] == [1, 2, 3]
    assert len({first.idempotency_key, second.idempotency_key, third.idempotency_key}) == 3


def test_a_lost_race_on_the_key_returns_the_winners_build(report, monkeypatch):
    winner = building.request_build(report=report, user=None, enqueue=False)
    real_filter = ReportBuild.objects.filter
    blinded = []

    def filter_missing_the_winner(*args, **kwargs):  # the lookup ran before the winner committed
        if "report" in kwargs and not blinded:
            blinded.append(True)
            return ReportBuild.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(ReportBuild.objects, "filter", filter_missing_the_winner)
    loser = building.request_build(report=report, user=None, enqueue=False)

    assert blinded and loser.pk == winner.pk
    assert ReportBuild.objects.count() == 1


def test_a_stale_attempt_cannot_overwrite_the_one_that_took_over(report, monkeypatch):
    build = building.request_build(report=report, user=None, enqueue=False)
    outcomes = []

    def slow_pdf(snapshot):
        if not outcomes:  # attempt 1 is "stuck" rendering: its lease expires, attempt 2 does the whole build
            outcomes.append("stuck")
            _expire_lease(build.pk)
            outcomes.append(building.run_build(build.pk))
        return b"pdf"

    monkeypatch.setattr(render, "render_pdf", slow_pdf)
    monkeypatch.setattr(render, "render_docx", lambda s: b"docx")
    monkeypatch.setattr(render, "render_xlsx", lambda s: b"xlsx")

    stale = building.run_build(build.pk)

    assert outcomes[1].outcome == BuildStatus.DONE and outcomes[1].attempt == 2
    assert stale.outcome == "superseded" and stale.attempt == 1
    build.refresh_from_db()
    assert (build.status, build.attempts) == ("done", 2)
    assert ReportFile.objects.filter(build=build).count() == 3
    # and a fenced step of the stale attempt changes nothing
    with pytest.raises(building.Superseded):
        building._finish(build.pk, 1)
    with pytest.raises(building.Superseded):
        building._advance(build.pk, 1, 40, "Lập PDF")


def test_a_live_lease_is_left_alone_and_a_finished_build_is_not_redone(report, fake_render):
    build = building.request_build(report=report, user=None, enqueue=False)
    claimed = building._claim(build.pk)
    assert claimed.outcome == BuildStatus.RUNNING and claimed.attempt == 1

    leased = building.run_build(build.pk)
    assert leased.outcome == "leased" and 0 < leased.retry_in <= building.lease_duration().total_seconds() + 1

    _expire_lease(build.pk)
    assert building.run_build(build.pk).outcome == BuildStatus.DONE
    assert building.run_build(build.pk).outcome == "finished"
    assert fake_render == ["pdf", "docx", "xlsx"]
    assert building.run_build(10**9).outcome == "missing"


def test_a_rerun_after_a_crash_keeps_the_frozen_figures_and_the_files_already_stored(report, world, fake_render):
    build = building.request_build(report=report, user=None, enqueue=False)
    attempt = building._claim(build.pk).attempt
    frozen = building._freeze_snapshot(build.pk, attempt)
    building._store(build.pk, attempt, "pdf", b"pdf of attempt 1")
    # the worker dies; meanwhile a late figure arrives
    bf.submit(world.a.orgs["HLHPN"], world.months[2], {"AS01": 1000})
    _expire_lease(build.pk)

    assert building.run_build(build.pk).outcome == BuildStatus.DONE

    build.refresh_from_db()
    assert build.attempts == 2 and build.snapshot == frozen
    assert build.files.get(format="pdf").file.read() == b"pdf of attempt 1"
    assert fake_render == ["docx", "xlsx"]


def test_the_attempt_cap_stops_a_poison_pill(report, fake_render):
    build = building.request_build(report=report, user=None, enqueue=False)
    for attempt in (1, 2, 3):  # each attempt kills its worker right after the claim
        assert building._claim(build.pk).attempt == attempt
        _expire_lease(build.pk)

    result = building.run_build(build.pk)

    assert result.outcome == BuildStatus.FAILED and result.attempt == 4
    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED and "3 lần" in build.error
    assert not build.files.exists() and fake_render == []
    # asking again for the same thing gives the same build another chance
    again = building.request_build(report=report, user=None, enqueue=False)
    assert again.pk == build.pk and (again.status, again.attempts) == ("pending", 0)


def test_a_rendering_error_fails_the_build_with_its_message(report, monkeypatch, fake_render):
    def broken(snapshot):
        raise ValueError("phông chữ bị thiếu")

    monkeypatch.setattr(render, "render_docx", broken)
    build = building.request_build(report=report, user=None, enqueue=False)

    assert building.run_build(build.pk).outcome == BuildStatus.FAILED

    build.refresh_from_db()
    assert build.status == BuildStatus.FAILED and "phông chữ bị thiếu" in build.error
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_a_transient_error_gives_the_claim_back_for_the_retry(report, monkeypatch, fake_render):
    def flaky(snapshot):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(render, "render_pdf", flaky)
    build = building.request_build(report=report, user=None, enqueue=False)

    with pytest.raises(OperationalError):
        building.run_build(build.pk)

    build.refresh_from_db()
    assert (build.status, build.attempts, build.lease_until) == ("pending", 1, None)


def test_the_sweeper_re_enqueues_dead_and_lost_builds(report, world, monkeypatch):
    from reports.tasks import build_report

    sent = []
    monkeypatch.setattr(build_report, "delay", lambda build_id: sent.append(build_id))
    now = timezone.now()
    dead = building.request_build(report=report, user=None, enqueue=False)
    ReportBuild.objects.filter(pk=dead.pk).update(status="running", attempts=1, lease_until=now - dt.timedelta(minutes=1))
    other = bf.report(world.b.body, world.q1)
    lost = building.request_build(report=other, user=None, enqueue=False)
    ReportBuild.objects.filter(pk=lost.pk).update(requested_at=now - dt.timedelta(hours=1))
    report.title = "khác"
    report.save()
    alive = building.request_build(report=report, user=None, enqueue=False)
    ReportBuild.objects.filter(pk=alive.pk).update(status="running", attempts=1, lease_until=now + dt.timedelta(minutes=5))

    assert building.sweep_expired_leases() == 2
    assert sorted(sent) == sorted([dead.pk, lost.pk])


def test_figures_corrected_under_the_same_revision_make_a_new_build(world, report):
    # the same request twice gives one build
    first = building.request_build(report=report, user=None, enqueue=False)
    assert building.request_build(report=report, user=None, enqueue=False) == first
    # a returned submission corrected and sent again keeps its id and revision, not its figures
    from reports.models import Figure, Submission

    march = Submission.objects.get(organization=world.a.orgs["MTTQ"], period=world.months[2])
    Figure.objects.filter(submission=march, indicator__code="AS01").update(value=300)
    second = building.request_build(report=report, user=None, enqueue=False)
    assert second != first and second.version == 2
    # so does a correction of the figures the comparison columns read (the previous period)
    december = Submission.objects.get(organization=world.a.orgs["MTTQ"], period__code="2022-12")
    Figure.objects.filter(submission=december, indicator__code="AS01").update(value=8)
    assert building.request_build(report=report, user=None, enqueue=False).version == 3


def test_going_back_to_an_earlier_narrative_makes_a_new_latest_version(report):
    first = building.request_build(report=report, user=None, enqueue=False)
    report.title = "Báo cáo quý I (sửa)"
    report.save()
    second = building.request_build(report=report, user=None, enqueue=False)
    report.title = "Báo cáo quý I"  # back to the first wording
    report.save()
    third = building.request_build(report=report, user=None, enqueue=False)
    assert [b.version for b in (first, second, third)] == [1, 2, 3]  # the page shows and downloads v3
    assert building.request_build(report=report, user=None, enqueue=False) == third  # asked again: the same


def test_key_depends_on_narrative_revisions_and_content(report):
    key = building.build_key(report, [(1, 1), (2, 1)])
    assert key == building.build_key(report, [(1, 1), (2, 1)])
    assert key != building.build_key(report, [(1, 1), (2, 2)])
    assert key != building.build_key(report, [(1, 1), (2, 1)], content="other figures")
    assert len(key) == 64


@pytest.mark.parametrize(("unit_type", "name", "expected"), [
    ("Huyện", "Huyện Đầm Hà", "Huyện ủy Đầm Hà"),
    ("Tỉnh", "Tỉnh Quảng Ninh", "Tỉnh ủy Quảng Ninh"),
    ("Thành phố", "Thành phố Hạ Long", "Thành ủy Hạ Long"),
    ("Xã", "Xã Quảng Hà", "Đảng ủy xã Quảng Hà"),
])
def test_superior_of(unit_type, name, expected):
    from khoi.models import AdministrativeUnit

    assert building.superior_of(AdministrativeUnit(unit_type=unit_type, name=name)) == expected


def test_number_format():
    from decimal import Decimal

    assert building.number(Decimal("1200.00")) == "1200"
    assert building.number(Decimal("12.50")) == "12.5"
    assert building.number(Decimal("0.00")) == "0"
    assert building.number(None) is None
