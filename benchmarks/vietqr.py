"""VietQR codec throughput: build + parse pairs per second (target ≥ 20,000)."""

import time

from payments.vietqr import build_payload, parse_payload

N = 20_000


def run():
    start = time.perf_counter()
    for i in range(N):
        payload = build_payload(
            bank_bin="970436", account=f"00110{i:08d}", amount=10_000 + i, purpose=f"Thanh toan don CS{i:06d}"
        )
        parse_payload(payload)
    elapsed = time.perf_counter() - start
    print("\n== VietQR codec ==")
    print(f"build+parse            {N / elapsed:10,.0f} payloads/s   ({N:,} in {elapsed:.2f} s; target 20,000/s)")
