from django import template

from ocop_catalog.renditions import rendition_url

register = template.Library()


@register.filter
def rendition(image, width=400):
    """``{{ image|rendition:400 }}``: URL of a resized WebP of a product photo."""
    source = getattr(image, "original", image)
    name = getattr(source, "name", None) or (source if isinstance(source, str) else "")
    return rendition_url(name, int(width)) if name else ""


@register.filter
def first_valid_certification(product):
    certifications = getattr(product, "valid_certifications", None)
    return certifications[0] if certifications else None


@register.filter
def first_stockrecord(product):
    return next(iter(product.stockrecords.all()), None)
