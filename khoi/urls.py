from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path

from khoi import views
from khoi.api import api

app_patterns = (
    [
        path("units/", views.UnitListView.as_view(), name="unit_list"),
        path("units/lookup/", views.unit_lookup, name="unit_lookup"),
        path("units/new/", views.UnitEditView.as_view(), name="unit_create"),
        path("units/<int:pk>/", login_required(views.unit_detail), name="unit_detail"),
        path("units/<int:pk>/edit/", views.UnitEditView.as_view(), name="unit_edit"),
        path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
        path("organizations/new/", views.OrganizationEditView.as_view(), name="organization_create"),
        path("organizations/<int:pk>/", login_required(views.organization_detail), name="organization_detail"),
        path("organizations/<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
        path("bodies/", views.JointBodyListView.as_view(), name="jointbody_list"),
        path("bodies/new/", views.JointBodyEditView.as_view(), name="jointbody_create"),
        path("bodies/<int:pk>/", login_required(views.joint_body_detail), name="jointbody_detail"),
        path("bodies/<int:pk>/edit/", views.JointBodyEditView.as_view(), name="jointbody_edit"),
        path("subcommittees/<int:pk>/", login_required(views.subcommittee_detail), name="subcommittee_detail"),
        path("subcommittees/<int:pk>/edit/", views.SubcommitteeEditView.as_view(), name="subcommittee_edit"),
        path("people/", views.PersonListView.as_view(), name="person_list"),
        path("people/new/", views.PersonEditView.as_view(), name="person_create"),
        path("people/<int:pk>/", login_required(views.person_detail), name="person_detail"),
        path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
        path("people/<int:pk>/login/", login_required(views.person_login), name="person_login"),
        path("positions/", views.PositionListView.as_view(), name="position_list"),
        path("positions/new/", views.PositionEditView.as_view(), name="position_create"),
        path("positions/<int:pk>/edit/", views.PositionEditView.as_view(), name="position_edit"),
        path("rules/", views.RuleListView.as_view(), name="rule_list"),
        path("rules/adopt/", login_required(views.rule_catalog_adopt), name="rule_adopt"),
        path("rules/new/", views.RuleEditView.as_view(), name="rule_create"),
        path("rules/<int:pk>/", login_required(views.rule_detail), name="rule_detail"),
        path("rules/<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
        path("notifications/", views.notification_list, name="notification_list"),
    ],
    "khoi",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include(app_patterns)),
    path("", include("programme.urls")),
    path("", include("subcommittees.urls")),
    path("", include("campaigns.urls")),
    path("", include("reports.urls")),
]
