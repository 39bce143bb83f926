"""Placards for one real street (400 stalls) in one PDF: time and peak memory of the
product's path (``merchants.placards.write_placards_pdf``, page by page) and, for
comparison, the naive path: one ``qrcode`` image per stall, composed one by one and all
kept in memory until Pillow writes the PDF.

Each path runs in its own process, so that its peak memory (``ru_maxrss``) is its own; both
the whole process's peak and its size just before drawing (Django loaded, 400 QRs built)
are printed.
"""

import json
import os
import resource
import subprocess
import sys
import time

COUNT = 400


def run():
    print(f"\n== Placards: {COUNT} stalls into one PDF (target ≤ 10 s and ≤ 300 MB) ==")
    print(f"{'path':38} {'layout':>6} {'pages':>6} {'seconds':>8} {'peak MB':>8} {'before MB':>9} {'PDF MB':>7}")
    for path, layout in (("stream", "a4x4"), ("stream", "a6"), ("naive", "a4x4")):
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.placards", "--worker", path, layout],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        if done.returncode != 0:
            print(f"  {path} {layout}: failed\n{done.stderr[-1500:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        name = "write_placards_pdf (page by page)" if path == "stream" else "naive: qrcode image each, all in memory"
        print(
            f"{name:38} {layout:>6} {r['pages']:>6} {r['seconds']:>8.1f} {r['peak_mb']:>8.0f} "
            f"{r['before_mb']:>9.0f} {r['pdf_mb']:>7.1f}"
        )


def _street():
    """400 stalls' QRs as the service issues them (payload from the codec), not saved."""
    from merchants.models import IssuedQR, Market, Stall
    from payments.vietqr import SERVICE_TO_ACCOUNT, build_payload

    market = Market(name="Phố đi bộ Tô Hiệu", slug="pho-di-bo", province_code=14, commune_code=3646)
    qrs = []
    for n in range(COUNT):
        stall = Stall(market=market, code=f"A{n + 1:03d}", goods="Rau củ")
        account = f"10{n:08d}"
        payload = build_payload(
            bank_bin="970436", account=account, service_code=SERVICE_TO_ACCOUNT, merchant_name="LO THI HOA"
        )
        qrs.append(
            IssuedQR(
                stall=stall,
                version=1,
                payload=payload,
                bank_bin="970436",
                account_number=account,
                holder_name="LO THI HOA",
            )
        )
    return qrs


def _naive_pdf(qrs, layout: str, out) -> int:
    """What one would write first: a qrcode image per stall pasted on its placard, every page
    kept in a list, then one Pillow save."""
    import qrcode
    from PIL import Image

    from merchants import placards

    images = []
    for qr in qrs:
        placard = placards.placard_image(qr)  # the same drawing ...
        code = qrcode.make(qr.payload, error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
        placard.paste(code.get_image().convert("RGB").resize((900, 900)), (170, 330))  # ... with qrcode's image
        images.append(placard)
    if layout == "a4x4":
        sheets = []
        for start in range(0, len(images), 4):
            sheet = Image.new("RGB", placards.A4, "white")
            for index, placard in enumerate(images[start : start + 4]):
                sheet.paste(placard, ((index % 2) * placards.A6[0], (index // 2) * placards.A6[1]))
            sheets.append(sheet)
        images = sheets
    images[0].save(out, format="PDF", resolution=placards.DPI, save_all=True, append_images=images[1:])
    return len(images)


def worker(path: str, layout: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "market.settings.dev")
    django.setup()
    from merchants.placards import write_placards_pdf

    qrs = _street()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    target = f"/dev/shm/choso-bench-placards-{os.getpid()}.pdf" if os.path.isdir("/dev/shm") else "bench-placards.pdf"
    started = time.perf_counter()
    with open(target, "wb") as out:
        pages = write_placards_pdf(qrs, out, layout=layout) if path == "stream" else _naive_pdf(qrs, layout, out)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = os.path.getsize(target)
    os.remove(target)
    print(
        json.dumps(
            {
                "pages": pages,
                "seconds": seconds,
                "peak_mb": peak / 1024,
                "before_mb": before / 1024,
                "pdf_mb": size / 2**20,
            }
        )
    )


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3])
    else:
        run()
