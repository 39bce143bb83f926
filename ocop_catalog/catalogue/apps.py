"""Fork of Oscar's catalogue (label ``catalogue``).

Forked for two reasons only: the product carries its selling ``unit``, and the
storefront listing is our own database-backed view (see ``views.CatalogueView``).
Everything else is Oscar's, loaded through ``get_class``/``get_model``.
"""

import oscar.apps.catalogue.apps as apps


class CatalogueConfig(apps.CatalogueConfig):
    name = "ocop_catalog.catalogue"
