"""The JSON API under /api/ (django-ninja; OpenAPI schema at /api/openapi.json)."""

from ninja import NinjaAPI

api = NinjaAPI(title="acuclinic booking API", version="1", urls_namespace="api")
