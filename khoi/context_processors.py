from khoi import access


def navigation(request):
    """Roles of the signed-in user, for the menu (read from the per-request grant cache)."""
    user = getattr(request, "user", None)
    return {"user_roles": access.roles(user) if user is not None else set()}
