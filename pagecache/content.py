"""Which models are content: the models whose rows the public pages show.

Each app declares its own in a module `pagecache.py`, found at start-up as Django finds `admin.py`:

    from pagecache import content
    from speakers.models import Speaker

    content.register(Speaker)

A save or delete of a content model (and a change of its many-to-many relations) makes every
cached page stale. A page also changes by itself, without a save: when sign-up opens, say. A
content model whose QuerySet has `next_change(now)` (the first such moment after `now`, or None)
ends the cached pages' time window at that moment.
"""

import datetime

from django.db import models

_models: set[type[models.Model]] = set()


def register(*content_models: type[models.Model]) -> None:
    _models.update(model._meta.concrete_model for model in content_models)


def is_content(model: type[models.Model]) -> bool:
    return model._meta.concrete_model in _models


def registered() -> list[type[models.Model]]:
    return sorted(_models, key=lambda model: model._meta.label)


def next_change(now: datetime.datetime) -> datetime.datetime | None:
    """The first moment after `now` when a public page changes without a save, by the content
    models' QuerySets that know such moments (one query each)."""
    moments = []
    for model in registered():
        queryset = model._default_manager.all()
        if hasattr(queryset, "next_change"):
            moments.append(queryset.next_change(now))
    future = [moment for moment in moments if moment is not None and moment > now]
    return min(future) if future else None
