"""Who may see an order page without an account: the session that placed it, or that
looked it up with the order number and the phone number it was placed with."""

SESSION_KEY = "orders_viewable"
KEEP = 20


def order_grant_access(request, number: str) -> None:
    number = str(number)
    numbers = [n for n in request.session.get(SESSION_KEY, []) if n != number]
    request.session[SESSION_KEY] = [*numbers, number][-KEEP:]


def order_can_view(request, order) -> bool:
    user = request.user
    if user.is_authenticated and (user.is_staff or order.user_id == user.pk):
        return True
    return order.number in request.session.get(SESSION_KEY, [])


def staff_only(user, url_name, url_args=None, url_kwargs=None) -> bool:
    """``access_fn`` for our entries in Oscar's dashboard menu: platform staff only."""
    return user.is_staff
