"""The Jinja2 environment of the public pages (templates in templates/jinja2/).

The public pages are Jinja2 templates: Django's template language took about three times as long
to draw the 60 session cards of a large programme from one partial as Jinja2's compiled macros do
(figures in bench/README.md, "Why Jinja2"). The admin and the e-mails keep Django templates
(templates/). What Django's tags did, Jinja2 gets here: gettext and ngettext for `_()` and
`{% trans %}`, url() and static(), Django's date and time filters (on local time, as Django's
template language applies them), and the few Django filters the templates use.
"""

import contextvars
import datetime
import functools
import itertools
import types
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.template import defaultfilters
from django.templatetags.static import static as django_static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.timezone import template_localtime
from jinja2 import Environment, Template
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context, Macro
from markupsafe import Markup, _escape_inner, escape  # _escape_inner: C, or Python without the speedups

from g40events.links import slug_url

# The language of the page being drawn: Django's get_language() reads a thread- and task-local
# value through asgiref (1–2 µs), and a programme asks for translations hundreds of times.
_page_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("page_language", default=None)


class PageTemplate(Template):
    """A template that notes the active language while it draws, for gettext() and ngettext()."""

    def render(self, *args, **kwargs) -> str:
        token = _page_language.set(translation.get_language())
        try:
            return super().render(*args, **kwargs)
        finally:
            _page_language.reset(token)


def _language() -> str | None:
    return _page_language.get() or translation.get_language()


@functools.lru_cache(maxsize=4096)
def _translated(language: str | None, message: str) -> Markup:
    return Markup(translation.gettext(message))


@functools.lru_cache(maxsize=4096)
def _translated_plural(language: str | None, singular: str, plural: str, number: int) -> Markup:
    return Markup(translation.ngettext(singular, plural, number))


@functools.lru_cache(maxsize=256)
def _fixed_url(viewname: str, urlconf, script_prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf)


def _forget(*, setting, **kwargs):
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _translated.cache_clear()
        _translated_plural.cache_clear()
        _counted.cache_clear()
        _formatted_date.cache_clear()
    if setting in {"TIME_ZONE", "USE_TZ", "DATE_FORMAT", "DATETIME_FORMAT"}:
        _formatted_date.cache_clear()
    if setting == "ROOT_URLCONF":
        _fixed_url.cache_clear()
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT"}:
        static.cache_clear()


setting_changed.connect(_forget)


def gettext(message: str, /, **variables) -> Markup:
    """Django's gettext for `_()` and `{% trans %}`, remembered per language.

    As Jinja2's "new style" gettext: the translation counts as markup and the variables of a
    `{% trans %}` block are escaped into it. Remembered, because a programme asks for the same few
    labels hundreds of times (Jinja2's own wrapper around Django's gettext took a third of the
    time of drawing 60 session cards).
    """
    text = _translated(_language(), message)
    if variables:
        return _format(text, variables)
    return text % variables if "%" in text else text


def _format(text: Markup, variables: dict) -> Markup:
    """`text % variables` with the variables escaped, as Markup's own % does (a third of its time).

    Numbers go in as they are (their text needs no escaping), so that a translation may also say
    %(counter)d.
    """
    return Markup(
        str.__mod__(
            text,
            {
                name: value if isinstance(value, int | float) else escape(value)
                for name, value in variables.items()
            },
        )
    )


def ngettext(singular: str, plural: str, number: int, /, **variables) -> Markup:
    """Django's ngettext for `{% trans %}…{% pluralize %}`, remembered per language and number.

    A text whose variables are all numbers ("nog 12 plaatsen" on 60 cards) is remembered with them.
    """
    variables.setdefault("num", number)
    for value in variables.values():
        if type(value) is not int:
            return _format(_translated_plural(_language(), singular, plural, number), variables)
    return _counted(_language(), singular, plural, number, tuple(variables.items()))


@functools.lru_cache(maxsize=4096)
def _counted(language, singular: str, plural: str, number: int, variables: tuple) -> Markup:
    return _translated_plural(language, singular, plural, number) % dict(variables)


def url(viewname: str, *args, **kwargs) -> str:
    """The path of a named URL, as Django's {% url %}: url("events:detail", slug=event.slug).

    A URL without arguments (the menu, the footer) is the same on every page: it is reversed once;
    one with only a slug, once per URL pattern (links.slug_url).
    """
    if not args and kwargs.keys() == {"slug"}:
        return slug_url(viewname, kwargs["slug"])
    if args or kwargs:
        return reverse(viewname, args=args or None, kwargs=kwargs or None)
    return _fixed_url(viewname, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=256)
def static(path: str) -> str:
    """The URL of a static file, as Django's {% static %}: the same for the life of the process
    (ManifestStaticFilesStorage looks the file's hashed name up in its manifest each time)."""
    return django_static(path)


def date(value, format: str | None = None) -> str:
    """Django's date filter in the active language ("woensdag 24 april 2024"), on local time.

    Remembered per value, format, language and time zone: Django's formatting of a date in words
    costs tens of microseconds, and a page shows the same few dates again on every render.
    """
    if type(value) not in (datetime.date, datetime.datetime):
        return defaultfilters.date(template_localtime(value), format)
    return _formatted_date(value, format, _language(), timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=1024)
def _formatted_date(value, format: str | None, language: str | None, time_zone: str) -> str:
    return defaultfilters.date(template_localtime(value), format)


def time(value, format: str | None = None) -> str:
    """Django's time filter, on local time."""
    return defaultfilters.time(template_localtime(value), format)


def content_lang() -> Markup:
    """` lang="nl"` on organiser-written text when the interface is in another language.

    Organisers write in Dutch; an English page marks those parts as Dutch, so that screen readers
    pronounce them as Dutch (WCAG 2.1, 3.1.2 Language of Parts).
    """
    if translation.get_language() == settings.LANGUAGE_CODE:
        return Markup("")
    return Markup(' lang="{}"').format(settings.LANGUAGE_CODE)


@dataclass(frozen=True)
class Group:
    grouper: object
    list: list


def regroup(items, attribute: str) -> list[Group]:
    """Runs of consecutive items with the same attribute (dotted), as Django's {% regroup %}.

    Unlike Jinja2's groupby filter it does not sort: the items come in the order the page wants.
    """
    path = attribute.split(".")

    def key(item):
        for name in path:
            item = getattr(item, name)
        return item

    return [Group(grouper, list(group)) for grouper, group in itertools.groupby(items, key=key)]


def escape_output(value) -> str:
    """What `{{ value }}` writes into the page: the value's text with &, <, >, " and ' escaped, or
    the markup itself of a value that is markup (a macro's output, a translation, Markup).

    As markupsafe.escape(), which Jinja2 puts around every `{{ … }}`, except that the result is
    plain text instead of a new Markup object: a template joins what it writes into one string
    and marks only that as markup (a macro's output, a block, the page), so a Markup per value
    is made and thrown away. markupsafe.escape() builds it in Python (`Markup.__new__`); a
    programme of 60 session cards writes some 2,200 values, and escaping them took a third of
    drawing the cards (bench/README.md, "Where the pages stand").
    """
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape_inner(str(value))


class PageCodeGenerator(CodeGenerator):
    """Jinja2's compiler, with `{{ … }}` escaped by escape_output() where autoescaping is on.

    Jinja2 offers the code generator as the way to change the Python a template compiles to
    (Environment.code_generator_class). The method replaced, `_output_child_pre`, is the one that
    writes the `escape(` before each output expression; pyproject.toml keeps Jinja2 within 3.1,
    and tests/foundation/test_templates.py checks the compiled code and the escaping.
    """

    def visit_Template(self, node, frame=None) -> None:
        self.writeline("from g40events.jinja2 import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("escape_output(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class PageContext(Context):
    """A render's context whose call() goes straight to a macro or a plain function.

    Jinja2 calls every function and macro a template calls through Context.call(), which first
    looks whether the callable wants the context, its evaluation context or the environment
    passed in (`pass_context` and its kin) and drops the `_loop_vars`/`_block_vars` it passes
    along inside loops and blocks. Macros and plain functions without such a mark want none of
    them: for them that look-up is all the work, some 1 µs a call, 600 calls a programme
    (translations, the card's macros), ~20 % of drawing it. Anything else goes through Jinja2's
    own call().
    """

    def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja2's own signature)
        if type(__obj) is Macro or (
            type(__obj) is types.FunctionType and not hasattr(__obj, "jinja_pass_arg")
        ):
            if kwargs:
                kwargs.pop("_loop_vars", None)
                kwargs.pop("_block_vars", None)
            try:
                return __obj(*args, **kwargs)
            except StopIteration:  # as Jinja2's call(): a generator's end is not the page's
                return __self.environment.undefined(
                    "value was undefined because a callable raised a StopIteration exception"
                )
        return super().call(__obj, *args, **kwargs)


class PageEnvironment(Environment):
    code_generator_class = PageCodeGenerator
    context_class = PageContext

    def make_globals(self, d):
        """A template's globals as a dict of its own, not Jinja2's ChainMap over the environment's.

        The globals are all set when the environment is made, before any template loads (as
        Jinja2 asks). Each render copies them into its context, and each `{% from … import %}`
        compares their keys with the page's: over a ChainMap both run in Python, key by key (about
        0.1 ms of a page with three imports); over a dict they run in C.
        """
        return {**self.globals, **(d or {})}


def environment(**options) -> Environment:
    options.setdefault("keep_trailing_newline", True)  # as Django's templates: robots.txt ends in one
    env = PageEnvironment(extensions=["jinja2.ext.i18n"], **options)
    env.template_class = PageTemplate
    env.newstyle_gettext = True  # {% trans %} passes its variables to gettext() as keywords
    env.globals.update(
        _=gettext,
        gettext=gettext,
        ngettext=ngettext,
        url=url,
        static=static,
        content_lang=content_lang,
        get_language=translation.get_language,
        language_info=translation.get_language_info,
        languages=settings.LANGUAGES,
        get_messages=get_messages,
        regroup=regroup,
    )
    env.filters.update(
        date=date,
        time=time,
        capfirst=defaultfilters.capfirst,
        slugify=defaultfilters.slugify,
        truncatewords=defaultfilters.truncatewords,
    )
    # tojson for the JSON-LD <script>: keep the text as written (Jinja2 escapes <, >, & and ').
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    return env
