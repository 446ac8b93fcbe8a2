"""The Payne & Frow notebook's tables as a report shows them: formatted, in words.

The process modules return numbers (tested); these functions turn them into the tables
a reader sees: shares as percentages, money with its currency, KPI values in their
unit, one row per segment, table, analysis or KPI (never per customer).

Column names are written in English, marked for the catalogue, and translated with the
words in the cells when the table is made for the reader (English stays as it is).
"""

from __future__ import annotations

import pandas as pd

from crmlib.analytics.kpis import KPIS
from crmlib.data.company import Company
from crmlib.formatting import count, money, percent
from crmlib.models.payne_frow.information import Information
from crmlib.models.payne_frow.strategy import Strategy
from crmlib.text import N_, number, translate

#: The names of the tables' index, marked for the catalogue.
INDEX_NAMES = (N_("table"), N_("analysis"), N_("KPI"))

#: Whether the data supports an analysis (:func:`crmlib.analytics.data_support.data_support`).
AVAILABLE = (N_("yes"), N_("partly"), N_("no"))

#: The segment table's headings (:func:`strategy_table`), marked for the catalogue: the
#: report translates a table's headings where it shows it.
SEGMENT_HEADINGS = (
    N_("customers"),
    N_("share of customers"),
    N_("share of expected value"),
    N_("expected value per customer"),
    N_("treatment"),
    N_("revenue next year vs last"),
)

#: A KPI's direction of change (:func:`crmlib.analytics.kpis.scorecard`) as a reader reads it.
DIRECTIONS = {"up": N_("up"), "down": N_("down"), "flat": N_("flat")}


def in_language(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its column names and index name in the report language."""
    out = frame.rename(columns=translate)
    if isinstance(out.index.name, str):
        out.index.name = translate(out.index.name)
    return out


def readable(
    frame: pd.DataFrame,
    names: dict[str, str],
    *,
    shares: tuple[str, ...] = (),
    amounts: tuple[str, ...] = (),
    scores: tuple[str, ...] = (),
    currency: str = "EUR",
) -> pd.DataFrame:
    """A table for a report: the columns in ``names`` (renamed), numbers written out.

    ``shares`` become percentages, ``amounts`` money in ``currency``, ``scores`` two
    decimals, whole numbers as counts; missing values show as an empty cell.
    """
    out = frame[list(names)].copy()
    for column in out.columns:
        values = out[column]
        if column in shares:
            out[column] = [percent(v) if pd.notna(v) else "" for v in values]
        elif column in amounts:
            out[column] = [money(v, currency) if pd.notna(v) else "" for v in values]
        elif column in scores:
            out[column] = [f"{v:.2f}" if pd.notna(v) else "" for v in values]
        elif values.dtype == bool:
            out[column] = values.map({True: translate("yes"), False: ""})
        elif pd.api.types.is_integer_dtype(values.dtype):
            # counts with the report language's thousands separator (1,797; 1.797)
            out[column] = [count(v) if pd.notna(v) else "" for v in values]
    return out.rename(columns=names)


def strategy_table(strategy: Strategy, company: Company) -> pd.DataFrame:
    """The segment table as a report shows it (one row per segment, not per customer).

    The target segments are marked with a star; the treatment includes the needs a
    target segment scores above the average. Next to each segment's forecast stands the
    change any group picked on value the same way showed one window on in the company's
    history (regression to the mean) and the forecast's difference from it in points;
    "unknown" where the history does not cover the window before.
    """
    table = strategy.need("segments")
    out = readable(
        table,
        {
            "customers": "customers",
            "customer_share": "share of customers",
            "expected_value_share": "share of expected value",
            "expected_value_per_customer": "expected value per customer",
            "treatment": "treatment",
        },
        shares=("customer_share", "expected_value_share"),
        amounts=("expected_value_per_customer",),
        currency=company.currency,
    )
    forecast_known = table["expected_change"].notna()
    out.insert(
        4,
        "revenue next year vs last",
        [_change(v) if pd.notna(v) else "" for v in table["expected_change"]],
    )
    if "baseline_change" in table.columns:
        # unknown is said, not left blank, where there is a forecast to read against it
        unknown = translate("unknown")
        out.insert(
            5,
            translate("expected from regression to the mean"),
            [
                _change(v) if pd.notna(v) else (unknown if shown else "")
                for v, shown in zip(table["baseline_change"], forecast_known, strict=True)
            ],
        )
        out.insert(
            6,
            translate("forecast beyond it"),
            [
                translate("{points} pts").format(points=number(100 * v, 0, sign=True))
                if pd.notna(v)
                else (unknown if shown else "")
                for v, shown in zip(table["beyond_baseline"], forecast_known, strict=True)
            ],
        )
    names = [translate(str(name)) for name in table.index]
    out.index = [f"★ {name}" if t else name for name, t in zip(names, table["target"], strict=True)]
    out.index.name = "segment"
    return out


def _change(share: float) -> str:
    """A change as a signed share in the locale's format: ``+5%``, ``-37 %``."""
    return ("+" if share > 0 else "") + percent(share)


def support_table(information: Information) -> pd.DataFrame:
    """Which analyses the data supports, as a report shows it."""
    table = readable(
        information.support,
        {
            "analysis": N_("analysis"),
            "needs": N_("what it needs"),
            "available": N_("available?"),
            "found": N_("found"),
            "what_to_add": N_("what to add"),
        },
    )
    # yes, partly or no (N_ below); the analyses and their needs where the catalogue has them
    for column in ("analysis", "what it needs", "available?", "what to add"):
        table[column] = [translate(str(v)) if v else "" for v in table[column]]
    return in_language(table.set_index("analysis"))


def quality_table(information: Information) -> pd.DataFrame:
    """Completeness and weak spots per table, as a report shows it."""
    table = readable(
        information.tables,
        {
            "rows": N_("rows"),
            "completeness": N_("filled"),
            "weakest_column": N_("least filled column"),
            "weakest_fill": N_("its fill"),
            "issues": N_("remarks"),
        },
        shares=("completeness", "weakest_fill"),
    )
    return in_language(table)


def _direction(row: pd.Series) -> str:
    direction = str(row["direction"])
    direction = translate(DIRECTIONS[direction]) if direction in DIRECTIONS else direction
    if pd.isna(row["better"]):
        return direction
    template = (
        translate("{direction} (better)") if row["better"] else translate("{direction} (worse)")
    )
    return template.format(direction=direction)


def scorecard_table(card: pd.DataFrame, company: Company) -> pd.DataFrame:
    """The KPI scorecard as a report shows it: values written in their unit."""
    before, now = card.attrs.get("periods", (None, None))
    rows = []
    for kpi, row in card.iterrows():
        unit = KPIS[kpi]
        if not pd.isna(row["meets"]):
            meets = translate("meets") if row["meets"] else translate("misses")
        else:
            # a standard that cannot be judged is unknown; no standard leaves it empty
            meets = translate("n/a") if row["standard"] else ""
        rows.append(
            {
                N_("KPI"): translate(row["label"]),
                N_("shareholder result"): translate(row["result"]),
                N_("measure"): translate(row["measure"]),
                str(before or translate("before")): unit.format(row["previous"], company.currency),
                str(now): unit.format(row["current"], company.currency),
                N_("change"): translate("n/a")
                if pd.isna(row["relative_change"])
                else ("+" if row["relative_change"] > 0 else "")
                + percent(row["relative_change"], 1),
                N_("direction"): _direction(row),
                N_("standard"): row["standard"],
                N_("verdict"): meets,
            }
        )
    return in_language(pd.DataFrame(rows).set_index("KPI"))
