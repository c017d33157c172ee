"""Upload validation shared by the apps that take files from organisers."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class FileSizeValidator:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes

    def __call__(self, file):
        if file.size <= self.max_bytes:
            return
        size, maximum = filesizeformat(file.size), filesizeformat(self.max_bytes)
        if size == maximum:
            # Rounded, a file a few bytes over would read "50,0 MB; het maximum is 50,0 MB".
            message = _("Dit bestand is net groter dan het maximum van %(max)s.")
        else:
            message = _("Dit bestand is %(size)s; het maximum is %(max)s.")
        raise ValidationError(message, params={"size": size, "max": maximum}, code="file_too_large")

    def __eq__(self, other):
        return isinstance(other, FileSizeValidator) and other.max_bytes == self.max_bytes


@deconstructible
class FileExtensionValidator:
    """Like Django's, with a message an organiser understands."""

    def __init__(self, allowed: list[str]):
        self.allowed = [ext.lower() for ext in allowed]

    def __call__(self, file):
        extension = Path(file.name).suffix.lower().lstrip(".")
        if extension not in self.allowed:
            raise ValidationError(
                _(
                    "Bestanden van het type “.%(extension)s” kunnen niet worden geüpload. Toegestaan: %(allowed)s."
                ),
                params={"extension": extension or "?", "allowed": ", ".join(f".{e}" for e in self.allowed)},
                code="invalid_extension",
            )

    def __eq__(self, other):
        return isinstance(other, FileExtensionValidator) and other.allowed == self.allowed


MATERIAL_EXTENSIONS = ["pdf", "pptx", "ppt", "odp", "docx", "odt", "xlsx"]
MATERIAL_MAX_BYTES = 50 * 1024 * 1024
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
PHOTO_MAX_BYTES = 5 * 1024 * 1024


def validate_pdf(file) -> None:
    """A real PDF: it starts as one, and pypdf can read its pages (a renamed .docx or HTML page cannot)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    message = _("Dit bestand is geen leesbare PDF. Sla de presentatie in PowerPoint of Keynote op als PDF.")
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        if b"%PDF-" not in file.read(1024):
            raise ValidationError(message, code="not_a_pdf")
        file.seek(0)
        try:
            reader = PdfReader(file)
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValidationError(
                    _("Deze PDF is beveiligd met een wachtwoord; stuur een versie zonder wachtwoord."),
                    code="encrypted_pdf",
                )
            if len(reader.pages) == 0:
                raise ValidationError(message, code="not_a_pdf")
        except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
            raise ValidationError(message, code="not_a_pdf") from error
    finally:
        file.seek(position)
