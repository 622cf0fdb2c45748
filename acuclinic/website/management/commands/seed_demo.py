"""Load the fictional demo clinic. Idempotent: a second run finds everything and adds nothing."""

import hashlib
import io
import json
import os
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.html import escape
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from acuclinic.clinic import roles
from acuclinic.clinic.models import ClinicSettings, Practitioner
from acuclinic.outcomes import demo as outcomes_demo
from acuclinic.patients import demo as patients_demo
from acuclinic.scheduling import demo as scheduling_demo
from acuclinic.website import demo_data as demo
from acuclinic.website.demo_images import (
    abstract_circles,
    needles_in_lower_back,
    portrait_placeholder,
)
from acuclinic.website.models import (
    ArticleCategory,
    ArticleIndexPage,
    ArticlePage,
    ContactPage,
    HomePage,
    PractitionerPage,
    ServiceIndexPage,
    ServicePage,
)

DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "acuclinic-demo")
# A second, fictional staff member: the front desk sees the schedule and contact details only.
FRONT_DESK_USERNAME = "reception"
FRONT_DESK_EMAIL = "reception@example.com"


def _paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def stream_blocks(blocks: list[tuple[str, Any]], image: Any, image_alt: str) -> list[dict]:
    """Turn demo_data's (kind, value) tuples into StreamField data."""
    result: list[dict] = []
    for kind, value in blocks:
        if kind == "heading":
            result.append({"type": "heading", "value": value})
        elif kind == "paragraph":
            result.append({"type": "paragraph", "value": f"<p>{escape(value)}</p>"})
        elif kind == "list":
            items = "".join(f"<li>{escape(item)}</li>" for item in value)
            result.append({"type": "paragraph", "value": f"<ul>{items}</ul>"})
        elif kind == "quote":
            result.append({"type": "quote", "value": value})
        elif kind == "image" and image is not None:
            result.append(
                {
                    "type": "image",
                    "value": {"image": image.pk, "decorative": False, "alt_text": image_alt},
                }
            )
    return result


def article_picture(slug: str) -> bytes:
    if slug == "back-pain-relief-with-acupuncture":
        return needles_in_lower_back()
    return abstract_circles(slug, (1200, 630))


class Command(BaseCommand):
    help = "Load the fictional demo clinic (pages, settings, a staff sign-in). Safe to re-run."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--without-outcome-history",
            action="store_true",
            help="leave out the year of fictional visits and scores behind the outcome report "
            "(the test suite's base data: tests build the outcome data they count on)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.outcome_history = not options.get("without_outcome_history", False)
        with transaction.atomic():
            created = self.seed()
        self.stdout.write(
            f"Demo clinic ready ({created} new objects). Staff sign-in: "
            f"{DEMO_USERNAME} / {DEMO_PASSWORD} (owner), "
            f"{FRONT_DESK_USERNAME} / {DEMO_PASSWORD} (front desk)"
        )

    def seed(self) -> int:
        self.created = 0
        site = self.site_with_home()
        home = site.root_page.specific
        self.clinic_settings(site)
        self.staff_user()
        categories = {
            c["slug"]: self.get_or_create(
                ArticleCategory, slug=c["slug"], defaults={"name": c["name"]}
            )
            for c in demo.CATEGORIES
        }
        services_index = self.child(
            home,
            ServiceIndexPage,
            "services",
            title="Services",
            show_in_menus=True,
            intro="<p>Every treatment starts with a conversation about what you need.</p>",
        )
        services = {}
        for data in demo.SERVICES:
            services[data["slug"]] = self.child(
                services_index,
                ServicePage,
                data["slug"],
                title=data["title"],
                summary=data["summary"],
                duration_minutes=data["duration_minutes"],
                price=data["price"],
                body=stream_blocks(data["body"], None, ""),
            )
        practitioner = self.practitioner(home)
        self.created += scheduling_demo.seed(demo.CLINIC, demo.SERVICES)
        self.created += patients_demo.seed()
        if getattr(self, "outcome_history", True):
            self.created += outcomes_demo.seed()
        self.staff_roles()
        articles_index = self.child(
            home,
            ArticleIndexPage,
            "articles",
            title="Articles",
            show_in_menus=True,
            intro="<p>Plain-language notes on pain, recovery and Chinese medicine.</p>",
        )
        for data in demo.ARTICLES:
            if articles_index.get_children().filter(slug=data["slug"]).exists():
                continue
            image = self.image(f"Illustration: {data['title']}", article_picture(data["slug"]))
            article = ArticlePage(
                slug=data["slug"],
                title=data["title"],
                lead=data["lead"],
                date=date.fromisoformat(data["date"]),
                author=practitioner,
                image=image,
                image_alt=data["image_alt"],
                body=stream_blocks(data["body"], image, data["image_alt"]),
            )
            articles_index.add_child(instance=article)
            article.categories.set([categories[data["category"]]])
            article.tags.set(data["tags"])
            article.related_services.set([services[s] for s in data["related_services"]])
            article.save_revision().publish()
            self.created += 1
        self.child(
            home,
            ContactPage,
            "contact",
            title="Contact",
            show_in_menus=True,
            intro="<p>Call, e-mail or book online. We reply within one working day.</p>",
        )
        return self.created

    def get_or_create(self, model: Any, defaults: dict | None = None, **lookup: Any) -> Any:
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        self.created += created
        return obj

    def child(self, parent: Page, model: Any, slug: str, **fields: Any) -> Any:
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing:
            return existing
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.created += 1
        return page

    def site_with_home(self) -> Site:
        site = Site.objects.filter(is_default_site=True).first()
        if site and isinstance(site.root_page.specific, HomePage):
            return site
        root = self.wagtail_base()
        home = HomePage.objects.first()
        if home is None:
            home = HomePage(
                title=demo.HOME["title"],
                slug="home",
                hero_heading=demo.HOME["hero_heading"],
                hero_text=demo.HOME["hero_text"],
                body=_paragraphs_html(demo.HOME["intro"]),
            )
            # Wagtail's own "Welcome" page takes the slug "home": replace it.
            Page.objects.filter(depth=2).exclude(pk__in=HomePage.objects.all()).delete()
            root.add_child(instance=home)
            home.save_revision().publish()
            self.created += 1
        if site is None:
            site = Site(is_default_site=True, root_page=home)
        # Canonical URLs, the sitemap and feeds use the site's address: the one we serve on.
        address = urlsplit(django_settings.SITE_URL)
        site.hostname = address.hostname or "localhost"
        site.port = address.port or (443 if address.scheme == "https" else 80)
        site.root_page = home
        site.site_name = demo.CLINIC["name"]
        site.save()
        return site

    def wagtail_base(self) -> Page:
        """The rows Wagtail's migrations create, rebuilt if a flush removed them."""
        language = get_supported_content_language_variant(django_settings.LANGUAGE_CODE)
        Locale.objects.get_or_create(language_code=language)
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root"))
        return root

    def clinic_settings(self, site: Site) -> None:
        settings = ClinicSettings.for_site(site)
        if settings.phone_e164:
            return  # already set up: the clinic may have edited it since
        c = demo.CLINIC
        settings.name = c["name"]
        settings.tagline = c["tagline"]
        settings.phone_display = c["phone"]
        settings.phone_e164 = c["phone_e164"]
        settings.email = c["email"]
        settings.street = c["street"]
        settings.city = c["city"]
        settings.region = c["region"]
        settings.postal_code = c["postal_code"]
        settings.country = c["country"]
        settings.time_zone = c["time_zone"]
        settings.map_url = c["map_url"]
        settings.staff_notification_email = c["email"]
        settings.hours = json.dumps(
            [{"type": "day", "value": {**h, "weekday": str(h["weekday"])}} for h in c["hours"]]
        )
        settings.save()
        self.created += 1

    def staff_user(self) -> None:
        users = get_user_model().objects
        if users.filter(username=DEMO_USERNAME).exists():
            return
        users.create_superuser(
            DEMO_USERNAME, DEMO_EMAIL, DEMO_PASSWORD, first_name="Lena", last_name="Qiao"
        )
        self.created += 1

    def staff_roles(self) -> None:
        """The demo user owns the clinic (and treats: Lena Qiao's practitioner record is hers);
        every practitioner's account is a practitioner; one fictional front-desk account."""
        users = get_user_model().objects
        roles.grant(users.get(username=DEMO_USERNAME), roles.Role.OWNER)
        for practitioner in Practitioner.objects.exclude(user=None).select_related("user"):
            roles.grant(practitioner.user, roles.Role.PRACTITIONER)
        desk = users.filter(username=FRONT_DESK_USERNAME).first()
        if desk is None:
            desk = users.create_user(
                FRONT_DESK_USERNAME,
                FRONT_DESK_EMAIL,
                DEMO_PASSWORD,
                first_name="Marisol",
                last_name="Okafor",
                is_staff=True,
            )
            self.created += 1
        roles.grant(desk, roles.Role.FRONT_DESK)

    def image(self, title: str, png: bytes) -> Any:
        Image = get_image_model()
        existing = Image.objects.filter(title=title).first()
        if existing:
            return existing
        name = hashlib.sha256(title.encode()).hexdigest()[:12] + ".png"
        image = Image(title=title, file=ImageFile(io.BytesIO(png), name=name))
        image.save()
        self.created += 1
        return image

    def practitioner(self, home: HomePage) -> PractitionerPage:
        p = demo.PRACTITIONER
        existing = PractitionerPage.objects.child_of(home).filter(slug=p["slug"]).first()
        if existing:
            return existing
        return self.child(
            home,
            PractitionerPage,
            p["slug"],
            title=p["name"],
            show_in_menus=True,
            credentials=p["credentials"],
            licence=p["licence"],
            languages=", ".join(p["languages"]),
            bio=_paragraphs_html(p["bio"]),
            photo=self.image(f"Portrait placeholder: {p['name']}", portrait_placeholder()),
            photo_alt=p["photo_alt"],
        )
