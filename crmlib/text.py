"""Words around numbers: the one place where computed sentences are put together.

Every data-dependent sentence of a report is a template filled by :func:`sentence`:

- the template is English text with ``{name}`` fields and passes through
  :func:`translate` first, the one hook a message catalogue (gettext via Babel) can take
  over when a second language is added; the template is the catalogue's message id;
- every value is escaped (:func:`escape`) before it goes in, so a company, customer or
  offer name can never become Markdown or HTML;
- values are already worded (``crmlib.formatting`` turns numbers into text, per locale):
  a sentence never computes a figure.

:func:`join`, :func:`plural` and :func:`label` are the only list, plural and name
helpers. They shape words and escape nothing: escaping happens once, when a value goes
into a sentence (or by :func:`escape` where a builder still writes its own f-string).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable

from crmlib import i18n
from crmlib.formatting import count
from crmlib.i18n import current_locale

# Markdown would still act on these characters after HTML escaping.
_MARKDOWN = "\\`*_[]"
# Braces would act if the text were ever used as a str.format template; as entities
# they read the same on the page.
_BRACES = {"{": "&#123;", "}": "&#125;"}


class Safe(str):
    """Text that is already escaped (a sentence built here): :func:`escape` leaves it as it is."""

    __slots__ = ()


def escape(value: object) -> str:
    """User text made inert in Markdown, HTML and ``str.format`` (names are user text).

    Examples
    --------
    >>> escape("R&D *Best* <b> {x}")
    'R&amp;D \\\\*Best\\\\* &lt;b&gt; &#123;x&#125;'
    """
    if isinstance(value, Safe):
        return value
    text = html.escape(str(value), quote=True)
    for char in _MARKDOWN:
        text = text.replace(char, "\\" + char)
    for char, entity in _BRACES.items():
        text = text.replace(char, entity)
    return text


# The language in force (crmlib.i18n.activate) translates; a test or a tool may put
# its own translator in front with set_translator.
_translator: Callable[[str], str] = i18n.gettext
_plural_translator: Callable[[str, str, int], str] = i18n.ngettext


def N_(text: str) -> str:  # noqa: N802 (the name gettext's tools know)
    """Mark ``text`` as a message without translating it yet.

    For texts kept in data (a table's column names, a list of lever names): the
    extraction finds them here, and they are translated where they are shown, with
    ``translate(variable)``.
    """
    return text


def set_translator(
    translator: Callable[[str], str] | None,
    plural_translator: Callable[[str, str, int], str] | None = None,
) -> None:
    """Route every sentence template through ``translator`` (e.g. a gettext ``gettext``).

    ``None`` returns to the language in force (:func:`crmlib.i18n.activate`). Kept as one module-level hook so that adding a language
    changes no model code: the catalogue is keyed by the English templates.
    """
    global _translator, _plural_translator
    _translator = translator or i18n.gettext
    _plural_translator = plural_translator or i18n.ngettext


def translate(template: str) -> str:
    """The template in the current language (English until a catalogue is installed)."""
    return _translator(template)


def sentence(template: str, **values: object) -> Safe:
    """Fill ``template`` with ``values``, escaping each value (never the template).

    Parameters
    ----------
    template : str
        English text with ``{name}`` fields (``str.format`` syntax, format specs allowed
        on values that are numbers). It is translated first.
    **values
        The figures and names, already worded. Strings are escaped unless they are
        :class:`Safe` (a sentence built by this module); numbers are put in as they are.

    Returns
    -------
    Safe
        The sentence, marked as already escaped.

    Examples
    --------
    >>> sentence("{company} keeps {share} of its customers.", company="A&B", share="60%")
    'A&amp;B keeps 60% of its customers.'
    """
    filled = {
        name: value if isinstance(value, int | float) else escape(value)
        for name, value in values.items()
    }
    return Safe(translate(template).format(**filled))


def markdown(template: str, **values: object) -> str:
    """Fill ``template`` with ``values``, escaping each value; without values, as it is.

    Sentences computed by crmlib arrive already escaped, and may contain braces from
    client text, so a template without values is shown unchanged.
    """
    if not values:
        return template
    return sentence(template, **values)


# The words :func:`join` puts before the last item, marked for the catalogue.
CONJUNCTIONS = (N_("and"), N_("or"))


def join(items: Iterable[object], word: str = "and") -> str:  # or "or"
    """``["a", "b", "c"]`` -> ``"a, b and c"`` (items as they are: escape the result's use).

    A list of :class:`Safe` items gives a :class:`Safe` result.
    """
    parts = list(items)
    words = [str(part) for part in parts]
    if len(words) <= 1:
        joined = "".join(words)
    else:
        joined = ", ".join(words[:-1]) + f" {translate(word)} " + words[-1]
    return Safe(joined) if parts and all(isinstance(p, Safe) for p in parts) else joined


def listing(items: Iterable[object], sep: str = ", ") -> Safe:
    """``items`` joined by ``sep``, each escaped unless already a :class:`Safe` sentence.

    For lists that go into a :func:`sentence` as one value: the items are escaped here,
    once, and the result is not escaped again.

    Examples
    --------
    >>> listing(["R&D", sentence("{n} sales", n="3")])
    'R&amp;D, 3 sales'
    """
    return Safe(translate(sep).join(escape(item) for item in items))


def plural(n: float, word: str, words: str) -> str:
    """``plural(3, "customer", "customers")`` -> ``"3 customers"``; one is singular after rounding.

    Both forms are given, so the catalogue holds them as one plural message.
    """
    return f"{count(n)} {_plural_translator(word, words, round(float(n)))}"


def number(value: float, decimals: int | None = 0, *, sign: bool = False) -> str:
    """A plain number as text, to go into a :func:`sentence` already worded.

    ``decimals`` places (``None``: as short as exact, ``2.5`` or ``2``); ``sign`` writes
    ``+`` before a positive number (a difference in points). Shares, counts and money
    have their own words in :mod:`crmlib.formatting`.

    Examples
    --------
    >>> number(3.14159, 1), number(2.0, None), number(0.5, 1, sign=True)
    ('3.1', '2', '+0.5')
    """
    locale = current_locale()
    if locale:
        from babel.numbers import format_decimal

        places = "#" * 6 if decimals is None else "0" * int(decimals)
        pattern = "0." + places if places else "0"
        text = format_decimal(float(value), pattern, locale=locale)
        return ("+" + text) if sign and float(value) > 0 else text
    spec = "g" if decimals is None else f".{int(decimals)}f"
    return format(float(value), ("+" if sign else "") + spec)


def label(name: object) -> str:
    """A column or element name as words: ``"cost_to_serve"`` -> ``"cost to serve"``."""
    return str(name).replace("_", " ")


def capitalise(text: str) -> str:
    """``text`` with a capital first letter, to open a sentence (the rest unchanged)."""
    return text[:1].upper() + text[1:]


def lead(company: object, end: str = ".") -> Safe:
    """The opening of a section's conclusion: ``**What this means for <company>.**``.

    ``end`` is ``"."`` (a paragraph follows) or ``":"`` (a list or clause follows).
    """
    if end == ":":
        return sentence("**What this means for {company}:**", company=company)
    return sentence("**What this means for {company}.**", company=company)
