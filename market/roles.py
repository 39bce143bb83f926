"""The platform's roles as groups of permissions, created on every ``migrate`` so that a
real install has them too (not only the demo). An administrator puts a person in a group
and, for organisers, gives them an area (``OrganiserArea``)."""

from django.contrib.auth.models import Group, Permission

ORGANISERS = "Ban tổ chức chợ"
FIELD_AGENTS = "Tổ công nghệ số cộng đồng"
ROLES = {
    ORGANISERS: [
        "merchants.review_application",
        "merchants.add_market",
        "merchants.change_market",
        "stats.view_statistics",
    ],
    FIELD_AGENTS: ["merchants.onboard_vendors"],
}


def roles_ensure(**_signal_kwargs) -> None:
    """Create each role's group with its permissions (idempotent; a post_migrate handler)."""
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        for codename in codenames:
            app_label, code = codename.split(".")
            permission = Permission.objects.filter(codename=code, content_type__app_label=app_label).first()
            if permission is not None:  # its app's permissions are created by the same migrate
                group.permissions.add(permission)


def role(name: str) -> Group:
    roles_ensure()
    return Group.objects.get(name=name)
