"""Drafts on the public site: the public sees published content only; staff who may change a kind
of content see its drafts too (a preview, under a banner).

What "published" means is each model's QuerySet.published(); who may preview is decided here.
"""

from django.db.models import QuerySet


def can_preview(user, model) -> bool:
    """Staff with the permission to change the model's objects see them before they are published."""
    if not user.is_staff:
        return False
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """The objects of the queryset that the user may see on the public site."""
    return queryset if can_preview(user, queryset.model) else queryset.published()


class PreviewMixin:
    """For a DetailView of content with a QuerySet.published(): drafts are 404 for the public and
    shown to those who may preview them, with `preview` in the context for the banner."""

    def get_queryset(self):
        return visible_to(self.request.user, super().get_queryset())

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=self.is_preview(), **kwargs)

    def is_preview(self) -> bool:
        """Whether the object shown is one the public cannot see (only previewers get that far)."""
        if not can_preview(self.request.user, type(self.object)):
            return False
        return not super().get_queryset().published().filter(pk=self.object.pk).exists()
