"""/desk/outcomes/patients/<id>/discharge/: record a discharge (issue 7 B). Skeleton."""

from django.http import Http404, HttpRequest, HttpResponse

from .views import clinical_only


@clinical_only
def discharge(request: HttpRequest, patient_id: int) -> HttpResponse:
    raise Http404
