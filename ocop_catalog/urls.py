from django.urls import path

from . import views

app_name = "coop"
urlpatterns = [
    path("", views.CoopHomeView.as_view(), name="home"),
    path("products/", views.CoopProductListView.as_view(), name="product-list"),
    path("products/new/", views.CoopProductEditView.as_view(), name="product-create"),
    path("products/<int:pk>/", views.CoopProductEditView.as_view(), name="product-edit"),
    path("profile/", views.CoopProfileEditView.as_view(), name="profile"),
]
