"""URLs of the single point of contact (cases, the public lookup) and of the household import.

Not included on its own: these patterns are merged into the "campaigns" namespace
(``campaigns/urls.py``: ``urlpatterns += case_urls.urlpatterns``)."""
from django.urls import path

from campaigns import cases

app_name = "campaigns"

urlpatterns = [
    path("cases/", cases.CaseListView.as_view(), name="case_list"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("campaigns/<int:pk>/cases/new/", cases.case_create, name="case_create"),
    path("tra-cuu/", cases.case_lookup, name="case_lookup"),  # public: no login
    path("campaigns/<int:pk>/import/", cases.household_import, name="household_import"),
    path("campaigns/<int:pk>/import/template.xlsx", cases.household_template, name="household_template"),
    path("campaigns/<int:pk>/duplicates/", cases.duplicate_list, name="duplicate_list"),
    path("campaigns/<int:pk>/duplicates/merge/", cases.duplicate_merge, name="duplicate_merge"),
    path("campaigns/<int:pk>/duplicates/distinct/", cases.duplicate_distinct, name="duplicate_distinct"),
]
