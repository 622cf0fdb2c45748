"""GET /api/services and /api/practitioners: public facts only, active and bookable online."""

import pytest

from acuclinic.clinic.models import Practitioner
from acuclinic.scheduling.models import Service

pytestmark = pytest.mark.django_db


def test_services_list_those_bookable_online_with_who_offers_them(api) -> None:
    response = api.get("/api/services")
    assert response.status_code == 200
    services = {s["slug"]: s for s in response.json()}
    back = services["acupuncture-back-pain"]
    assert set(back) == {
        "slug",
        "name",
        "description",
        "duration_minutes",
        "price",
        "needs_room",
        "practitioners",
    }
    assert back["duration_minutes"] == 60
    assert back["price"] == "95.00"
    assert back["needs_room"] is True
    assert back["practitioners"] == ["lena-qiao", "tomas-rivera"]
    assert services["massage"]["practitioners"] == ["tomas-rivera"]
    assert services["chinese-herbal-medicine"]["needs_room"] is False


def test_services_leave_out_inactive_and_offline_ones_and_inactive_practitioners(api) -> None:
    Service.objects.filter(slug="cupping").update(is_active=False)
    Service.objects.filter(slug="gua-sha").update(bookable_online=False)
    Service.objects.filter(slug="massage").update(price=None)
    Practitioner.objects.filter(slug="tomas-rivera").update(is_active=False)
    services = {s["slug"]: s for s in api.get("/api/services").json()}
    assert "cupping" not in services
    assert "gua-sha" not in services
    assert services["massage"]["price"] is None
    assert services["massage"]["practitioners"] == []
    assert services["acupuncture-back-pain"]["practitioners"] == ["lena-qiao"]


def test_practitioners_show_name_credentials_and_online_services_only(api) -> None:
    Service.objects.filter(slug="gua-sha").update(bookable_online=False)
    response = api.get("/api/practitioners")
    assert response.status_code == 200
    practitioners = {p["slug"]: p for p in response.json()}
    assert set(practitioners) == {"lena-qiao", "tomas-rivera"}
    tomas = practitioners["tomas-rivera"]
    assert set(tomas) == {"slug", "name", "credentials", "services"}
    assert tomas["name"] == "Tomás Rivera"
    assert tomas["credentials"] == "L.Ac., LMT"
    assert "massage" in tomas["services"]
    assert "gua-sha" not in tomas["services"]
    assert "massage" not in practitioners["lena-qiao"]["services"]
    # Their e-mail and private calendar token stay inside.
    for row in Practitioner.objects.all():
        assert row.email not in response.content.decode()
        assert row.calendar_token not in response.content.decode()


def test_inactive_practitioners_are_not_listed(api) -> None:
    Practitioner.objects.filter(slug="lena-qiao").update(is_active=False)
    slugs = [p["slug"] for p in api.get("/api/practitioners").json()]
    assert slugs == ["tomas-rivera"]
