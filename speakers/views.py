import unicodedata
from itertools import groupby

from django.views.generic import DetailView, ListView

from g40events.links import absolute_url
from g40events.preview import PreviewMixin
from g40events.text import summary
from sessions.programme import speaker_sessions_by_edition
from speakers.models import Speaker


def sort_key(speaker: Speaker) -> str:
    """Alphabetical as people expect it: ignore case and accents (Ö files under O)."""
    name = unicodedata.normalize("NFKD", speaker.sort_name or speaker.name)
    return "".join(char for char in name if not unicodedata.combining(char)).casefold()


class SpeakerListView(ListView):
    """Everyone who speaks at a published netwerkdag, A–Z by surname."""

    template_name = "speakers/speaker_list.html"
    context_object_name = "speakers"

    def get_queryset(self):
        return Speaker.objects.published().select_related("organisation")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speakers = sorted(context["speakers"], key=sort_key)
        context["letters"] = [
            (letter, list(group)) for letter, group in groupby(speakers, key=lambda s: s.initial)
        ]
        return context


class SpeakerDetailView(PreviewMixin, DetailView):
    """A speaker and every session they took part in, over all netwerkdagen."""

    template_name = "speakers/speaker_detail.html"
    context_object_name = "speaker"
    queryset = Speaker.objects.select_related("organisation")

    def get_context_data(self, **kwargs):
        speaker = self.object
        editions = speaker_sessions_by_edition(speaker.pk)
        return super().get_context_data(
            sessions_by_edition=editions,
            meta_description=summary(speaker.bio_html) or speaker.name,
            canonical_url=absolute_url(speaker.get_absolute_url()),
            **kwargs,
        )
