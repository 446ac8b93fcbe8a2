"""One customer base per company and analysis window: the table every model reads.

:func:`customer_base` computes, once per (company data, observation end, window, value
metric and the other settings), one row per customer with every measure the models use,
all over the **same window** (the ``window_months`` up to the observation end):

- ``revenue``, ``gross_margin``, ``n_contacts``, ``cost_to_serve``, ``profit`` and
  ``current_value`` (margin minus cost to serve; revenue when margin cannot be computed);
- ``purchases`` (days with a purchase in the window), ``is_buyer``, ``is_active``,
  ``bought_previous_window``;
- the whole history's ``first_purchase``, ``last_purchase`` and RFM scores and segment;
- the lifetime-value models' outputs: ``probability_alive``, ``expected_purchases`` and
  ``expected_margin_12m`` (next 12 months, undiscounted), ``expected_average_value``,
  ``lifetime_value`` (``horizon_months``, discounted, net of cost to serve);
- ``is_ssc`` (the top ``ssc_share`` by current value), ``value_category`` (MVC, MGC, BZ,
  other), ``value_tier`` and ``consent_marketing``;
- ``previous_value`` and ``previous_value_tier``: the current value and the value tier
  over the previous window (the ``window_months`` before the window), by the same rules,
  so migration between tiers is read from one base; ``previous_revenue``, that window's
  revenue, so a group's revenue can be followed from one window into the next
  (:mod:`crmlib.analytics.baseline`).

Company-level numbers come from the base as :class:`crmlib.figures.Figure`, each named
by its definition in :mod:`crmlib.analytics.vocabulary`. A figure whose inputs are
missing, whose period the data does not cover or whose model fit is doubtful has status
``unavailable`` or ``caveat`` with the reason: it is never shown as 0. Besides the
table, the base counts the contact episodes that start in the window (the vocabulary's
``contact_episode``, with a gap of :data:`EPISODE_WINDOW_DAYS`) and how many took a
repeat contact, so QCI and Customer IDOL state one count.

The base is memoised in the process (the same arguments give the same object) and on
disk (:mod:`crmlib.analytics.base_cache`), keyed by the content of the tables and the
settings, so the seven notebooks of a report set and the workers of a batch compute it
once.
"""

from __future__ import annotations

import inspect
import threading
import warnings
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from crmlib.analytics import base_cache
from crmlib.analytics.bgnbd import discounted_expected_purchases
from crmlib.analytics.contacts import episode_starts
from crmlib.analytics.lifetime_fit import LifetimeFit, fit_lifetime_models, restore_fit
from crmlib.analytics.pareto import customer_share_for_value, flag_ssc, value_share_of_top
from crmlib.analytics.profitability import (
    DEFAULT_TIERS,
    cost_to_serve,
    transaction_margin,
    value_categories,
    value_tiers,
)
from crmlib.analytics.rfm import rfm_analysis
from crmlib.analytics.summary import (
    check_frequency,
    require_columns,
    summarize_transactions,
    table_customers,
)
from crmlib.analytics.vocabulary import definition
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import BY_REVENUE, Figure
from crmlib.formatting import count, day, money, percent
from crmlib.i18n import current
from crmlib.memory import release_memory
from crmlib.money import round_money
from crmlib.text import N_, Safe, sentence, translate
from crmlib.text_columns import frame_values, isin

#: The value metrics a base can rank customers on.
VALUE_METRICS = ("margin", "revenue")

#: The value categories, in reading order.
CATEGORIES = ("MVC", "MGC", "other", "BZ")

#: The tables a customer base is built from, and keyed by in the cache.
BASE_TABLES = ("transactions", "customers", "interactions", "channels", "products")

_FIX_COST = N_(
    "add a 'cost' column to transactions, or 'product_id' to transactions and a "
    "'margin_rate' column to products"
)
_FIX_CTS = N_(
    "add an interactions table (customer_id, date, channel) and a channels table with "
    "each channel's cost_per_contact"
)


@dataclass(frozen=True)
class BaseSettings:
    """The settings of a customer base (resolved: no None left)."""

    observation_end: pd.Timestamp
    window_months: int
    value_metric: str
    ssc_share: float
    mgc_share: float
    horizon_months: int
    discount_rate: float
    freq: str

    def arguments(self) -> dict[str, Any]:
        """These settings as keyword arguments of :func:`customer_base`: another base of
        the same company with the same settings, some changed (``{**s.arguments(), ...}``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "observation_end": self.observation_end.date().isoformat(),
            "window_months": self.window_months,
            "value_metric": self.value_metric,
            "ssc_share": self.ssc_share,
            "mgc_share": self.mgc_share,
            "horizon_months": self.horizon_months,
            "discount_rate": self.discount_rate,
            "freq": self.freq,
        }


@dataclass
class CustomerBase:
    """The per-customer table of one company and window, and its company-level figures.

    Attributes
    ----------
    table : DataFrame
        One row per customer, indexed by ``customer_id`` (see the module docstring).
        Shared: read it, never change it (copy first).
    settings : BaseSettings
    meta : dict
        What the data could measure (``margin_known``, ``cost_to_serve_known``,
        ``contacts_known``, ``consent_known``), the windows and their coverage, the fit's
        status (``fit``) and ``notes``.
    currency : str
    fit : LifetimeFit
        The lifetime-value models, fitted once for this base (when the base was read
        from the disk cache, restored from their parameters), and their status.
    source : {"built", "disk"}
        Whether this process computed the base or read it from the disk cache.
    key : str
        Its cache key (the content of its tables and its settings); results computed
        from the base can be cached under it, and are invalidated with it.
    """

    table: pd.DataFrame
    settings: BaseSettings
    meta: dict[str, Any]
    currency: str = "EUR"
    fit: LifetimeFit | None = None
    source: str = "built"
    key: str = ""
    _figures: list[Figure] | None = field(default=None, repr=False)

    # -- words ------------------------------------------------------------------------

    @property
    def value_metric(self) -> str:
        return self.settings.value_metric

    @property
    def value_words(self) -> str:
        """What current value measures, in the reader's language: "margin after the cost
        of serving them", "margin before the unmeasured cost of serving them" (no cost to
        serve in the data) or "revenue"."""
        if self.value_metric != "margin":
            return translate("revenue")
        if self.meta.get("cost_to_serve_known", True):
            return translate("margin after the cost of serving them")
        return translate("margin before the unmeasured cost of serving them")

    @property
    def window(self) -> str:
        """The analysis window as ``yyyy-mm-dd..yyyy-mm-dd`` (both days included)."""
        return self.meta["window"]

    @property
    def retained(self) -> pd.Index:
        """The customers kept: buyers of the previous window who bought again in this one."""
        table = self.table
        kept = table["bought_previous_window"].to_numpy(dtype=bool) & table["is_buyer"].to_numpy(
            dtype=bool
        )
        return table.index[kept]

    @property
    def retention_cost(self) -> float:
        """What keeping a customer costs a year: the mean cost to serve of the customers
        kept (:attr:`retained`), over the window and put on a yearly footing. NaN when the
        cost to serve is not measured or nobody was kept. The one definition the models'
        "five times cheaper" comparisons read."""
        if not self.meta.get("cost_to_serve_known", False):
            return float("nan")
        kept = self.table.loc[self.retained, "cost_to_serve"]
        months = int(self.settings.window_months)
        return float(kept.mean()) * 12.0 / months if len(kept) else float("nan")

    @property
    def forecast_error(self) -> float | None:
        """How far the chosen purchase model missed its holdout: (predicted - actual) /
        actual purchases, as a fraction (0.109: 10.9% too many). None when the model could
        not be checked on a holdout. The one measure of a forecast's uncertainty the
        reports quote beside the forecasts it carries into."""
        comparison = (self.meta.get("fit", {}).get("model_choice") or {}).get("comparison") or []
        for row in comparison:
            error = row.get("total_error_pct")
            if row.get("chosen") and error is not None and np.isfinite(error):
                return float(error) / 100.0
        return None

    @property
    def window_start(self) -> pd.Timestamp:
        """The first day of the analysis window (the day after the observation end minus
        ``window_months``)."""
        return pd.Timestamp(self.window.split("..")[0])

    @property
    def previous_window_start(self) -> pd.Timestamp:
        """The first day of the previous window (``window_months`` before the window)."""
        return pd.Timestamp(self.meta["previous_window"].split("..")[0])

    @property
    def notes(self) -> list[str]:
        """What the base could not measure, in the report's language.

        The base keeps its notes as the catalogue's English texts (marked with ``N_``) and
        translates them here, where every model and notebook reads them; code that needs
        to know what is missing reads the flags of :attr:`meta` (``margin_known``,
        ``cost_to_serve_known``), never these words.
        """
        return [translate(note) for note in self.meta.get("notes", [])]

    # -- figures ----------------------------------------------------------------------

    def figures(self) -> list[Figure]:
        """Every company-level figure of the base, in a fixed order."""
        if self._figures is None:
            self._figures = _figures(self)
        return list(self._figures)

    def figure(self, figure_id: str) -> Figure:
        """One figure by id (e.g. ``"ssc_count"`` or ``"tier_count.gold"``)."""
        for item in self.figures():
            if item.id == figure_id:
                return item
        raise KeyError(f"the customer base states no figure {figure_id!r}")

    def segments_table(self, *, legacy: bool = False) -> pd.DataFrame:
        """The base as one row per customer with a plain ``customer_id`` column.

        The columns of the base, plus two names that earlier tables used:
        ``annual_margin`` (the current value of the window, when the window is 12 months)
        and ``clv`` (the expected twelve-month value, comparable with the current value).
        A copy: callers may add and change columns without changing the base.

        Parameters
        ----------
        legacy : bool, default False
            For model code written before the base: what the data cannot measure
            follows the old conventions (on revenue-only data margin and profit are the
            revenue; an unmeasured cost to serve is 0). The export and new code leave
            it empty, because unknown is not zero.
        """
        # Copy-on-Write (pandas 3) makes a shallow copy a safe one: a column the caller
        # changes is copied then, alone. A deep copy gathered every column into new
        # blocks at once: a second whole table at the peak (1.5 GB at 5 M customers).
        out = self.table.copy(deep=False)
        if legacy:
            if not self.meta["margin_known"]:
                out["gross_margin"] = out["revenue"]
            out["n_contacts"] = out["n_contacts"].fillna(0).astype(np.int64)
            out["cost_to_serve"] = out["cost_to_serve"].fillna(0.0)
            out["profit"] = out["gross_margin"] - out["cost_to_serve"]
        if self.settings.window_months == 12:
            out["annual_margin"] = out["current_value"]
        out["clv"] = out["expected_margin_12m"]
        out = out.reset_index()
        out.attrs = {
            **self.settings.as_dict(),
            "window": self.window,
            "notes": self.notes,
        }
        return out


# ----------------------------------------------------------------------------------------
# Memoised entry points
# ----------------------------------------------------------------------------------------

_LOCK = threading.Lock()
#: key -> base; a small LRU, so a workshop that moves a slider does not grow without end
_MEMORY: OrderedDict[str, CustomerBase] = OrderedDict()
_MEMORY_SIZE = 16
#: (id(company), settings) -> (weak reference to the company, key): skips re-hashing
_BY_OBJECT: dict[tuple, tuple[weakref.ref, str]] = {}


def customer_base(
    company: Any,
    *,
    observation_end: object = None,
    window_months: int = 12,
    value_metric: str | None = None,
    ssc_share: float = 0.2,
    mgc_share: float = 0.2,
    horizon_months: int = 36,
    discount_rate: float = 0.1,
    freq: str = "W",
    use_cache: bool = True,
) -> CustomerBase:
    """The customer base of a company for one analysis window (memoised).

    Parameters
    ----------
    company : Company
        The loaded company (:func:`crmlib.load_company`).
    observation_end : date-like, optional
        The last day of the window; defaults to the company's observation end.
    window_months : int, default 12
        Length of the analysis window in months.
    value_metric : {"margin", "revenue"}, optional
        What current value measures. Defaults to margin when margin can be computed
        (a cost per line, or product margin rates) and revenue otherwise.
    ssc_share : float, default 0.2
        Share of customers that are strategically significant (by current value).
    mgc_share : float, default 0.2
        Share of customers placed as most growable.
    horizon_months : int, default 36
        Horizon of the lifetime value.
    discount_rate : float, default 0.1
        Yearly discount rate of the lifetime value.
    freq : {"D", "W", "M"}, default "W"
        Period unit of the lifetime-value models.
    use_cache : bool, default True
        Read and write the disk cache (``$CRM_WORKBOOK_CACHE``).

    Returns
    -------
    CustomerBase
        The same object for the same arguments within a process. A loaded company is
        taken as it was loaded: its tables are not to be changed in place.

    Raises
    ------
    ParameterError
        For settings out of range, or ``value_metric="margin"`` on data without cost.
    MissingDataError, DataValidationError
        For missing columns or bad values in the tables.
    """
    given = observation_end not in (None, "") and not (
        isinstance(observation_end, str) and not observation_end.strip()
    )
    end = observation_end if given else company.observation_end
    tables = {name: getattr(company, name, None) for name in BASE_TABLES}
    return base_from_tables(
        **tables,
        observation_end=end,
        window_months=window_months,
        value_metric=value_metric,
        ssc_share=ssc_share,
        mgc_share=mgc_share,
        horizon_months=horizon_months,
        discount_rate=discount_rate,
        freq=freq,
        currency=str(getattr(company, "currency", "EUR")),
        use_cache=use_cache,
        _owner=company,
    )


#: The settings of the base the notebooks read (:func:`customer_base`'s defaults), which
#: a render builds in the engine ahead of them (:mod:`crmlib.analytics.base_engine`).
DEFAULT_SETTINGS = {
    name: parameter.default
    for name, parameter in inspect.signature(customer_base).parameters.items()
    if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    and name not in ("observation_end", "use_cache")
}


def base_from_tables(
    transactions: pd.DataFrame,
    customers: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    channels: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    *,
    observation_end: object = None,
    window_months: int = 12,
    value_metric: str | None = None,
    ssc_share: float = 0.2,
    mgc_share: float = 0.2,
    horizon_months: int = 36,
    discount_rate: float = 0.1,
    freq: str = "W",
    currency: str = "EUR",
    use_cache: bool = True,
    _owner: Any = None,
) -> CustomerBase:
    """:func:`customer_base` on tables rather than a company (e.g. tables cut at a date).

    The tables use the canonical column names (``customer_id``, ``date``, ``amount``...).
    Parameters as for :func:`customer_base`; ``observation_end`` defaults to the last
    transaction date.
    """
    settings = {
        "window_months": window_months,
        "value_metric": value_metric,
        "ssc_share": ssc_share,
        "mgc_share": mgc_share,
        "horizon_months": horizon_months,
        "discount_rate": discount_rate,
        "freq": freq,
    }
    check_base_settings(**settings)
    require_columns(transactions, "transactions", ["customer_id", "date", "amount"])
    end = _end_of(transactions, observation_end)
    requested = requested_settings(end, currency, **settings)
    object_key = None
    if _owner is not None:
        object_key = (id(_owner), current(), tuple(sorted(requested.items())))
        known = _BY_OBJECT.get(object_key)
        if known is not None and known[0]() is _owner and known[1] in _MEMORY:
            with _LOCK:
                _MEMORY.move_to_end(known[1])
                return _MEMORY[known[1]]
    tables = {
        "transactions": _text_ids(transactions),
        "customers": _text_ids(customers),
        "interactions": _text_ids(interactions),
        "channels": channels,
        "products": products,
    }
    key = base_cache.cache_key(tables, requested)
    with _LOCK:
        base = _MEMORY.get(key)
        if base is not None:
            _MEMORY.move_to_end(key)
    if base is None:
        stored = base_cache.load(key) if use_cache else None
        if stored is not None:
            base = _from_stored(*stored)
        else:
            base = _build(tables, end, requested, use_cache)
            if use_cache:
                base_cache.store(key, base.table, stored_meta(base))
        base.key = key
        base_cache.log_event(base.source, key)
        with _LOCK:
            base = _MEMORY.setdefault(key, base)
            _MEMORY.move_to_end(key)
            while len(_MEMORY) > _MEMORY_SIZE:
                _MEMORY.popitem(last=False)
    if object_key is not None:
        for dead in [k for k, (ref, _) in _BY_OBJECT.items() if ref() is None]:
            _BY_OBJECT.pop(dead, None)
        _BY_OBJECT[object_key] = (weakref.ref(_owner), key)
    return base


def _text_ids(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """The table with its customer ids as text, as the base keeps them (a loaded company's
    already are; whole-number ids given to :func:`base_from_tables` are written as text)."""
    if table is None or "customer_id" not in table.columns:
        return table
    ids = table["customer_id"]
    if isinstance(ids.dtype, pd.StringDtype):
        return table
    return table.assign(customer_id=ids.astype("str"))


def forecast_error_words(error: float, expected: float | None = None, currency: str = "") -> Safe:
    """A forecast's uncertainty in words, from :attr:`CustomerBase.forecast_error`.

    "the purchase model forecast 10.9% more purchases than its holdout period brought;
    at that bias this forecast is about EUR 19,979 too high". The amount is said when
    ``expected`` (the forecast it applies to) is given.
    """
    over, size = error > 0, percent(abs(error), 1)
    if over:
        words = sentence(
            "the purchase model forecast {error} more purchases than its holdout period brought",
            error=size,
        )
    else:
        words = sentence(
            "the purchase model forecast {error} fewer purchases than its holdout period brought",
            error=size,
        )
    if expected is None or not np.isfinite(expected) or error <= -1:
        return words
    # the same bias on this forecast: predicted = actual * (1 + error)
    amount = money(abs(expected * error / (1.0 + error)), currency)
    if over:
        return sentence(
            "{words}; at that bias this forecast is about {amount} too high",
            words=words,
            amount=amount,
        )
    return sentence(
        "{words}; at that bias this forecast is about {amount} too low", words=words, amount=amount
    )


def clear_memory() -> None:
    """Forget the bases held in this process (the disk cache stays)."""
    with _LOCK:
        _MEMORY.clear()
        _BY_OBJECT.clear()
        _FITS.clear()


def _check_settings(
    window_months: int,
    value_metric: str | None,
    ssc_share: float,
    mgc_share: float,
    horizon_months: int,
    freq: str,
) -> None:
    for name, months in (("window_months", window_months), ("horizon_months", horizon_months)):
        if int(months) != months or months < 1:
            raise ParameterError(f"{name} must be a whole number of months above 0, got {months}")
    if value_metric is not None and value_metric not in VALUE_METRICS:
        raise ParameterError(f"value_metric must be 'margin' or 'revenue', got {value_metric!r}")
    if not 0 < ssc_share < 1:
        raise ParameterError(f"ssc_share must be between 0 and 1, got {ssc_share}")
    if not 0 <= mgc_share < 1:
        raise ParameterError(f"mgc_share must be between 0 and 1, got {mgc_share}")
    check_frequency(freq)


def check_base_settings(
    *,
    window_months: int,
    value_metric: str | None,
    ssc_share: float,
    mgc_share: float,
    horizon_months: int,
    discount_rate: float,
    freq: str,
) -> None:
    """Raise ParameterError for a base setting out of range (before any line is read)."""
    _check_settings(window_months, value_metric, ssc_share, mgc_share, horizon_months, freq)
    if not np.isfinite(discount_rate) or discount_rate < 0:
        raise ParameterError(f"discount_rate must be 0 or more a year, got {discount_rate}")


def requested_settings(end: pd.Timestamp, currency: str, **settings: Any) -> dict[str, Any]:
    """The settings a base is built with and cached under, in their plain types."""
    return {
        "observation_end": end.date().isoformat(),
        "window_months": int(settings["window_months"]),
        "value_metric": settings["value_metric"],
        "ssc_share": float(settings["ssc_share"]),
        "mgc_share": float(settings["mgc_share"]),
        "horizon_months": int(settings["horizon_months"]),
        "discount_rate": float(settings["discount_rate"]),
        "freq": settings["freq"],
        "currency": currency,
    }


def year_back(end: pd.Timestamp) -> pd.Timestamp:
    """The day a year before ``end``: the base the value chain's relationships compare with
    (who was strategically significant then), and where IDOL's migrations start by default.
    A render builds that base in the engine beside the company's own."""
    return pd.Timestamp(end) - pd.DateOffset(months=12)


def given_end(observation_end: object) -> pd.Timestamp | None:
    """The observation end a caller gave, as a day (None when none was given)."""
    if observation_end is None or (
        isinstance(observation_end, str) and not observation_end.strip()
    ):
        return None
    try:
        end = pd.Timestamp(observation_end)
    except (ValueError, TypeError):
        raise ParameterError(
            f"observation_end '{observation_end}' is not a date; write it as yyyy-mm-dd"
        ) from None
    return (end.tz_localize(None) if end.tzinfo else end).normalize()


def _end_of(transactions: pd.DataFrame, observation_end: object) -> pd.Timestamp:
    end = given_end(observation_end)
    if end is not None:
        return end
    dates = pd.to_datetime(transactions["date"], errors="coerce")
    if dates.notna().sum() == 0:
        raise ParameterError("transactions is empty: there is no customer base to build")
    return dates.max().normalize()


# ----------------------------------------------------------------------------------------
# Building the table
# ----------------------------------------------------------------------------------------


def _window_text(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """``start`` excluded, ``end`` included, written as the days it covers."""
    return f"{(start + pd.Timedelta(days=1)).date().isoformat()}..{end.date().isoformat()}"


def _coverage(data_start: pd.Timestamp, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Share of the days of (start, end] on or after the first day of the data."""
    days = (end - start).days
    covered = (end - max(start, data_start - pd.Timedelta(days=1))).days
    return float(min(max(covered / days, 0.0), 1.0)) if days > 0 else 0.0


def _build(
    tables: dict[str, pd.DataFrame | None],
    end: pd.Timestamp,
    requested: dict[str, Any],
    use_cache: bool = True,
) -> CustomerBase:
    transactions = tables["transactions"]
    customers, interactions = tables["customers"], tables["interactions"]
    channels, products = tables["channels"], tables["products"]
    window_months = requested["window_months"]
    notes: list[str] = []

    dates = pd.to_datetime(transactions["date"], errors="coerce")
    upto = (dates <= end).to_numpy(dtype=bool, na_value=False)
    # at the company's own observation end every line is kept: no copy of ten million
    tx = transactions if upto.all() else transactions.loc[upto]
    if tx.empty:
        raise MissingDataError(
            translate(
                "no transaction on or before {end}: there is no customer base to build"
            ).format(end=day(end))
        )
    tx_dates = dates[upto]
    data_start = tx_dates.min().normalize()
    start = end - pd.DateOffset(months=window_months)
    previous_start = start - pd.DateOffset(months=window_months)

    # margin per line, when the data can give it
    try:
        margin = transaction_margin(tx, products)
        margin_known = True
    except MissingDataError:
        margin, margin_known = None, False
    metric = value_metric_of(requested, margin_known, notes)

    # per customer from the lines as they are, before the base's own copies of them exist
    rfm = rfm_analysis(tx, "customer_id", "date", "amount", end)

    amount = pd.to_numeric(tx["amount"], errors="coerce").to_numpy(dtype=float)
    is_return = (
        tx["is_return"].fillna(False).to_numpy(dtype=bool)
        if "is_return" in tx.columns
        else np.zeros(len(tx), dtype=bool)
    )
    # a purchase is a line with a positive amount: not a return, not a contact
    purchase = (amount > 0) & ~is_return
    days = tx_dates.dt.normalize().to_numpy()
    line_margin = margin.to_numpy(dtype=float) if margin is not None else None
    in_window = (days > start.to_datetime64()) & (days <= end.to_datetime64())
    in_previous = (days > previous_start.to_datetime64()) & (days <= start.to_datetime64())

    # customers numbered once: every per-customer figure below groups the lines by that
    # number, and puts it at its place in the sorted ids (no Python string per line)
    codes, uniques = pd.factorize(tx["customer_id"])
    present = pd.Index(frame_values(pd.Series(uniques)))
    ids = present
    if customers is not None:
        require_columns(customers, "customers", ["customer_id"])
        ids = ids.union(pd.Index(customers["customer_id"].dropna().unique()))
    # plain text ids, as they come back from the disk cache
    ids = ids.sort_values().astype(str)
    position = ids.get_indexer(present.astype(str))[codes]
    position[codes < 0] = -1
    per = _PerCustomer(position, len(ids))

    out = pd.DataFrame(index=ids)
    out.index.name = "customer_id"
    out["first_purchase"] = per.reduce(purchase, days, "min")
    out["last_purchase"] = per.reduce(purchase, days, "max")

    put_rfm(out, rfm)

    bought = in_window & purchase
    out["purchases"] = per.distinct(bought, days)
    out["revenue"] = round_money(per.reduce(in_window, amount, "sum", fill=0.0))
    if margin_known:
        out["gross_margin"] = round_money(per.reduce(in_window, line_margin, "sum", fill=0.0))
    else:
        out["gross_margin"] = np.nan

    contacts_known = interactions is not None and {"customer_id", "date"} <= set(
        interactions.columns
    )
    cts_known = contacts_known and channels is not None and "channel" in interactions.columns
    contacted = pd.Index([])
    out["n_contacts"] = pd.array([pd.NA] * len(ids), dtype="Int64")
    out["cost_to_serve"] = np.nan
    if contacts_known:
        contact_days = pd.to_datetime(interactions["date"], errors="coerce")
        recent = interactions.loc[
            ((contact_days > start) & (contact_days <= end)).to_numpy(dtype=bool, na_value=False)
        ]
        counts = recent.groupby("customer_id").size()
        contacted = counts.index
        out["n_contacts"] = counts.reindex(ids).fillna(0).astype("Int64")
        if cts_known:
            served = cost_to_serve(recent, channels)
            out["cost_to_serve"] = served["cost_to_serve"].reindex(ids).fillna(0.0)
    if not cts_known:
        notes.append(N_("cost to serve not measured: no interactions or channels table"))
    earlier = round_money(
        per.reduce(in_previous, line_margin if metric == "margin" else amount, "sum", fill=0.0)
    )
    out["previous_value"] = _previous_value(
        pd.Series(earlier, index=ids), ids, metric, interactions if cts_known else None,
        channels, (previous_start, start),
    )  # fmt: skip
    out["previous_revenue"] = round_money(
        per.reduce(in_previous, amount, "sum", fill=0.0).astype(float)
    )
    put_value(out, metric, margin_known)

    out["is_buyer"] = per.any(bought)
    out["bought_previous_window"] = per.any(in_previous & purchase)
    out["is_active"] = out["is_buyer"] | isin(out.index, contacted)
    # the per-line arrays are done with: free them before the forecast and the contact
    # episodes, which make large copies of their own
    del per, position, codes, days, purchase, bought, in_window, in_previous
    del margin, line_margin, amount, is_return, dates, tx_dates

    summary = summarize_transactions(
        tx, "customer_id", "date", "amount", freq=requested["freq"], observation_end=end
    )
    fit = _shared_fit(
        tx, summary, out["is_buyer"], end, requested["freq"], window_months, use_cache
    )
    consent = None
    if customers is not None and "consent_marketing" in customers.columns:
        consent = customers.drop_duplicates("customer_id").set_index("customer_id")[
            "consent_marketing"
        ]
    return finish_base(
        out,
        summary,
        fit,
        requested=requested,
        metric=metric,
        window=(previous_start, start, end),
        data_start=data_start,
        known={
            "margin_known": margin_known,
            "cost_to_serve_known": bool(cts_known),
            "contacts_known": bool(contacts_known),
        },
        consent=consent,
        episodes=_episode_counts(interactions, start, end),
        notes=notes,
    )


def value_metric_of(requested: dict[str, Any], margin_known: bool, notes: list[str]) -> str:
    """The metric the base ranks on: the one asked for, else margin when the data has it.

    Raises ParameterError when margin is asked for on data without it; adds the note
    that value is revenue to ``notes``.
    """
    metric = requested["value_metric"] or ("margin" if margin_known else "revenue")
    if metric == "margin" and not margin_known:
        raise ParameterError(
            "value_metric 'margin' needs the margin of every transaction line. Fix: "
            + _FIX_COST
            + ", or use value_metric 'revenue'"
        )
    if not margin_known:
        notes.append(
            N_("the data has no cost per line and no product margin rates, so value is revenue")
        )
    return metric


def put_rfm(out: pd.DataFrame, rfm: pd.DataFrame) -> None:
    """The RFM columns of ``out`` from :func:`crmlib.analytics.rfm.rfm_analysis`'s table
    (customers without a line get no score and the segment "no purchase")."""
    scores = rfm.reindex(out.index)
    out["recency_days"] = scores["recency"].astype("Int64")
    out["purchase_days"] = scores["frequency"].fillna(0).astype(np.int64)
    out["monetary"] = scores["monetary"].fillna(0.0)
    for column in ("r_score", "f_score", "m_score"):
        out[column] = scores[column].astype("Int64")
    out["rfm_code"] = scores["rfm_code"].astype(str)
    out["rfm_segment"] = scores["segment"].fillna("no purchase").astype(str)


def put_value(out: pd.DataFrame, metric: str, margin_known: bool) -> None:
    """``profit`` and ``current_value`` of ``out`` from its margin, revenue and cost to
    serve (an unmeasured cost to serve counts 0, as the window's notes say)."""
    cts = out["cost_to_serve"].fillna(0.0)
    out["profit"] = out["gross_margin"] - cts if margin_known else np.nan
    out["current_value"] = (
        out["gross_margin"] - cts if metric == "margin" else out["revenue"].astype(float)
    )


def finish_base(
    out: pd.DataFrame,
    summary: pd.DataFrame,
    fit: LifetimeFit,
    *,
    requested: dict[str, Any],
    metric: str,
    window: tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp],
    data_start: pd.Timestamp,
    known: dict[str, bool],
    consent: pd.Series | None,
    episodes: dict[str, Any],
    notes: list[str],
) -> CustomerBase:
    """The base from its per-customer facts, however they were computed.

    ``out`` holds the columns the lines give (purchases, value, contacts, RFM, up to
    ``is_active``), indexed by the sorted text ids; ``summary`` and ``fit`` are the
    lifetime summary and fit of the same lines. The forecast, the SSC flags, the value
    categories and tiers, consent and the base's description are added here, once for
    the loaded path and the engine's (:mod:`crmlib.analytics.base_engine`).
    """
    previous_start, start, end = window
    window_months = requested["window_months"]
    _forecast(out, summary, fit, requested, metric, known["cost_to_serve_known"])
    notes = notes + fit.reasons
    ids = out.index

    out["is_ssc"] = flag_ssc(out["current_value"], requested["ssc_share"]).to_numpy()
    # growth is measured like with like: the forecast is gross (margin or revenue before
    # cost to serve) for twelve months, so the past is the window's gross value per year;
    # a net past would make customers who are costly to serve look growable
    gross = out["gross_margin"] if metric == "margin" else out["revenue"].astype(float)
    categories = value_categories(
        out.assign(_past_12m=gross.astype(float) * 12.0 / window_months),
        current_col="current_value",
        future_col="expected_margin_12m",
        mvc_share=requested["ssc_share"],
        mgc_share=requested["mgc_share"],
        past_col="_past_12m",
    )
    out["growth_potential"] = categories["growth_potential"]
    out["value_category"] = categories["value_category"]
    out["value_tier"] = value_tiers(out["current_value"], DEFAULT_TIERS).astype(str)
    out["previous_value_tier"] = value_tiers(out["previous_value"], DEFAULT_TIERS).astype(str)
    consent_known = consent is not None
    if consent_known:
        out["consent_marketing"] = consent.astype("boolean").reindex(ids).astype("boolean")
    else:
        out["consent_marketing"] = pd.array([pd.NA] * len(ids), dtype="boolean")

    settings = BaseSettings(
        observation_end=end,
        window_months=window_months,
        value_metric=metric,
        ssc_share=requested["ssc_share"],
        mgc_share=requested["mgc_share"],
        horizon_months=requested["horizon_months"],
        discount_rate=requested["discount_rate"],
        freq=requested["freq"],
    )
    meta = {
        "settings": settings.as_dict(),
        "window": _window_text(start, end),
        "previous_window": _window_text(previous_start, start),
        "forecast_window": _window_text(end, end + pd.DateOffset(months=12)),
        "horizon_window": _window_text(end, end + pd.DateOffset(months=settings.horizon_months)),
        "data_start": data_start.date().isoformat(),
        "window_coverage": _coverage(data_start, start, end),
        "previous_coverage": _coverage(data_start, previous_start, start),
        **known,
        "consent_known": bool(consent_known),
        "episodes": episodes,
        "fit": fit.to_dict(),
        "notes": notes,
    }
    # the lines' copies and groupings of a large company are done with
    release_memory()
    return CustomerBase(
        table=out,
        settings=settings,
        meta=meta,
        currency=requested["currency"],
        fit=fit,
        source="built",
    )


class _PerCustomer:
    """Per-customer figures of transaction lines, each line given as its customer's place.

    ``position`` holds each line's place in the sorted customer ids (-1: no customer).
    Lines are grouped by that number with pandas' grouped reductions, in line order
    within a customer, so sums come out exactly as grouping by the ids themselves.
    """

    def __init__(self, position: np.ndarray, customers: int):
        self.position = position
        self.customers = customers
        self.known = position >= 0

    def reduce(self, mask: np.ndarray, values: np.ndarray, how: str, fill=None) -> np.ndarray:
        """``how`` ("sum", "min", "max") of ``values`` per customer over the masked lines.

        Customers without a line get ``fill``, else NaN (NaT for dates).
        """
        keep = mask & self.known
        grouped = getattr(pd.Series(values[keep]).groupby(self.position[keep]), how)()
        if values.dtype.kind == "M":
            result = np.full(self.customers, np.datetime64("NaT"), dtype=values.dtype)
        else:
            missing = np.nan if fill is None else fill
            result = np.full(self.customers, missing, dtype=np.result_type(values.dtype, float))
        result[grouped.index.to_numpy()] = grouped.to_numpy()
        return result

    def distinct(self, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The number of distinct ``values`` per customer over the masked lines."""
        keep = mask & self.known
        pairs = pd.DataFrame({"customer": self.position[keep], "value": values[keep]})
        pairs = pairs.dropna().drop_duplicates()
        return np.bincount(pairs["customer"].to_numpy(), minlength=self.customers).astype(np.int64)

    def any(self, mask: np.ndarray) -> np.ndarray:
        """Whether each customer has a masked line."""
        flag = np.zeros(self.customers, dtype=bool)
        flag[self.position[mask & self.known]] = True
        return flag


def _previous_value(
    value: pd.Series,
    ids: pd.Index,
    metric: str,
    interactions: pd.DataFrame | None,
    channels: pd.DataFrame | None,
    period: tuple[pd.Timestamp, pd.Timestamp],
) -> pd.Series:
    """Current value over the previous window, by the window's rule (0 without activity).

    ``value`` is each customer's margin (or revenue) over the previous window's lines,
    0 without any; minus the cost to serve of that window's contacts (when measured).
    """
    if metric == "margin" and interactions is not None:
        days = pd.to_datetime(interactions["date"], errors="coerce")
        earlier = interactions.loc[
            ((days > period[0]) & (days <= period[1])).to_numpy(dtype=bool, na_value=False)
        ]
        served = cost_to_serve(earlier, channels)["cost_to_serve"]
        value = value - served.reindex(ids).fillna(0.0)
    return value.astype(float)


#: The largest gap in days between two contacts of one contact episode (the vocabulary's
#: ``contact_episode``): the base counts episodes with it, and so do the models by default.
EPISODE_WINDOW_DAYS = 14

#: Why a base has no episode counts (its meta's ``episodes["reason"]``).
EPISODES_NEED = N_(
    "it needs an interactions table with customer_id, date, channel and process per contact"
)
NO_CONTACT_BY_END = N_("the interactions table holds no contact up to the observation end")


def _episode_counts(
    interactions: pd.DataFrame | None, start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, Any]:
    """The contact episodes that start in the window and how many took a repeat contact.

    Episodes are formed on the whole history up to the observation end, so one that
    began before the window is not cut in two; they count when they start inside it.
    Without the columns it needs, ``{"reason": ...}`` says what is missing.
    """
    needed = ("customer_id", "date", "channel", "process")
    if interactions is None or not set(needed) <= set(interactions.columns):
        return {"reason": EPISODES_NEED}
    days = pd.to_datetime(interactions["date"], errors="coerce")
    if not (days <= end).any():
        return {"reason": NO_CONTACT_BY_END}
    # the contacts' customer numbers, kept with a loaded table: no text per contact
    numbers = None
    if not interactions["customer_id"].isna().any():
        numbers = table_customers(interactions, "interactions")[0]
    episodes = episode_starts(interactions, EPISODE_WINDOW_DAYS, end=end, customers=numbers)
    starts = episodes["start"]
    inside = ((starts > start) & (starts <= end)).to_numpy(dtype=bool)
    return {
        "window_days": EPISODE_WINDOW_DAYS,
        "episodes": int(inside.sum()),
        "repeats": int((episodes["contacts"].to_numpy()[inside] > 1).sum()),
    }


def _forecast(
    out: pd.DataFrame,
    summary: pd.DataFrame,
    fit: LifetimeFit,
    requested: dict[str, Any],
    metric: str,
    cts_known: bool,
) -> None:
    """Fill the lifetime-value columns of ``out`` in place from the summary and its fit."""
    freq, horizon = requested["freq"], requested["horizon_months"]
    for column in (
        "probability_alive",
        "expected_purchases",
        "expected_average_value",
        "expected_margin_12m",
        "lifetime_value",
    ):
        out[column] = np.nan
    if fit.purchase_model is None:
        # no usable purchase model: every forecast column stays NaN (unknown, not 0 or 1)
        return
    bg = fit.purchase_model
    x = summary["frequency"].to_numpy(dtype=np.float64)
    rec, age = summary["recency"].to_numpy(), summary["T"].to_numpy()
    # the summary's customers, as positions in the base: one lookup of a million ids
    # instead of one per column written (the base's ids are text, whole-number ids too)
    position = out.index.get_indexer(summary.index.astype(str))
    if (position < 0).any():
        raise RuntimeError("the purchase summary has customers the base does not have")

    def put(column: str, values) -> None:
        column_values = out[column].to_numpy(dtype=float, copy=True)
        column_values[position] = values
        out[column] = column_values

    def at_summary(column: str) -> np.ndarray:
        return out[column].to_numpy(dtype=float)[position]

    alive = np.asarray(bg.probability_alive(x, rec, age), dtype=float)
    put("probability_alive", alive)
    purchases_12 = np.asarray(
        discounted_expected_purchases(
            bg, x, rec, age, horizon_months=12, discount_rate_monthly=0.0, freq=freq
        ),
        dtype=float,
    )
    put("expected_purchases", purchases_12)
    if fit.value_model is None:
        return
    monetary = summary["monetary_value"].to_numpy()
    value = np.asarray(fit.value_model.conditional_expected_average_value(x, monetary))
    # a repeat buyer whose returns cancel their purchases has no value to forecast
    value = np.where((x > 0) & (monetary <= 0), np.nan, value)
    put("expected_average_value", value)
    if metric == "margin":
        # the customer's own margin rate over the window, else the base's
        revenue, margin = at_summary("revenue"), at_summary("gross_margin")
        total = float(out["revenue"].sum())
        base_rate = float(out["gross_margin"].sum()) / total if total > 0 else 1.0
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(revenue > 0, margin / revenue, base_rate)
    else:
        rate = np.ones(len(position))
    put("expected_margin_12m", purchases_12 * value * rate)
    monthly = (1.0 + requested["discount_rate"]) ** (1.0 / 12.0) - 1.0
    discounted = discounted_expected_purchases(
        bg, x, rec, age, horizon_months=horizon, discount_rate_monthly=monthly, freq=freq
    )
    lifetime = discounted * value * rate
    if metric == "margin" and cts_known:
        # the window's cost to serve per month, for as long as the customer is alive
        # (today's P(alive), a simplification the definition states), discounted alike
        per_month = at_summary("cost_to_serve")
        per_month = np.where(np.isnan(per_month), 0.0, per_month) / requested["window_months"]
        factors = (1.0 + monthly) ** -np.arange(1, horizon + 1)
        lifetime = lifetime - per_month * alive * float(factors.sum())
    put("lifetime_value", lifetime)


#: fit key -> LifetimeFit: bases that differ only in value metric, SSC share or horizon
#: share one fit (choosing the model is the costly part of building a base)
_FITS: OrderedDict[str, LifetimeFit] = OrderedDict()


def _shared_fit(
    tx: pd.DataFrame,
    summary: pd.DataFrame,
    is_buyer: pd.Series,
    end: pd.Timestamp,
    freq: str,
    window_months: int,
    use_cache: bool = True,
) -> LifetimeFit:
    """The lifetime fit of these transactions, computed once per process and on disk.

    It depends only on the transactions up to ``end``, the period unit and the window
    (whose buyers check P(alive)), so it is cached under those, in the base cache's
    ``fits`` namespace, and shared by every base built on them.
    """
    key = base_cache.cache_key(
        {"transactions": tx},
        {"fit": "lifetime", "end": end.isoformat(), "freq": freq, "window": window_months},
    )
    with _LOCK:
        known = _FITS.get(key) if use_cache else None
    if known is not None:
        return known
    stored = base_cache.load_tables("fits", key, []) if use_cache else None
    if stored is not None and "fit" in stored[1]:
        fit = restore_fit(stored[1]["fit"])
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            fit = fit_lifetime_models(summary, is_buyer, tx, observation_end=end, freq=freq)
        if use_cache:
            base_cache.store_tables("fits", key, {}, {"fit": fit.to_dict()})
    with _LOCK:
        _FITS[key] = fit
        while len(_FITS) > _MEMORY_SIZE:
            _FITS.popitem(last=False)
    return fit


# ----------------------------------------------------------------------------------------
# The disk cache's side
# ----------------------------------------------------------------------------------------


def stored_meta(base: CustomerBase) -> dict[str, Any]:
    """What the cache keeps of a base besides its table."""
    return {**base.meta, "currency": base.currency}


def _from_stored(table: pd.DataFrame, meta: dict[str, Any]) -> CustomerBase:
    given = meta["settings"]
    settings = BaseSettings(
        observation_end=pd.Timestamp(given["observation_end"]),
        window_months=int(given["window_months"]),
        value_metric=str(given["value_metric"]),
        ssc_share=float(given["ssc_share"]),
        mgc_share=float(given["mgc_share"]),
        horizon_months=int(given["horizon_months"]),
        discount_rate=float(given["discount_rate"]),
        freq=str(given["freq"]),
    )
    kept = {k: v for k, v in meta.items() if k not in ("key", "version", "currency")}
    return CustomerBase(
        table=table,
        settings=settings,
        meta=kept,
        currency=str(meta.get("currency", "EUR")),
        fit=restore_fit(meta["fit"]),
        source="disk",
    )


# ----------------------------------------------------------------------------------------
# Company-level figures
# ----------------------------------------------------------------------------------------


def _label(figure_id: str, base: CustomerBase, suffix: str = "") -> str:
    label = definition(figure_id).label + suffix
    if base.value_metric == "revenue" and figure_id in (
        "ssc_count",
        "top20_share",
        "concentration_80",
        "value_category_count",
        "tier_count",
    ):
        label += BY_REVENUE
    return label


def _windowed(base: CustomerBase):
    """A maker of figures over the base's window, with a caveat when the data begins inside it."""
    meta, window = base.meta, base.window
    coverage = float(meta["window_coverage"])
    short = (
        sentence(
            "the data begins on {start}, so it covers {share} of the window",
            start=day(meta["data_start"]),
            share=percent(coverage),
        )
        if coverage < 1
        else ""
    )

    def windowed(figure_id: str, value: Any, unit: str, reason: str = "", label: str = ""):
        status = "caveat" if reason or short else "ok"
        why = "; ".join(r for r in (short, reason) if r)
        return Figure(figure_id, label or _label(figure_id, base), value, unit, window, status, why)

    return windowed


def episode_figures(base: CustomerBase) -> list[Figure]:
    """``contact_episode`` and ``repeat_episode_share`` alone (without the base's other
    figures), for a model that states them: the same figures as in :meth:`CustomerBase.figures`."""
    return _episode_figures(base, _windowed(base))


def _figures(base: CustomerBase) -> list[Figure]:
    table, meta, currency = base.table, base.meta, base.currency
    window = base.window
    revenue_only = base.value_metric == "revenue"
    figures: list[Figure] = [
        Figure("customers", _label("customers", base), len(table), "customers", _at_end(base))
    ]
    windowed = _windowed(base)

    figures.append(
        Figure(
            "window_start",
            _label("window_start", base),
            base.window_start.date().isoformat(),
            "date",
            window,
        )
    )
    buyers = int(table["is_buyer"].sum())
    figures.append(windowed("buyers", buyers, "customers"))
    figures.append(
        windowed(
            "active_customers",
            int(table["is_active"].sum()),
            "customers",
            ""
            if meta["contacts_known"]
            else translate(
                "contacts are not recorded (no interactions table), so only purchases count "
                "as activity"
            ),
        )
    )
    figures.append(_retention(base))
    figures.append(windowed("revenue", float(table["revenue"].sum()), currency))
    if meta["margin_known"]:
        margin = float(table["gross_margin"].sum())
        figures.append(windowed("gross_margin", margin, currency))
    else:
        margin = float("nan")
        figures.append(
            Figure.unavailable(
                "gross_margin", _label("gross_margin", base), currency,
                sentence("the data has no cost; {fix}", fix=Safe(translate(_FIX_COST))), window,
            )
        )  # fmt: skip
    if meta["cost_to_serve_known"]:
        cts = float(table["cost_to_serve"].sum())
        figures.append(windowed("cost_to_serve", cts, currency))
        if meta["margin_known"] and margin > 0:
            figures.append(windowed("cost_to_serve_share", cts / margin, "share"))
        else:
            why = (
                translate("the margin is not positive")
                if meta["margin_known"]
                else sentence("the data has no cost; {fix}", fix=Safe(translate(_FIX_COST)))
            )
            figures.append(
                Figure.unavailable(
                    "cost_to_serve_share", _label("cost_to_serve_share", base), "share", why,
                    window,
                )
            )  # fmt: skip
    else:
        for figure_id, unit in (("cost_to_serve", currency), ("cost_to_serve_share", "share")):
            figures.append(
                Figure.unavailable(
                    figure_id, _label(figure_id, base), unit,
                    sentence("no contact costs: {fix}", fix=Safe(translate(_FIX_CTS))), window,
                )
            )  # fmt: skip
    figures += _episode_figures(base, windowed)
    figures += _forecast_figures(base)
    figures += _value_figures(base, windowed, revenue_only)
    if meta["consent_known"]:
        figures.append(
            Figure(
                "consenting_customers",
                _label("consenting_customers", base),
                int(table["consent_marketing"].fillna(False).sum()),
                "customers",
                _at_end(base),
            )
        )
    else:
        figures.append(
            Figure.unavailable(
                "consenting_customers",
                _label("consenting_customers", base),
                "customers",
                translate(
                    "the customers table has no consent_marketing column; add it (yes/no per "
                    "customer) to know who may be approached"
                ),
            )
        )
    return figures


def _episode_figures(base: CustomerBase, windowed) -> list[Figure]:
    """The contact episodes that start in the window, and the share with a repeat contact."""
    counted = base.meta.get("episodes") or {"reason": N_("the episodes were not counted")}
    labels = {
        "contact_episode": _label("contact_episode", base) + "s",
        "repeat_episode_share": _label("repeat_episode_share", base),
    }
    if "reason" in counted or not counted["episodes"]:
        why = translate(counted.get("reason", N_("no contact episode starts in the window")))
        # without a window, as Customer IDOL states them when its check cannot run
        return [
            Figure.unavailable("contact_episode", labels["contact_episode"], "episodes", why),
            Figure.unavailable(
                "repeat_episode_share", labels["repeat_episode_share"], "share", why
            ),
        ]
    episodes = int(counted["episodes"])
    return [
        windowed("contact_episode", episodes, "episodes", label=labels["contact_episode"]),
        windowed(
            "repeat_episode_share",
            int(counted["repeats"]) / episodes,
            "share",
            label=labels["repeat_episode_share"],
        ),
    ]


def _at_end(base: CustomerBase) -> str:
    """The window of a state: the observation end."""
    return base.settings.observation_end.date().isoformat()


def _retention(base: CustomerBase) -> Figure:
    table, meta = base.table, base.meta
    label = _label("retention_rate", base)
    window = f"{meta['previous_window']} -> {meta['window']}"
    covered = float(meta["previous_coverage"])
    before = table["bought_previous_window"].to_numpy(dtype=bool)
    if covered < 0.5 or not before.any():
        why = (
            sentence(
                "the previous window ({window}) is not inside the data, which begins on "
                "{start} ({share} covered); give {months} months of history",
                window=meta["previous_window"],
                start=day(meta["data_start"]),
                share=percent(covered),
                months=count(base.settings.window_months * 2),
            )
            if covered < 1
            else translate("nobody bought in the previous window")
        )
        return Figure.unavailable("retention_rate", label, "share", why, window)
    rate = float(table["is_buyer"].to_numpy(dtype=bool)[before].mean())
    if covered < 1:
        return Figure(
            "retention_rate",
            label,
            rate,
            "share",
            window,
            "caveat",
            sentence(
                "the data begins on {start}, so it covers only {share} of the previous "
                "window: its buyers are undercounted",
                start=day(meta["data_start"]),
                share=percent(covered),
            ),
        )
    return Figure("retention_rate", label, rate, "share", window)


#: The forecast figures' labels when value is revenue (the data has no cost).
_REVENUE_LABELS = {
    "Expected twelve-month margin": N_("Expected twelve-month revenue"),
    "Lifetime value": N_("Lifetime revenue"),
}


def _forecast_figures(base: CustomerBase) -> list[Figure]:
    table, meta, currency = base.table, base.meta, base.currency
    fit = meta["fit"]
    reasons = list(fit["reasons"])
    figures = [
        Figure(
            "clv_fit",
            _label("clv_fit", base),
            f"{fit['purchase_model']} + {fit['value_model']}"
            if fit["status"] != "unavailable"
            else None,
            "model",
            meta["window"],
            fit["status"],
            "; ".join(reasons),
        )
    ]
    if base.value_metric == "revenue":
        reasons.append(
            translate("revenue, not margin: the data has no cost or product margin rate")
        )
    horizon = base.settings.horizon_months
    for figure_id, column, window, months in (
        ("expected_margin_12m", "expected_margin_12m", meta["forecast_window"], None),
        ("lifetime_value", "lifetime_value", meta["horizon_window"], horizon),
    ):
        label = _label(figure_id, base)
        if base.value_metric == "revenue":
            label = _REVENUE_LABELS.get(label, label)
        if months is not None:
            # the horizon goes into the label in the report's language ("36 maanden")
            label = sentence(
                "{label} ({months} months)", label=Safe(translate(label)), months=count(months)
            )
        values = table[column]
        why = list(reasons)
        if figure_id == "lifetime_value" and not meta["cost_to_serve_known"]:
            why.append(translate("not net of cost to serve: no contact costs in the data"))
        if values.notna().sum() == 0:
            reason = "; ".join(fit["reasons"]) or translate(
                "the lifetime-value models gave no forecast"
            )
            figures.append(Figure.unavailable(figure_id, label, currency, reason, window))
            continue
        status = "caveat" if why else "ok"
        figures.append(
            Figure(figure_id, label, float(values.sum()), currency, window, status, "; ".join(why))
        )
    return figures


def _value_figures(base: CustomerBase, windowed, revenue_only: bool) -> list[Figure]:
    table, meta = base.table, base.meta
    value = table["current_value"]
    figures = [windowed("ssc_count", int(table["is_ssc"].sum()), "customers")]
    for figure_id, share in (
        ("top20_share", value_share_of_top(value, 0.2)),
        ("concentration_80", customer_share_for_value(value, 0.8)),
    ):
        if share is None or share != share:  # NaN: no share of a total that is not positive
            figures.append(
                Figure.unavailable(
                    figure_id, _label(figure_id, base), "share",
                    translate("the total current value is not positive"), base.window,
                )
            )  # fmt: skip
        else:
            figures.append(windowed(figure_id, share, "share"))
    counts = table["value_category"].value_counts()
    for category in CATEGORIES:
        figure_id = f"value_category_count.{category}"
        label = _label("value_category_count", base, f": {category}")
        reason = ""
        if category == "MGC" and table["expected_margin_12m"].notna().sum() == 0:
            figures.append(
                Figure.unavailable(
                    figure_id,
                    label,
                    "customers",
                    sentence(
                        "the most growable need an expected value, and the lifetime-value "
                        "models gave none: {why}",
                        why=Safe("; ".join(meta["fit"]["reasons"]) or translate("no forecast")),
                    ),
                    base.window,
                )
            )
            continue
        if category == "BZ" and revenue_only:
            reason = sentence(
                "on revenue, below zero means returns exceed purchases; {fix}",
                fix=Safe(translate(_FIX_COST)),
            )
        elif category == "BZ" and not meta["cost_to_serve_known"]:
            reason = translate("before cost to serve, which the data cannot measure")
        figures.append(
            windowed(figure_id, int(counts.get(category, 0)), "customers", reason, label)
        )
    tiers = table["value_tier"].value_counts()
    for name, _ in DEFAULT_TIERS:
        label = _label("tier_count", base, f": {name}")
        figures.append(
            windowed(f"tier_count.{name}", int(tiers.get(name, 0)), "customers", "", label)
        )
    return figures
