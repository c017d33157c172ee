from django import forms
from django.db import models

# For the admin: a plain time field (09:30, not 09:30:00) without the "now" shortcut and the
# time-zone notes that crowd a programme of twenty sessions.
TIME_FIELD = {models.TimeField: {"widget": forms.TimeInput(format="%H:%M", attrs={"type": "time"})}}
