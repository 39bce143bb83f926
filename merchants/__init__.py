"""The cashless street: markets and stalls, vendors' applications, the stall's static
VietQR (issued only by ``services.stall_qr_issue``, through the codec), and placards."""
