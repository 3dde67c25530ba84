"""Loads the shipped administrative units (both structures) and their successions.

Safe to run again: rows are matched on (code, valid_to) and only changes are written.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand

from khoi.units_data import load_units


class Command(BaseCommand):
    help = "Load Vietnam's administrative units (before and after 1 July 2025) from khoi/data/."

    def handle(self, *args, **options):
        verbose = options["verbosity"] > 1
        summary = load_units(stdout=self.stdout if verbose else None)
        self.stdout.write(
            f"Units: {summary['units']} in the data, {summary['units_created']} created, "
            f"{summary['units_updated']} updated, {summary['paths_updated']} paths written."
        )
        self.stdout.write(
            f"Successions: {summary['successions']} in the data, {summary['successions_created']} created, "
            f"{summary['successions_updated']} updated."
        )
        self.stdout.write(self.style.SUCCESS(f"Done in {summary['seconds']:.2f} s."))
