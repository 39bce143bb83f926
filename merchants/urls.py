from django.urls import path

from . import views

app_name = "merchants"
urlpatterns = [
    path("apply/", views.VendorApplyView.as_view(), name="apply"),
    path("applications/", views.ApplicationLookupView.as_view(), name="application-lookup"),
    path("applications/<str:reference>/", views.ApplicationDetailView.as_view(), name="application-detail"),
    path("password/", views.VendorPasswordView.as_view(), name="vendor-password"),
    path(
        "applications/<str:reference>/password-reset/",
        views.VendorPasswordResetView.as_view(),
        name="vendor-password-reset",
    ),
    path("login/", views.VendorLoginView.as_view(), name="vendor-login"),
    path("me/", views.VendorHomeView.as_view(), name="vendor-home"),
    path("review/", views.ReviewView.as_view(), name="review"),
    path("markets/", views.MarketListView.as_view(), name="markets"),
    path("markets/new/", views.MarketEditView.as_view(), name="market-add"),
    path("markets/<slug:slug>/edit/", views.MarketEditView.as_view(), name="market-edit"),
    path("review/<slug:slug>/placards/", views.PlacardBatchCreateView.as_view(), name="placard-batch-create"),
    path("placard-batches/<int:pk>/", views.PlacardBatchView.as_view(), name="placard-batch"),
    path("placard-batches/<int:pk>/file.pdf", views.PlacardBatchFileView.as_view(), name="placard-batch-file"),
    path("qr/<int:pk>/placard.pdf", views.PlacardView.as_view(), name="placard"),
    path("qr/<int:pk>/money/", views.MoneyReceivedView.as_view(), name="money"),
    path("qr/<int:pk>/money.json", views.MoneyReceivedJsonView.as_view(), name="money-json"),
]
