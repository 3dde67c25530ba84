from django.urls import path  # noqa: F401  (the pattern modules use it)

from reports import report_urls, submission_urls

app_name = "reports"

# submissions and the indicator catalog (submission_urls.py); reports, builds, returns (report_urls.py)
urlpatterns = submission_urls.urlpatterns + report_urls.urlpatterns
