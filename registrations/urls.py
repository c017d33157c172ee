from django.urls import path

from registrations import views

app_name = "registrations"

urlpatterns = [
    path("netwerkdagen/<slug:slug>/aanmelden/", views.RegisterView.as_view(), name="register"),
    path("netwerkdagen/<slug:slug>/aanmelden/bedankt/", views.ThanksView.as_view(), name="thanks"),
    path("aanmelding/bevestigen/<str:token>/", views.ConfirmView.as_view(), name="confirm"),
    path("aanmelding/<str:token>/", views.ManageView.as_view(), name="manage"),
    path("aanmelding/<str:token>/afmelden/", views.CancelView.as_view(), name="cancel"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
]
