"""``python manage.py load_demo``: the demo commune. Safe to run again: nothing is duplicated."""

import datetime
import io

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont
from wagtail.models import GroupPagePermission, Page, Site

from core.text import fold
from market.demo import data as demo
from market.demo.data import DEMO_PASSWORD
from market.demo.orders import demo_orders_create
from market.demo.stalls import demo_stalls_create
from market.models import CooperativeIndexPage, CooperativePage, HomePage, NewsIndexPage, NewsPage, StandardPage
from merchants.models import Merchant, Stall
from ocop_catalog.models import Cooperative
from ocop_catalog.services import CertificationData, product_certification_set, product_save

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
Order = get_model("order", "Order")


class Command(BaseCommand):
    help = "Load the demo commune: pages, cooperatives, OCOP products with photos, and a login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even where DEMO_DATA_ALLOWED is off (a public demo server), with the published password.",
        )

    def handle(self, *args, **options):
        # Every login made here has the published DEMO_PASSWORD, admin included. Only settings
        # that declare demo data welcome (dev, test) let it run without the flag: production,
        # and any module built on base.py that does not opt in, are refused, whatever DEBUG is.
        if not (settings.DEMO_DATA_ALLOWED or options["allow_production"]):
            raise CommandError(
                "load_demo refused: these settings do not allow demo data (DEMO_DATA_ALLOWED is off) and every "
                "demo login shares a published password; pass --allow-production for a public demo server."
            )
        self.load()

    def load(self):
        # The demo's own orders email nobody and its vendors get no texts (they are made up);
        # both go out on commit, so the override spans the transaction.
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", SMS_BACKEND="core.sms.DisabledBackend"
            ),
            transaction.atomic(),
        ):
            home = self.pages()
            categories = self.categories()
            cooperatives = self.cooperatives()
            self.products(cooperatives, categories)
            self.cooperative_pages(home, cooperatives)
            logins = self.users(cooperatives)
            demo_orders_create()
            demo_stalls_create(
                organiser=self.account(
                    "bantochuc",
                    "bantochuc@choso.test",
                    "Ban tổ chức chợ, cán bộ tỉnh (/stalls/review/, /stats/)",
                    logins,
                ),
                agent=self.account("totruong", "totruong@choso.test", "Tổ công nghệ số (/stalls/apply/)", logins),
                commune_organiser=self.account(
                    "canboxa", "canboxa@choso.test", "Cán bộ xã, chỉ xem xã mình (/stats/)", logins
                ),
            )
            # The statistics' rollups for the demo's history (its orders and camp days).
            call_command("rebuild_statistics", days=60, stdout=io.StringIO())
        self.report(logins)

    # --- Wagtail ---------------------------------------------------------------------
    def pages(self) -> HomePage:
        root = Page.get_first_root_node()
        home = HomePage.objects.first()
        if home is None:
            home = root.add_child(
                instance=HomePage(
                    title="Chợ Số: sản phẩm OCOP Sơn La",
                    slug="trang-chu",
                    intro="Mua trực tiếp từ hợp tác xã, thanh toán bằng mã QR, chuyển khoản hoặc khi nhận hàng.",
                )
            )
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Chợ Số")
        elif site.root_page_id != home.pk:
            old_root = site.root_page
            site.root_page = home
            site.site_name = "Chợ Số"
            site.save()
            if type(old_root.specific) is Page and not old_root.get_children().exists():
                old_root.delete()

        news_index = self.child(home, NewsIndexPage, "tin-tuc", title="Tin tức", intro="Tin từ xã và các hợp tác xã.")
        self.child(home, CooperativeIndexPage, "hop-tac-xa", title="Hợp tác xã", intro="Những người làm ra sản phẩm.")
        self.child(
            home,
            StandardPage,
            "gioi-thieu",
            title="Giới thiệu",
            body="<p>Chợ Số đưa sản phẩm OCOP của hợp tác xã lên mạng và giúp chợ, phố không dùng tiền mặt.</p>",
        )
        today = timezone.localdate()
        for slug, title, days_ago, intro, body in demo.NEWS:
            self.child(
                news_index,
                NewsPage,
                slug,
                title=title,
                date=today - datetime.timedelta(days=days_ago),
                intro=intro,
                body=body,
                in_menu=False,
            )
        return home

    @staticmethod
    def child(parent, model, slug, in_menu=True, **fields):
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = parent.add_child(instance=model(slug=slug, show_in_menus=in_menu, **fields))
        return page

    def cooperative_pages(self, home, cooperatives):
        index = CooperativeIndexPage.objects.child_of(home).get(slug="hop-tac-xa")
        for coop in cooperatives.values():
            if not CooperativePage.objects.filter(cooperative=coop).exists():
                index.add_child(
                    instance=CooperativePage(title=coop.name, slug=coop.slug, cooperative=coop, intro=coop.legal_name)
                )

    # --- Catalogue -------------------------------------------------------------------
    def categories(self) -> dict:
        found = {}
        for name in demo.CATEGORIES:
            category = Category.objects.filter(name=name, depth=1).first()
            if category is None:
                category = Category.add_root(name=name, slug=fold(name).replace(" ", "-"))
            found[name] = category
        return found

    def cooperatives(self) -> dict:
        from vietnam_provinces import ProvinceCode, Ward

        communes = {w.name: w.code.value for w in Ward.iter_by_province(ProvinceCode(demo.PROVINCE_CODE))}
        found = {}
        for slug, name, legal, kind, commune, address, phone, tax, story in demo.COOPERATIVES:
            partner, _ = Partner.objects.get_or_create(code=slug, defaults={"name": name})
            coop, _ = Cooperative.objects.update_or_create(
                slug=slug,
                defaults=dict(
                    partner=partner,
                    legal_name=legal,
                    kind=kind,
                    tax_code=tax,
                    province_code=demo.PROVINCE_CODE,
                    commune_code=communes[commune],
                    address=address,
                    phone=phone,
                    story=story,
                    shipping_fee=demo.SHIPPING_FEES.get(slug, 30000),
                    pickup_point=demo.PICKUP_POINTS.get(slug, ""),
                ),
            )
            found[slug] = coop
        return found

    def products(self, cooperatives, categories):
        today = timezone.localdate()
        for index, (upc, coop_slug, cat, title, unit, price, stock, stars, level, years) in enumerate(demo.PRODUCTS):
            coop = cooperatives[coop_slug]
            product = Product.objects.filter(upc=upc).first()
            photos = [] if product is not None else [self.photo(title, index)]
            product = product_save(
                cooperative=coop,
                product=product,
                title=title,
                category=categories[cat],
                unit=unit,
                price=price,
                num_in_stock=stock,
                photos=photos,
                description=(
                    f"{title}, {unit}. Sản xuất tại {coop.commune_name}, {coop.province_name}, bởi {coop.name}."
                ),
            )
            if product.upc != upc:
                product.upc = upc
                product.save(update_fields=["upc"])
            # OCOP certificates run 36 months; negative ``years`` means it lapsed that long ago.
            valid_until = today + datetime.timedelta(days=365 * years)
            decision = (
                today - datetime.timedelta(days=200) if years > 0 else valid_until - datetime.timedelta(days=3 * 365)
            )
            product_certification_set(
                product=product,
                data=CertificationData(
                    stars=stars, number=f"{upc}/QĐ-UBND", level=level, decision_date=decision, valid_until=valid_until
                ),
            )

    @staticmethod
    def photo(title: str, index: int) -> ContentFile:
        """A product picture drawn here, so the demo needs no downloads."""
        base = demo.PALETTE[index % len(demo.PALETTE)]
        image = Image.new("RGB", (800, 800), base)
        draw = ImageDraw.Draw(image)
        for i in range(0, 800, 4):
            shade = tuple(min(255, c + i // 10) for c in base)
            draw.line([(0, i), (800, i)], fill=shade)
        draw.ellipse((170, 150, 630, 610), fill=(250, 246, 236))
        draw.ellipse((250, 230, 550, 530), fill=base)
        initials = "".join(word[0] for word in fold(title).upper().split()[:3])
        font = ImageFont.load_default(size=120)
        draw.text((400, 380), initials, fill=(255, 255, 255), font=font, anchor="mm")
        label = fold(title).upper()[:28]
        draw.text((400, 700), label, fill=(255, 255, 255), font=ImageFont.load_default(size=36), anchor="mm")
        out = io.BytesIO()
        image.save(out, format="WEBP", quality=80)
        return ContentFile(out.getvalue(), name=f"{fold(title).replace(' ', '-')}.webp")

    # --- People ----------------------------------------------------------------------
    def account(self, username, email, role, logins, **flags):
        from django.contrib.auth import get_user_model

        user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        user.email = email
        for key, value in flags.items():
            setattr(user, key, value)
        user.set_password(DEMO_PASSWORD)
        user.save()
        logins.append((role, username, email))
        return user

    def users(self, cooperatives) -> list[tuple[str, str, str]]:
        logins = []

        def account(username, email, role, **flags):
            return self.account(username, email, role, logins, **flags)

        account(
            "admin",
            "admin@choso.test",
            "Quản trị nền tảng (/django-admin/, /cms/, /shop/dashboard/)",
            is_staff=True,
            is_superuser=True,
            first_name="Quản trị",
        )
        editor = account(
            "bientap", "bientap@choso.test", "Biên tập nội dung (/cms/)", is_staff=False, first_name="Biên tập"
        )
        editors = Group.objects.filter(name="Editors").first()
        if editors:
            editor.groups.add(editors)
            home = HomePage.objects.first()
            GroupPagePermission.objects.filter(group=editors).exclude(page=home).update(page=home)
        for number, coop in enumerate(cooperatives.values(), start=1):
            staff = account(
                f"htx{number}", f"htx{number}@choso.test", f"Cán bộ {coop.name} (/coop/)", first_name=coop.name
            )
            coop.partner.users.add(staff)
        account("nguoimua", "nguoimua@choso.test", "Người mua (tài khoản tuỳ chọn)", first_name="Người mua")
        return logins

    def report(self, logins):
        write = self.stdout.write
        write(self.style.SUCCESS("Demo commune ready."))
        write(
            f"  {Cooperative.objects.count()} cooperatives, {Product.objects.count()} products, "
            f"{Category.objects.count()} categories, {NewsPage.objects.count()} news pages, "
            f"{Order.objects.count()} orders, {Stall.objects.count()} stalls"
        )
        write(f"  Logins (password for all: {DEMO_PASSWORD}); sign in at /shop/accounts/login/ with the email,")
        write("  or at /cms/ and /django-admin/ with the username:")
        for role, username, email in logins:
            write(f"    {role}: {username} / {email}")
        for merchant in Merchant.objects.exclude(user=None).order_by("pk"):
            phone = merchant.phone.as_national
            write(f"    Tiểu thương {merchant.name} (/stalls/login/, số điện thoại): {phone}")
