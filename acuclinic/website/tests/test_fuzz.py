"""Whatever a visitor types, the answer is a page or a clear refusal, never a 500."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.website.models import Comment

from .helpers import ARTICLE, started

pytestmark = pytest.mark.django_db

visitor_text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300
) | st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "../../etc/passwd", "%00", "'; DROP--"])

fuzz = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@fuzz
@given(
    body=visitor_text,
    name=visitor_text,
    email=visitor_text | st.emails(),
    website=visitor_text,
    parent=visitor_text,
    homepage=visitor_text,
    altcha=visitor_text,
)
def test_comment_form_never_fails(client, body, name, email, website, parent, homepage, altcha):  # type: ignore[no-untyped-def]
    before = Comment.objects.count()
    data = {
        "body": body,
        "name": name,
        "email": email,
        "website": website,
        "parent": parent,
        "homepage": homepage,
        "started": started(),
        "altcha": altcha,
    }
    response = client.post(ARTICLE, data)
    assert response.status_code in (303, 400)
    created = Comment.objects.count() - before
    assert created == (1 if response.status_code == 303 else 0)
    if response.status_code == 400:  # refused: what was typed comes back
        assert "Leave a Reply" in response.content.decode()


@fuzz
@given(page=visitor_text, category=visitor_text, tag=visitor_text)
def test_article_index_query_strings_never_fail(client, page, category, tag):  # type: ignore[no-untyped-def]
    response = client.get("/articles/", {"page": page, "category": category, "tag": tag})
    assert response.status_code == 200


@fuzz
@given(unapproved=visitor_text, moderation_hash=visitor_text, replytocom=visitor_text)
def test_article_query_strings_never_fail(client, unapproved, moderation_hash, replytocom):  # type: ignore[no-untyped-def]
    for params in (
        {"unapproved": unapproved, "moderation-hash": moderation_hash},
        {"replytocom": replytocom},
    ):
        assert client.get(ARTICLE, params).status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 5000, str(2**63), "٣", "-1", "1.0"])
def test_odd_numbers_in_ids(client, value) -> None:
    assert client.get(ARTICLE, {"unapproved": value, "moderation-hash": "x"}).status_code == 200
    assert client.get(ARTICLE, {"replytocom": value}).status_code == 200
    response = client.post(ARTICLE, {"parent": value, "body": "hi there", "name": "A"})
    assert response.status_code == 400
