"""Customer IDOL, Orchestration: one integrated treatment across five dimensions.

Runs the checks of :mod:`crmlib.analytics.orchestration` on a company: channels,
customer processes, contact moments, products and related customers. Each check that
lacks data is skipped with its reason, so the notebook can say what it would need and
go on. Every dimension gives a figure's table, a computed sentence and a top-10 of
concrete mismatches by customer id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmlib.analytics import orchestration as checks
from crmlib.analytics.base import EPISODE_WINDOW_DAYS, episode_figures
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.figures import Figure
from crmlib.formatting import decimal
from crmlib.loaded import rows_kept
from crmlib.models.contract import resolve_base
from crmlib.models.steps import attempt
from crmlib.text import N_, sentence, translate

#: The instrument area that assesses each dimension's practices.
PRACTICE_AREAS = {
    "channels": "sync_channels",
    "customer processes": "sync_processes",
    "contact moments": "sync_contact_moments",
    "products": "sync_products",
    "customers": "sync_customers",
}

#: What to do about the mismatches of each dimension, and who owns it.
REMEDIES = {
    "channels": (
        N_("customer service"),
        N_(
            "share one contact history across every channel, so the next channel picks up "
            "where the last one stopped"
        ),
    ),
    "customer processes": (
        N_("marketing"),
        N_("hold sales pushes while a customer has an open complaint, billing or warranty issue"),
    ),
    "contact moments": (
        N_("customer service"),
        N_("settle questions in the first contact in the processes with the most repeats"),
    ),
    "products": (
        N_("marketing"),
        N_("leave out of each offer the customers who just bought or returned its category"),
    ),
    "customers": (
        N_("account management"),
        N_(
            "decide about a household as a whole: weigh a loss-making member against the "
            "top customer beside them"
        ),
    ),
}


@dataclass(frozen=True)
class ChannelSync:
    """Handovers between channels. ``top``: the ten customers with most lost handovers;
    ``yearly_cost``: what the lost handovers of the last 12 months cost (NaN without
    channel costs)."""

    handovers: pd.DataFrame
    matrix: pd.DataFrame
    contacted: int
    multichannel: int
    top: pd.DataFrame
    yearly_cost: float = float("nan")
    window: str = ""

    @property
    def lost_rate(self) -> float:
        """The share of handovers (of known outcome) where the history did not follow."""
        known = self.handovers["history_known"].to_numpy(dtype=bool)
        if not known.any():
            return float("nan")
        return float(self.handovers["history_lost"].to_numpy(dtype=bool)[known].mean())


@dataclass(frozen=True)
class ProcessSync:
    """Customer processes: episodes per process, the open issues, and sales pushes during them."""

    overview: pd.DataFrame
    issues: pd.DataFrame
    conflicts: pd.DataFrame
    top: pd.DataFrame
    window: str = ""


@dataclass(frozen=True)
class MomentSync:
    """Repeat contacts per process, over the contact episodes that start in the base's
    window (``window``); ``yearly_repeats`` and ``yearly_cost`` are those episodes'
    repeat contacts and their cost (NaN without channel costs). ``counted`` holds the
    customer base's figures ``contact_episode`` and ``repeat_episode_share`` when the
    episodes were formed with the base's gap (the figures the report states); empty
    when another ``window_days`` was chosen."""

    moments: pd.DataFrame
    yearly_repeats: int
    yearly_cost: float
    top: pd.DataFrame
    window: str = ""
    window_days: int = EPISODE_WINDOW_DAYS
    counted: tuple[Figure, ...] = ()

    @property
    def episodes(self) -> int:
        """Contact episodes that start in the window."""
        return int(self.moments["episodes"].sum())

    @property
    def repeat_share(self) -> float:
        """The share of those episodes that took more than one contact."""
        episodes = self.episodes
        return (episodes - int(self.moments["one"].sum())) / episodes if episodes else float("nan")


#: The words of the orchestration scorecard (crmlib.analytics.orchestration) that the
#: sentences and the verdict show: each dimension's unit and what counts as a mismatch.
SCORECARD_WORDS = (
    N_("channel handovers"),
    N_("the history did not follow"),
    N_("problem episodes"),
    N_("a sales push while the issue was open"),
    N_("contact episodes"),
    N_("a repeat contact about the same question"),
    N_("category offers"),
    N_("an offer for a category just bought or returned"),
    N_("households and accounts"),
    N_("a top customer and a loss-making one treated apart"),
)

#: The headings and cell words of the orchestration checks' customer tables: words as a report shows them (its headers in words), marked for the
#: catalogue so the report can show them in its language; the code reads the columns.
TABLE_WORDS = (
    N_("customer id"),
    N_("handovers"),
    N_("lost"),
    N_("last lost"),
    N_("push date"),
    N_("push"),
    N_("detail"),
    N_("issue opened"),
    N_("process"),
    N_("start"),
    N_("channel path"),
    N_("sent date"),
    N_("conflict"),
    N_("last date"),
    N_("related id"),
    N_("members"),
    N_("best customer"),
    N_("best value"),
    N_("worst customer"),
    N_("worst value"),
    N_("total value"),
    N_("campaign offer"),
    N_("outbound sales contact"),
    N_("returned"),
    N_("just bought"),
)

#: How each campaign's category was found, in words.
_CATEGORY_SOURCES = {
    "recorded": N_("named in the campaigns table"),
    "inferred": N_("read from the targeting"),
    "general": N_("general offer, not checked"),
}


#: The headings of the campaigns' categories table, as a report shows them.
_CATEGORY_HEADINGS = {
    "campaign_id": N_("campaign id"),  # not "campaign": the catalogue holds that as a plural
    "offer": N_("offer"),
    "sent_date": N_("sent"),
    "recipients": N_("recipients"),
    "category": N_("category"),
    "odds_ratio": N_("odds ratio"),
    "source": N_("category found"),
}


def categories_table(categories: pd.DataFrame) -> pd.DataFrame:
    """How each campaign's offer was read, as a report shows it.

    A general offer has no category and a recorded category no odds ratio: both read
    so in words, never as a missing-value marker.

    Parameters
    ----------
    categories : DataFrame
        ``ProductSync.categories``.

    Returns
    -------
    DataFrame
        Offer, sent, recipients, category, odds ratio and how the category was found.
    """
    table = categories.copy()
    general = table["category"].isna()
    table["category"] = (
        table["category"].astype(object).where(~general, translate("no one category"))
    )
    table["odds_ratio"] = [decimal(ratio, 2) for ratio in table["odds_ratio"]]  # n/a when none
    table["source"] = table["source"].map(_CATEGORY_SOURCES).fillna(table["source"]).map(translate)
    if "sent_date" in table.columns:
        table["sent_date"] = pd.to_datetime(table["sent_date"]).dt.strftime("%Y-%m-%d")
    # the headings in the report language: the table is only shown, never read back
    if "campaign_id" in table.columns:
        table = table.set_index("campaign_id")
        table.index.name = translate(_CATEGORY_HEADINGS["campaign_id"])
    return table.rename(
        columns=lambda column: translate(_CATEGORY_HEADINGS.get(column, column.replace("_", " ")))
    )


@dataclass(frozen=True)
class ProductSync:
    """Offers against products owned: the campaigns' categories and the conflicts."""

    categories: pd.DataFrame
    per_campaign: pd.DataFrame
    conflicts: pd.DataFrame
    top: pd.DataFrame

    @property
    def offers_checked(self) -> int:
        return int(self.per_campaign["offers"].sum())


@dataclass(frozen=True)
class CustomerSync:
    """Households and accounts, and those that mix a top and a loss-making member."""

    households: pd.DataFrame
    top: pd.DataFrame

    @property
    def mixed(self) -> int:
        return int(self.households["mixed"].sum())


@dataclass
class Orchestration:
    """The five checks; a check that could not run is None, with its reason in ``skipped``."""

    channels: ChannelSync | None = None
    processes: ProcessSync | None = None
    moments: MomentSync | None = None
    products: ProductSync | None = None
    customers: CustomerSync | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    def require(self, dimension: str):
        """The result of ``dimension``, or MissingDataError with the reason it was skipped."""
        attribute = {"customer processes": "processes", "contact moments": "moments"}.get(
            dimension, dimension
        )
        result = getattr(self, attribute)
        if result is None:
            raise MissingDataError(
                self.skipped.get(dimension)
                or sentence("no result for {dimension}", dimension=translate(dimension))
            )
        return result

    def scorecard(self) -> pd.DataFrame:
        """One row per dimension (see :func:`crmlib.analytics.orchestration.orchestration_scorecard`)."""
        return checks.orchestration_scorecard(
            handovers=self.channels.handovers if self.channels else None,
            issues=self.processes.issues if self.processes else None,
            pushed=self.processes.conflicts if self.processes else None,
            moments=self.moments.moments if self.moments else None,
            categories=self.products.categories if self.products else None,
            conflicts=self.products.conflicts if self.products else None,
            households=self.customers.households if self.customers else None,
        )


def _until(company: Company, table: pd.DataFrame | None, column: str = "date"):
    """The rows of ``table`` up to the observation end (all rows without ``column``)."""
    if table is None or column not in table.columns:
        return table
    dates = table[column]
    return rows_kept(
        table, (dates.isna() | (dates <= company.observation_end)).to_numpy(dtype=bool)
    )


def _window(company: Company, base: object | None) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """The base's analysis window: (start, excluded; end, included; its text)."""
    base = resolve_base(company, base)
    end = base.settings.observation_end
    return end - pd.DateOffset(months=int(base.settings.window_months)), end, base.window


def _inside(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    return ((dates > start) & (dates <= end)).to_numpy(dtype=bool)


def channel_sync(
    company: Company, window_days: int = 14, base: object | None = None
) -> ChannelSync:
    """Channels: handovers in the base's window and whether the history followed the customer.

    Episodes are formed on the whole history (a question that began before the window is
    not cut in two); the handovers counted are those made inside the window.
    """
    interactions = _until(
        company, company.require("interactions", "channel", "process", step=N_("the channel check"))
    )
    start, end, window = _window(company, base)
    handovers = checks.channel_handovers(interactions, window_days, until=end)
    handovers = handovers[_inside(handovers["date"], start, end)].reset_index(drop=True)
    used = checks.channels_per_customer(interactions[_inside(interactions["date"], start, end)])
    lost = handovers[handovers["history_lost"].to_numpy(dtype=bool)]
    grouped = handovers.groupby("customer_id")
    per_customer = pd.DataFrame(
        {
            "handovers": grouped.size(),
            "lost": grouped["history_lost"].sum().astype(int),
            "processes": lost.groupby("customer_id")["process"].agg(
                lambda s: ", ".join(sorted(set(s)))
            ),
            "last_lost": lost.groupby("customer_id")["date"].max(),
        }
    )
    per_customer = per_customer[per_customer["lost"] > 0]
    top = per_customer.sort_values(["lost", "handovers", "last_lost"], ascending=False).head(10)
    return ChannelSync(
        handovers=handovers,
        matrix=checks.handover_matrix(handovers),
        contacted=len(used),
        multichannel=int((used >= 2).sum()),
        top=top.reset_index(),
        yearly_cost=_yearly_cost(company, lost),
        window=window,
    )


def _yearly_cost(company: Company, contacts: pd.DataFrame) -> float:
    """What the contacts (with ``date`` and ``to_channel``) of the last 12 months cost."""
    if not company.has("channels", "channel", "cost_per_contact"):
        return float("nan")
    start = company.observation_end - pd.DateOffset(months=12)
    dates = contacts["date"]
    recent = contacts[((dates > start) & (dates <= company.observation_end)).to_numpy(bool)]
    channels = company.channels.drop_duplicates("channel")
    cost_of = pd.Series(
        pd.to_numeric(channels["cost_per_contact"], errors="coerce").to_numpy(float),
        index=channels["channel"].astype(str).to_numpy(),
    )
    # astype(float): with no lost handovers the mapped column is empty and of object type
    return float(recent["to_channel"].astype(str).map(cost_of).astype(float).fillna(0.0).sum())


def process_sync(
    company: Company, window_days: int = 14, base: object | None = None
) -> ProcessSync:
    """Customer processes: the contact episodes that began in the base's window, per
    process, and the sales pushes while an issue among them was open."""
    interactions = _until(
        company, company.require("interactions", "process", step=N_("the process check"))
    )
    start, end, window = _window(company, base)
    episodes = checks.process_episodes(interactions, window_days)
    episodes = episodes[_inside(episodes["opened"], start, end)]
    routine = episodes["process"].isin(list(checks.ROUTINE_PROCESSES)).to_numpy(dtype=bool)
    issues = episodes[~routine]
    campaigns = _until(company, company.campaigns, "sent_date")
    pushes = checks.sales_pushes(interactions, campaigns)
    conflicts = checks.pushes_during_open_issues(issues, pushes)
    top = conflicts.sort_values("date", ascending=False).head(10)
    top = top[["customer_id", "date", "push", "detail", "process", "opened"]].rename(
        columns={"date": "push_date", "process": "open_issue", "opened": "issue_opened"}
    )
    return ProcessSync(
        overview=checks.process_overview(episodes, conflicts),
        issues=issues.reset_index(drop=True),
        conflicts=conflicts,
        top=top.reset_index(drop=True),
        window=window,
    )


def moment_sync(company: Company, window_days: int = 14, base: object | None = None) -> MomentSync:
    """Contact moments: repeat contacts about the same question in the base's window.

    A contact episode is the vocabulary's ``contact_episode``
    (:func:`crmlib.analytics.contacts.contact_episodes`): episodes are formed on the
    whole history, so one that began before the window is not cut in two, and counted
    when they start inside the window (after its first day's eve, up to the observation
    end), as the other models count them.
    """
    interactions = _until(
        company, company.require("interactions", "process", step=N_("the contact moment check"))
    )
    base = resolve_base(company, base)
    end = base.settings.observation_end
    start = end - pd.DateOffset(months=int(base.settings.window_months))
    threads = checks.contact_threads(interactions, window_days)
    began = threads.groupby("episode")["date"].transform("min")
    inside = ((began > start) & (began <= end)).to_numpy(dtype=bool)
    if not inside.any():
        raise MissingDataError(
            sentence(
                "the contact moment check needs contacts in the window {window}; the "
                "interactions hold none there",
                window=base.window,
            )
        )
    # whole episodes only: leaving one out changes no other
    threads = threads[inside]
    moments = checks.thread_repeats(threads, company.channels)
    sizes = threads.groupby("episode").agg(
        customer_id=("customer_id", "first"),
        process=("process", "first"),
        start=("date", "min"),
        contacts=("position", "size"),
    )
    top = sizes.sort_values(["contacts", "start"], ascending=False).head(10)
    chosen = threads[threads["episode"].isin(top.index)]
    top["channel_path"] = chosen.groupby("episode")["channel"].agg(
        lambda s: " > ".join(dict.fromkeys(s))
    )
    priced = moments["repeat_cost"].notna().any()
    counted = ()
    if window_days == EPISODE_WINDOW_DAYS:
        # the same episodes as the base's: state the base's figures, counted once
        counted = tuple(episode_figures(base))
    return MomentSync(
        moments=moments,
        yearly_repeats=int(moments["repeat_contacts"].sum()),
        yearly_cost=float(moments["repeat_cost"].sum()) if priced else float("nan"),
        top=top.reset_index(drop=True),
        window=base.window,
        window_days=int(window_days),
        counted=counted,
    )


def product_sync(company: Company, recent_days: int = 30) -> ProductSync:
    """Products: campaign offers that clash with what the customer bought or returned."""
    campaigns = _until(
        company,
        company.require("campaigns", "campaign_id", "sent_date", step=N_("the product check")),
        "sent_date",
    )
    products = company.require("products", "category", step=N_("the product check"))
    transactions = _until(
        company, company.require("transactions", "product_id", step=N_("the product check"))
    )
    categories = checks.offer_categories(campaigns, transactions, products)
    conflicts = checks.offer_conflicts(
        campaigns, transactions, products, categories, recent_days=recent_days
    )
    # returns first: offering what a customer sent back is the sharper clash
    top = conflicts.sort_values(
        ["conflict", "sent_date", "last_date"], ascending=[False, False, False]
    ).head(10)
    top = top[["customer_id", "campaign_id", "sent_date", "category", "conflict", "last_date"]]
    return ProductSync(
        categories=categories,
        per_campaign=checks.conflicts_per_campaign(categories, conflicts),
        conflicts=conflicts,
        top=top.reset_index(drop=True),
    )


def customer_sync(company: Company, values: pd.DataFrame) -> CustomerSync:
    """Related customers: households and accounts that mix top and loss-making members."""
    customers = company.require("customers", "related_id", step=N_("the household check"))
    if values.attrs.get("value_metric") == "revenue":
        # on revenue nobody is loss-making by construction: the check would find no mix
        # because it cannot see one, not because there is none
        raise MissingDataError(
            translate(
                "the household check needs the profit of each member to find a loss-making "
                "one, and the data has no cost; add a 'cost' column to transactions, or "
                "'product_id' with a products 'margin_rate'"
            )
        )
    households = checks.household_mix(customers, values["current_value"], values["is_ssc"])
    served = "cost_to_serve" in values.columns and values["cost_to_serve"].notna().any()
    if not served and not households["mixed"].to_numpy(dtype=bool).any():
        # margin before an unmeasured cost to serve: a member who costs more to serve
        # than they bring cannot be seen, so finding no mix says nothing
        raise MissingDataError(
            translate(
                "the household check found no loss-making member, but without the cost to "
                "serve it cannot see one; add the interactions and channels tables (with a "
                "cost per contact)"
            )
        )
    top = households[households["mixed"].to_numpy(dtype=bool)].head(10)
    top = top[
        [
            "related_id",
            "members",
            "best_customer",
            "best_value",
            "worst_customer",
            "worst_value",
            "total_value",
        ]
    ]
    return CustomerSync(households=households, top=top.reset_index(drop=True))


def orchestrate(
    company: Company,
    values: pd.DataFrame,
    *,
    window_days: int = 14,
    recent_days: int = 30,
    base: object | None = None,
) -> Orchestration:
    """Run the five checks; each one the data cannot support is skipped with its reason.

    ``base`` is the customer base whose window the contact moments are counted in.
    """
    result = Orchestration()
    runs = {
        "channels": ("channels", lambda: channel_sync(company, window_days, base)),
        "customer processes": ("processes", lambda: process_sync(company, window_days, base)),
        "contact moments": ("moments", lambda: moment_sync(company, window_days, base)),
        "products": ("products", lambda: product_sync(company, recent_days)),
        "customers": ("customers", lambda: customer_sync(company, values)),
    }
    for dimension, (attribute, run) in runs.items():
        setattr(result, attribute, attempt(result.skipped, dimension, run))
    return result


# -- sentences -----------------------------------------------------------------------------


def biggest_gaps(scorecard: pd.DataFrame, n: int = 2) -> list[str]:
    """The ``n`` dimensions with the highest mismatch rate (only those with mismatches)."""
    rates = scorecard["rate"].dropna()
    return list(rates[rates > 0].sort_values(ascending=False).index[:n])
