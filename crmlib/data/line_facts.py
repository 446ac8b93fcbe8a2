"""The per-customer facts of a company's purchase and contact lines, computed in the engine.

The customer base needs, per customer, a handful of sums, counts and dates over the
transaction and contact lines: what each bought in the window and the window before,
the days and amounts RFM scores, what contacting them cost, and the split of the history
the lifetime-value model is chosen on. For a company in a database (or a folder of
Parquet files, which an in-memory DuckDB reads) the engine computes them itself and
sends back one row per customer: the lines never come into pandas.

Each expression is written once with Ibis and compiled to each engine's SQL. The
definitions are those of the loaded path in :mod:`crmlib.analytics.base` (which groups
the lines in NumPy); ``tests/analytics/test_base_engine.py`` holds the two to the same
base on the sample company (DuckDB, PostgreSQL) and on CDNOW.

The tables come as :func:`crmlib.data.engine_checks.engine_tables` gives them: renamed
as mapping.yml says, in the engine's own column types, already checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.data.engine_checks import ids_as_parsed
from crmlib.data.pushdown import period_numbers, summary_expression
from crmlib.errors import DataValidationError
from crmlib.money import round_money


def _day(column):
    """A date or timestamp column as a calendar day."""
    return column.cast("date")


def _moment(column):
    """A date or timestamp column as its day's midnight, as the loaded path parses it.

    Dates are calendar days (:func:`crmlib.data.parsing.calendar_days`): a contact at
    14:05 on the observation end lies in the window that ends that day.
    """
    return column.cast("date").cast("timestamp")


def stamp(value) -> object:
    """A day or moment as an Ibis timestamp literal, to compare a date column with."""
    import ibis

    return ibis.timestamp(pd.Timestamp(value).to_pydatetime())


def _date(value: pd.Timestamp):
    import ibis

    return ibis.date(pd.Timestamp(value).date())


@dataclass
class PurchaseFacts:
    """Per customer (indexed by id as text, sorted) and for the company as a whole.

    ``table`` columns: ``first_day`` and ``last_day`` (any line), ``visit_days`` (days
    with any line), ``monetary`` (all amounts), ``first_purchase`` and
    ``last_purchase`` (purchase lines), ``purchases`` (days with a purchase in the
    window), ``revenue`` and ``margin`` (the window), ``previous_revenue`` and
    ``previous_margin`` (the window before), ``is_buyer`` and
    ``bought_previous_window``. ``margin`` columns are NaN when the margin is unknown.
    """

    table: pd.DataFrame
    data_start: pd.Timestamp
    last_day: pd.Timestamp
    margin_known: bool


def _no_cost(lines):
    """Whether a line has no cost of its own (no cost column: no line has one)."""
    import ibis

    if "cost" not in lines.columns:
        return ibis.literal(True)
    cost = lines.cost.cast("float64")
    return cost.isnull() | cost.isnan()


def with_margin(lines, products, *, product_ids=ids_as_parsed):
    """The lines with each one's ``margin``: ``amount - cost``, else ``amount * margin_rate``.

    ``product_ids`` makes both tables' product ids comparable: as parsing makes them for
    a database's raw tables, a cast to text for tables already loaded.
    Returns (the lines, whether the margin is known).
    Lines without a cost whose product has no rate are a user error, as in
    :func:`crmlib.analytics.profitability.transaction_margin`.
    """
    import ibis

    if int(lines.filter(_no_cost(lines)).count().execute()) == 0:
        return lines.mutate(margin=lines.amount - lines.cost.cast("float64")), True
    rated = (
        products is not None
        and {"product_id", "margin_rate"} <= set(products.columns)
        and "product_id" in lines.columns
    )
    if not rated:
        return lines.mutate(margin=ibis.null("float64")), False
    rates = products.select(
        rate_product=product_ids(products.product_id),
        rate=products.margin_rate.cast("float64"),
    )
    rates = rates.filter(rates.rate_product.notnull() & rates.rate.notnull() & ~rates.rate.isnan())
    # product_id is the products table's key (the checks hold it unique): one rate each
    rates = rates.group_by("rate_product").aggregate(rate=rates.rate.max())
    lines = lines.mutate(line_product=product_ids(lines.product_id))
    joined = lines.left_join(rates, lines.line_product == rates.rate_product)
    no_cost = _no_cost(joined)
    unknown = int(joined.filter(no_cost & joined.rate.isnull()).count().execute())
    if unknown:
        raise DataValidationError(
            "transactions",
            f"{unknown:,} line(s) have no cost and a product without a margin_rate",
            column="product_id",
            fix="add the cost to the line, or the product with its margin_rate to products",
        )
    cost = joined.cost.cast("float64") if "cost" in joined.columns else ibis.null("float64")
    margin = ibis.ifelse(no_cost, joined.amount * joined.rate, joined.amount - cost)
    return joined.mutate(margin=margin), True


def purchase_facts(
    transactions,
    products=None,
    *,
    end: pd.Timestamp,
    start: pd.Timestamp,
    previous_start: pd.Timestamp,
) -> PurchaseFacts:
    """The purchase facts of every customer with a line on or before ``end``.

    Parameters
    ----------
    transactions, products : ibis Table
        As :func:`crmlib.data.engine_checks.engine_tables` gives them; products may be
        None.
    end, start, previous_start : Timestamp
        The observation end, and the starts (exclusive) of the window and of the
        window before it.

    Returns
    -------
    PurchaseFacts
        Only one row per customer leaves the engine.
    """
    import ibis

    t = transactions
    lines = t.filter(_day(t.date) <= _date(end)).mutate(
        customer=ids_as_parsed(t.customer_id),
        day=_day(t.date),
        amount=t.amount.cast("float64"),
        is_return=(
            t.is_return.cast("boolean").fill_null(False)
            if "is_return" in t.columns
            else ibis.literal(False)
        ),
    )
    span = lines.aggregate(first=lines.day.min(), last=lines.day.max(), n=lines.count())
    first, last, n = span.execute().iloc[0]
    if not n:
        raise DataValidationError(
            "transactions",
            f"no line on or before {end.date().isoformat()}",
            fix="choose a later observation end",
        )
    lines, margin_known = with_margin(lines, products)
    lines = lines.filter(lines.customer.notnull())
    # a purchase is a line with a positive amount: not a return, not a contact
    purchase = (lines.amount > 0) & ~lines.is_return
    window = (lines.day > _date(start)) & (lines.day <= _date(end))
    previous = (lines.day > _date(previous_start)) & (lines.day <= _date(start))
    zero = ibis.literal(0.0)
    facts = (
        lines.group_by("customer")
        .aggregate(
            first_day=lines.day.min(),
            last_day=lines.day.max(),
            visit_days=lines.day.nunique(),
            monetary=lines.amount.sum(),
            first_purchase=lines.day.min(where=purchase),
            last_purchase=lines.day.max(where=purchase),
            purchases=lines.day.nunique(where=purchase & window),
            revenue=lines.amount.sum(where=window).fill_null(zero),
            margin=lines.margin.sum(where=window).fill_null(zero),
            previous_revenue=lines.amount.sum(where=previous).fill_null(zero),
            previous_margin=lines.margin.sum(where=previous).fill_null(zero),
            is_buyer=lines.count(where=purchase & window) > 0,
            bought_previous_window=lines.count(where=purchase & previous) > 0,
        )
        .to_pandas()
    )
    facts = facts.set_index(facts["customer"].astype(str)).drop(columns="customer")
    facts.index.name = "customer_id"
    for column in ("first_day", "last_day", "first_purchase", "last_purchase"):
        facts[column] = pd.to_datetime(facts[column]).astype("datetime64[ns]")
    for column in ("visit_days", "purchases"):
        facts[column] = facts[column].fillna(0).astype(np.int64)
    for column in ("is_buyer", "bought_previous_window"):
        facts[column] = facts[column].astype(bool)
    for column in ("monetary", "revenue", "margin", "previous_revenue", "previous_margin"):
        facts[column] = round_money(facts[column].astype(float))
    if not margin_known:
        facts["margin"] = np.nan
        facts["previous_margin"] = np.nan
    return PurchaseFacts(
        table=facts.sort_index(),
        data_start=pd.Timestamp(first).normalize(),
        last_day=pd.Timestamp(last).normalize(),
        margin_known=margin_known,
    )


@dataclass
class ContactFacts:
    """Per customer contacted (indexed by id as text): ``n_contacts`` in the window,
    ``cost_to_serve`` in the window and ``previous_cost_to_serve`` in the window
    before (both NaN without a channels table)."""

    table: pd.DataFrame
    costed: bool


def contact_facts(
    interactions,
    channels=None,
    *,
    end: pd.Timestamp,
    start: pd.Timestamp,
    previous_start: pd.Timestamp,
    previous_costed: bool = True,
) -> ContactFacts:
    """Contacts and their cost per customer, in the window and in the window before.

    Contacts are placed by their moment, as the loaded path compares them: after the
    window's start, up to the observation end. A contact through a channel that has no
    cost per contact is a user error, as in
    :func:`crmlib.analytics.profitability.cost_to_serve`.
    """
    import ibis

    c = interactions
    contacts = c.mutate(customer=ids_as_parsed(c.customer_id), moment=_moment(c.date))
    window = (contacts.moment > stamp(start)) & (contacts.moment <= stamp(end))
    previous = (contacts.moment > stamp(previous_start)) & (contacts.moment <= stamp(start))
    costed = (
        channels is not None
        and {"channel", "cost_per_contact"} <= set(channels.columns)
        and "channel" in contacts.columns
    )
    if costed:
        costs = channels.select(
            cost_channel=channels.channel.cast("string").strip(),
            cost=channels.cost_per_contact.cast("float64"),
        )
        costs = costs.filter(costs.cost.notnull() & ~costs.cost.isnan())
        # channel is the channels table's key (the checks hold it unique): one cost each
        costs = costs.group_by("cost_channel").aggregate(cost=costs.cost.max())
        contacts = contacts.mutate(used=contacts.channel.cast("string").strip())
        contacts = contacts.left_join(costs, contacts.used == costs.cost_channel)
        # the window's contacts are costed; the window before's when its value is margin
        for period in (window, previous) if previous_costed else (window,):
            unknown = contacts.filter(period & contacts.cost.isnull())
            n = int(unknown.count().execute())
            if n:
                names = sorted(
                    str(v) for v in unknown.select("used").distinct().limit(5).to_pandas()["used"]
                )
                raise DataValidationError(
                    "interactions",
                    f"{n:,} contact(s) with a channel without a cost per contact "
                    f"({', '.join(names)})",
                    column="channel",
                    fix="add the channel and its cost_per_contact to channels",
                )
        cost = contacts.cost
    else:
        cost = ibis.null("float64")
    contacts = contacts.mutate(in_window=window, in_previous=previous, contact_cost=cost)
    contacts = contacts.filter(
        contacts.customer.notnull() & (contacts.in_window | contacts.in_previous)
    )
    table = (
        contacts.group_by("customer")
        .aggregate(
            n_contacts=contacts.count(where=contacts.in_window),
            cost_to_serve=contacts.contact_cost.sum(where=contacts.in_window),
            previous_cost_to_serve=contacts.contact_cost.sum(where=contacts.in_previous),
        )
        .to_pandas()
    )
    table = table.set_index(table["customer"].astype(str)).drop(columns="customer")
    table.index.name = "customer_id"
    table["n_contacts"] = table["n_contacts"].astype(np.int64)
    for column in ("cost_to_serve", "previous_cost_to_serve"):
        table[column] = round_money(table[column].astype(float).fillna(0.0)) if costed else np.nan
    return ContactFacts(table=table.sort_index(), costed=bool(costed))


def thread_marks(contacts, window_days: int, order_by=("moment",)):
    """Each contact marked where it begins an episode and whether the next one continues it.

    The one rule of a contact episode (the vocabulary's ``contact_episode``): a contact
    continues the one before it in its thread (one customer, one process, by date) when
    they are no more than ``window_days`` whole days apart, floored. ``contacts`` is an
    Ibis table with ``customer``, ``thread`` and ``moment`` (a timestamp); ``order_by``
    puts a thread's contacts in order (the moment, then what breaks a tie). Adds
    ``begins`` (no contact before it continues into it) and ``followed`` (the next
    contact of its thread continues its episode).
    """
    import ibis

    thread = ibis.window(group_by=["customer", "thread"], order_by=list(order_by))
    seconds = contacts.moment.epoch_seconds()
    before = seconds.lag().over(thread)
    after = seconds.lead().over(thread)
    day = 86_400
    return contacts.mutate(
        begins=before.isnull() | ((seconds - before) // day > window_days),
        followed=after.notnull() & ((after - seconds) // day <= window_days),
    )


def episode_counts(
    interactions, window_days: int, *, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[int, int]:
    """The contact episodes that start in the window, and how many took a repeat contact.

    Episodes follow :func:`thread_marks`, formed on the whole history up to ``end``. An
    episode starts where a contact does not continue the one before; it took a repeat
    contact when the next contact of its thread continues it.
    """
    c = interactions
    contacts = c.mutate(
        customer=ids_as_parsed(c.customer_id),
        thread=ids_as_parsed(c.process.cast("string")),
        moment=_moment(c.date),
    )
    contacts = contacts.filter(
        contacts.customer.notnull()
        & contacts.thread.notnull()
        & contacts.moment.notnull()
        & (contacts.moment <= stamp(end))
    )
    ordered = thread_marks(contacts, window_days)
    starts = ordered.filter(
        ordered.begins & (ordered.moment > stamp(start)) & (ordered.moment <= stamp(end))
    )
    counted = starts.aggregate(
        episodes=starts.count(), repeats=starts.count(where=starts.followed)
    ).execute()
    return int(counted["episodes"].iloc[0]), int(counted["repeats"].iloc[0])


def holdout_split(
    transactions,
    *,
    calibration_end: pd.Timestamp,
    observation_end: pd.Timestamp,
    freq: str,
    calibration_period: int,
) -> pd.DataFrame:
    """The calibration summary and holdout purchases of every customer known by then.

    The split of :func:`crmlib.analytics.summary.calibration_and_holdout` without its
    amounts: ``frequency_cal``, ``recency_cal``, ``T_cal`` per customer who bought on or
    before ``calibration_end``, and ``frequency_holdout``, the distinct periods after
    the calibration's period with a purchase, up to ``observation_end``.
    """
    t = transactions.mutate(customer_id=ids_as_parsed(transactions.customer_id))
    t = t.filter(t.customer_id.notnull())
    calibration = summary_expression(
        t.filter(_day(t.date) <= _date(calibration_end)),
        freq=freq,
        observation_end=calibration_end,
    ).select("customer_id", "frequency", "recency", "T")
    holdout = t.filter(
        (period_numbers(t.date, freq) > calibration_period)
        & (_day(t.date) <= _date(observation_end))
    ).mutate(period=period_numbers(t.date, freq))
    holdout = holdout.group_by("customer_id").aggregate(frequency_holdout=holdout.period.nunique())
    split = calibration.left_join(holdout, "customer_id").to_pandas()
    split = split.set_index(split["customer_id"].astype(str)).sort_index()
    out = pd.DataFrame(
        {
            "frequency_cal": split["frequency"].astype(np.int64),
            "recency_cal": split["recency"].astype(float),
            "T_cal": split["T"].astype(float),
            "frequency_holdout": split["frequency_holdout"].fillna(0).astype(np.int64),
        },
        index=split.index,
    )
    out.index.name = "customer_id"
    return out
