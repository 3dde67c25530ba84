"""Access-matrix rows for the campaigns' URLs (merged into tests/khoi/access_matrix.py).

ROWS: url name → method → role → "own other_district other_province" statuses, written by hand.
OBJECTS: url name → which object of a district (tests/world.py) the URL's pk points to.
"""
ROWS: dict = {}
OBJECTS: dict = {}
