"""Storefront catalogue views: our database-backed listing and a leaner product page.

See ``ocop_catalog.selectors`` for why the listing does not use Haystack.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView
from oscar.apps.catalogue.views import ProductDetailView as OscarProductDetailView
from oscar.core.loading import get_model

from ocop_catalog.forms import CatalogueFilterForm
from ocop_catalog.selectors import product_detail_queryset, product_list

Category = get_model("catalogue", "Category")


class CatalogueView(TemplateView):
    template_name = "oscar/catalogue/browse.html"
    category = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CatalogueFilterForm(self.request.GET, category=self.category)
        products = product_list(filters=form.filters())
        page = Paginator(products, settings.OSCAR_PRODUCTS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=form,
            page_obj=page,
            products=page.object_list,
            category=self.category,
            categories=Category.objects.filter(depth=1).order_by("path"),
            querystring=query.urlencode(),
            filters_open=bool(form.errors)
            or any(self.request.GET.get(k) for k in ("stars", "province", "cooperative", "sort")),
        )
        return context


class ProductCategoryView(CatalogueView):
    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        expected = self.category.get_absolute_url()
        if request.path != expected:
            return redirect(expected, permanent=True)
        return super().get(request, *args, **kwargs)


class ProductDetailView(OscarProductDetailView):
    def get_queryset(self):
        return product_detail_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.object
        stockrecords = list(product.stockrecords.all())
        context["stockrecord"] = stockrecords[0] if stockrecords else None
        context["cooperative"] = getattr(stockrecords[0].partner, "cooperative", None) if stockrecords else None
        certifications = list(product.ocop_certifications.all())
        valid = [c for c in certifications if c.is_valid]
        context["certification"] = max(valid, key=lambda c: c.stars) if valid else None
        context["expired_certifications"] = [c for c in certifications if not c.is_valid]
        context["images"] = list(product.images.all())
        return context
