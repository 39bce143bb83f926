"""Journeys through the load balancer of a two-node production stack (tests/cluster/stack.py),
and what it does when a node, Redis or the worker stops. Run by ``make test-cluster``
(and .ci/run); it needs PostgreSQL and Debian's nginx."""

import collections
import io
import os
import shutil
import subprocess
import time

import pytest
from django.urls import reverse
from PIL import Image

from payments.bank_feeds import sepay
from tests.bank_feeds import fixture_text
from tests.factories import BUYER
from tests.object_storage import s3_client

from .stack import SEPAY_SECRET

pytestmark = pytest.mark.cluster
DEMO_PASSWORD = "choso-demo-2025"


def node(response) -> str:
    """The node that answered (nginx lists every node it tried: "A, B" when A was down)."""
    return response.headers.get("X-Choso-Node", "").split(",")[-1].strip()


def token(browser) -> str:
    return browser.cookies.get("csrftoken") or ""


def a_product(stack) -> int:
    rows = stack.sql(
        "SELECT p.id FROM catalogue_product p JOIN partner_stockrecord s ON s.product_id = p.id "
        "WHERE s.num_in_stock - COALESCE(s.num_allocated, 0) > 20 AND p.is_public ORDER BY p.id LIMIT 1"
    )
    return rows[0][0]


def place_order(stack, browser, *, email: str, other_node: bool = False) -> tuple[str, list[str]]:
    """Basket, details and place through the load balancer; returns the order number and the
    node that answered each step. With ``other_node`` the order is placed on the node that did
    not take the basket."""
    nodes = []
    page = browser.get(stack.url(reverse("basket:summary")))  # any page with a form sets the CSRF cookie
    nodes.append(node(page))
    added = browser.post(
        stack.url(reverse("basket:add", kwargs={"pk": a_product(stack)})),
        {"quantity": 1, "csrfmiddlewaretoken": token(browser)},
        allow_redirects=False,
    )
    assert added.status_code == 302, added.text[:500]
    nodes.append(node(added))
    details = browser.post(
        stack.url(reverse("checkout:index")),
        {**BUYER, "email": email, "csrfmiddlewaretoken": token(browser)},
        allow_redirects=False,
    )
    assert details.status_code == 302, details.text[:2000]
    nodes.append(node(details))
    if other_node and nodes[-1] != nodes[1]:
        nodes.append(node(browser.get(stack.url("/healthz/"))))  # round robin: the next goes to the other node
    placed = browser.post(
        stack.url(reverse("checkout:preview")),
        {"action": "place_order", "csrfmiddlewaretoken": token(browser)},
        allow_redirects=False,
    )
    assert placed.status_code == 302, placed.text[:2000]
    nodes.append(node(placed))
    return placed.headers["Location"].rstrip("/").rsplit("/", 1)[-1], nodes


def emails_about(stack, number: str) -> collections.Counter:
    return collections.Counter((m["To"], m["Subject"]) for m in stack.smtp.messages if number in m["Subject"])


def wait_until(check, timeout: float = 60, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(every)
    return check()


def login(stack, browser, email: str, password: str = DEMO_PASSWORD, *, fresh: bool = True):
    if fresh:
        browser.get(stack.url("/shop/accounts/login/"))
    return browser.post(
        stack.url("/shop/accounts/login/"),
        {"login-username": email, "login-password": password, "login_submit": "1",
         "csrfmiddlewaretoken": token(browser)},
        allow_redirects=False,
    )  # fmt: skip


def test_a_basket_filled_on_one_node_checks_out_on_the_other_and_both_emails_go_once(stack):
    browser = stack.browser()
    number, nodes = place_order(stack, browser, email="nut-a@example.vn", other_node=True)
    assert nodes[1] != nodes[-1]  # the basket's node and the placing node differ
    assert len(set(nodes)) == 2
    assert wait_until(lambda: emails_about(stack, number).get(("nut-a@example.vn", f"Chợ Số: đã nhận đơn {number}")))
    assert emails_about(stack, number)[("nut-a@example.vn", f"Chợ Số: đã nhận đơn {number}")] == 1


def test_a_bank_webhook_on_one_node_pays_the_order_the_other_node_shows(stack):
    buyer = stack.browser()
    number, _nodes = place_order(stack, buyer, email="webhook@example.vn")
    [(total,)] = stack.sql("SELECT total_incl_tax FROM order_order WHERE number = %s", number)
    body = fixture_text("sepay.json", number=number, amount=total).encode()
    bank = stack.browser()
    answers = []
    for _ in range(2):  # the first delivery and the provider's retry land on the two nodes
        stamp = int(time.time())
        headers = {"X-SePay-Signature": sepay.sign(body, SEPAY_SECRET, stamp), "X-SePay-Timestamp": str(stamp),
                   "Content-Type": "application/json"}  # fmt: skip
        answers.append(bank.post(stack.url("/payments/webhooks/bank/sepay/"), data=body, headers=headers))
    assert [a.status_code for a in answers] == [200, 200]
    assert len({node(a) for a in answers}) == 2
    assert [r["new"] for a in answers for r in a.json()["results"]] == [True, False]
    pages = [buyer.get(stack.url(f"/orders/{number}/")) for _ in range(2)]
    assert {node(p) for p in pages} == {node(a) for a in answers}
    assert all("Đã thanh toán" in p.text for p in pages)
    paid = ("webhook@example.vn", f"Chợ Số: đơn {number} đã thanh toán")
    assert wait_until(lambda: emails_about(stack, number).get(paid)) == 1


def test_a_logo_uploaded_through_one_node_shows_through_the_other_from_the_bucket(stack):
    coop = stack.browser()
    assert login(stack, coop, "htx1@choso.test").status_code == 302
    coop.get(stack.url(reverse("coop:profile")))
    logo = io.BytesIO()
    Image.new("RGB", (400, 400), "green").save(logo, format="PNG")
    saved = coop.post(
        stack.url(reverse("coop:profile")),
        data={"phone": "0212 3863 333", "address": "Bản Nà Hạ", "story": "Chè cổ thụ.",
              "csrfmiddlewaretoken": token(coop)},
        files={"logo": ("logo.png", logo.getvalue(), "image/png")},
        allow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 302, saved.text[:2000]
    [(name,)] = stack.sql(
        "SELECT logo FROM ocop_catalog_cooperative c JOIN partner_partner p ON p.id = c.partner_id "
        "JOIN partner_partner_users u ON u.partner_id = p.id JOIN auth_user a ON a.id = u.user_id "
        "WHERE a.email = 'htx1@choso.test'"
    )
    objects = s3_client(stack.env["AWS_S3_ENDPOINT_URL"]).list_objects_v2(Bucket=stack.bucket)["Contents"]
    assert name in {o["Key"] for o in objects}
    fetched = [stack.browser().get(stack.url(f"/media/{name}")) for _ in range(2)]
    assert [f.status_code for f in fetched] == [200, 200]
    assert len({node(f) for f in fetched}) == 2
    assert fetched[0].content == fetched[1].content and Image.open(io.BytesIO(fetched[0].content)).size == (400, 400)


def test_a_lockout_counted_on_both_nodes_holds_on_both(stack):
    browser = stack.browser()
    browser.get(stack.url("/shop/accounts/login/"))
    wrong = [login(stack, browser, "totruong@choso.test", "sai-mat-khau", fresh=False) for _ in range(10)]
    assert len({node(answer) for answer in wrong}) == 2  # five wrong passwords on each node
    right = [login(stack, browser, "totruong@choso.test", fresh=False) for _ in range(2)]
    assert len({node(answer) for answer in right}) == 2
    for answer in right:  # the right password, refused on each node
        assert answer.status_code != 302
        assert "Đăng nhập tạm khoá" in answer.text


def test_a_whole_market_placard_batch_drawn_by_the_worker_downloads_through_either_node(stack):
    organiser = stack.browser()
    assert login(stack, organiser, "bantochuc@choso.test").status_code == 302
    [(slug,)] = stack.sql(
        "SELECT m.slug FROM merchants_market m JOIN merchants_stall s ON s.market_id = m.id "
        "JOIN merchants_issuedqr q ON q.stall_id = s.id WHERE q.revoked_at IS NULL "
        "GROUP BY m.slug ORDER BY m.slug LIMIT 1"
    )
    organiser.get(stack.url(reverse("merchants:review")))
    asked = organiser.post(
        stack.url(reverse("merchants:placard-batch-create", kwargs={"slug": slug})),
        {"layout": "a4x4", "csrfmiddlewaretoken": token(organiser)},
        allow_redirects=False,
    )
    assert asked.status_code == 302, asked.text[:2000]
    batch = asked.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    file_url = stack.url(reverse("merchants:placard-batch-file", kwargs={"pk": batch}))
    assert wait_until(
        lambda: stack.sql("SELECT status FROM merchants_placardbatch WHERE id = %s", batch) == [("ready",)]
    )
    pdfs = [organiser.get(file_url) for _ in range(2)]
    assert [p.status_code for p in pdfs] == [200, 200]
    assert len({node(p) for p in pdfs}) == 2
    assert all(p.content.startswith(b"%PDF") for p in pdfs) and pdfs[0].content == pdfs[1].content
    [(key,)] = stack.sql("SELECT file FROM merchants_placardbatch WHERE id = %s", batch)
    assert stack.browser().get(stack.url(f"/media/{key}")).status_code == 404  # never public


def test_with_one_node_stopped_every_order_is_taken_once_by_the_other(stack):
    [(before,)] = stack.sql("SELECT count(*) FROM order_order")
    stack.stop("a")
    try:
        numbers = []
        for n in range(3):
            number, nodes = place_order(stack, stack.browser(), email=f"mot-nut-{n}@example.vn")
            assert set(nodes) == {f"127.0.0.1:{stack.ports['b']}"}
            numbers.append(number)
        assert stack.browser().get(stack.url("/")).status_code == 200
    finally:
        stack.node_start("a")
    [(after,)] = stack.sql("SELECT count(*) FROM order_order")
    assert after - before == 3 == len(set(numbers))


def test_with_redis_stopped_pages_answer_and_its_emails_go_once_when_it_returns(stack):
    stack.stop("redis")
    try:
        browser = stack.browser()
        assert [browser.get(stack.url(path)).status_code for path in ("/", "/shop/catalogue/", "/healthz/")] == [
            200,
            200,
            503,
        ]
        numbers = [place_order(stack, stack.browser(), email=f"redis-{n}@example.vn")[0] for n in range(2)]
        time.sleep(2)
        assert all(not emails_about(stack, number) for number in numbers)  # nothing could be queued
    finally:
        stack.redis_start()
    for n, number in enumerate(numbers):
        placed = (f"redis-{n}@example.vn", f"Chợ Số: đã nhận đơn {number}")
        assert wait_until(lambda placed=placed, number=number: emails_about(stack, number).get(placed), timeout=90)
    time.sleep(8)  # two more sweeps: nothing is sent again
    for n, number in enumerate(numbers):
        assert emails_about(stack, number)[(f"redis-{n}@example.vn", f"Chợ Số: đã nhận đơn {number}")] == 1


def test_with_the_worker_stopped_orders_are_taken_and_everything_is_sent_once_after(stack):
    stack.stop("worker")
    try:
        numbers = [place_order(stack, stack.browser(), email=f"tho-{n}@example.vn")[0] for n in range(3)]
        time.sleep(4)
        assert all(not emails_about(stack, number) for number in numbers)
    finally:
        stack.worker_start()
    for n, number in enumerate(numbers):
        placed = (f"tho-{n}@example.vn", f"Chợ Số: đã nhận đơn {number}")
        assert wait_until(lambda placed=placed, number=number: emails_about(stack, number).get(placed), timeout=90)
    time.sleep(8)
    for number in numbers:
        counts = emails_about(stack, number)
        assert counts and set(counts.values()) == {1}, counts
    assert stack.sql("SELECT count(*) FROM core_outboxeffect WHERE done_at IS NULL AND due_at IS NOT NULL") == [(0,)]


def test_a_database_restart_costs_no_error_page(stack):
    if shutil.which("pg_ctlcluster") is None:
        pytest.skip("restarting PostgreSQL needs Debian's pg_ctlcluster")
    browser = stack.browser()
    warm = [browser.get(stack.url("/shop/catalogue/")) for _ in range(8)]  # every worker holds a connection
    assert {r.status_code for r in warm} == {200}
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True, timeout=120)
    wait_until(lambda: subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0, timeout=60)
    after = [browser.get(stack.url("/shop/catalogue/")) for _ in range(8)]  # each worker's first request after it
    assert [r.status_code for r in after] == [200] * 8
