"""B3 — importing households: a campaign's list of N households created
(a) one by one through ``campaigns.services.household_save`` (access check, team lookup,
    validation and an insert with its history row, per household) — how the import began;
(b) at once through ``campaigns.services.households_create`` — the import today: one access
    check, one team lookup, bulk inserts (history included).
Each runs in a transaction that is rolled back, on the same data. Prints medians, queries, ratio.

    python bench/household_import.py            # 2,000 households
    python bench/household_import.py --quick    # 300 (CI smoke)
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, measure, setup_django  # noqa: E402

sys.path.insert(0, str(ROOT))


def build():
    from django.contrib.auth import get_user_model

    from campaigns.models import Campaign, TeamArea, WorkTeam
    from khoi.models import AdministrativeUnit, CoordinationRule, JointBody, Person

    province = AdministrativeUnit.objects.create(code="97", name="Tỉnh Đo", level="province", unit_type="Tỉnh")
    district = AdministrativeUnit.objects.create(code="971", name="Huyện Đo", level="district", unit_type="Huyện",
                                                 parent=province)
    communes = [AdministrativeUnit.objects.create(code=f"9710{i}", name=f"Xã Đo {i}", level="commune", unit_type="Xã",
                                                  parent=district) for i in range(4)]
    body = JointBody.objects.create(unit=district, name="Cơ quan Khối huyện Đo")
    campaign = Campaign.objects.create(joint_body=body, rule=CoordinationRule.objects.get(catalog_unit=None, code="C5"),
                                       name="Chiến dịch đo", reference_prefix="DO", start_date=dt.date(2026, 1, 1),
                                       end_date=dt.date(2026, 12, 31),
                                       status="active")
    campaign.areas.set(communes)
    for i, commune in enumerate(communes):
        leader = Person.objects.create(full_name=f"Tổ trưởng {i + 1}", unit=district)
        team = WorkTeam.objects.create(campaign=campaign, name=f"Tổ {i + 1}", leader=leader)
        TeamArea.objects.create(campaign=campaign, team=team, unit=commune)
    admin = get_user_model().objects.create_superuser("bench-admin", password="x")
    return campaign, communes, admin


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 300 if args.quick else 2_000
    setup_django()
    from django.db import transaction

    from campaigns import services
    from campaigns.models import Household

    campaign, communes, admin = build()
    rows = [{"head_name": f"Nguyễn Văn Hộ {i}", "address": f"thôn {i % 9}", "area": communes[i % 4],
             "phone": f"09120{i:05d}", "extra": {"Thửa đất": str(i)}} for i in range(n)]

    class Rollback(Exception):
        pass

    def rolled_back(fn):
        def run():
            try:
                with transaction.atomic():
                    fn()
                    assert Household.objects.filter(campaign=campaign).count() == n
                    raise Rollback
            except Rollback:
                pass
        return run

    def one_by_one():
        for fields in rows:
            services.household_save(actor=admin, campaign=campaign, **fields)

    def at_once():
        created, errors = services.households_create(actor=admin, campaign=campaign, rows=rows)
        assert not errors and len(created) == n

    repeat = 3
    ta, qa = measure(rolled_back(one_by_one), repeat)
    tb, qb = measure(rolled_back(at_once), repeat)
    print(f"B3 importing {n:,} households, median of {repeat}:")
    print(f"   (a) one by one (household_save): {ta * 1000:9.1f} ms, {qa} queries, {ta / n * 1000:.2f} ms/household")
    print(f"   (b) at once (households_create): {tb * 1000:9.1f} ms, {qb} queries, {tb / n * 1000:.2f} ms/household")
    print(f"   ratio (a) / (b):                 {ta / tb:9.1f}×")


if __name__ == "__main__":
    main()
