from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Evaluation after the day: the organiser's questions, invitations with a one-time link, the
    anonymous answers and their results.

    An app of its own (not part of registrations or checkin): it has its own records, kept apart
    from the registrations on purpose (answers never refer to a person), its own public form and
    admin pages, and its own schedule (after the day). It builds on registrations and checkin
    without them knowing of it (registrations.extensions).
    """

    name = "surveys"
    verbose_name = _("Evaluatie")

    def ready(self):
        from registrations import extensions
        from surveys.emails import SurveyExtension

        if not any(isinstance(extension, SurveyExtension) for extension in extensions.EXTENSIONS):
            extensions.EXTENSIONS.append(SurveyExtension())
