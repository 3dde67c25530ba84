"""Every UI URL × method × role × object position answers as the hand-written table says,
and no URL is missing from the table."""
from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from khoi.models import JointBody, Organization, Person, Position
from tests.khoi.access_matrix import ELSEWHERE, MATRIX, ROLES

POSITIONS = ("own", "other_district", "other_province")


def object_kwargs(world, url_name: str, where: str) -> dict:
    from tests.campaigns.matrix_rows import OBJECTS as CAMPAIGN_OBJECTS
    from tests.reports.matrix_rows_reports import KWARGS, OBJECTS as REPORT_OBJECTS
    from tests.reports.matrix_rows_submissions import OBJECTS as SUBMISSION_OBJECTS

    d = world.districts[where]
    objects = {**CAMPAIGN_OBJECTS, **SUBMISSION_OBJECTS, **REPORT_OBJECTS}
    if url_name in objects:
        return {"pk": getattr(d, objects[url_name]).pk, **KWARGS.get(url_name, {})}
    target = {
        "khoi:unit_detail": d.unit, "khoi:unit_edit": d.commune,
        "khoi:organization_detail": d.orgs["HLHPN"], "khoi:organization_edit": d.orgs["HLHPN"],
        "khoi:jointbody_detail": d.body, "khoi:jointbody_edit": d.body,
        "khoi:subcommittee_detail": d.subs["propaganda"], "khoi:subcommittee_edit": d.subs["propaganda"],
        "khoi:person_detail": d.person, "khoi:person_edit": d.person, "khoi:person_login": d.person,
        "khoi:position_edit": d.org_position,
        "khoi:rule_detail": world.rules[where], "khoi:rule_edit": world.rules[where],
        **{name: d.programme for name in ("programme:programme_detail", "programme:programme_month",
                                          "programme:programme_week", "programme:programme_export",
                                          "programme:programme_pdf", "programme:programme_docx",
                                          "programme:programme_template", "programme:programme_import",
                                          "programme:activity_create")},
        "programme:activity_detail": d.joint_activity, "programme:activity_join": d.joint_activity,
        "programme:activity_edit": d.own_activity, "programme:activity_attach": d.own_activity,
        "programme:attachment_download": d.attachment,
        **{name: d.overlap for name in ("programme:overlap_merge", "programme:overlap_keep", "programme:overlap_move")},
        **{name: d.task for name in ("subcommittees:task_detail", "subcommittees:task_edit", "subcommittees:task_status")},
    }.get(url_name)
    return {"pk": target.pk} if target is not None else {}


def cases():
    for url_name, methods in MATRIX.items():
        for method, row in methods.items():
            assert set(row) == set(ROLES), f"{url_name} {method}: every role needs a cell"
            for role in ROLES:
                cells = row[role].split()
                cells = cells * 3 if len(cells) == 1 else cells
                for where, expected in zip(POSITIONS, cells):
                    yield pytest.param(url_name, method, role, where, int(expected),
                                       id=f"{url_name}-{method}-{role}-{where}")


def snapshot():
    from programme.models import Activity, Overlap
    from reports.models import Figure, Report, ReportBuild, ReportTemplate, Submission
    from subcommittees.models import Task

    return (
        list(Activity.objects.order_by("pk").values_list("title", "owner_id", "start_date", "status")),
        list(Overlap.objects.order_by("pk").values_list("status", flat=True)),
        list(Task.objects.order_by("pk").values_list("title", "status", "assignee_id")),
        list(Organization.objects.order_by("pk").values_list("name", flat=True)),
        list(JointBody.objects.order_by("pk").values_list("name", flat=True)),
        list(Person.objects.order_by("pk").values_list("full_name", "user_id")),
        Position.objects.count(),
        list(Submission.objects.order_by("pk").values_list("status", "is_current", "revision")),
        list(Figure.objects.order_by("pk").values_list("submission_id", "indicator_id", "value")),
        list(Report.objects.order_by("pk").values_list("status", "title", "number", "return_comment")),
        ReportBuild.objects.count(),
        list(ReportTemplate.objects.order_by("pk").values_list("province_id", "cutoff_day", "deadline_days")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url_name,method,role,where,expected", list(cases()))
def test_access_matrix(world, client_for, url_name, method, role, where, expected):
    # given a user of a role and an object in some position
    url = reverse(url_name, kwargs=object_kwargs(world, url_name, where))
    client = client_for(role)
    before = snapshot()
    # when
    response = client.get(url) if method == "GET" else client.post(url, {})
    # then
    assert response.status_code == expected
    if expected in (403, 404, 405):
        assert snapshot() == before, "a refused request must change nothing"


def _names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = p.namespace or ""
            if namespace in ELSEWHERE:
                continue
            yield from _names(p.url_patterns, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_every_url_is_in_the_matrix():
    names = set(_names(get_resolver().url_patterns)) - set(ELSEWHERE)
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without an access-matrix row: {missing}"
