import re

import pytest
from django.test import Client
from django.utils.html import escape

from acuclinic.clinic.models import ClinicSettings
from acuclinic.website.models import ArticlePage, Comment
from acuclinic.website.tasks import notify_reply, notify_staff_of_comment

from .helpers import ARTICLE, comment_data

pytestmark = pytest.mark.django_db

EMAIL = "rosa@example.org"


def post(client: Client, **overrides: object):  # type: ignore[no-untyped-def]
    return client.post(ARTICLE, comment_data(client, **overrides))


def approved(comment: Comment) -> Comment:
    comment.status = Comment.Status.APPROVED
    comment.save()
    return comment


def test_form_marks_required_fields_and_promises_privacy(client) -> None:
    html = client.get(ARTICLE).content.decode()
    assert "Leave a Reply" in html
    assert "Your email address will not be published." in html
    assert "Required fields are marked" in html
    for field in ("id_body", "id_name", "id_email"):
        label = re.search(rf'<label for="{field}">(.*?)</label>', html, re.S).group(1)
        assert '<span class="required" aria-hidden="true">*</span>' in label
    website_label = re.search(r'<label for="id_website">(.*?)</label>', html, re.S).group(1)
    assert "*" not in website_label
    assert "Save my name and email in this browser" in html
    assert "Please do not post private health details here" in html
    assert "(303) 555-0142" in html


def test_new_comment_waits_for_moderation_and_only_its_author_sees_it(client) -> None:
    response = post(client)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.spam_reasons == ""
    assert "unapproved=" in response["Location"] and "moderation-hash=" in response["Location"]
    mine = client.get(response["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in mine
    assert "Thank you, this helped me" in mine
    assert EMAIL not in mine
    # Another visitor, or a guessed hash, sees nothing.
    other = Client().get(ARTICLE).content.decode()
    assert "Thank you, this helped me" not in other
    forged = Client().get(f"{ARTICLE}?unapproved={comment.pk}&moderation-hash=0000")
    assert "Thank you, this helped me" not in forged.content.decode()


def test_approved_comment_is_public_but_its_email_is_nowhere(client) -> None:
    post(client, website="https://rosa.example.org/")
    approved(Comment.objects.get())
    for path in (ARTICLE, "/feed/rss/", "/feed/atom/", "/sitemap.xml", "/articles/", "/"):
        html = Client().get(path).content.decode()
        assert EMAIL not in html
        assert "rosa%40example.org" not in html
    html = Client().get(ARTICLE).content.decode()
    assert "Thank you, this helped me" in html
    assert 'href="https://rosa.example.org/" rel="nofollow ugc noopener"' in html
    assert "1 comment" in html


def test_invalid_input_gets_clear_messages_and_keeps_what_was_typed(client) -> None:
    response = post(client, name="", email="not-an-email", website="javascript:alert(1)")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter your name." in html
    assert "Enter a valid email address" in html
    assert "Enter a web address starting with https://." in html
    assert "Thank you, this helped me understand what to expect.</textarea>" in html
    assert 'value="not-an-email"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_name_error"' in html
    assert Comment.objects.count() == 0


def test_missing_comment_and_overlong_comment_are_refused(client, settings) -> None:
    assert "Please write your comment." in post(client, body="").content.decode()
    too_long = "a" * (settings.COMMENT_MAX_LENGTH + 1)
    response = post(client, body=too_long)
    assert response.status_code == 400
    assert "Ensure this value has at most" in response.content.decode()
    assert Comment.objects.count() == 0


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(document.cookie)",
    '<a href="javascript:alert(1)">click</a>',
    "</textarea><script>alert(2)</script>",
    "{{ 7*7 }} {% debug %}",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_visitor_markup_never_runs(client, payload: str) -> None:
    post(client, body=f"Hello {payload} there", name=f"Eve {payload[:30]}".strip())
    comment = Comment.objects.first()
    if comment is None:  # refused by validation (names with markup): nothing to render
        return
    approved(comment)
    html = Client().get(ARTICLE).content.decode()
    comments = html[html.index('id="comments"') :]
    assert "<script>alert" not in comments
    assert "<img src=x" not in comments
    assert "<svg/onload" not in comments
    assert 'href="javascript:' not in comments
    # Shown exactly as typed (escaped): markup stays text, template syntax is not evaluated.
    assert escape(f"Hello {payload} there") in comments


def test_links_in_comments_are_clickable_but_not_endorsed(client) -> None:
    post(client, body="See https://example.org/exercises for stretches.")
    approved(Comment.objects.get())
    html = Client().get(ARTICLE).content.decode()
    assert '<a rel="nofollow ugc noopener" href="https://example.org/exercises">' in html


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"homepage": "http://spam.example.com"}, "honeypot"),
        ({"started": "forged"}, "no-start-time"),
        ({"altcha": ""}, "no-proof-of-work"),
        ({"altcha": "eyJmb28iOiAxfQ=="}, "no-proof-of-work"),
        ({"body": "cheap https://a.example https://b.example https://c.example"}, "too-many-links"),
    ],
)
def test_suspected_spam_goes_to_the_spam_folder_not_the_page(client, overrides, reason) -> None:
    response = post(client, **overrides)
    assert response.status_code == 303  # a bot is told nothing
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.SPAM
    assert reason in comment.spam_reasons
    assert "Thank you" not in Client().get(ARTICLE).content.decode() or reason == "too-many-links"
    assert comment.body not in Client().get(ARTICLE).content.decode()


def test_a_comment_typed_too_fast_is_spam(client) -> None:
    from .helpers import started

    post(client, started=started(seconds_ago=0.5))
    assert Comment.objects.get().spam_reasons == "too-fast"


def test_a_proof_of_work_solution_counts_once(client) -> None:
    data = comment_data(client)
    client.post(ARTICLE, data)
    client.post(ARTICLE, {**data, "body": "A second comment with the same solution."})
    first, second = Comment.objects.order_by("pk")
    assert first.status == Comment.Status.PENDING
    assert second.status == Comment.Status.SPAM and second.spam_reasons == "no-proof-of-work"


def test_rate_limit_per_address_keeps_the_text(client, settings) -> None:
    settings.COMMENT_RATE_LIMIT = 2
    assert post(client).status_code == 303
    assert post(client, body="Second one").status_code == 303
    response = post(client, body="Third one, kept on refusal")
    assert response.status_code == 400
    html = response.content.decode()
    assert "posted several comments in the last hour" in html
    assert "Third one, kept on refusal</textarea>" in html
    assert Comment.objects.count() == 2


def test_replies_nest_and_the_clinic_is_marked(client, owner) -> None:
    from acuclinic.website import actions

    parent = approved(
        Comment.objects.create(
            article=ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture"),
            body="Does it hurt?",
            name="Sam",
            email="sam@example.org",
        )
    )
    clinic = ClinicSettings.objects.get()
    reply = actions.staff_reply(
        parent=parent, body="Most people feel a mild tingle (reply Z1).", user=owner, clinic=clinic
    )
    post(client, parent=str(reply.pk), body="Good to know, thanks!")
    approved(Comment.objects.get(body="Good to know, thanks!"))
    html = Client().get(ARTICLE).content.decode()
    assert re.search(r'class="comment depth-2 by-clinic"', html)
    assert '<span class="badge">The clinic</span>' in html
    assert 'class="comment depth-3"' in html
    assert html.index("Does it hurt?") < html.index("reply Z1") < html.index("Good to know")


def test_reply_to_a_comment_elsewhere_or_unapproved_is_refused(client) -> None:
    other = ArticlePage.objects.exclude(slug="back-pain-relief-with-acupuncture").first()
    elsewhere = approved(
        Comment.objects.create(article=other, body="x", name="A", email="a@example.org")
    )
    pending = Comment.objects.create(
        article=ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture"),
        body="y",
        name="B",
        email="b@example.org",
    )
    for parent in (elsewhere.pk, pending.pk, 999999, "abc"):
        response = post(client, parent=str(parent))
        assert response.status_code == 400, parent
    assert Comment.objects.count() == 2


def test_closed_comments(client) -> None:
    article = ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture")
    article.comments_open = False
    article.save_revision().publish()
    assert "Comments are closed." in client.get(ARTICLE).content.decode()
    assert post(client).status_code == 400
    assert Comment.objects.count() == 0


def test_remember_me_cookie_fills_the_form_next_time(client) -> None:
    response = post(client, remember="on")
    assert "comment_author" in response.cookies
    assert response.cookies["comment_author"]["httponly"]
    html = client.get(ARTICLE).content.decode()
    assert 'value="Rosa Delgado"' in html and f'value="{EMAIL}"' in html
    # Another browser never gets someone else's details from the page cache.
    assert EMAIL not in Client().get(ARTICLE).content.decode()
    # Unticking forgets.
    response = post(client, body="Another thought.")
    assert response.cookies["comment_author"].value == ""


def test_auto_approve_returning_commenter_when_the_clinic_allows(client) -> None:
    clinic = ClinicSettings.objects.get()
    approved(
        Comment.objects.create(
            article=ArticlePage.objects.get(slug="back-pain-relief-with-acupuncture"),
            body="Earlier comment",
            name="Rosa Delgado",
            email=EMAIL,
        )
    )
    post(client)
    assert Comment.objects.latest("pk").status == Comment.Status.PENDING
    clinic.auto_approve_known_commenters = True
    clinic.save()
    post(client, body="Approved at once this time")
    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED
    assert "Approved at once this time" in Client().get(ARTICLE).content.decode()


def test_staff_get_an_email_about_new_comments(
    client, smtp_server, moderator, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client)
    comment = Comment.objects.get()
    messages = smtp_server.messages
    assert len(messages) == 1
    message = messages[0]
    assert "New comment on" in message["Subject"]
    assert "frontdesk@example.com" in message["To"] and "hello@example.com" in message["To"]
    body = message.get_payload(decode=True).decode()
    assert "Rosa Delgado" in body and "/desk/comments/" in body
    # Running the task again (a retry, a second worker) sends nothing more.
    notify_staff_of_comment.call(comment.pk)
    assert len(smtp_server.messages) == 1


def test_spam_sends_no_email(client, smtp_server, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        post(client, homepage="filled by a bot")
    assert smtp_server.messages == []


def test_commenter_who_opted_in_hears_about_an_approved_reply(
    client, smtp_server, owner, django_capture_on_commit_callbacks
) -> None:
    from acuclinic.website import actions

    post(client, notify_on_reply="on")
    parent = approved(Comment.objects.get())
    with django_capture_on_commit_callbacks(execute=True):
        actions.staff_reply(
            parent=parent, body="Thanks Rosa!", user=owner, clinic=ClinicSettings.objects.get()
        )
    to_rosa = smtp_server.to(EMAIL)
    assert len(to_rosa) == 1
    assert "A reply to your comment" in to_rosa[0]["Subject"]
    assert "Thanks Rosa!" in to_rosa[0].get_payload(decode=True).decode()
    reply = Comment.objects.get(body="Thanks Rosa!")
    notify_reply.call(reply.pk)
    assert len(smtp_server.to(EMAIL)) == 1


def test_no_reply_email_without_opt_in(
    client, smtp_server, owner, django_capture_on_commit_callbacks
) -> None:
    from acuclinic.website import actions

    post(client)
    parent = approved(Comment.objects.get())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.staff_reply(
            parent=parent, body="Thanks!", user=owner, clinic=ClinicSettings.objects.get()
        )
    assert callbacks  # the notice task did run, and chose not to write
    assert smtp_server.to(EMAIL) == []


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_do_not_crash(client, method) -> None:
    assert getattr(client, method)(ARTICLE).status_code < 500


def test_garbage_posts_never_500(client) -> None:
    for data in (
        {},
        {"body": ["a", "b"]},
        {"parent": "-1"},
        {"parent": "1e9"},
        {"started": "x" * 5000},
        {"altcha": "%%%"},
        {"body": "\x00\x01"},
        {"email": "a@" + "b" * 300 + ".com"},
    ):
        response = client.post(ARTICLE, data)
        assert response.status_code in (303, 400), data
