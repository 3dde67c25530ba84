"""Every write to the core domain: one function per use case, keyword-only, in a transaction,
permission-checked through khoi.access, full_clean() before save."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from khoi import access
from khoi.defaults import SUBCOMMITTEES
from khoi.models import (
    AdministrativeUnit,
    ApiToken,
    CoordinationRule,
    JointBody,
    JointBodyMembership,
    Organization,
    Person,
    Position,
    Subcommittee,
)


def _write(obj: Model, *, actor, fields: dict, exclude_clean: tuple[str, ...] = ()) -> Model:
    """Apply fields, check the actor may own the result, validate, save.

    Checking the object *after* the change stops anyone from moving an object into a place
    they cannot reach; views check the object before the change with get_for_user_or_404.
    """
    for name, value in fields.items():
        setattr(obj, name, value)
    if hasattr(obj, "normalize_text"):
        obj.normalize_text()
    access.ensure(actor, access.CHANGE, obj)
    obj.full_clean(exclude=list(exclude_clean))
    obj.save()
    return obj


@transaction.atomic
def unit_save(*, actor, unit: AdministrativeUnit | None = None, **fields) -> AdministrativeUnit:
    unit = unit or AdministrativeUnit()
    old_path = unit.path if unit.pk else ""
    for name, value in fields.items():
        setattr(unit, name, value)
    # The access check reads the path: give the unit its place under the (new) parent first.
    unit.path = f"{unit.parent.path if unit.parent_id else '/'}{unit.pk or 0}/"
    _write(unit, actor=actor, fields={}, exclude_clean=("path",))
    if old_path and old_path != unit.path:
        _move_subtree(old_path, unit.path)
    return unit


def _move_subtree(old_path: str, new_path: str) -> None:
    """Re-root the descendants' materialized paths after their ancestor moved."""
    depth_change = new_path.count("/") - old_path.count("/")
    AdministrativeUnit.objects.filter(path__startswith=old_path).exclude(path=new_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )


@transaction.atomic
def organization_save(*, actor, organization: Organization | None = None, **fields) -> Organization:
    return _write(organization or Organization(), actor=actor, fields=fields)


@transaction.atomic
def joint_body_save(
    *, actor, joint_body: JointBody | None = None, member_organizations=None, **fields
) -> JointBody:
    """Create or edit a joint body. A new one gets its four parts (three subcommittees and
    the Office); ``member_organizations`` replaces the current member list."""
    creating = joint_body is None or joint_body.pk is None
    body = _write(joint_body or JointBody(), actor=actor, fields=fields)
    if creating:
        for order, (kind, name) in enumerate(SUBCOMMITTEES):
            Subcommittee.objects.create(joint_body=body, kind=kind, name=name, sort_order=order)
    if member_organizations is not None:
        joint_body_set_members(actor=actor, joint_body=body, organizations=member_organizations)
    return body


@transaction.atomic
def joint_body_set_members(*, actor, joint_body: JointBody, organizations) -> None:
    access.ensure(actor, access.CHANGE, joint_body)
    wanted = {org.pk: org for org in organizations}
    for org in wanted.values():
        if not org.unit.path.startswith(joint_body.unit.path):
            raise ValidationError(_("%(org)s không thuộc địa bàn của cơ quan khối.") % {"org": org})
    JointBodyMembership.objects.filter(joint_body=joint_body).exclude(organization_id__in=wanted).delete()
    existing = set(JointBodyMembership.objects.filter(joint_body=joint_body).values_list("organization_id", flat=True))
    JointBodyMembership.objects.bulk_create(
        [JointBodyMembership(joint_body=joint_body, organization=o, valid_from=joint_body.valid_from)
         for pk, o in wanted.items() if pk not in existing]
    )


@transaction.atomic
def subcommittee_save(*, actor, subcommittee: Subcommittee, **fields) -> Subcommittee:
    return _write(subcommittee, actor=actor, fields=fields)


@transaction.atomic
def person_save(*, actor, person: Person | None = None, **fields) -> Person:
    return _write(person or Person(), actor=actor, fields=fields)


@transaction.atomic
def person_grant_login(*, actor, person: Person, username: str, password: str):
    """Give a person a login (or reset its password); validated like any password."""
    access.ensure(actor, access.CHANGE, person)
    User = get_user_model()
    user = person.user or User(username=username)
    user.username = username
    user.first_name = person.full_name[:150]
    user.email = person.email
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user"])
    return user


@transaction.atomic
def position_save(*, actor, position: Position | None = None, **fields) -> Position:
    """Create or edit a position; its unit is the seat's unit (used for scoping)."""
    position = position or Position()
    for name, value in fields.items():
        setattr(position, name, value)
    position.clean()
    position.unit = position.seat_unit()
    return _write(position, actor=actor, fields={})


@transaction.atomic
def position_end(*, actor, position: Position, end_date: dt.date | None = None) -> Position:
    return _write(position, actor=actor, fields={"end_date": end_date or timezone.localdate()})


@transaction.atomic
def rule_catalog_adopt(*, actor, catalog_unit: AdministrativeUnit) -> list[CoordinationRule]:
    """Copy the default catalog for a province (a root unit) so it can adapt it. Idempotent."""
    access.ensure(actor, access.CHANGE, CoordinationRule(catalog_unit=catalog_unit))
    own = list(CoordinationRule.objects.filter(catalog_unit=catalog_unit))
    if own:
        return own
    copies = [
        CoordinationRule(
            catalog_unit=catalog_unit, code=r.code, name=r.name, description=r.description,
            mode=r.mode, is_active=r.is_active, sort_order=r.sort_order,
        )
        for r in CoordinationRule.objects.filter(catalog_unit__isnull=True)
    ]
    for rule in copies:
        _write(rule, actor=actor, fields={})
    return copies


@transaction.atomic
def rule_save(*, actor, rule: CoordinationRule | None = None, **fields) -> CoordinationRule:
    return _write(rule or CoordinationRule(), actor=actor, fields=fields)


def api_token_issue(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new API token for the actor; the key is returned once and never stored."""
    return ApiToken.issue(user=actor, name=name)


@transaction.atomic
def joint_body_share(*, actor, joint_body: JointBody, user, action: str = access.VIEW) -> None:
    """Grant one user outside the body's subtree access to it (a guardian exception)."""
    access.ensure(actor, access.CHANGE, joint_body)
    access.grant_exception(user=user, obj=joint_body, action=action)
