import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from acuclinic.clinic.models import ClinicSettings
from acuclinic.website import demo_data
from acuclinic.website.models import ArticlePage, PractitionerPage, ServicePage

pytestmark = pytest.mark.django_db

PHONE = re.compile(r"555-01\d\d|55501\d\d")


def table_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models()}


def test_running_it_again_changes_nothing_and_duplicates_nothing() -> None:
    before = table_counts()
    out = StringIO()
    # The suite's base data is the demo without the outcome history (conftest.py); that part's
    # own idempotency is checked in outcomes/tests/test_demo.py.
    call_command("seed_demo", "--without-outcome-history", stdout=out)
    assert table_counts() == before
    assert "0 new objects" in out.getvalue()
    assert Revision.objects.count() == before["wagtailcore.Revision"]


def test_demo_clinic_facts() -> None:
    clinic = ClinicSettings.for_site(Site.objects.get(is_default_site=True))
    assert clinic.city == "Lakewood" and clinic.region == "CO"
    assert clinic.time_zone == "America/Denver"
    assert PHONE.search(clinic.phone_display) and PHONE.search(clinic.phone_e164)
    assert clinic.opening_hours.openings
    assert PractitionerPage.objects.live().count() == 1
    assert ServicePage.objects.live().count() >= 7


def test_every_phone_number_in_the_demo_is_fictional() -> None:
    text = repr(demo_data.__dict__)
    for number in re.findall(r"\(?\d{3}\)?[ -]?\d{3}-\d{4}|\+1\d{10}", text):
        assert PHONE.search(number), number


def test_articles_include_back_pain_with_an_image_and_alt_text() -> None:
    articles = ArticlePage.objects.live()
    assert articles.count() >= 3
    back = articles.get(slug="back-pain-relief-with-acupuncture")
    assert back.image is not None and back.image_alt
    images = [b for b in back.body if b.block_type == "image"]
    assert images and images[0].value.contextual_alt_text == back.image_alt
    assert back.word_count > 400


def test_home_is_the_site_root() -> None:
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class.__name__ == "HomePage"
    assert not Page.objects.filter(slug="home", depth=2).exclude(pk=site.root_page_id).exists()
