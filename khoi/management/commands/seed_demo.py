import time

from django.core.management.base import BaseCommand

from khoi.demo import DEMO_PASSWORD, seed_demo
from khoi.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Loads the administrative units (if missing) and the demo data; running it twice changes nothing."

    def handle(self, *args, **options):
        started = time.monotonic()
        if not AdministrativeUnit.objects.exists():
            from khoi.units_data import load_units

            self.stdout.write("Đang nạp danh mục đơn vị hành chính…")
            load_units(stdout=self.stdout)
        logins = seed_demo()
        from programme.demo import seed_programme

        seed_programme()
        from campaigns.demo import seed_campaign

        seed_campaign()
        from reports.demo import seed_reports

        self.stdout.write("Đang lập số liệu và báo cáo mẫu…")
        seed_reports()
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu sẵn sàng ({time.monotonic() - started:.1f} s)."))
        self.stdout.write(f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
        for login, role, where in logins:
            self.stdout.write(f"  {login:<24} {role:<40} {where}")
