from django.urls import path

from speakers import views

app_name = "speakers"

urlpatterns = [
    path("", views.SpeakerListView.as_view(), name="list"),
    path("<slug:slug>/", views.SpeakerDetailView.as_view(), name="detail"),
]
