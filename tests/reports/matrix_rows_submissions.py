"""Access-matrix rows for the indicator catalog, submissions and completeness URLs (to merge
into tests/khoi/access_matrix.py, like tests/campaigns/matrix_rows.py).

ROWS: url name → method → role → "own other_district other_province" statuses, by hand.
OBJECTS: url name → which object of a district (tests/world.py) the URL's pk points to.

Who is who at D1 (tests/world.py): the staff member works for the Front (MTTQ), whose figures
for 2024-10 are a draft; the deputy heads the Women's Union (HLHPN), whose 2024-10 figures
wait for approval and whose 2024-09 figures are approved; the head, the subcommittee head, the
field member (Youth Union, field role) and the board (P1) only read. Refusals by a service
(submitting an incomplete draft, approving twice, returning without a reason) come back as a
redirect (302) with a message, and change nothing.

Indicators are catalog objects like rules: "own" is P1's catalog, "other_district" the default
catalog, "other_province" P2's catalog; only a province-level head edits a catalog (none here).
"""
ROLES = ("anon", "norole", "admin", "board", "head", "deputy", "sub_head", "staff", "field")
LOGIN_ONLY_200 = {"anon": "302", **{r: "200" for r in ROLES[1:]}}
LOGIN_ONLY_405 = {"anon": "302", **{r: "405" for r in ROLES[1:]}}
READ = {"anon": "302", "norole": "404", "admin": "200", "board": "200 200 404",
        **{r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff", "field")}}
_CADRES = ("board", "head", "deputy", "sub_head", "staff", "field")


def _edit(ok_roles: dict[str, str], *, ok: str) -> dict[str, str]:
    """Visible but not allowed → 403, out of reach → 404, allowed → ``ok``."""
    row = {"anon": "302", "norole": "404", "admin": ok, "board": "403 403 404"}
    for role in ("head", "deputy", "sub_head", "staff", "field"):
        row[role] = ok_roles.get(role, "403 404 404")
    return row


def _create(allowed: set[str], *, ok: str) -> dict[str, str]:
    return {"anon": "302", **{r: (ok if r in allowed or r == "admin" else "403") for r in ROLES[1:]}}


_CATALOG_READ = {**READ, **{r: "200 200 404" for r in _CADRES}}
_CATALOG_EDIT = {r: "403 403 404" for r in _CADRES}

ROWS: dict = {
    # ---------------------------------------------------------------- the indicator catalog
    "reports:indicator_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "reports:indicator_detail": {"GET": _CATALOG_READ, "POST": LOGIN_ONLY_405},
    "reports:indicator_create": {"GET": _create(set(), ok="200"), "POST": _create(set(), ok="400")},
    "reports:indicator_edit": {"GET": _edit({}, ok="200") | _CATALOG_EDIT, "POST": _edit({}, ok="400") | _CATALOG_EDIT},
    # only the head of a province-level body adopts; the administrator has no province
    "reports:indicator_adopt": {"GET": LOGIN_ONLY_405, "POST": {"anon": "302", **{r: "403" for r in ROLES[1:]}}},
    # the report template: everyone reads the one in force; only a province-level head (none
    # here) or the administrator (the default; an empty form → 400) changes it
    "reports:report_settings": {"GET": LOGIN_ONLY_200, "POST": {"anon": "302", "admin": "400",
                                                                **{r: "403" for r in ROLES[1:] if r != "admin"}}},
    # ---------------------------------------------------------------- submissions
    "reports:submission_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    # an empty form names no organization: not found
    "reports:submission_start": {"GET": LOGIN_ONLY_405, "POST": {"anon": "302", **{r: "404" for r in ROLES[1:]}}},
    # the Front's draft: everyone of the district reads it, the Front's staff save it
    "reports:submission_detail": {"GET": READ, "POST": _edit({"staff": "302 404 404"}, ok="302")},
    "reports:submission_submit": {"GET": LOGIN_ONLY_405, "POST": _edit({"staff": "302 404 404"}, ok="302")},
    "reports:submission_template": {"GET": READ, "POST": LOGIN_ONLY_405},
    "reports:submission_import": {"GET": _edit({"staff": "200 404 404"}, ok="200"),
                                  "POST": _edit({"staff": "400 404 404"}, ok="400")},
    # the Women's Union's submitted figures: its head (the deputy) approves or returns them
    "reports:submission_approve": {"GET": LOGIN_ONLY_405, "POST": _edit({"deputy": "302 404 404"}, ok="302")},
    "reports:submission_return": {"GET": LOGIN_ONLY_405, "POST": _edit({"deputy": "302 404 404"}, ok="302")},
    # the Women's Union's approved figures: its people open a correction (a new revision)
    "reports:submission_correct": {"GET": LOGIN_ONLY_405, "POST": _edit({"deputy": "302 404 404"}, ok="302")},
    # ---------------------------------------------------------------- completeness of a joint body
    "reports:period_completeness": {"GET": READ, "POST": LOGIN_ONLY_405},
}

OBJECTS: dict = {
    "reports:indicator_detail": "indicator",
    "reports:indicator_edit": "indicator",
    "reports:submission_detail": "draft_submission",
    "reports:submission_submit": "draft_submission",
    "reports:submission_template": "draft_submission",
    "reports:submission_import": "draft_submission",
    "reports:submission_approve": "submitted_submission",
    "reports:submission_return": "submitted_submission",
    "reports:submission_correct": "approved_submission",
    "reports:period_completeness": "body",
}

assert all(set(methods[m]) == set(ROLES) for methods in ROWS.values() for m in methods)
