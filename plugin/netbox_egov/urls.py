from django.urls import path

from . import views

urlpatterns = [
    path("agencies/", views.AgencyListView.as_view(), name="agency_list"),
]
