"""Who may see an order page without an account: the session that placed it, or that
looked it up with the order number and the phone number it was placed with."""

from core.grants import session_grant, session_has


def order_grant_access(request, number: str) -> None:
    session_grant(request, "orders", number)


def order_can_view(request, order) -> bool:
    user = request.user
    if user.is_authenticated and (user.is_staff or order.user_id == user.pk):
        return True
    return session_has(request, "orders", order.number)
