from django.urls import path

from . import views

app_name = "coop"
urlpatterns = [
    path("", views.CoopHomeView.as_view(), name="home"),
    path("products/", views.CoopProductListView.as_view(), name="product-list"),
    path("products/new/", views.CoopProductEditView.as_view(), name="product-create"),
    path("products/<int:pk>/", views.CoopProductEditView.as_view(), name="product-edit"),
    path("profile/", views.CoopProfileEditView.as_view(), name="profile"),
    path("orders/", views.CoopOrderLineListView.as_view(), name="line-list"),
    path("orders/lines/<int:pk>/", views.CoopOrderLineDetailView.as_view(), name="line-detail"),
    path("orders/<str:number>/collect/", views.CoopOrderCollectView.as_view(), name="order-collect"),
    path("figures/", views.CoopFiguresView.as_view(), name="figures"),
]
