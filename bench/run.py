"""Benchmarks that print ratios measured side by side in one run.

    python bench/run.py            # 50,000 people
    python bench/run.py --quick    # 2,000 people (CI smoke)

B1 — list scoping: one page of 50 people + the total count, for a district staff member,
     (a) through khoi.access.restrict (a prefix filter on the units' materialized path) and
     (b) through django-guardian's get_objects_for_user on generic per-object rows, the design
     we rejected. Prints the median of each, their ratio and the queries each issues.
Runs on DATABASE_URL when set (use a throw-away database), else on a temporary SQLite file.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    if not os.environ.get("DATABASE_URL"):
        os.environ["KHOI_VAR_DIR"] = tempfile.mkdtemp(prefix="khoi-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khoi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n_people: int, districts: int = 10):
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from khoi.models import AdministrativeUnit, Organization, OrganizationType, Person, Position

    province = AdministrativeUnit.objects.create(code="B1", name="Tỉnh Đo Đạc", unit_type="Tỉnh", level="province")
    units = [AdministrativeUnit.objects.create(code=f"B1{i:02d}", name=f"Huyện {i}", unit_type="Huyện",
                                               level="district", parent=province) for i in range(districts)]
    people = [Person(full_name=f"Người Số {i}", search_name=f"nguoi so {i}", unit=units[i % districts])
              for i in range(n_people)]
    Person.objects.bulk_create(people, batch_size=2000)
    org = Organization.objects.create(org_type=OrganizationType.objects.get(code="MTTQ"), unit=units[0], name="MTTQ huyện 0")
    user = get_user_model().objects.create_user(username="bench", password="x" * 12)
    staff = Person.objects.create(full_name="Cán Bộ Đo", unit=units[0], user=user)
    Position.objects.create(person=staff, title="Cán bộ", role="staff", organization=org, unit=units[0],
                            start_date=dt.date(2020, 1, 1))
    permission = Permission.objects.get(codename="view_person")
    ctype = ContentType.objects.get_for_model(Person)
    own_ids = list(Person.objects.filter(unit=units[0]).values_list("pk", flat=True))
    UserObjectPermission.objects.bulk_create(
        [UserObjectPermission(user=user, permission=permission, content_type=ctype, object_pk=str(pk)) for pk in own_ids],
        batch_size=2000,
    )
    return user


def measure(fn, repeat: int) -> tuple[float, int]:
    """Median wall time of ``fn`` over ``repeat`` runs, and the queries one run issues (counted by
    an execute wrapper: Django's query log keeps only the last 9,000)."""
    from django.db import connection

    times = []
    queries = 0
    for _ in range(repeat):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        queries = count[0]
    return statistics.median(times), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--people", type=int)
    args = parser.parse_args()
    n = args.people or (2_000 if args.quick else 50_000)
    setup_django()
    from guardian.shortcuts import get_objects_for_user

    from khoi import access
    from khoi.models import Person

    user = build(n)

    def scoped():
        user.__dict__.pop("_khoi_grants", None)
        qs = access.restrict(Person, user).select_related("unit").order_by("pk")
        list(qs[:50]), qs.count()

    def guardian():
        qs = get_objects_for_user(user, "khoi.view_person", klass=Person, accept_global_perms=False)
        qs = qs.select_related("unit").order_by("pk")
        list(qs[:50]), qs.count()

    mine = set(access.restrict(Person, user).values_list("pk", flat=True))
    assert mine == set(
        get_objects_for_user(user, "khoi.view_person", klass=Person, accept_global_perms=False).values_list("pk", flat=True)
    ), "both ways must return the same people"
    repeat = 5 if args.quick else 9
    scope_t, scope_q = measure(scoped, repeat)
    guard_t, guard_q = measure(guardian, repeat)
    print(f"B1 list scoping, {n:,} people in 10 districts, page of 50 + count, median of {repeat}:")
    print(f"   scope filter (khoi.access): {scope_t * 1000:8.2f} ms, {scope_q} queries")
    print(f"   guardian generic rows:      {guard_t * 1000:8.2f} ms, {guard_q} queries")
    print(f"   ratio guardian / scope:     {guard_t / scope_t:8.1f}×")


if __name__ == "__main__":
    main()
