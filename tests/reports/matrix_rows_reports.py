"""Access-matrix rows for the joint report's URLs (reports/report_urls.py), merged into
tests/khoi/access_matrix.py like tests/campaigns/matrix_rows.py.

ROWS: url name → method → role → "own other_district other_province" statuses, written by hand.
OBJECTS: url name → which object of a district (tests/world.py) the URL's pk points to.
KWARGS: extra URL arguments besides the pk (the download's format).

Who is who at D1 (tests/world.py): the head and the deputy (Phó Trưởng khối) write the body's
report and have it built; the propaganda-subcommittee head, the Front's staff member and the
field member only read it; the board (P1) reads every report of its province and may return
one for correction (an empty comment → 400), never edit it (403).
"""
ROLES = ("anon", "norole", "admin", "board", "head", "deputy", "sub_head", "staff", "field")
LOGIN_ONLY_200 = {"anon": "302", **{r: "200" for r in ROLES[1:]}}
LOGIN_ONLY_405 = {"anon": "302", **{r: "405" for r in ROLES[1:]}}
READ = {"anon": "302", "norole": "404", "admin": "200", "board": "200 200 404",
        **{r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff", "field")}}


def _edit(ok_roles: dict[str, str], *, ok: str) -> dict[str, str]:
    """Visible but not changeable → 403, out of reach → 404, allowed → ``ok``."""
    row = {"anon": "302", "norole": "404", "admin": ok, "board": "403 403 404"}
    for role in ("head", "deputy", "sub_head", "staff", "field"):
        row[role] = ok_roles.get(role, "403 404 404")
    return row


def _create(allowed: set[str], *, ok: str) -> dict[str, str]:
    return {"anon": "302", **{r: (ok if r in allowed or r == "admin" else "403") for r in ROLES[1:]}}


_WRITERS = {"head", "deputy"}
# an empty narrative form is valid (every section may be blank): saved → back to the report
_NARRATIVE_POST = {r: "302 404 404" for r in _WRITERS}
_RETURN_POST = {**_edit({}, ok="400"), "board": "400 400 404"}  # the board: visible, allowed, empty comment

ROWS: dict = {
    "reports:report_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "reports:report_create": {"GET": _create(_WRITERS, ok="200"), "POST": _create(_WRITERS, ok="400")},
    "reports:report_detail": {"GET": READ, "POST": LOGIN_ONLY_405},
    "reports:report_edit": {"GET": _edit({r: "200 404 404" for r in _WRITERS}, ok="200"),
                            "POST": _edit(_NARRATIVE_POST, ok="302")},
    # a build is requested (enqueued on commit, so not run here) → back to the report page
    "reports:report_build": {"GET": LOGIN_ONLY_405, "POST": _edit({r: "302 404 404" for r in _WRITERS}, ok="302")},
    "reports:report_return": {"GET": LOGIN_ONLY_405, "POST": _RETURN_POST},
    "reports:build_status": {"GET": READ, "POST": LOGIN_ONLY_405},
    "reports:build_download": {"GET": READ, "POST": LOGIN_ONLY_405},
    "reports:build_view": {"GET": READ, "POST": LOGIN_ONLY_405},
    # a page for everyone signed in; its rows are the bodies in the user's reach
    "reports:report_compare": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
}

OBJECTS: dict = {
    "reports:report_detail": "report",
    "reports:report_edit": "report",
    "reports:report_build": "report",
    "reports:report_return": "report",
    "reports:build_status": "build",
    "reports:build_download": "build",
    "reports:build_view": "build",
}

KWARGS: dict = {"reports:build_download": {"fmt": "pdf"}}

assert all(set(methods[m]) == set(ROLES) for methods in ROWS.values() for m in methods)
