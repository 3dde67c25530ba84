"""The Celery app. Settings come from Django's (CELERY_* names), see khoi/settings.py."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khoi.settings")

app = Celery("khoi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
