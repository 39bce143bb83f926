"""The cooperative's own screens at /coop/: products, stock, photos, OCOP, its profile.
(Its order lines and figures are in ``payments.coop``, mounted beside these.)

Purpose-built rather than Oscar's dashboard: an HTX has one or two people with little
admin experience, and one form per product (photos and certificate included) is easier
than Oscar's tabbed product editor. Every lookup is scoped through ``Partner.users``: an
id that belongs to another cooperative is a 404, a user of no cooperative gets a 403.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from oscar.core.loading import get_model

from .forms import CooperativeProfileForm, ProductEditForm
from .selectors import cooperative_for_user, product_list_for_staff
from .services import cooperative_profile_update, product_save

Product = get_model("catalogue", "Product")
Line = get_model("order", "Line")


class CooperativeStaffMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.cooperative = cooperative_for_user(request.user)
        if self.cooperative is None:
            raise PermissionDenied(_("Tài khoản này không thuộc hợp tác xã nào."))
        return super().dispatch(request, *args, **kwargs)

    def own_products(self):
        return Product.objects.filter(stockrecords__partner=self.cooperative.partner).distinct()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cooperative"] = self.cooperative
        return context


class CoopHomeView(LoginRequiredMixin, TemplateView):
    """Where a login lands: cooperative staff go to their products, others to their account."""

    def get(self, request, *args, **kwargs):
        if cooperative_for_user(request.user) is not None:
            return redirect("coop:product-list")
        if request.user.has_perm("merchants.review_application"):
            return redirect("merchants:review")
        if request.user.has_perm("stats.view_statistics"):
            return redirect("stats:dashboard")
        if request.user.has_perm("merchants.onboard_vendors"):
            return redirect("merchants:apply")
        if hasattr(request.user, "merchant"):
            return redirect("merchants:vendor-home")
        if request.user.is_staff:
            return redirect("dashboard:index")
        return redirect("customer:summary")


class CoopProductListView(CooperativeStaffMixin, TemplateView):
    template_name = "ocop_catalog/coop/product_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        products = product_list_for_staff(cooperative=self.cooperative)
        context["page_obj"] = Paginator(products, 30).get_page(self.request.GET.get("page"))
        return context


class CoopProductEditView(CooperativeStaffMixin, FormView):
    template_name = "ocop_catalog/coop/product_form.html"
    form_class = ProductEditForm
    product = None

    def setup_product(self):
        pk = self.kwargs.get("pk")
        if pk is not None and self.product is None:
            self.product = get_object_or_404(self.own_products(), pk=pk)
            self.stockrecord = self.product.stockrecords.filter(partner=self.cooperative.partner).first()
            self.certification = self.product.ocop_certifications.order_by("-valid_until").first()

    def get(self, request, *args, **kwargs):
        self.setup_product()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_product()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["product"] = self.product
        return kwargs

    def get_initial(self):
        if self.product is None:
            return {"is_public": True, "cert_level": "provincial"}
        return ProductEditForm.initial_for(self.product, self.stockrecord, self.certification)

    def form_valid(self, form):
        data = form.cleaned_data
        product = product_save(
            cooperative=self.cooperative,
            product=self.product,
            title=data["title"],
            category=data["category"],
            description=data["description"],
            unit=data["unit"],
            price=data["price"],
            num_in_stock=data["num_in_stock"],
            is_public=data["is_public"],
            photos=data["photos"],
            delete_image_ids=[image.pk for image in data.get("delete_images") or []],
            certification=form.certification(),
        )
        messages.success(self.request, _("Đã lưu sản phẩm “%(title)s”.") % {"title": product.title})
        return redirect(reverse("coop:product-edit", kwargs={"pk": product.pk}))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product"] = self.product
        context["images"] = list(self.product.images.order_by("display_order")) if self.product else []
        return context


class CoopProfileEditView(CooperativeStaffMixin, FormView):
    template_name = "ocop_catalog/coop/profile_form.html"
    form_class = CooperativeProfileForm

    def get_initial(self):
        coop = self.cooperative
        return {"phone": coop.phone.as_national if coop.phone else "", "address": coop.address, "story": coop.story}

    def form_valid(self, form):
        data = form.cleaned_data
        cooperative_profile_update(
            cooperative=self.cooperative,
            phone=data["phone"],
            address=data["address"],
            story=data["story"],
            logo=data["logo"],
            remove_logo=data["remove_logo"],
        )
        messages.success(self.request, _("Đã lưu thông tin hợp tác xã."))
        return redirect("coop:profile")
