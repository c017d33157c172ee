"""Internet domains: the e-mail domains organisations list, and spotting web addresses in text.

Both read the Public Suffix List (the publicsuffixlist package ships it), so that `nl` or `co.uk`
is known as a top-level domain that no organisation owns, and `example.com` as a web address.
"""

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from publicsuffixlist import PublicSuffixList

# Addresses anyone can get: listing one would let every stranger sign up without confirming.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl",
        "live.com", "live.nl", "msn.com", "yahoo.com", "yahoo.nl", "icloud.com", "me.com", "mac.com",
        "aol.com", "gmx.com", "gmx.net", "gmx.de", "proton.me", "protonmail.com", "pm.me",
        "ziggo.nl", "kpnmail.nl", "kpnplanet.nl", "planet.nl", "home.nl", "hetnet.nl", "chello.nl",
        "xs4all.nl", "upcmail.nl", "casema.nl", "zeelandnet.nl", "tele2.nl", "online.nl", "quicknet.nl",
        "telfort.nl", "solcon.nl", "caiway.nl", "delta.nl", "mail.com", "zoho.com", "yandex.com",
        "tutanota.com", "tuta.io", "fastmail.com",
    }
)  # fmt: skip

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Characters that browsers and mail programs read as a dot in a host name.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
# A label of a host name as people write one: runs of letters and digits joined by - or _. A dotted
# token is two or more labels joined by dots. The search is linear in the length of the text: a label
# reads one way only (its runs cannot overlap), and a label with no dot after it is passed over whole
# (the second alternative) instead of being tried again from each of its letters. The former pattern
# did both, and a name of 5,000 letters took 0.7 s of CPU to check, 20,000 letters 10 s. (No
# possessive quantifiers: Python before 3.11.5 gets some of them wrong.)
_HOST_LABEL = r"[^\W_]+(?:[_-]+[^\W_]+)*"
_DOTTED_TOKEN = re.compile(rf"(?P<token>{_HOST_LABEL}(?:\.{_HOST_LABEL})+)|{_HOST_LABEL}")
_WEB_PREFIX = re.compile(r"https?:|://|\bwww\.", re.IGNORECASE)


@functools.cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


def normalise_domain(value: str) -> str:
    """A domain as it is stored: lower case, without a leading @ or trailing dot, IDN as punycode."""
    domain = str(value or "").strip().translate(_DOTS).lower().lstrip("@").rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain  # the validator explains what is wrong with it


def domain_of(email: str) -> str:
    """The domain of an e-mail address, normalised; empty when there is none."""
    _, at, domain = str(email or "").strip().rpartition("@")
    return normalise_domain(domain) if at else ""


def candidate_domains(email: str) -> list[str]:
    """The address's domain and each parent domain in which it lies: a listed `deventer.nl` covers
    `mail.deventer.nl`. The top-level domain itself is never a candidate."""
    labels = domain_of(email).split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]


def validate_email_domain(value: str) -> None:
    """An organisation's own e-mail domain: a real name below a top-level domain, not a public mail service."""
    domain = normalise_domain(value)
    labels = domain.split(".")
    if len(domain) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(
            _("Vul alleen het domein van de e-mailadressen in, zoals deventer.nl (zonder naam of @)."),
            code="invalid_domain",
        )
    suffixes = _suffixes()
    if suffixes.publicsuffix(domain, accept_unknown=False) == domain:
        raise ValidationError(
            _("“%(domain)s” is een topdomein, geen domein van één organisatie."),
            params={"domain": domain},
            code="public_suffix",
        )
    if suffixes.privatesuffix(domain, accept_unknown=False) is None:
        raise ValidationError(
            _("“%(domain)s” eindigt niet op een bestaand topdomein, zoals .nl of .eu."),
            params={"domain": domain},
            code="unknown_suffix",
        )
    if domain in PUBLIC_MAIL_DOMAINS:
        raise ValidationError(
            _(
                "“%(domain)s” is een e-maildienst waar iedereen een adres kan krijgen. Zet alleen domeinen "
                "van de organisatie zelf in de lijst."
            ),
            params={"domain": domain},
            code="public_mail_domain",
        )


def _is_domain_like(token: str) -> bool:
    """Whether a dotted token reads as a host name, such as example.com or bit.ly.

    Initials such as "A.Th." or "J.P.M." are not: single letters before a two-letter suffix.
    """
    token = token.lower()
    suffix = _suffixes().publicsuffix(token, accept_unknown=False)
    if suffix is None or suffix == token:
        return False
    before = token[: -len(suffix) - 1].split(".")
    return not (len(suffix) == 2 and all(len(label) == 1 for label in before))


def contains_web_address(text: str) -> bool:
    """Whether text holds something a mail program would turn into a link: http(s), www., a host name
    such as example.com, or an @ (an e-mail address)."""
    text = unicodedata.normalize("NFKC", str(text or "")).translate(_DOTS)
    if "@" in text or _WEB_PREFIX.search(text):
        return True
    return any(_is_domain_like(token) for match in _DOTTED_TOKEN.finditer(text) if (token := match["token"]))
