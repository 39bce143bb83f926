"""A part of the country (the whole of it, a province, or a commune of one), and the filters that keep a query to it.

One home for the rule "organisers see their own area only": the review of stall
applications, the management of markets and the statistics all filter through ``Area``.
Whose area is whose (``area_of``) lives with the organisers' model.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from core import geo


@dataclass(frozen=True)
class Area:
    province_code: int | None = None  # None: the whole country
    commune_code: int | None = None  # None: the whole province

    @property
    def everywhere(self) -> bool:
        return self.province_code is None

    @property
    def label(self) -> str:
        if self.everywhere:
            return _("Cả nước")
        if self.commune_code:
            return f"{geo.commune_name(self.commune_code)}, {geo.province_name(self.province_code)}"
        return geo.province_name(self.province_code)

    def q(self, prefix: str = "") -> Q:
        """A filter on a model with ``province_code``/``commune_code`` (through ``prefix``)."""
        if self.everywhere:
            return Q()
        q = Q(**{f"{prefix}province_code": self.province_code})
        if self.commune_code:
            q &= Q(**{f"{prefix}commune_code": self.commune_code})
        return q

    def filter(self, queryset: QuerySet, prefix: str = "") -> QuerySet:
        return queryset.filter(self.q(prefix))

    def contains(self, *, province_code: int | None, commune_code: int | None) -> bool:
        if self.everywhere:
            return True
        if province_code != self.province_code:
            return False
        return not self.commune_code or commune_code == self.commune_code

    def province_choices(self) -> list[tuple[int, str]]:
        if self.everywhere:
            return geo.province_choices()
        return [(self.province_code, geo.province_name(self.province_code))]

    def commune_choices(self, province_code: int | None) -> list[tuple[int, str]]:
        if self.commune_code:
            return [(self.commune_code, geo.commune_name(self.commune_code))]
        if (
            province_code
            and geo.province_name(province_code)
            and self.contains(province_code=province_code, commune_code=None)
        ):
            return geo.commune_choices(province_code)
        return []
