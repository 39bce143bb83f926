"""What this browser session may see without an account: the orders it placed or looked
up, the stall applications it sent. A short list per kind, kept in the session."""

KEEP = 20


def session_grant(request, kind: str, key) -> None:
    name = f"granted_{kind}"
    key = str(key)
    keys = [k for k in request.session.get(name, []) if k != key]
    request.session[name] = [*keys, key][-KEEP:]


def session_has(request, kind: str, key) -> bool:
    return str(key) in request.session.get(f"granted_{kind}", [])
