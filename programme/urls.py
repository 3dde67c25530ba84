from django.urls import path

from programme import views

app_name = "programme"

urlpatterns = [
    path("programme/", views.programme_index, name="programme_index"),
    path("programme/new/", views.programme_create, name="programme_create"),
    path("programme/<int:pk>/", views.ActivityListView.as_view(), name="programme_detail"),
    path("programme/<int:pk>/month/", views.programme_month, name="programme_month"),
    path("programme/<int:pk>/week/", views.programme_week, name="programme_week"),
    path("programme/<int:pk>/export.xlsx", views.programme_export, name="programme_export"),
    path("programme/<int:pk>/export.pdf", views.programme_document, {"fmt": "pdf"}, name="programme_pdf"),
    path("programme/<int:pk>/export.docx", views.programme_document, {"fmt": "docx"}, name="programme_docx"),
    path("programme/<int:pk>/template.xlsx", views.programme_template, name="programme_template"),
    path("programme/<int:pk>/import/", views.programme_import, name="programme_import"),
    path("programme/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/join/", views.activity_join, name="activity_join"),
    path("activities/<int:pk>/attach/", views.activity_attach, name="activity_attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("overlaps/", views.overlap_list, name="overlap_list"),
    path("overlaps/<int:pk>/merge/", views.overlap_merge, name="overlap_merge"),
    path("overlaps/<int:pk>/keep/", views.overlap_keep, name="overlap_keep"),
    path("overlaps/<int:pk>/move/", views.overlap_move, name="overlap_move"),
]
