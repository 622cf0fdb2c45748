"""No input gets a 500 from the calendar: odd characters, huge numbers, the wrong shapes."""

import pytest

from acuclinic.scheduling.models import Appointment, TimeOff

from .conftest import book, local

pytestmark = pytest.mark.django_db

ODD = [
    "\x00",
    "a\x00b",
    "9" * 30,
    "-1",
    "٣",  # an Arabic-Indic digit
    "\uff12\uff10\uff12\uff17-01-04",  # full-width digits
    "2027-1-4",
    "0000-00-00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "practitioner:",
    "room:",
    ":",
    "\u202e",
    "%",
]


@pytest.fixture
def appointment(location, lena, cupping, patient, monday) -> Appointment:  # type: ignore[no-untyped-def]
    return book(
        service=cupping, practitioner=lena, start=local(location, monday, 10), patient=patient
    )


def test_query_strings(staff, appointment, monday) -> None:
    pages = [
        ("/desk/calendar/", ["date", "view", "show", "location"]),
        ("/desk/calendar/today/", ["date", "location"]),
        ("/desk/calendar/new/", ["date", "time", "service", "practitioner", "patient", "q", "key"]),
        ("/desk/calendar/patients/", ["q", "patient"]),
        ("/desk/calendar/free-times/", ["service", "practitioner", "date", "location"]),
        ("/desk/calendar/time-off/new/", ["practitioner", "start_date", "end_date"]),
    ]
    for page, params in pages:
        for name in params:
            for value in ODD:
                response = staff.get(page, {name: value})
                assert response.status_code in (200, 404), (page, name, value)


def test_posted_forms(staff, appointment, lena, location, monday) -> None:
    block = TimeOff.objects.create(
        practitioner=lena, start=local(location, monday, 15), end=local(location, monday, 16)
    )
    a = appointment.pk
    forms = {
        "/desk/calendar/new/": {
            "new_name": "Fuzz",
            "service": appointment.service_id,
            "practitioner": lena.pk,
            "date": str(monday),
            "time": "12:00",
            "source": "phone",
        },
        f"/desk/calendar/appointments/{a}/move/": {
            "practitioner": lena.pk,
            "date": str(monday),
            "time": "12:00",
        },
        f"/desk/calendar/appointments/{a}/cancel/": {"reason": "ok"},
        f"/desk/calendar/appointments/{a}/status/": {"status": "arrived"},
        "/desk/calendar/time-off/new/": {
            "practitioner": lena.pk,
            "start_date": str(monday),
            "end_date": str(monday),
        },
    }
    extra = ["pick", "next", "patient", "key", "confirm", "do", "location"]
    for url, good in forms.items():
        for name in [*good, *extra]:
            for value in ODD:
                response = staff.post(url, {**good, name: value})
                assert response.status_code in (200, 302, 404), (url, name, value)
                if response.status_code == 302:
                    assert response["Location"].startswith("/desk/calendar/"), (url, name, value)
        # Put things back for the next form.
        Appointment.objects.filter(pk=a).update(status="confirmed", start=appointment.start)
    for bad_next in ("/desk/calendar/\x00", "/desk/calendar/\r\nSet-Cookie: a=b"):
        response = staff.post(f"/desk/calendar/appointments/{a}/cancel/", {"next": bad_next})
        assert response["Location"] == f"/desk/calendar/appointments/{a}/"
    response = staff.post(f"/desk/calendar/time-off/{block.pk}/delete/", {"next": "\x00"})
    assert response.status_code == 302 and response["Location"] == "/desk/calendar/"
