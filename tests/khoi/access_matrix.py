"""The expected-results table for the web UI, written by hand from the requirements (not
derived from khoi/access.py): URL × method × role × object position → HTTP status.

Roles: the D1 ("own") district's khối head, deputy (who also heads the Women's Union),
propaganda-subcommittee head, Front staff member, field-team member; the province P1's
mass-mobilization board (read-only); an administrator; a logged-in user with no position;
an anonymous visitor. Object positions: own district D1, other district D2 of the same
province, other province P2 (for rules: P1's catalog, the default catalog, P2's catalog).

A cell "a b c" gives the status for own / other district / other province; one number
applies to all three (URLs without an object have one cell).
"""

ROLES = ("anon", "norole", "admin", "board", "head", "deputy", "sub_head", "staff", "field")

# Shorthands for rows that repeat.
LOGIN_ONLY_200 = {"anon": "302", **{r: "200" for r in ROLES[1:]}}
LOGIN_ONLY_405 = {"anon": "302", **{r: "405" for r in ROLES[1:]}}
# Read access: the district's people see D1; the board sees its whole province; admin all.
READ = {"anon": "302", "norole": "404", "admin": "200", "board": "200 200 404",
        **{r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff", "field")}}


def _edit(ok_roles: dict[str, str], *, ok: str) -> dict[str, str]:
    """Edit pages: visible but not changeable → 403, out of reach → 404, allowed → ``ok``."""
    row = {"anon": "302", "norole": "404", "admin": ok, "board": "403 403 404"}
    for role in ("head", "deputy", "sub_head", "staff", "field"):
        row[role] = ok_roles.get(role, "403 404 404")
    return row


def _create(allowed: set[str], *, ok: str) -> dict[str, str]:
    return {"anon": "302", **{r: (ok if r in allowed or r == "admin" else "403") for r in ROLES[1:]}}


MATRIX: dict[str, dict[str, dict[str, str]]] = {
    "home": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "login": {"GET": {"anon": "200", **{r: "302" for r in ROLES[1:]}}},
    "logout": {"POST": {r: "302" for r in ROLES}, "GET": {r: "405" for r in ROLES}},
    # lists: everyone signed in gets a page (the rows are scoped: see test_lists_are_scoped)
    **{name: {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405} for name in (
        "khoi:unit_list", "khoi:organization_list", "khoi:jointbody_list", "khoi:person_list",
        "khoi:position_list", "khoi:rule_list", "khoi:unit_lookup")},
    # details
    **{name: {"GET": READ, "POST": LOGIN_ONLY_405} for name in (
        "khoi:unit_detail", "khoi:organization_detail", "khoi:jointbody_detail", "khoi:subcommittee_detail",
        "khoi:person_detail")},
    "khoi:rule_detail": {"GET": {**READ, **{r: "200 200 404" for r in ("board", "head", "deputy", "sub_head", "staff", "field")}},
                         "POST": LOGIN_ONLY_405},
    # create pages (GET shows the form, POST with an empty form is refused with 400 when allowed)
    "khoi:unit_create": {"GET": _create({"head"}, ok="200"), "POST": _create({"head"}, ok="400")},
    "khoi:organization_create": {"GET": _create({"head"}, ok="200"), "POST": _create({"head"}, ok="400")},
    "khoi:jointbody_create": {"GET": _create(set(), ok="200"), "POST": _create(set(), ok="400")},
    "khoi:person_create": {
        "GET": _create({"head", "deputy", "sub_head", "staff"}, ok="200"),
        "POST": _create({"head", "deputy", "sub_head", "staff"}, ok="400"),
    },
    "khoi:position_create": {
        "GET": _create({"head", "deputy", "sub_head"}, ok="200"),
        "POST": _create({"head", "deputy", "sub_head"}, ok="400"),
    },
    "khoi:rule_create": {"GET": _create(set(), ok="200"), "POST": _create(set(), ok="400")},
    # edit pages
    "khoi:unit_edit": {"GET": _edit({"head": "200 404 404"}, ok="200"),
                       "POST": _edit({"head": "400 404 404"}, ok="400")},
    "khoi:organization_edit": {"GET": _edit({"head": "200 404 404", "deputy": "200 404 404"}, ok="200"),
                               "POST": _edit({"head": "400 404 404", "deputy": "400 404 404"}, ok="400")},
    "khoi:jointbody_edit": {"GET": _edit({"head": "200 404 404"}, ok="200"),
                            "POST": _edit({"head": "400 404 404"}, ok="400")},
    "khoi:subcommittee_edit": {"GET": _edit({"head": "200 404 404", "sub_head": "200 404 404"}, ok="200"),
                               "POST": _edit({"head": "400 404 404", "sub_head": "400 404 404"}, ok="400")},
    "khoi:person_edit": {
        "GET": _edit({r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="200"),
        "POST": _edit({r: "400 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="400"),
    },
    "khoi:person_login": {
        "GET": LOGIN_ONLY_405,
        "POST": _edit({r: "302 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="302"),
    },
    "khoi:position_edit": {"GET": _edit({"head": "200 404 404", "deputy": "200 404 404"}, ok="200"),
                           "POST": _edit({"head": "400 404 404", "deputy": "400 404 404"}, ok="400")},
    # rules: only the head of a province-level body edits its province's catalog; none here
    "khoi:rule_edit": {"GET": _edit({}, ok="200") | {r: "403 403 404" for r in ("head", "deputy", "sub_head", "staff", "field")},
                       "POST": _edit({}, ok="400") | {r: "403 403 404" for r in ("head", "deputy", "sub_head", "staff", "field")}},
    "khoi:rule_adopt": {"GET": LOGIN_ONLY_405, "POST": {"anon": "302", **{r: "403" for r in ROLES[1:]}}},
}

# The work programme and tasks (issue 3). Roles at D1: the deputy heads the Women's Union
# (which owns the separate activity), the staff member works for the Front committee, the
# subcommittee head runs the propaganda part (which owns the joint activity and the task).
MATRIX.update({
    "khoi:notification_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "programme:programme_index": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "programme:programme_create": {"GET": LOGIN_ONLY_405, "POST": {"anon": "302", **{r: "404" for r in ROLES[1:]}}},
    **{name: {"GET": READ, "POST": LOGIN_ONLY_405} for name in (
        "programme:programme_detail", "programme:programme_month", "programme:programme_week",
        "programme:programme_export", "programme:programme_pdf", "programme:programme_docx",
        "programme:programme_template", "programme:activity_detail",
        "subcommittees:task_detail")},
    "programme:programme_import": {
        "GET": _edit({r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="200"),
        "POST": _edit({r: "400 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="400"),
    },
    "programme:activity_create": {
        "GET": _edit({r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="200"),
        "POST": _edit({r: "400 404 404" for r in ("head", "deputy", "sub_head", "staff")}, ok="400"),
    },
    "programme:activity_edit": {"GET": _edit({"deputy": "200 404 404"}, ok="200"),
                                "POST": _edit({"deputy": "400 404 404"}, ok="400")},
    "programme:activity_join": {"GET": LOGIN_ONLY_405, "POST": {"anon": "302", "norole": "404", "admin": "404",
                                                                 "board": "404", **{r: "404" for r in ROLES[4:]}}},
    "programme:overlap_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    # attaching to the Women's Union's own activity: its people (the deputy) only; empty POST → back with an error
    "programme:activity_attach": {"GET": LOGIN_ONLY_405, "POST": _edit({"deputy": "302 404 404"}, ok="302")},
    "programme:attachment_download": {"GET": READ, "POST": LOGIN_ONLY_405},
    **{name: {"GET": LOGIN_ONLY_405, "POST": _edit({"head": "302 404 404"}, ok="302")} for name in (
        "programme:overlap_merge", "programme:overlap_keep", "programme:overlap_move")},
    "subcommittees:task_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "subcommittees:task_create": {"GET": _create({"head", "sub_head"}, ok="200"), "POST": _create({"head", "sub_head"}, ok="400")},
    "subcommittees:task_edit": {"GET": _edit({"head": "200 404 404", "sub_head": "200 404 404"}, ok="200"),
                                "POST": _edit({"head": "400 404 404", "sub_head": "400 404 404"}, ok="400")},
    "subcommittees:task_status": {"GET": LOGIN_ONLY_405,
                                  "POST": _edit({"head": "302 404 404", "sub_head": "302 404 404"}, ok="302")},
})

from tests.campaigns.matrix_rows import ROWS as CAMPAIGN_ROWS  # noqa: E402
from tests.reports.matrix_rows_reports import ROWS as REPORT_ROWS  # noqa: E402
from tests.reports.matrix_rows_submissions import ROWS as SUBMISSION_ROWS  # noqa: E402

MATRIX.update(CAMPAIGN_ROWS)
MATRIX.update(SUBMISSION_ROWS)
MATRIX.update(REPORT_ROWS)

# URLs covered elsewhere, each with the reason.
ELSEWHERE = {
    "admin": "Django admin: superusers only (is_staff), tested by Django itself",
    "api": "JSON API: tests/khoi/test_api.py holds its own role × object table",
    "set_language": "public language switch, no data",
    "campaigns:case_lookup": "public page without login: tests/campaigns/test_cases.py proves it shows one case to its reference and phone only",
}
