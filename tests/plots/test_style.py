"""The one chart style: palette, axes, money axis."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from crmlib.plots import style  # noqa: E402

CRMLIB = Path(__file__).resolve().parents[2] / "crmlib"


def test_the_accent_colour_is_named_once():
    holders = [p for p in CRMLIB.rglob("*.py") if style.BLUE in p.read_text(encoding="utf-8")]
    assert holders == [CRMLIB / "plots" / "style.py"]


def test_new_axes_reuses_a_given_axes_or_makes_one_of_the_size_asked():
    ax = style.new_axes(None, (5.0, 3.0))
    assert tuple(ax.figure.get_size_inches()) == (5.0, 3.0)
    assert style.new_axes(ax) is ax
    plt.close("all")


def test_money_axis_formats_whole_amounts_and_names_the_currency():
    ax = style.new_axes(None)
    style.money_axis(ax, "EUR per customer", axis="x")
    assert ax.get_xlabel() == "EUR per customer"
    assert ax.xaxis.get_major_formatter()(12615.4, 0) == "12,615"
    assert style.money_ticks("EUR")(1234.5, 0) == "EUR 1,234"
    plt.close("all")


def test_amount_labels_name_the_currency_only_when_it_is_known():
    assert style.in_currency("revenue", "USD") == "revenue (USD)"
    assert style.in_currency("revenue", None) == "revenue"
    assert style.in_currency("revenue", "") == "revenue"
    assert style.currency_words("per customer", "GBP") == "GBP per customer"
    assert style.currency_words("per customer", None) == "per customer"
    assert style.money_ticks(None)(1234.5, 0) == "1,234"
    assert style.money_ticks("")(-20.0, 0) == "-20"


def test_no_chart_assumes_a_currency():
    """A chart's currency comes from the company (``data.currency``); none is assumed."""
    import importlib
    import inspect

    assumed = []
    for path in sorted((CRMLIB / "plots").glob("*.py")):
        module = importlib.import_module(f"crmlib.plots.{path.stem}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__:
                continue
            parameter = inspect.signature(function).parameters.get("currency")
            if parameter is not None and parameter.default not in (None, "", inspect._empty):
                assumed.append(f"{path.stem}.{name}={parameter.default!r}")
    assert assumed == []
