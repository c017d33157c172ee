from django.urls import path

from checkin import documents, views

app_name = "checkin"

urlpatterns = [
    path("netwerkdagen/<slug:slug>/nu/", views.NowView.as_view(), name="now"),
    path("balie/", views.DeskIndexView.as_view(), name="index"),
    path("balie/<slug:slug>/", views.DeskView.as_view(), name="desk"),
    path("balie/<slug:slug>/inloop/", views.WalkInView.as_view(), name="walk_in"),
    path("balie/<slug:slug>/sessies/", views.SessionListView.as_view(), name="sessions"),
    path("balie/<slug:slug>/sessies/<int:pk>/", views.AttendanceView.as_view(), name="attendance"),
    path("balie/<slug:slug>/badges.pdf", documents.BadgesView.as_view(), name="badges"),
    path("balie/<slug:slug>/balielijst.pdf", documents.DeskListView.as_view(), name="desk_list"),
    path("balie/<slug:slug>/programma.pdf", documents.ProgrammeView.as_view(), name="programme"),
    path(
        "balie/<slug:slug>/sessies/<int:pk>/deurlijst.pdf", documents.DoorListView.as_view(), name="door_list"
    ),
]
