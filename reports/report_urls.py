from django.urls import path

from reports import report_views as views

app_name = "reports"

# the joint report (reports/report_views.py); included with submission_urls.py by reports/urls.py
urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/compare/", views.report_compare, name="report_compare"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/build/", views.report_build, name="report_build"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/builds/<int:pk>/status/", views.build_status, name="build_status"),
    path("reports/builds/<int:pk>/view/", views.build_view, name="build_view"),
    path("reports/builds/<int:pk>/<str:fmt>/", views.build_download, name="build_download"),
]
