import json
import re

import pytest
from django.test import Client

from acuclinic.website.models import ArticlePage, ServicePage

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/back-pain-relief-with-acupuncture/"


def jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


@pytest.mark.parametrize(
    "path",
    ["/", "/services/", "/services/cupping/", "/articles/", ARTICLE, "/lena-qiao/", "/contact/"],
)
def test_public_pages_render_with_clinic_identity(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en' in html
    assert "Juniper Mesa Acupuncture" in html
    assert 'href="tel:+13035550142"' in html
    assert 'href="/book/"' in html
    assert '<a class="skip-link" href="#main">' in html
    assert "Monday" in html and "Closed" in html  # opening hours in the footer


def test_every_service_page_has_description_duration_price_and_booking_link(client) -> None:
    services = ServicePage.objects.live()
    slugs = set(services.values_list("slug", flat=True))
    assert {
        "acupuncture-back-pain",
        "acupuncture-muscle-aches",
        "acupuncture-pain-control",
        "massage",
        "cupping",
        "gua-sha",
        "chinese-herbal-medicine",
    } <= slugs
    for service in services:
        html = client.get(service.url).content.decode()
        assert f'href="/book/?service={service.slug}"' in html
        assert f"{service.duration_minutes} minutes" in html
        assert f"${service.price}" in html
        assert service.summary in html
    index = client.get("/services/").content.decode()
    assert index.count("Book this") >= len(slugs)


def test_article_page_has_byline_reading_time_disclaimer_and_call_to_action(client) -> None:
    article = ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture")
    html = client.get(ARTICLE).content.decode()
    assert "<h1>How to get back pain relief with acupuncture</h1>" in html
    assert article.lead in html
    assert 'href="/lena-qiao/"' in html
    assert f"{article.reading_minutes} minute read" in html
    assert article.reading_minutes >= 3
    assert "not a diagnosis" in html
    assert 'class="button button-secondary call-link" href="tel:+13035550142"' in html
    assert "Call (303) 555-0142" in html
    # A heading block gets an anchor; the image carries its alt text.
    assert re.search(r'<h2 id="[a-z0-9-]+">', html)
    assert f'alt="{article.image_alt}"' in html
    assert "Related services" in html and "/book/?service=acupuncture-back-pain" in html


def test_article_structured_data_and_sharing_tags(client) -> None:
    html = client.get(ARTICLE).content.decode()
    data = jsonld(html)
    types = {d["@type"] for d in data}
    assert types == {"MedicalClinic", "BlogPosting"}
    clinic = next(d for d in data if d["@type"] == "MedicalClinic")
    assert clinic["telephone"] == "+13035550142"
    assert clinic["address"]["addressLocality"] == "Lakewood"
    assert {k: v for k, v in clinic["openingHoursSpecification"][0].items() if k != "@type"} == {
        "dayOfWeek": "Monday",
        "opens": "09:00",
        "closes": "18:00",
    }
    post = next(d for d in data if d["@type"] == "BlogPosting")
    assert post["headline"] == "How to get back pain relief with acupuncture"
    assert post["author"]["name"] == "Lena Qiao"
    assert post["image"].startswith("http://testserver/")
    assert '<link rel="canonical" href="http://127.0.0.1:8000/articles/' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:image" content="http://testserver/' in html


def test_practitioner_profile(client) -> None:
    html = client.get("/lena-qiao/").content.decode()
    assert "L.Ac." in html and "Licence" in html and "English, Mandarin" in html
    physician = next(d for d in jsonld(html) if d["@type"] == "Physician")
    assert physician["knowsLanguage"] == ["English", "Mandarin"]
    assert physician["worksFor"]["@id"].endswith("#clinic")


def test_contact_page_has_hours_address_and_map(client) -> None:
    html = client.get("/contact/").content.decode()
    assert "1185 Garrison Street" in html
    assert "openstreetmap.org" in html
    assert html.count("Saturday") >= 2


def test_articles_index_paginates_and_filters(client) -> None:
    index = ArticlePage.objects.first().get_parent().specific
    index.per_page = 2
    index.save_revision().publish()
    total = ArticlePage.objects.live().count()
    first = client.get("/articles/").content.decode()
    assert f"Page 1 of {(total + 1) // 2}" in first
    assert 'rel="next" href="?page=2"' in first
    # Bad page numbers fall back instead of failing.
    for bad in ("abc", "999", "-1", "1%00"):
        assert client.get(f"/articles/?page={bad}").status_code == 200
    pain = client.get("/articles/?category=herbal-medicine").content.decode()
    assert "chinese-herbal-medicine-safety" in pain
    assert "back-pain-relief-with-acupuncture" not in pain
    tagged = client.get("/articles/?tag=back-pain").content.decode()
    assert "back-pain-relief-with-acupuncture" in tagged
    assert client.get("/articles/?category=%3Cscript%3E").status_code == 200


def test_sitemap_robots_and_feeds(client) -> None:
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/articles/back-pain-relief-with-acupuncture/" in sitemap
    assert "/services/cupping/" in sitemap
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /desk/" in robots and "Sitemap: http://testserver/sitemap.xml" in robots
    rss = client.get("/feed/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert "How to get back pain relief with acupuncture" in rss.content.decode()
    atom = client.get("/feed/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<author><name>Lena Qiao</name></author>" in atom.content.decode()


def test_unknown_page_is_a_friendly_404(client) -> None:
    response = client.get("/articles/no-such-article/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html and 'href="tel:+13035550142"' in html


def test_the_clinic_language_is_a_setting_not_the_browser_choice(client, settings) -> None:
    html = client.get("/contact/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="en-us">' in html
    settings.LANGUAGE_CODE = "es"
    html = client.get("/services/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in html
    assert "Saltar al contenido" in html  # shipped Spanish translation
    assert "Skip to content" not in html


def test_article_images_are_served(client) -> None:
    html = client.get(ARTICLE).content.decode()
    src = re.search(r'<figure class="article-figure"><img[^>]* src="([^"]+)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
