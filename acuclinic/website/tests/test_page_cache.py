"""The page cache must make pages fast without ever serving a stale or someone else's page."""

import re

import pytest
from django.test import Client

from acuclinic.clinic.models import ClinicSettings
from acuclinic.website.models import ArticlePage, Comment

from .helpers import ARTICLE, comment_data

pytestmark = pytest.mark.django_db


def csrf_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_second_anonymous_visit_is_served_from_cache(client) -> None:
    first = Client().get(ARTICLE)
    second = Client().get(ARTICLE)
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert second.content.count(b"How to get back pain relief") == first.content.count(
        b"How to get back pain relief"
    )


def test_each_visitor_gets_their_own_working_csrf_token_from_a_cached_page() -> None:
    alice, bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a = alice.get(ARTICLE)
    b = bob.get(ARTICLE)
    assert b["X-Page-Cache"] == "hit"
    assert csrf_in(a.content.decode()) != csrf_in(b.content.decode())
    assert "csrftoken" in b.cookies
    data = comment_data(bob)
    data["csrfmiddlewaretoken"] = csrf_in(b.content.decode())
    assert bob.post(ARTICLE, data).status_code == 303
    # Alice's token does not work for Bob.
    data = comment_data(bob)
    data["csrfmiddlewaretoken"] = csrf_in(a.content.decode()) + "x"
    assert bob.post(ARTICLE, data).status_code == 403


def test_form_start_time_is_fresh_on_cached_pages() -> None:
    first = Client().get(ARTICLE).content.decode()
    second = Client().get(ARTICLE).content.decode()
    start = r'name="started" value="([^"]+)"'
    assert re.search(start, first).group(1) != re.search(start, second).group(1)
    assert "ph-" not in second  # no placeholder ever reaches a visitor


def test_a_published_change_shows_at_once() -> None:
    Client().get(ARTICLE)
    article = ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture")
    article.title = "Back pain relief: updated"
    article.save_revision().publish()
    response = Client().get(ARTICLE)
    assert response["X-Page-Cache"] == "miss"
    assert "Back pain relief: updated" in response.content.decode()
    # ...and on every page that lists it.
    assert "Back pain relief: updated" in Client().get("/articles/").content.decode()


def test_an_unpublished_page_disappears_at_once() -> None:
    assert Client().get(ARTICLE).status_code == 200
    ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture").unpublish()
    assert Client().get(ARTICLE).status_code == 404


def test_clinic_settings_change_shows_everywhere_at_once() -> None:
    Client().get("/")
    Client().get(ARTICLE)
    clinic = ClinicSettings.objects.get()
    clinic.phone_display = "(303) 555-0199"
    clinic.phone_e164 = "+13035550199"
    clinic.save()
    for path in ("/", ARTICLE):
        html = Client().get(path).content.decode()
        assert 'href="tel:+13035550199"' in html and "555-0142" not in html


def test_approving_a_comment_shows_it_at_once(client) -> None:
    client.post(ARTICLE, comment_data(client, body="Cache me if you can"))
    assert "Cache me if you can" not in Client().get(ARTICLE).content.decode()
    comment = Comment.objects.get()
    comment.status = Comment.Status.APPROVED
    comment.save()
    assert "Cache me if you can" in Client().get(ARTICLE).content.decode()


def test_signed_in_staff_are_never_served_or_stored_from_cache(client, owner) -> None:
    client.force_login(owner)
    response = client.get(ARTICLE)
    assert "X-Page-Cache" not in response
    assert "X-Page-Cache" not in client.get(ARTICLE)
    assert Client().get(ARTICLE)["X-Page-Cache"] == "miss"


def test_query_strings_are_separate_entries(client) -> None:
    Client().get("/articles/")
    page2 = Client().get("/articles/?category=herbal-medicine")
    assert page2["X-Page-Cache"] == "miss"
    assert "back-pain-relief-with-acupuncture" not in page2.content.decode()


def test_staff_and_api_paths_are_never_cached(client) -> None:
    assert "X-Page-Cache" not in Client().get("/robots.txt")
    assert "X-Page-Cache" not in Client().get("/comments/challenge/")
    assert "X-Page-Cache" not in Client().get("/desk/")
