from django.urls import path

from reports import submission_views as views

app_name = "reports"

urlpatterns: list = [
    path("reports/indicators/", views.IndicatorListView.as_view(), name="indicator_list"),
    path("reports/indicators/adopt/", views.indicator_adopt, name="indicator_adopt"),
    path("reports/indicators/new/", views.IndicatorEditView.as_view(), name="indicator_create"),
    path("reports/indicators/<int:pk>/", views.indicator_detail, name="indicator_detail"),
    path("reports/indicators/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator_edit"),
    path("reports/submissions/", views.SubmissionListView.as_view(), name="submission_list"),
    path("reports/submissions/new/", views.submission_start, name="submission_start"),
    path("reports/submissions/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("reports/submissions/<int:pk>/submit/", views.submission_submit, name="submission_submit"),
    path("reports/submissions/<int:pk>/approve/", views.submission_approve, name="submission_approve"),
    path("reports/submissions/<int:pk>/return/", views.submission_return, name="submission_return"),
    path("reports/submissions/<int:pk>/correct/", views.submission_correct, name="submission_correct"),
    path("reports/submissions/<int:pk>/template.xlsx", views.submission_template, name="submission_template"),
    path("reports/submissions/<int:pk>/import/", views.submission_import, name="submission_import"),
    path("reports/settings/", views.report_settings, name="report_settings"),
    path("reports/bodies/<int:pk>/completeness/", views.period_completeness, name="period_completeness"),
]
