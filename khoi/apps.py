from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KhoiConfig(AppConfig):
    name = "khoi"
    verbose_name = _("Cơ quan Khối")
