"""The VietQR codec stands on its own: importing it loads no Django, Celery or project package."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_codec_imports_the_standard_library_only():
    script = (
        "import sys, payments.vietqr as v\n"
        "print(v.build_payload(bank_bin='970436', account='0011001234567', amount=150000, purpose='Đơn CS100042'))\n"
        "ours = {'django', 'celery', 'kombu', 'core', 'market', 'merchants', 'ocop_catalog'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & ours))\n"
        "print(sorted(m for m in sys.modules if m.startswith('payments')))\n"
    )
    # No DJANGO_SETTINGS_MODULE, nothing on the path but the checkout: a bare interpreter.
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    payload, loaded, payments = result.stdout.splitlines()
    assert "Don CS100042" in payload
    assert loaded == "[]"
    assert payments == "['payments', 'payments.vietqr']"
