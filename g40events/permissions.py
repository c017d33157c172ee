"""The permissions of the "Organisatoren" group, used by data migrations.

Organisers prepare netwerkdagen and handle registrations; they do not manage user accounts.
"""

ORGANISERS_GROUP = "Organisatoren"

ORGANISER_MODELS = {
    "g40events": ["organisation", "emaildomain", "pillar", "themegroup", "event", "recap"],
    "speakers": ["speaker"],
    "programme": ["session", "sessionspeaker", "material"],
}


def sync_organiser_group(apps, models: dict[str, list[str]]) -> None:
    """Give the organisers' group every permission on the given models (app label -> model names)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    for app_label, model_names in models.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=model_names)
        )
