"""The pure pieces: spam signals, comment threads, plain-text rendering, opening hours."""

from dataclasses import dataclass
from datetime import time

from hypothesis import given
from hypothesis import strategies as st

from acuclinic.clinic.hours import OpeningHours
from acuclinic.website.comment_tree import build_threads
from acuclinic.website.spam import SpamSignals, count_links, spam_reasons
from acuclinic.website.text import render_plain_text


def signals(**overrides: object) -> SpamSignals:
    base = {"honeypot": "", "seconds_to_fill": 30.0, "challenge_solved": True, "link_count": 0}
    return SpamSignals(**{**base, **overrides})  # type: ignore[arg-type]


def reasons(**overrides: object) -> list[str]:
    return spam_reasons(signals(**overrides), min_fill_seconds=3, max_links=2)


def test_a_normal_comment_has_no_spam_reasons() -> None:
    assert reasons() == []


def test_each_spam_signal() -> None:
    assert reasons(honeypot="x") == ["honeypot"]
    assert reasons(honeypot="   ") == []
    assert reasons(seconds_to_fill=1.0) == ["too-fast"]
    assert reasons(seconds_to_fill=None) == ["no-start-time"]
    assert reasons(challenge_solved=False) == ["no-proof-of-work"]
    assert reasons(link_count=2) == []
    assert reasons(link_count=3) == ["too-many-links"]
    assert reasons(honeypot="x", challenge_solved=False) == ["honeypot", "no-proof-of-work"]


def test_count_links() -> None:
    assert count_links("no links here") == 0
    assert count_links("see https://a.example/x and www.b.example and HTTP://C.EXAMPLE") == 3


@dataclass
class C:
    pk: int
    parent_id: int | None


def test_threads_nest_and_cap_depth() -> None:
    comments = [C(1, None), C(2, 1), C(3, 2), C(4, 3), C(5, None), C(6, 4)]
    roots = build_threads(comments, max_depth=3)
    assert [t.comment.pk for t in roots] == [1, 5]
    level2 = roots[0].replies[0]
    assert level2.comment.pk == 2 and level2.depth == 2
    level3 = [t.comment.pk for t in level2.replies]
    assert level3 == [3, 4, 6]  # replies past depth 3 join the deepest level, in order
    assert all(t.depth == 3 for t in level2.replies)


def test_orphan_replies_are_shown_not_lost() -> None:
    roots = build_threads([C(2, 1), C(3, 2)])
    assert [t.comment.pk for t in roots] == [2]
    assert roots[0].replies[0].comment.pk == 3


@given(st.lists(st.integers(min_value=0, max_value=30), max_size=40), st.integers(1, 5))
def test_threads_keep_every_comment_once_within_the_depth(parents: list[int], depth: int) -> None:
    comments = [C(i + 1, p if 0 < p <= i else None) for i, p in enumerate(parents)]
    seen: list[int] = []

    def walk(threads, level):  # type: ignore[no-untyped-def]
        for t in threads:
            assert t.depth == level <= depth
            seen.append(t.comment.pk)
            walk(t.replies, level + 1)

    walk(build_threads(comments, max_depth=depth), 1)
    assert sorted(seen) == [c.pk for c in comments]


@given(st.text(max_size=300))
def test_plain_text_never_contains_visitor_markup(text: str) -> None:
    html = str(render_plain_text(text))
    stripped = html.replace("<p>", "").replace("</p>", "").replace("<br>", "")
    stripped = stripped.replace('<a rel="nofollow ugc noopener" href=', "").replace("</a>", "")
    assert "<" not in stripped.replace("&lt;", "")


def test_plain_text_links_and_line_breaks() -> None:
    html = str(render_plain_text("Hi <b>there</b>\nsee https://example.org/a?b=1&c=2\n\nBye"))
    assert "&lt;b&gt;there&lt;/b&gt;" in html
    assert '<a rel="nofollow ugc noopener" href="https://example.org/a?b=1&amp;c=2">' in html
    assert html.count("<p>") == 2 and "<br>" in html


def test_opening_hours_by_day_and_schema() -> None:
    hours = OpeningHours.from_rows(
        [("1", time(10), time(19)), (0, time(9), time(12)), (0, time(13), time(18))]
    )
    days = hours.by_day()
    assert days[0][0] == "Monday" and [o.opens for o in days[0][1]] == [time(9), time(13)]
    assert days[6][1] == []
    assert hours.schema_org()[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "Monday",
        "opens": "09:00",
        "closes": "12:00",
    }
