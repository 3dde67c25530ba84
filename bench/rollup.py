"""B2 — the roll-up: a province's districts rolled up for a year, three ways, side by side.

    python bench/rollup.py            # 100 districts × 5 organizations × 12 months
    python bench/rollup.py --quick    # 20 districts (CI smoke)

(a) ``reports.rollup.rollups`` — every district in one call, aggregated in SQL (and (a'), the
    same for the sum indicators only, to compare with (c));
(b) ``reports.rollup.rollup`` called once per district — the same SQL, a call per unit;
(c) Python: every figure row of the approved submissions read into Python and aggregated there
    (sums only — the cheapest part of the rules), the design the issue forbids.
Prints the median of each, the queries each issues and the ratios; checks that (a), (b) and (c)
give the same sums. Runs on DATABASE_URL when set (use a throw-away database), else SQLite.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, measure, setup_django  # noqa: E402

sys.path.insert(0, str(ROOT))

TYPES = ("MTTQ", "HLHPN", "DTN", "HND", "HCCB")


def build(districts: int):
    from django.utils import timezone

    from reports.models import Figure, Indicator, Submission
    from reports.services import get_or_create_period
    from tests.reports import build_fixtures as bf

    prov = bf.province("96", "Đo Đạc")
    tpl = bf.template(prov)
    places = bf.many_places(prov, districts, types=TYPES)
    months = [get_or_create_period(tpl, f"2023-{m:02d}") for m in range(1, 13)]
    indicators = list(Indicator.objects.filter(catalog_unit=None, is_active=True, aggregation__in=("sum", "latest"),
                                               auto_source="").exclude(value_type__in=("text", "percent"))[:30])
    subs = Submission.objects.bulk_create(
        Submission(organization=org, period=per, status="approved",
                   submitted_at=timezone.make_aware(dt.datetime.combine(per.end, dt.time(12))))
        for place in places for org in place.orgs.values() for per in months)
    Figure.objects.bulk_create(
        (Figure(submission=s, indicator=ind, value=Decimal((s.pk * 7 + ind.pk) % 97)) for s in subs for ind in indicators),
        batch_size=5000)
    return prov, [p.unit for p in places], get_or_create_period(tpl, "2023-Y"), indicators, len(subs)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--districts", type=int)
    args = parser.parse_args()
    n = args.districts or (20 if args.quick else 100)
    setup_django()
    from reports.models import Figure
    from reports.rollup import rollup, rollups

    prov, units, year, indicators, n_subs = build(n)
    sums = [i.code for i in indicators if i.aggregation == "sum"]

    def batched():
        return rollups(units, year)

    def batched_sums():
        return rollups(units, year, sums)

    def per_unit():
        return [rollup(u, year) for u in units]

    def in_python():
        totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        by_path = {u.path: u.pk for u in units}
        rows = Figure.objects.filter(
            submission__status="approved", submission__is_current=True, indicator__aggregation="sum",
            submission__period__start__gte=year.start, submission__period__end__lte=year.end,
        ).values_list("submission__organization__unit__path", "indicator__code", "value")
        for path, code, value in rows.iterator(chunk_size=5000):
            unit_pk = next(pk for p, pk in by_path.items() if path.startswith(p))
            totals[(unit_pk, code)] += value or 0
        return totals

    a, b, c = batched(), per_unit(), in_python()
    for ra, rb in zip(a, b):
        for code in sums:
            assert ra.totals[code] == rb.totals[code] == c.get((ra.unit.pk, code)), (ra.unit, code)
    repeat = 3 if args.quick else 5
    ta, qa = measure(batched, repeat)
    ts, qs = measure(batched_sums, repeat)
    tb, qb = measure(per_unit, repeat)
    tc, qc = measure(in_python, repeat)
    print(f"B2 roll-up of {n} districts for a year ({n_subs:,} submissions, {n_subs * len(indicators):,} figures), "
          f"median of {repeat}:")
    print(f"   (a) rollups, one call (SQL):       {ta * 1000:9.1f} ms, {qa} queries")
    print(f"   (a') rollups, sum indicators only: {ts * 1000:9.1f} ms, {qs} queries")
    print(f"   (b) rollup per district (SQL):     {tb * 1000:9.1f} ms, {qb} queries")
    print(f"   (c) figure rows summed in Python:  {tc * 1000:9.1f} ms, {qc} queries (sum indicators only)")
    print(f"   ratio (b) / (a):                   {tb / ta:9.1f}×")
    print(f"   ratio (c) / (a'):                  {tc / ts:9.1f}×")


if __name__ == "__main__":
    main()
