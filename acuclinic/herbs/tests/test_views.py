"""The desk pages through HTTP: who may open them, what the writer shows (findings with their
sources, totals, cost), the forms' messages, the audit of reads, the herb search, the stock
list, the patient's portal page; and no 500 from any input to the item form."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuclinic.clinic.audit import Action, AuditEntry
from acuclinic.herbs import actions
from acuclinic.herbs.models import Dispensing, HerbPrice, Prescription, Status, Stock

from .conftest import request_as

PORTAL = "/portal/herbs/"


def _url(name: str, prescription: Prescription, *args: int) -> str:
    return reverse(f"herbs:{name}", args=[prescription.pk, *args])


def test_who_opens_the_writer(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    url = _url("prescription", prescription)
    got = {name: personas.client(name).get(url).status_code for name in (
        "practitioner", "owner", "front_desk", "patient_a", "patient_b"
    )}  # fmt: skip
    assert got == {
        "practitioner": 200,
        "owner": 200,
        "front_desk": 404,
        "patient_a": 403,
        "patient_b": 403,
    }
    assert personas.client("anonymous").get(url).status_code == 302
    reads = AuditEntry.objects.filter(
        action=Action.VIEW, record_type="herbs.prescription", record_id=str(prescription.pk)
    )
    assert sorted(e.actor_username for e in reads) == ["persona-owner", "persona-practitioner"]


def test_the_front_desk_cannot_change_one(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    desk = personas.client("front_desk")
    item = prescription.items.get(herb="xi-xin")
    response = desk.post(
        _url("change_item", prescription, item.pk), {f"item-{item.pk}-grams": "30"}
    )
    assert response.status_code == 404
    assert desk.post(_url("issue", prescription)).status_code == 404
    assert desk.get(_url("pdf", prescription)).status_code == 404
    assert prescription.items.get(herb="xi-xin").grams == Decimal("3.00")


def test_the_writer_shows_findings_totals_and_cost(
    prescription: Prescription, practitioner
) -> None:  # type: ignore[no-untyped-def]
    HerbPrice.objects.create(herb="du-huo", per_gram=Decimal("0.10"), currency="USD")
    html = practitioner.get(_url("prescription", prescription)).content.decode()
    assert "Dú Huó" in html and "独活" in html
    assert "Fú Líng at 6 g a day is below the usual 10-15 g." in html
    assert "Source: ChP 2020 Vol. I: 茯苓" in html
    assert 'data-total="day">87<' in html and 'data-total="supply">609<' in html
    assert "Estimated cost of the herbs: 6.30 USD." in html  # 63 g of Du Huo
    assert "14 herbs have no price and are not counted." in html
    assert "From the latest intake:" in html and "Ibuprofen 400 mg" in html


def test_change_to_six_grams_then_override_and_issue(
    prescription: Prescription, practitioner
) -> None:  # type: ignore[no-untyped-def]
    item = prescription.items.get(herb="xi-xin")
    response = practitioner.post(
        _url("change_item", prescription, item.pk), {f"item-{item.pk}-grams": "6"}, follow=True
    )
    html = response.content.decode()
    assert "Xì Xīn 细辛 is changed." in html
    assert "Xì Xīn at 6 g a day is at least twice the usual maximum of 3 g." in html
    assert "1 finding stands in the way of issuing." in html

    response = practitioner.post(_url("issue", prescription), follow=True)
    assert "Not issued: 1 finding still needs a recorded reason." in response.content.decode()

    response = practitioner.post(
        _url("override", prescription), {"rule_id": "dose:xi-xin", "reason": "   "}
    )
    assert response.status_code == 400
    assert "Give the reason for going ahead." in response.content.decode()

    response = practitioner.post(
        _url("override", prescription),
        {"rule_id": "dose:xi-xin", "reason": "Severe cold bi; decocted 60 minutes."},
        follow=True,
    )
    html = response.content.decode()
    assert "Going ahead because: Severe cold bi; decocted 60 minutes." in html
    response = practitioner.post(_url("issue", prescription), follow=True)
    assert "The prescription is issued." in response.content.decode()
    assert Prescription.objects.get(pk=prescription.pk).status == Status.ISSUED


def test_add_a_herb_by_name_and_the_messages(prescription: Prescription, practitioner) -> None:  # type: ignore[no-untyped-def]
    url = _url("add_item", prescription)
    response = practitioner.post(url, {"herb": "黄芪", "grams": "15"}, follow=True)
    assert "Huáng Qí 黄芪 is added." in response.content.decode()
    assert prescription.items.get(herb="huang-qi").grams == Decimal("15.00")
    for data, message in (
        ({"herb": "", "grams": "9"}, "Choose a herb."),
        (
            {"herb": "huang", "grams": "9"},
            "No single herb matches “huang”: pick one from the list.",
        ),
        ({"herb": "du huo", "grams": ""}, "Give the grams a day."),
        ({"herb": "du huo", "grams": "0"}, "Give at least 0.1 g a day."),
        ({"herb": "fu-ling", "grams": "250"}, "200 g a day is the most one herb can have."),
        ({"herb": "fu-ling", "grams": "nine"}, "Give the grams a day as a number"),
        ({"herb": "Du Huo", "grams": "9"}, "That herb is already in the prescription"),
    ):
        response = practitioner.post(url, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data


def test_details(prescription: Prescription, practitioner) -> None:  # type: ignore[no-untyped-def]
    url = _url("details", prescription)
    data = {
        "form": "granules",
        "granule_ratio": "5",
        "days": "14",
        "doses_per_day": "3",
        "decoct_minutes": "40",
        "timing": "before",
        "instructions": "No cold drinks.",
    }
    response = practitioner.post(url, data)
    assert response.status_code == 302
    saved = Prescription.objects.get(pk=prescription.pk)
    assert (saved.form, saved.granule_ratio, saved.days, saved.timing) == (
        "granules", Decimal("5.0"), 14, "before"
    )  # fmt: skip
    response = practitioner.post(url, {**data, "days": "0", "granule_ratio": "500"})
    assert response.status_code == 400
    assert Prescription.objects.get(pk=prescription.pk).days == 14


def test_the_herb_search(practitioner, personas) -> None:  # type: ignore[no-untyped-def]
    url = reverse("herbs:search")
    html = practitioner.get(url, {"q": "duhuo"}).content.decode()
    assert 'data-code="du-huo"' in html and html.index('data-code="du-huo"') < 200
    assert 'data-code="du-huo"' in practitioner.get(url, {"q": "独活"}).content.decode()
    assert 'data-code="du-huo"' in practitioner.get(url, {"q": "Angelicae"}).content.decode()
    assert "No herb matches “zzzz”." in practitioner.get(url, {"q": "zzzz"}).content.decode()
    # The live region's count is worded by the server (plural rules of the page's language).
    found = practitioner.get(url, {"q": "duhuo"}).content.decode()
    count = found.count('role="option"')
    words = "1 herb" if count == 1 else f"{count} herbs"
    assert found.count(f'data-count-text="{words}"') == 1
    assert practitioner.get(url, {"q": "a\x00b"}).status_code == 200
    assert personas.client("front_desk").get(url, {"q": "duhuo"}).status_code == 403


def test_dispensing_and_the_stock_list(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    owner = personas.client("owner")
    response = owner.post(
        reverse("herbs:stock"),
        {"herb": "du huo", "grams_on_hand": "70", "low_threshold": "50", "per_gram": "0.1"},
    )
    assert response.status_code == 302
    response = owner.post(
        reverse("herbs:stock"),
        {"herb": "guang fang ji", "grams_on_hand": "1", "low_threshold": "0"},
    )
    assert "Guǎng Fáng Jǐ 广防己 is never prescribed." in response.content.decode()
    actions.issue(prescription=prescription, request=request_as(personas.practitioner))
    response = owner.post(_url("dispense", prescription), {"notes": "Bag 3"}, follow=True)
    assert "The dispensing is recorded." in response.content.decode()
    assert Stock.objects.get(herb="du-huo").grams_on_hand == Decimal("7.00")
    html = personas.client("front_desk").get(reverse("herbs:stock")).content.decode()
    assert "1 herb is running low." in html
    assert 'class="herbs-low" data-herb="du-huo"' in html


def test_the_patient_sees_their_current_prescription(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = personas.client("patient_a"), personas.client("patient_b")
    assert "You have no herbal prescription at the moment." in mine.get(PORTAL).content.decode()
    assert "data-herbs-todo" not in mine.get("/portal/").content.decode()
    actions.issue(prescription=prescription, request=request_as(personas.practitioner))
    html = mine.get(PORTAL).content.decode()
    assert "Dú Huó" in html and "9 g a day" in html
    assert "simmer it for 40 minutes" in html
    days = prescription.days
    assert f"Today is day 1 of {days}: take your 2 portions as written." in html
    # Handed over three days ago: the supply counts from then, on the page and the home's to-do.
    Dispensing.objects.create(
        prescription=prescription,
        weighed_by=personas.owner,
        at=timezone.now() - timedelta(days=3),
    )
    assert f"Today is day 4 of {days}" in mine.get(PORTAL).content.decode()
    home = mine.get("/portal/").content.decode()
    assert f"Day 4 of {days}: take today's portions" in home
    assert "data-herbs-todo" not in theirs.get("/portal/").content.decode()
    # Long finished: the page says so, the home stays quiet after two weeks.
    Dispensing.objects.filter(prescription=prescription).update(
        at=timezone.now() - timedelta(days=days + 30)
    )
    assert "This supply ended on" in mine.get(PORTAL).content.decode()
    assert "data-herbs-todo" not in mine.get("/portal/").content.decode()
    assert "Source" not in html and "ChP" not in html and "below the usual" not in html
    assert "You have no herbal prescription at the moment." in theirs.get(PORTAL).content.decode()
    assert personas.client("practitioner").get(PORTAL).status_code == 403
    read = AuditEntry.objects.filter(action=Action.VIEW, record_id=str(prescription.pk))
    # One per view of the page (three with a prescription); the home's to-do line reads dates only.
    assert read.filter(actor=personas.patient_a).count() == 3


@pytest.mark.django_db
def test_the_item_form_never_fails(prescription: Prescription, practitioner) -> None:  # type: ignore[no-untyped-def]
    url = _url("add_item", prescription)
    text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)
    grams = st.one_of(text, st.decimals(allow_nan=True).map(str), st.floats().map(str))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        herb=st.one_of(text, st.sampled_from(["du huo", "黄芪", "xi-xin", "Radix"])), grams=grams
    )
    def post(herb: str, grams: str) -> None:
        response = practitioner.post(url, {"herb": herb, "grams": grams, "preparation": herb[:20]})
        assert response.status_code in (302, 400)

    post()
    assert all(i.grams > 0 for i in prescription.items.all())


def test_a_missing_prescription_is_404(practitioner) -> None:  # type: ignore[no-untyped-def]
    assert practitioner.get("/desk/herbs/999999999/").status_code == 404
    assert practitioner.get("/desk/herbs/99999999999999999999999/").status_code == 404


def test_the_visit_page_starts_one(visit, personas) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("practitioner")
    url = reverse("herbs:visit", args=[visit.pk])
    assert "Write a prescription" in client.get(url).content.decode()
    response = client.post(reverse("herbs:start", args=[visit.pk]), {"start": "formula"})
    assert response.status_code == 400
    assert "Choose the formula to start from." in response.content.decode()
    response = client.post(reverse("herbs:start", args=[visit.pk]), {"start": "previous"})
    assert "Choose the prescription to repeat." in response.content.decode()
    response = client.post(
        reverse("herbs:start", args=[visit.pk]), {"start": "formula", "formula": "si-wu-tang"}
    )
    prescription = Prescription.objects.get(visit=visit)
    assert response["Location"] == reverse("herbs:prescription", args=[prescription.pk])
    assert personas.client("front_desk").get(url).status_code == 404


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_herbs(prescription: Prescription, personas) -> None:  # type: ignore[no-untyped-def]
    client = personas.client("practitioner")
    url = _url("prescription", prescription)
    before = _queries(client, url)
    request = request_as(personas.practitioner)
    for code in ("huang-qi", "bai-zhu", "chen-pi", "gui-zhi"):
        actions.add_item(prescription=prescription, herb=code, grams=9, request=request)
        HerbPrice.objects.create(herb=code, per_gram=Decimal("0.1"), currency="USD")
    assert _queries(client, url) == before

    stock_url = reverse("herbs:stock")
    Stock.objects.create(herb="du-huo", grams_on_hand=10)
    before = _queries(client, stock_url)
    for code in ("huang-qi", "bai-zhu", "chen-pi", "gui-zhi"):
        Stock.objects.create(herb=code, grams_on_hand=500)
    assert _queries(client, stock_url) == before
