"""The history of content (django-simple-history): every save of a netwerkdag, session, speaker, recap,
pillar, theme group or organisation keeps a version with who and when; the admin shows them per object
and can put an earlier version back.

Registrations keep no history, so that anonymising a registration leaves no copy of the person behind.
"""

from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import to_historic
from simple_history.utils import get_m2m_reverse_field_name


class ContentHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose revert form also fills the version's many-to-many fields (a session's
    pillars and theme groups), so that reverting puts those back too."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        record = to_historic(obj) if obj is not None else None
        if record is None or not getattr(record, "_history_m2m_fields", None):
            return form_class
        initial = {
            field.name: [
                getattr(row, f"{get_m2m_reverse_field_name(field)}_id")
                for row in getattr(record, field.name).all()
            ]
            for field in record._history_m2m_fields
        }

        class VersionForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    self.initial.update(initial)

        return VersionForm
