"""The permissions of the "Organisatoren" group, used by data migrations.

Organisers prepare netwerkdagen and handle registrations; they do not manage user accounts.
"""

import contextlib

ORGANISERS_GROUP = "Organisatoren"
# Theme-group coordinators: members linked to theme groups (ThemeGroup.coordinators) see and edit only
# the sessions of those groups, with their speakers, materials, uploads and lists of participants.
# The model permissions below open those admin pages; object rules (sessions/rules.py,
# speakers/rules.py) and the admins' querysets narrow them to the coordinator's own sessions.
COORDINATORS_GROUP = "Themacoördinatoren"
COORDINATOR_PERMISSIONS = {
    "programme": [
        "view_session",
        "change_session",
        "view_sessionspeaker",
        "add_sessionspeaker",
        "change_sessionspeaker",
        "delete_sessionspeaker",
        "view_material",
        "add_material",
        "change_material",
        "delete_material",
        "view_speakerupload",
        "add_speakerupload",
        "change_speakerupload",
    ],
    "speakers": ["view_speaker", "add_speaker", "change_speaker"],
}


def is_coordinator_only(user) -> bool:
    """A theme-group coordinator who is not also an organiser: their admin is narrowed to their groups."""
    if not user.is_authenticated or user.is_superuser:
        return False
    if not hasattr(user, "_g40_groups"):
        user._g40_groups = set(user.groups.values_list("name", flat=True))
    return COORDINATORS_GROUP in user._g40_groups and ORGANISERS_GROUP not in user._g40_groups


ORGANISER_MODELS = {
    "g40events": ["organisation", "emaildomain", "pillar", "themegroup", "event", "recap"],
    "speakers": ["speaker"],
    "programme": ["session", "sessionspeaker", "material"],
}


def _create_permissions(apps) -> None:
    """Permissions are normally created after all migrations ran; a data migration creates them now."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def sync_organiser_group(apps, models: dict[str, list[str]]) -> None:
    """Give the organisers' group every permission on the given models (app label -> model names)."""
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    for app_label, model_names in models.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=model_names)
        )


def sync_coordinator_group(apps) -> None:
    """Create the coordinators' group with exactly the permissions in COORDINATOR_PERMISSIONS."""
    _create_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    permissions = []
    for app_label, codenames in COORDINATOR_PERMISSIONS.items():
        permissions += Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.set(permissions)


class CoordinatorScopedAdmin:
    """A ModelAdmin mixin that narrows the admin of a theme-group coordinator to their own objects.

    Lists (and actions, exports, autocompletes built on them) show only what scope_for_coordinator()
    keeps. A change page looks its object up unnarrowed and then asks the object rules (rules.py of
    the app), so a URL to another group's object answers 403 rather than "does not exist".
    """

    def scope_for_coordinator(self, request, queryset):
        raise NotImplementedError

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_coordinator_only(request.user) and not getattr(request, "_g40_unscoped", False):
            queryset = self.scope_for_coordinator(request, queryset)
        return queryset

    @staticmethod
    @contextlib.contextmanager
    def _unscoped(request):
        """While the block runs, get_queryset() leaves the coordinator's queryset unnarrowed."""
        request._g40_unscoped = True
        try:
            yield
        finally:
            request._g40_unscoped = False

    def get_object(self, request, object_id, from_field=None):
        with self._unscoped(request):
            return super().get_object(request, object_id, from_field)

    def history_view(self, request, object_id, extra_context=None):
        """The object's history, looked up unnarrowed as on its change page: another group's object
        answers 403 whether or not it has versions yet (django-simple-history looks the object up in
        get_queryset() and, not finding it there, among its versions; without versions it was a 404)."""
        with self._unscoped(request):
            return super().history_view(request, object_id, extra_context)

    def _perm(self, action: str) -> str:
        from django.contrib.auth import get_permission_codename

        return f"{self.opts.app_label}.{get_permission_codename(action, self.opts)}"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("view"), obj) or request.user.has_perm(
            self._perm("change"), obj
        )

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("change"), obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("delete"), obj)
