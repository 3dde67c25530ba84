from khoi import access
from khoi.models import Notification


def navigation(request):
    """Roles and the unread-notification count of the signed-in user, for the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": set(), "unread_count": 0}
    return {
        "user_roles": access.roles(user),
        "unread_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
