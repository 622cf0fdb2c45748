import pytest
from django.test import Client

from acuclinic.website.models import ArticlePage, Comment

pytestmark = pytest.mark.django_db

ARTICLE = "/articles/back-pain-relief-with-acupuncture/"


@pytest.fixture
def pending() -> Comment:
    return Comment.objects.create(
        article=ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture"),
        body="Is cupping safe during pregnancy?",
        name="Mia",
        email="mia@example.org",
        ip_address="127.0.0.9",
    )


def as_user(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_sign_in(pending) -> None:
    response = Client().get("/desk/comments/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = Client().post(f"/desk/comments/{pending.pk}/approve/")
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


@pytest.mark.parametrize("persona", ["stranger", "staff_without_permission"])
def test_people_without_the_permission_are_refused(request, persona, pending) -> None:
    client = as_user(request.getfixturevalue(persona))
    assert client.get("/desk/comments/").status_code == 403
    for action in ("approve", "spam", "delete", "reply"):
        assert (
            client.post(f"/desk/comments/{pending.pk}/{action}/", {"body": "x"}).status_code == 403
        )
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING
    assert Comment.objects.count() == 1


@pytest.mark.parametrize("persona", ["owner", "moderator"])
def test_moderators_see_the_queue_with_emails(request, persona, pending) -> None:
    response = as_user(request.getfixturevalue(persona)).get("/desk/comments/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Is cupping safe during pregnancy?" in html
    assert "mia@example.org" in html  # staff may see it; the public never does
    assert "Awaiting moderation (1)" in html


def test_approve_publishes(moderator, pending) -> None:
    client = as_user(moderator)
    response = client.post(f"/desk/comments/{pending.pk}/approve/", {"status": "pending"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED and pending.approved_at
    html = Client().get(ARTICLE).content.decode()
    assert "Is cupping safe during pregnancy?" in html and "mia@example.org" not in html


def test_spam_and_back(moderator, pending) -> None:
    client = as_user(moderator)
    client.post(f"/desk/comments/{pending.pk}/spam/")
    pending.refresh_from_db()
    assert pending.status == Comment.Status.SPAM
    assert "Is cupping safe" in client.get("/desk/comments/?status=spam").content.decode()
    client.post(f"/desk/comments/{pending.pk}/unspam/")
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED


def test_delete(moderator, pending) -> None:
    as_user(moderator).post(f"/desk/comments/{pending.pk}/delete/")
    assert not Comment.objects.filter(pk=pending.pk).exists()


def test_reply_as_the_clinic_publishes_thread(moderator, pending) -> None:
    client = as_user(moderator)
    client.post(f"/desk/comments/{pending.pk}/reply/", {"body": "Please call us to talk it over."})
    reply = Comment.objects.get(parent=pending)
    pending.refresh_from_db()
    assert pending.status == Comment.Status.APPROVED
    assert reply.status == Comment.Status.APPROVED and reply.staff_author == moderator
    assert reply.name == "Juniper Mesa Acupuncture"
    html = Client().get(ARTICLE).content.decode()
    assert "Please call us to talk it over." in html and "The clinic" in html


def test_empty_reply_is_refused_with_a_message(moderator, pending) -> None:
    client = as_user(moderator)
    response = client.post(f"/desk/comments/{pending.pk}/reply/", {"body": ""}, follow=True)
    assert "Please write your reply." in response.content.decode()
    assert Comment.objects.count() == 1


def test_get_unknown_action_and_guessed_ids(moderator, pending) -> None:
    client = as_user(moderator)
    assert client.get(f"/desk/comments/{pending.pk}/approve/").status_code == 405
    assert client.post(f"/desk/comments/{pending.pk}/publish-all/").status_code == 404
    assert client.post("/desk/comments/999999/approve/").status_code == 404
    assert client.get("/desk/comments/?status=bogus&page=abc").status_code == 200


def test_queue_query_count_does_not_grow_with_comments(
    moderator, pending, django_assert_max_num_queries
) -> None:
    article = pending.article
    Comment.objects.bulk_create(
        Comment(article=article, parent=pending, body=f"c{i}", name="N", email="n@example.org")
        for i in range(30)
    )
    client = as_user(moderator)
    client.get("/desk/comments/")  # warm caches (site, settings)
    with django_assert_max_num_queries(12):
        assert client.get("/desk/comments/").status_code == 200


def test_desk_home(owner, stranger) -> None:
    html = as_user(owner).get("/desk/").content.decode()
    assert "0 comments await moderation" in html
    assert as_user(stranger).get("/desk/").status_code == 403


def test_htmx_moderation_replaces_the_row_in_place(moderator, pending) -> None:
    response = as_user(moderator).post(
        f"/desk/comments/{pending.pk}/spam/", {"status": "pending"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<tr class="moderated">') and "Comment by Mia moved to spam." in html
    pending.refresh_from_db()
    assert pending.status == Comment.Status.SPAM


def test_huge_ids_are_404_not_500(moderator) -> None:
    client = as_user(moderator)
    assert client.post("/desk/comments/" + "9" * 40 + "/approve/").status_code == 404
