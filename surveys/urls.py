from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("evaluatie/<str:token>/", views.AnswerView.as_view(), name="answer"),
    path("evaluatie/<str:token>/bedankt/", views.ThanksView.as_view(), name="thanks"),
]
