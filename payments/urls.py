from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("orders/", views.OrderLookupView.as_view(), name="order-lookup"),
    path("orders/<str:number>/", views.OrderDetailView.as_view(), name="order-detail"),
    path("orders/<str:number>/status.json", views.OrderStatusJsonView.as_view(), name="order-status"),
    path("payments/webhooks/bank/<slug:provider>/", views.BankWebhookView.as_view(), name="bank-webhook"),
    path("payments/webhooks/stripe/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
    path("payments/staff/transactions/", views.BankTransactionListView.as_view(), name="staff-transactions"),
    path("payments/staff/feeds/", views.FeedHealthView.as_view(), name="staff-feeds"),
    path("payments/staff/feeds/pull/", views.FeedPullView.as_view(), name="staff-feeds-pull"),
    path("payments/staff/import/", views.StatementImportView.as_view(), name="staff-import"),
    path("payments/staff/orders/<str:number>/mark-paid/", views.OrderMarkPaidView.as_view(), name="staff-mark-paid"),
]
