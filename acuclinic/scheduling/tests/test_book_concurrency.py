"""Many visitors submitting the booking form for one time at the same moment, over real HTTP
to a real server and database (SQLite or PostgreSQL, whichever the suite runs on)."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from acuclinic.scheduling.models import Appointment

VISITORS = 20


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def tuesday_10am_utc(days_ahead: int) -> str:
    """10:00 on a Tuesday: both demo practitioners work then, and there are two rooms."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    day += timedelta(days=(1 - day.weekday()) % 7)
    local = datetime.combine(day, time(10), tzinfo=ZoneInfo("America/Denver"))
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


class Visitor:
    """One browser: its own cookies (CSRF), its own form, its own connection."""

    def __init__(self, url: str, n: int) -> None:
        self.url, self.n = url, n
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )
        self.form: dict[str, str] = {}
        self.status = 0
        self.body = ""

    def open_form(self) -> None:
        html = self.opener.open(self.url, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
        request_id = re.search(r'name="request_id" value="([0-9a-f]+)"', html).group(1)  # type: ignore[union-attr]
        self.form = {
            "csrfmiddlewaretoken": token,
            "request_id": request_id,
            "full_name": f"Visitor {self.n}",
            "email": f"visitor{self.n}@example.com",
            "phone": f"(303) 555-01{self.n:02d}",
            "been_before": "no",
        }

    def submit(self, barrier: threading.Barrier) -> None:
        data = urllib.parse.urlencode(self.form).encode()
        request = urllib.request.Request(self.url, data=data, headers={"Referer": self.url})
        barrier.wait()
        try:
            response = self.opener.open(request, timeout=60)
            self.status, self.body = response.status, response.read().decode()
        except urllib.error.HTTPError as answer:
            self.status, self.body = answer.code, answer.read().decode()


@pytest.mark.parametrize("practitioner", ["lena-qiao", "any"])
def test_one_time_many_visitors_exactly_one_booking(demo, live_server, practitioner):  # type: ignore[no-untyped-def]
    start = tuesday_10am_utc(35)
    url = (
        f"{live_server.url}/book/?service=acupuncture-back-pain"
        f"&practitioner={practitioner}&start={start}"
    )
    visitors = [Visitor(url, n) for n in range(VISITORS)]
    for visitor in visitors:
        visitor.open_form()
    barrier = threading.Barrier(VISITORS)
    threads = [threading.Thread(target=v.submit, args=(barrier,)) for v in visitors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(v.status for v in visitors)
    booked = Appointment.objects.active().filter(start=datetime.fromisoformat(start))
    # "any": two practitioners and two rooms, so two visitors get the time; otherwise one.
    winners = 2 if practitioner == "any" else 1
    assert statuses.count(302) == winners, statuses
    assert statuses.count(409) == VISITORS - winners, statuses
    assert booked.count() == winners
    for visitor in visitors:
        if visitor.status == 409:
            assert "Sorry" in visitor.body and "These times are free" in visitor.body
            assert "locked" not in visitor.body
