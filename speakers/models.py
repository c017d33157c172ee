import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from g40events.links import slug_url
from g40events.models import EventQuerySet, Organisation
from g40events.oneline import validate_single_line
from g40events.text import RenderedMarkdownField, RenderedMarkdownMixin
from g40events.validators import PHOTO_EXTENSIONS, PHOTO_MAX_BYTES, FileExtensionValidator, FileSizeValidator

# Dutch surname prefixes (tussenvoegsels): written in lower case after the given name, they are not
# where a name files. "Femke de Vries" files under V as "Vries, Femke de".
TUSSENVOEGSELS = {
    "aan", "af", "bij", "d'", "da", "de", "den", "der", "des", "di", "die", "do", "dos", "du", "el",
    "het", "in", "la", "le", "les", "los", "onder", "op", "over", "'s", "'t", "te", "ten", "ter",
    "tot", "uit", "uijt", "van", "vande", "vanden", "vander", "ver", "voor", "vom", "von", "zu", "zum",
    "zur",
}  # fmt: skip


def dutch_sort_name(name: str) -> str:
    """The name as it files in a Dutch A–Z list: surname first, tussenvoegsels after the given names.

    "Femke de Vries" -> "Vries, Femke de"; "Peter Hein van Mulligen" -> "Mulligen, Peter Hein van";
    "Anna Jansen-de Boer" -> "Jansen-de Boer, Anna"; a capitalised prefix is part of the surname, as
    in Flanders: "Kees De Vries" -> "De Vries, Kees"; a single name stays as it is.
    """
    words = name.split()
    if len(words) < 2:
        return name.strip()
    # The surname begins at the first prefix or hyphenated word after the first given name, or else
    # is the last word.
    start = len(words) - 1
    for index in range(1, len(words) - 1):
        if words[index].lower() in TUSSENVOEGSELS or "-" in words[index]:
            start = index
            break
    given = words[:start]
    prefixes = []
    while start < len(words) - 1 and words[start] in TUSSENVOEGSELS:
        prefixes.append(words[start])
        start += 1
    return " ".join([" ".join(words[start:]) + ",", *given, *prefixes])


class SpeakerQuerySet(models.QuerySet):
    def published(self):
        """Speakers who appear in at least one session of a published netwerkdag."""
        return self.filter(EventQuerySet.published_q("session_roles__session__event__")).distinct()


class Speaker(RenderedMarkdownMixin, models.Model):
    name = models.CharField(_("naam"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    sort_name = models.CharField(
        _("sorteernaam"),
        max_length=200,
        blank=True,
        help_text=_(
            "Voor de lijst A–Z, zonder tussenvoegsel voorop: ‘Mulligen, Peter Hein van’. Leeg: zo "
            "afgeleid uit de naam."
        ),
    )
    job_title = models.CharField(_("functie"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
    )
    bio = models.TextField(
        _("korte biografie"), blank=True, help_text=_("Markdown. Een paar zinnen in de derde persoon.")
    )
    bio_html = RenderedMarkdownField(_("korte biografie (HTML)"))
    photo = models.ImageField(
        _("foto"),
        upload_to="speakers/",
        blank=True,
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS), FileSizeValidator(PHOTO_MAX_BYTES)],
        help_text=_("JPG, PNG of WebP, hoogstens 5 MB. Alleen met toestemming van de spreker."),
    )
    updated_at = models.DateTimeField(_("laatst gewijzigd"), auto_now=True)

    objects = SpeakerQuerySet.as_manager()
    history = HistoricalRecords(verbose_name=_("versie van een spreker"))
    markdown_fields = ("bio",)

    class Meta:
        ordering = ["sort_name", "name"]
        verbose_name = _("spreker")
        verbose_name_plural = _("sprekers")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.sort_name:
            self.sort_name = dutch_sort_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return slug_url("speakers:detail", self.slug)

    @property
    def initial(self) -> str:
        """The letter the speaker files under in the A–Z list, without accents (Ö under O)."""
        first = unicodedata.normalize("NFKD", (self.sort_name or self.name)[:1])[:1].upper()
        return first if first.isalpha() else "#"
