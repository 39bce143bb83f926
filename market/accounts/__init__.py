"""The login doors: lockout after wrong passwords (django-axes), two-factor codes (TOTP,
django-otp) for staff and organisers, and the check that SITE_URL is a usable address."""
