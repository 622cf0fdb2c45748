"""schema.org JSON-LD for the clinic, practitioners and articles. Never any commenter data."""

from typing import Any

from acuclinic.clinic.models import ClinicSettings


def clinic_data(clinic: ClinicSettings, home_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": f"{home_url}#clinic",
        "name": clinic.name,
        "url": home_url,
        "medicalSpecialty": "Acupuncture",
    }
    if clinic.phone_e164:
        data["telephone"] = clinic.phone_e164
    if clinic.email:
        data["email"] = clinic.email
    if clinic.street:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": clinic.street,
            "addressLocality": clinic.city,
            "addressRegion": clinic.region,
            "postalCode": clinic.postal_code,
            "addressCountry": clinic.country,
        }
    if clinic.map_url:
        data["hasMap"] = clinic.map_url
    hours = clinic.opening_hours.schema_org()
    if hours:
        data["openingHoursSpecification"] = hours
    return data


def practitioner_data(page: Any, url: str, clinic_id: str, photo_url: str | None) -> dict:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Physician",
        "name": page.title,
        "url": url,
        "description": page.credentials,
        "worksFor": {"@id": clinic_id},
        "knowsLanguage": page.language_list,
    }
    if photo_url:
        data["image"] = photo_url
    return data


def article_data(page: Any, url: str, clinic_id: str, image_url: str | None) -> dict:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": page.title,
        "description": page.lead,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": page.date.isoformat(),
        "publisher": {"@id": clinic_id},
        "wordCount": page.word_count,
    }
    if page.last_published_at:
        data["dateModified"] = page.last_published_at.isoformat()
    if page.author:
        data["author"] = {"@type": "Person", "name": page.author.title}
    if image_url:
        data["image"] = image_url
    return data
