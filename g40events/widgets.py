from django import forms
from django.db import models

# For the admin: a plain time field (09:30, not 09:30:00) without the "now" shortcut and the
# time-zone notes that crowd a programme of twenty sessions.
TIME_FIELD = {models.TimeField: {"widget": forms.TimeInput(format="%H:%M", attrs={"type": "time"})}}

# One style for every date and time in the admin: the browser's own date and time inputs, which
# speak the organiser's language, work from the keyboard and need no script. Django's calendar
# and clock pop-ups (with their "Vandaag" and "Nu" on the browser's clock, not the site's) go.
DATE_AND_TIME_FIELDS = {
    **TIME_FIELD,
    models.DateField: {"widget": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})},
    models.DateTimeField: {
        "form_class": forms.DateTimeField,
        "widget": forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
    },
}
