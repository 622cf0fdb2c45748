"""/desk/outcomes/report.pdf: the clinic report as a PDF (issue 7 D). Skeleton."""

from django.http import Http404, HttpRequest, HttpResponse

from .views import clinical_only


@clinical_only
def report_pdf(request: HttpRequest) -> HttpResponse:
    raise Http404
