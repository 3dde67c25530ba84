"""In-app notifications, also sent by e-mail when an e-mail backend is configured."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from khoi.models import Notification


def notify(*, user, text: str, url: str = "") -> Notification | None:
    """Tell a user something (no-op for a person without a login)."""
    if user is None:
        return None
    note = Notification.objects.create(recipient=user, text=text[:400], url=url)
    if settings.KHOI_SEND_EMAIL and user.email:
        transaction.on_commit(
            lambda: send_mail("[Khối] " + text[:120], text + ("\n\n" + url if url else ""), None, [user.email],
                              fail_silently=True)
        )
    return note


def unread_for(user, limit: int = 10) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, read_at__isnull=True)[:limit])
