from django.urls import path

from g40events import exports
from sessions import views

app_name = "programme"

urlpatterns = [
    path("<slug:slug>/", views.SessionDetailView.as_view(), name="detail"),
    path("<slug:slug>/agenda.ics", exports.session_ics, name="ics"),
]
