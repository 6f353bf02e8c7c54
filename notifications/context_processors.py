from notifications.services import unread_count


def inbox(request):
    """The number of unread notices, for the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
