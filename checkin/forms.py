from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms import RegistrationForm


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "Scan de QR-code, of typ de code van de bevestiging of de persoonlijke pagina, zoals 1C-7KQ4MZ."
        ),
        error_messages={
            "required": _("Typ of scan een code."),
            "max_length": _("Dit is geen code van deze site."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class WalkInForm(RegistrationForm):
    """The public form's fields and rules, filled in by desk staff with the person beside them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["contact_fax"]
        del self.fields["submission"]
        self.fields["consent"].label = _(
            "De persoon gaat akkoord met het bewaren van de gegevens zoals beschreven in de privacyverklaring."
        )
        self.fields["consent"].error_messages["required"] = _(
            "Vraag of de persoon akkoord gaat met de privacyverklaring, en vink dit dan aan."
        )

    @property
    def is_robot(self) -> bool:
        return False
