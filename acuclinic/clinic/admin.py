"""The audit log in /admin/ (superusers, repairs only): to read, never to add, change or
delete (the database refuses the last two anyway; the owner's page is /desk/audit/)."""

from django.contrib import admin
from django.http import HttpRequest

from .audit import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "actor_username",
        "role",
        "action",
        "record_type",
        "record_id",
        "patient_id",
        "ip_address",
    ]
    list_filter = ["action", "role", "record_type"]
    search_fields = ["actor_username", "record_id", "=patient_id"]
    date_hierarchy = "at"
    actions = None  # not even "delete selected"
    show_full_result_count = False  # a long log: no second COUNT(*) per page

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
