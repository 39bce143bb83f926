"""Content-Security-Policy (django-csp 4): the public site's policy and the admin screens'."""

# The public site runs only our own scripts and styles: no inline <script> (data for a script
# sits in data- attributes or a <script type="application/json"> block, which is not run),
# no on…= handlers, no style="" attributes. Stripe's origins are added on the order page's
# card step alone (payments.views.OrderDetailView, from STRIPE_JS_URL and STRIPE_API_BASE).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # One exception, the attribute value style="display:none" alone (by its hash): Oscar's
        # basket partial hides its helper fields with it. It can only hide; site.css hides the
        # same elements for browsers without style-src-attr.
        "style-src-attr": ["'unsafe-hashes'", "'sha256-aqNNdDLnnrDOnTNdkJpYlAxKVJtLt9CtFLklmInuUAE='"],
        # Product photos and Wagtail images come from MEDIA_URL on this origin; the VietQR code
        # and the statistics charts are inline <svg>, which img-src does not govern.
        "img-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        # No frame-src: frames fall back to default-src 'self', and the card step adds Stripe's
        # ('none' here would sit beside it there, and browsers ignore 'none' in a list).
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Wagtail's, Django's and Oscar's admin screens run inline scripts and style attributes of
# their own. They get this second, looser policy by path (market.middleware), so that the
# public policy above is not weakened for them. Staff only; same-origin everything else.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATH_PREFIXES": ["/cms/", "/django-admin/", "/shop/dashboard/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        # Wagtail's live preview shows the page in a same-origin frame.
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
