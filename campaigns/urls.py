from django.urls import path

from campaigns import case_urls, views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.CampaignListView.as_view(), name="campaign_list"),
    path("campaigns/new/", views.CampaignEditView.as_view(), name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.CampaignEditView.as_view(), name="campaign_edit"),
    path("campaigns/<int:pk>/phases/new/", views.phase_create, name="phase_create"),
    path("campaigns/<int:pk>/teams/", views.team_manage, name="team_manage"),
    path("teams/<int:pk>/", views.TeamDetailView.as_view(), name="team_detail"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/visit/", views.visit_create, name="visit_create"),
    path("my-households/", views.MyHouseholdsView.as_view(), name="my_households"),
]

# the single point of contact and the household import (campaigns/case_urls.py), same namespace
urlpatterns += case_urls.urlpatterns
