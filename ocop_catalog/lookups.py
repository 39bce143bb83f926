"""``field__vn_fold``: compare text without case or Vietnamese diacritics.

On PostgreSQL this is ``lower(unaccent(...))`` (the ``unaccent`` extension is created by
this app's first migration); on SQLite it calls ``ocop_catalog.text.fold`` registered as
a SQL function on each new connection. Both fold Đ/đ to D/d. Search terms are folded in
Python with the same ``fold`` before comparing, so ``ca phe`` matches "Cà phê".
"""

from django.db import models
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from core.text import fold


class VnFold(models.Transform):
    lookup_name = "vn_fold"
    output_field = models.TextField()

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"vn_fold({lhs})", params

    def as_postgresql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        return f"lower(unaccent({lhs}))", params


models.CharField.register_lookup(VnFold)
models.TextField.register_lookup(VnFold)


@receiver(connection_created)
def register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("vn_fold", 1, fold, deterministic=True)
