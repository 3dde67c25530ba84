"""The JSON API, /api/v1/ (OpenAPI document at /api/v1/openapi.json, docs at /api/v1/docs).

Thin, like the views: parse → khoi.access / a selector / a service → schema. The same access
rules as the UI: lists come from the selectors (scoped by ``access.restrict``), one object
from ``access.get_for_user_or_404`` (outside the user's reach: 404; visible but not
changeable: 403), every write from a service (which calls ``access.ensure`` and
``full_clean``). Errors come back as JSON: 422 with ``{"detail": [{"loc", "msg", "type"}]}``
for invalid data (Django's messages, in Vietnamese; a request that does not parse gets the
same shape, in Vietnamese too), 403, 404, 409 with ``{"detail": "…"}`` (an organization's own
instance of a shared matter adds ``"code": "shared_matter"`` and the joint activity to join).

Payloads reference other objects by ``<field>_id``; units also by ``<field>_code`` (the
official code, resolved inside the user's reach, current units first).

Modules: ``base`` (the ``api`` object, errors, references, shared helpers), ``directory``
(units, organizations, joint bodies, people, positions, rules, tokens), ``work`` (the joint
work programme, its activities and overlaps, tasks).
"""

from khoi.api import campaigns, directory, reports, work  # noqa: F401  (importing them registers their operations)
from khoi.api.base import api

__all__ = ["api"]
