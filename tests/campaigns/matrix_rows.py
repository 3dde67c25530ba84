"""Access-matrix rows for the campaigns' URLs (merged into tests/khoi/access_matrix.py).

ROWS: url name → method → role → "own other_district other_province" statuses, written by hand.
OBJECTS: url name → which object of a district (tests/world.py) the URL's pk points to.

Who is who at D1 (tests/world.py): the head runs the body; the propaganda-subcommittee head
runs the campaign; the field member is on its one team; the deputy (Women's Union head) and
the Front staff member are not on the team; the board (P1) reads numbers only.
"""
# Not imported from tests/khoi/access_matrix.py, which imports this module: the same shorthands.
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


# ---------------------------------------------------------------- campaigns, teams, households, visits
# Managing a campaign (edit, phases, teams): the body's head and the subcommittee running it.
_MANAGE = {"head": "200 404 404", "sub_head": "200 404 404"}
_MANAGE_POST = {"head": "400 404 404", "sub_head": "400 404 404"}
# Households hold personal data: the head, the subcommittee running the campaign and the team's
# own members only; nobody else learns that a household exists (404), the board included.
_HOUSEHOLD = {"anon": "302", "norole": "404", "admin": "200", "board": "404", "deputy": "404", "staff": "404",
              "head": "200 404 404", "sub_head": "200 404 404", "field": "200 404 404"}
_HOUSEHOLD_POST = {**_HOUSEHOLD, "admin": "400", **{r: "400 404 404" for r in ("head", "sub_head", "field")}}

ROWS: dict = {
    "campaigns:campaign_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "campaigns:campaign_create": {"GET": _create({"head", "sub_head"}, ok="200"),
                                  "POST": _create({"head", "sub_head"}, ok="400")},
    # the board and every cadre of the district see the campaign's plan and numbers
    "campaigns:campaign_detail": {"GET": READ, "POST": LOGIN_ONLY_405},
    "campaigns:campaign_edit": {"GET": _edit(_MANAGE, ok="200"), "POST": _edit(_MANAGE_POST, ok="400")},
    "campaigns:phase_create": {"GET": _edit(_MANAGE, ok="200"), "POST": _edit(_MANAGE_POST, ok="400")},
    # teams (leaders, members, areas) are seen by all; only managers post (an empty POST → 400)
    "campaigns:team_manage": {"GET": READ, "POST": _edit(_MANAGE_POST, ok="400")},
    # a team page: its numbers for all who see the campaign, its households' names only for some
    "campaigns:team_detail": {"GET": READ, "POST": LOGIN_ONLY_405},
    "campaigns:household_detail": {"GET": _HOUSEHOLD, "POST": _HOUSEHOLD_POST},
    "campaigns:visit_create": {"GET": _HOUSEHOLD, "POST": _HOUSEHOLD_POST},
    "campaigns:my_households": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
}

OBJECTS: dict = {
    # ---------------------------------------------------------------- campaigns, teams, households, visits
    "campaigns:campaign_detail": "campaign",
    "campaigns:campaign_edit": "campaign",
    "campaigns:phase_create": "campaign",
    "campaigns:team_manage": "campaign",
    "campaigns:team_detail": "team",
    "campaigns:household_detail": "household",
    "campaigns:visit_create": "household",
}

assert all(set(methods[m]) == set(ROLES) for methods in ROWS.values() for m in methods)

# ---------------------------------------------------------------- cases, household import, duplicates
# (block of campaigns/cases.py, campaigns/case_urls.py; the public lookup "campaigns:case_lookup"
# is in ELSEWHERE: tests/campaigns/test_cases.py covers it)
# Cases: the body's head, deputy and subcommittee heads open and answer them; an organization's
# staff read them; field members and the board do not learn they exist. The answering
# responsible person (here a Veterans' chair without a login) is tested in test_cases.py.
_CASE_OPEN = {r: "200 404 404" for r in ("head", "deputy", "sub_head")}
_CASE_OPEN_POST = {r: "400 404 404" for r in ("head", "deputy", "sub_head")}
_CASE_READ = {"anon": "302", "norole": "404", "admin": "200", "board": "404", "field": "404",
              **{r: "200 404 404" for r in ("head", "deputy", "sub_head", "staff")}}
_CASE_ANSWER_POST = {**_CASE_READ, "admin": "400", "staff": "403 404 404",
                     **{r: "400 404 404" for r in ("head", "deputy", "sub_head")}}  # empty answer → 400
# Import and duplicates: the campaign's managers (the head, the subcommittee running it).
_IMPORT = {"head": "200 404 404", "sub_head": "200 404 404"}
_IMPORT_POST = {"head": "400 404 404", "sub_head": "400 404 404"}  # no file → 400
_MERGE_POST = {"head": "302 404 404", "sub_head": "302 404 404"}  # nothing ticked → back with a message

ROWS.update({
    "campaigns:case_list": {"GET": LOGIN_ONLY_200, "POST": LOGIN_ONLY_405},
    "campaigns:case_create": {"GET": _edit(_CASE_OPEN, ok="200"), "POST": _edit(_CASE_OPEN_POST, ok="400")},
    "campaigns:case_detail": {"GET": _CASE_READ, "POST": _CASE_ANSWER_POST},
    "campaigns:household_import": {"GET": _edit(_IMPORT, ok="200"), "POST": _edit(_IMPORT_POST, ok="400")},
    "campaigns:household_template": {"GET": READ, "POST": LOGIN_ONLY_405},
    "campaigns:duplicate_list": {"GET": _edit(_IMPORT, ok="200"), "POST": LOGIN_ONLY_405},
    "campaigns:duplicate_merge": {"GET": LOGIN_ONLY_405, "POST": _edit(_MERGE_POST, ok="302")},
    "campaigns:duplicate_distinct": {"GET": LOGIN_ONLY_405, "POST": _edit(_MERGE_POST, ok="302")},
})
OBJECTS.update({
    "campaigns:case_create": "campaign",
    "campaigns:case_detail": "case",
    "campaigns:household_import": "campaign",
    "campaigns:household_template": "campaign",
    "campaigns:duplicate_list": "campaign",
    "campaigns:duplicate_merge": "campaign",
    "campaigns:duplicate_distinct": "campaign",
})
assert all(set(methods[m]) == set(ROLES) for methods in ROWS.values() for m in methods)
