"""Only staff reach the calendar: anonymous visitors sign in first, everyone else gets 403,
before any lookup (a guessed id looks the same as a real one)."""

import pytest
from django.test import Client

from acuclinic.scheduling.models import Appointment, Status, TimeOff

from .conftest import as_user, book, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(location, lena, cupping, patient, monday) -> Appointment:  # type: ignore[no-untyped-def]
    return book(
        service=cupping, practitioner=lena, start=local(location, monday, 10), patient=patient
    )


@pytest.fixture
def block(lena, location, monday) -> TimeOff:  # type: ignore[no-untyped-def]
    return TimeOff.objects.create(
        practitioner=lena, start=local(location, monday, 15), end=local(location, monday, 16)
    )


def requests(appointment: Appointment, block: TimeOff, monday) -> list[tuple[str, str, dict]]:  # type: ignore[no-untyped-def,type-arg]
    a, t = appointment.pk, block.pk
    when = {"date": str(monday), "time": "11:00", "practitioner": appointment.practitioner_id}
    new = {**when, "new_name": "Intruder", "service": appointment.service_id, "source": "phone"}
    pages = [
        "/desk/calendar/",
        "/desk/calendar/?view=day&show=rooms",
        "/desk/calendar/today/",
        "/desk/calendar/new/",
        "/desk/calendar/patients/?q=Rowan",
        f"/desk/calendar/free-times/?service={appointment.service_id}&practitioner=1&date={monday}",
        f"/desk/calendar/appointments/{a}/",
        "/desk/calendar/time-off/new/",
        "/desk/calendar/feeds/",
    ]
    actions = [
        ("/desk/calendar/new/", new),
        (f"/desk/calendar/appointments/{a}/move/", when),
        (f"/desk/calendar/appointments/{a}/cancel/", {"reason": "x"}),
        (f"/desk/calendar/appointments/{a}/status/", {"status": "arrived"}),
        ("/desk/calendar/time-off/new/", {"practitioner": 1, "start_date": str(monday)}),
        (f"/desk/calendar/time-off/{t}/delete/", {}),
        ("/desk/calendar/feeds/lena-qiao/replace/", {}),
        # Guessed ids: refused the same way as real ones.
        ("/desk/calendar/appointments/999999/status/", {"status": "arrived"}),
        ("/desk/calendar/appointments/999999/cancel/", {}),
        ("/desk/calendar/time-off/999999/delete/", {}),
        ("/desk/calendar/feeds/nobody/replace/", {}),
    ]
    return [("get", url, {}) for url in [*pages, "/desk/calendar/appointments/999999/"]] + [
        ("post", url, data) for url, data in actions
    ]


def assert_nothing_changed(appointment: Appointment, block: TimeOff, lena, token: str) -> None:  # type: ignore[no-untyped-def]
    fresh = Appointment.objects.get(pk=appointment.pk)
    assert (fresh.status, fresh.start) == (Status.CONFIRMED, appointment.start)
    assert TimeOff.objects.filter(pk=block.pk).exists()
    lena.refresh_from_db()
    assert lena.calendar_token == token
    assert not Appointment.objects.filter(patient__full_name="Intruder").exists()


def test_anonymous_visitors_are_sent_to_sign_in(appointment, block, lena, monday) -> None:
    token = lena.calendar_token
    client = Client()
    for method, url, data in requests(appointment, block, monday):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert_nothing_changed(appointment, block, lena, token)


def test_signed_in_non_staff_are_refused(stranger, appointment, block, lena, monday) -> None:
    token = lena.calendar_token
    client = as_user(stranger)
    for method, url, data in requests(appointment, block, monday):
        assert getattr(client, method)(url, data).status_code == 403, url
    assert_nothing_changed(appointment, block, lena, token)


def test_inactive_staff_are_refused(owner, appointment, block, lena, monday) -> None:
    client = as_user(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    # Django's session check signs the deactivated account out; nothing gets through.
    for method, url, data in requests(appointment, block, monday)[:3]:
        assert getattr(client, method)(url, data).status_code in (302, 403), url


@pytest.mark.parametrize("persona", ["owner", "moderator", "staff_without_permission"])
def test_every_staff_account_sees_the_calendar(
    request, persona, appointment, block, monday
) -> None:
    # Until roles arrive, staff means is_staff (calendar_access.can_use_calendar).
    client = as_user(request.getfixturevalue(persona))
    for method, url, _data in requests(appointment, block, monday):
        if method == "get" and "999999" not in url:
            assert client.get(url).status_code == 200, url
    assert client.get("/desk/calendar/appointments/999999/").status_code == 404
