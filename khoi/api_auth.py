"""How a request to the JSON API proves who it is: the browser's session, or a bearer token.

The session is checked against CSRF on unsafe methods, but only when the session is what
authenticates: a script sending ``Authorization: Bearer <key>`` has no CSRF cookie, and a
forged cross-site request cannot set that header. Tokens are stored as SHA-256 only.
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from khoi.models import ApiToken

# last_used_at is written at most this often per token (a read must not write every time).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class SessionAuth(NinjaSessionAuth):
    """ninja's ``django_auth`` (CSRF enforced on unsafe methods), skipped when nobody is logged in,
    so that the next method (the bearer token) can answer a script that has no session."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request):
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, _("Thiếu hoặc sai mã CSRF; hãy tải lại trang rồi thử lại."))
        return request.COOKIES.get(self.param_name)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <key>`` with a key issued by ``services.api_token_issue``."""

    def authenticate(self, request, token: str):
        if not token:
            return None
        api_token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash_key(token)).first()
        if api_token is None or not api_token.user.is_active:
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        # Code that reads request.user (change history, logging) sees the token's owner.
        request.user = api_token.user
        return api_token.user


session_auth = SessionAuth()
token_auth = TokenAuth()
