"""The reports demo as a new user meets it: two years of monthly figures for every organization
of Đầm Hà and Na Hang and their communes, one late and one returned submission, plausible
numbers, and Đầm Hà's 2023 year report built; seeding twice changes nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count
from pypdf import PdfReader

from khoi.demo import seed_demo
from khoi.models import AdministrativeUnit, Organization
from khoi.units_data import load_units
from reports import rollup
from reports.demo import RETURN_COMMENT, seed_reports
from reports.models import BuildStatus, Figure, Report, ReportBuild, Submission, SubmissionStatus
from reports.render import format_number

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_units()
        seed_demo()
        seed_reports()
        yield
        transaction.set_rollback(True)


def district(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.filter(code=code, level="district").order_by("-valid_from").first()


def counts():
    return Submission.objects.count(), Figure.objects.count(), Report.objects.count(), ReportBuild.objects.count()


def test_seeding_twice_changes_nothing(demo):
    before = counts()
    seed_reports()
    assert counts() == before


@pytest.mark.parametrize("code", ["200", "072"])
def test_every_organization_of_the_district_and_its_communes_reports_monthly_for_two_years(demo, code):
    unit = district(code)
    organizations = Organization.objects.filter(unit__path__startswith=unit.path).exclude(org_type__code="BDV")
    assert organizations.filter(unit__level="commune").count() >= 5 * unit.children.count() > 0
    months = Submission.objects.filter(organization__in=organizations).values("organization").annotate(
        n=Count("period__code", distinct=True))
    assert {row["n"] for row in months} == {24}
    assert len(months) == organizations.count()


@pytest.mark.parametrize("code", ["200", "072"])
def test_one_late_and_one_returned_submission(demo, code):
    subs = Submission.objects.filter(organization__unit__path__startswith=district(code).path)
    late = [s for s in subs.filter(status=SubmissionStatus.SUBMITTED).select_related("period") if s.is_late]
    assert len(late) == 1
    returned = subs.filter(status=SubmissionStatus.RETURNED)
    assert returned.count() == 1 and returned.get().return_comment == RETURN_COMMENT


def test_ratios_stay_plausible(demo):
    report = Report.objects.get(joint_body__unit__code="200", period__code="2023-Y")
    r = rollup.rollup(report.joint_body.unit, report.period)
    for code in ("TC10", "TC16"):  # membership rate, congresses held: never above 100 %
        assert all(v is None or v <= 100 for v in r.values[code].values()), (code, r.values[code])
        assert r.totals[code] is not None and r.totals[code] <= 100


def test_the_2023_year_report_of_dam_ha_is_built_and_its_pdf_shows_the_rolled_up_totals(demo):
    report = Report.objects.get(joint_body__unit__code="200", period__code="2023-Y")
    build = report.builds.get()
    assert build.status == BuildStatus.DONE and report.status == "built"
    assert sorted(build.files.values_list("format", flat=True)) == ["docx", "pdf", "xlsx"]
    with build.files.get(format="pdf").file.open("rb") as pdf:
        text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    total = rollup.rollup(report.joint_body.unit, report.period).totals["AS01"]
    assert total and total > Decimal(0)
    assert format_number(total, "amount") in text and "Nơi nhận" in text
