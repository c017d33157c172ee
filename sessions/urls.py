from django.urls import path

from g40events import exports
from sessions import views

app_name = "programme"

urlpatterns = [
    path("<slug:slug>/", views.SessionDetailView.as_view(), name="detail"),
    path("<slug:slug>/agenda.ics", exports.session_ics, name="ics"),
]

# A speaker's personal upload page, outside the cached programme pages: included by g40events/urls.py
# under the namespace "uploads".
upload_patterns = [
    path("presentatie-insturen/<str:token>/", views.SpeakerUploadView.as_view(), name="upload"),
]
