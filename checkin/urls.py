from django.urls import path

from checkin import views

app_name = "checkin"

urlpatterns = [
    path("netwerkdagen/<slug:slug>/nu/", views.NowView.as_view(), name="now"),
]
