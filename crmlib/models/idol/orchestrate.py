"""Customer IDOL, Orchestration: one integrated treatment across five dimensions.

Runs the checks of :mod:`crmlib.analytics.orchestration` on a company: channels,
customer processes, contact moments, products and related customers. Each check that
lacks data is skipped with its reason, so the notebook can say what it would need and
go on. Every dimension gives a figure's table, a computed sentence and a top-10 of
concrete mismatches by customer id.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from crmlib.analytics import orchestration as checks
from crmlib.data.company import Company
from crmlib.errors import MissingDataError
from crmlib.formatting import count, money, percent
from crmlib.text import escape, lead, plural

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
        "customer service",
        "share one contact history across every channel, so the next channel picks up "
        "where the last one stopped",
    ),
    "customer processes": (
        "marketing",
        "hold sales pushes while a customer has an open complaint, billing or warranty issue",
    ),
    "contact moments": (
        "customer service",
        "settle questions in the first contact in the processes with the most repeats",
    ),
    "products": (
        "marketing",
        "leave out of each offer the customers who just bought or returned its category",
    ),
    "customers": (
        "account management",
        "decide about a household as a whole: weigh a loss-making member against the "
        "top customer beside them",
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

    @property
    def lost_rate(self) -> float:
        return float(self.handovers["history_lost"].mean()) if len(self.handovers) else 0.0


@dataclass(frozen=True)
class ProcessSync:
    """Customer processes: episodes per process, the open issues, and sales pushes during them."""

    overview: pd.DataFrame
    issues: pd.DataFrame
    conflicts: pd.DataFrame
    top: pd.DataFrame


@dataclass(frozen=True)
class MomentSync:
    """Repeat contacts per process; ``yearly_cost`` of the last 12 months' repeats."""

    moments: pd.DataFrame
    yearly_repeats: int
    yearly_cost: float
    top: pd.DataFrame


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
            raise MissingDataError(self.skipped.get(dimension, f"no result for {dimension}"))
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
    return table[(dates.isna() | (dates <= company.observation_end)).to_numpy(dtype=bool)]


def channel_sync(company: Company, window_days: int = 14) -> ChannelSync:
    """Channels: handovers and whether the history followed the customer."""
    interactions = _until(
        company, company.require("interactions", "channel", "process", step="the channel check")
    )
    handovers = checks.channel_handovers(interactions, window_days)
    used = checks.channels_per_customer(interactions)
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
    return float(recent["to_channel"].astype(str).map(cost_of).fillna(0.0).sum())


def process_sync(company: Company, window_days: int = 14) -> ProcessSync:
    """Customer processes: episodes per process and sales pushes while an issue was open."""
    interactions = _until(
        company, company.require("interactions", "process", step="the process check")
    )
    episodes = checks.process_episodes(interactions, window_days)
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
    )


def moment_sync(company: Company, window_days: int = 14) -> MomentSync:
    """Contact moments: repeat contacts about the same question, and their yearly cost."""
    interactions = _until(
        company, company.require("interactions", "process", step="the contact moment check")
    )
    moments = checks.repeat_contacts(interactions, window_days, company.channels)
    start = company.observation_end - pd.DateOffset(months=12)
    dates = interactions["date"]
    recent = interactions[
        ((dates > start) & (dates <= company.observation_end)).to_numpy(dtype=bool)
    ]
    yearly = checks.repeat_contacts(recent, window_days, company.channels) if len(recent) else None
    threads = checks.contact_threads(interactions, window_days)
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
    return MomentSync(
        moments=moments,
        yearly_repeats=int(yearly["repeat_contacts"].sum()) if yearly is not None else 0,
        yearly_cost=float(yearly["repeat_cost"].sum()) if yearly is not None else float("nan"),
        top=top.reset_index(drop=True),
    )


def product_sync(company: Company, recent_days: int = 30) -> ProductSync:
    """Products: campaign offers that clash with what the customer bought or returned."""
    campaigns = _until(
        company,
        company.require("campaigns", "campaign_id", "sent_date", step="the product check"),
        "sent_date",
    )
    products = company.require("products", "category", step="the product check")
    transactions = _until(
        company, company.require("transactions", "product_id", step="the product check")
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
    customers = company.require("customers", "related_id", step="the household check")
    households = checks.household_mix(customers, values["current_value"], values["is_ssc"])
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
    company: Company, values: pd.DataFrame, *, window_days: int = 14, recent_days: int = 30
) -> Orchestration:
    """Run the five checks; each one the data cannot support is skipped with its reason."""
    result = Orchestration()
    runs = {
        "channels": ("channels", lambda: channel_sync(company, window_days)),
        "customer processes": ("processes", lambda: process_sync(company, window_days)),
        "contact moments": ("moments", lambda: moment_sync(company, window_days)),
        "products": ("products", lambda: product_sync(company, recent_days)),
        "customers": ("customers", lambda: customer_sync(company, values)),
    }
    for dimension, (attribute, run) in runs.items():
        try:
            setattr(result, attribute, run())
        except MissingDataError as missing:
            result.skipped[dimension] = str(missing).rstrip(".")
    return result


# -- sentences -----------------------------------------------------------------------------


def describe_channels(sync: ChannelSync) -> str:
    """One paragraph on handovers between channels."""
    if sync.handovers.empty:
        return (
            f"{count(sync.multichannel)} of {count(sync.contacted)} contacted customers used "
            "more than one channel, but no question moved between channels within an episode."
        )
    worst = sync.matrix[sync.matrix["handovers"] >= 10].sort_values("lost_rate", ascending=False)
    text = (
        f"{count(sync.multichannel)} of {count(sync.contacted)} contacted customers "
        f"({percent(sync.multichannel / max(sync.contacted, 1))}) used more than one channel. "
        f"In {plural(len(sync.handovers), 'handover')} a customer took the same question to "
        f"another channel; in {percent(sync.lost_rate)} of them the question was still not "
        "settled there: the history did not follow the customer."
    )
    if len(worst):
        pair = worst.iloc[0]
        text += (
            f" The weakest handover is from {escape(pair['from_channel'])} to "
            f"{escape(pair['to_channel'])} ({percent(pair['lost_rate'])} lost of "
            f"{count(pair['handovers'])})."
        )
    return text


def describe_processes(sync: ProcessSync) -> str:
    """One paragraph on customer processes and sales pushes during open issues."""
    overview = sync.overview
    unresolved = overview["unresolved_rate"].dropna()
    text = f"The contacts cover {len(overview)} customer processes."
    if len(unresolved):
        text += (
            f" {escape(unresolved.idxmax()).capitalize()} is left unresolved most often "
            f"({percent(unresolved.max())} of its episodes)."
        )
    pushed = sync.conflicts["episode"].nunique()
    text += (
        f" Of {plural(len(sync.issues), 'open issue')} (complaints, billing, warranty and the "
        f"like), {count(pushed)} received a sales push while still open"
    )
    if pushed:
        worst = overview["pushed"].idxmax()
        text += (
            f", most often during an open {escape(worst)} issue "
            f"({count(overview.loc[worst, 'pushed'])})"
        )
    return text + "."


def describe_moments(sync: MomentSync, currency: str) -> str:
    """One paragraph on repeat contacts."""
    moments = sync.moments
    episodes = int(moments["episodes"].sum())
    repeated = episodes - int(moments["one"].sum())
    worst = moments["repeat_rate"].idxmax()
    text = (
        f"{percent(repeated / max(episodes, 1))} of {count(episodes)} contact episodes needed "
        f"more than one contact; {escape(worst)} most often "
        f"({percent(moments.loc[worst, 'repeat_rate'])}, a repeat after "
        f"{plural(moments.loc[worst, 'median_days_to_repeat'], 'day')} at the median)."
    )
    if sync.yearly_cost == sync.yearly_cost:  # not NaN: the channels table priced them
        text += (
            f" In the last 12 months {plural(sync.yearly_repeats, 'repeat contact')} cost "
            f"{money(sync.yearly_cost, currency)}."
        )
    return text


def describe_products(sync: ProductSync) -> str:
    """One paragraph on offers that conflict with products owned."""
    categories = sync.categories
    inferred = int((categories["source"] == "inferred").sum())
    general = int((categories["source"] == "general").sum())
    text = (
        f"Of {plural(len(categories), 'campaign')}, {count(len(categories) - general)} "
        "offered a product category"
    )
    if inferred:
        text += (
            f" ({count(inferred)} read from whom they were sent to, as the campaigns table "
            "names no category)"
        )
    text += (
        " and 1 was a general offer. "
        if general == 1
        else f" and {count(general)} were general offers. "
    )
    if sync.per_campaign.empty:
        return text + "No category offers to check."
    kinds = sync.conflicts["conflict"].value_counts()
    text += (
        f"{count(len(sync.conflicts))} of {count(sync.offers_checked)} category offers "
        f"({percent(len(sync.conflicts) / max(sync.offers_checked, 1))}) went to a customer who "
        f"had just bought that category ({count(kinds.get('just bought', 0))}) or returned it "
        f"({count(kinds.get('returned', 0))})."
    )
    worst = sync.per_campaign["conflict_rate"].idxmax()
    text += (
        f" The worst was {escape(worst)} ({escape(sync.per_campaign.loc[worst, 'category'])}, "
        f"{percent(sync.per_campaign.loc[worst, 'conflict_rate'])})."
    )
    return text


def describe_customers(sync: CustomerSync, currency: str) -> str:
    """One paragraph on households that mix top and loss-making customers."""
    households = sync.households
    if households.empty:
        return "No household or account links two or more customers."
    text = (
        f"{count(len(households))} households and accounts link "
        f"{count(households['members'].sum())} customers. In "
        f"{count(sync.mixed) if sync.mixed else 'none'} of them a "
        "strategically significant customer sits beside a loss-making one"
    )
    if sync.mixed:
        first = sync.top.iloc[0]
        text += (
            f"; in {escape(first['related_id'])}, {escape(first['best_customer'])} brought "
            f"{money(first['best_value'], currency)} in the last 12 months and "
            f"{escape(first['worst_customer'])} {money(first['worst_value'], currency)}. "
            "Treated apart, cutting service to the loss-making member risks the top customer"
        )
    return text + "."


def describe_scorecard(scorecard: pd.DataFrame, assessed: pd.Series | None = None) -> str:
    """One paragraph ranking the dimensions by their mismatch rate."""
    rates = scorecard["rate"].dropna().sort_values(ascending=False)
    if rates.empty:
        return "None of the five dimensions could be checked on this data."
    ranked = ", ".join(f"{escape(d)} ({percent(r)})" for d, r in rates.items())
    text = f"Mismatch rates, largest first: {ranked}."
    missing = [d for d in scorecard.index if d not in rates.index]
    if missing:
        text += f" Not checked for lack of data: {', '.join(missing)}."
    if assessed is not None and assessed.notna().any():
        weakest = assessed.dropna().idxmin()
        text += (
            f" The workshop scored the practices of {escape(weakest)} lowest "
            f"({percent(assessed[weakest] / 100)})."
        )
    return text


def biggest_gaps(scorecard: pd.DataFrame, n: int = 2) -> list[str]:
    """The ``n`` dimensions with the highest mismatch rate (only those with mismatches)."""
    rates = scorecard["rate"].dropna()
    return list(rates[rates > 0].sort_values(ascending=False).index[:n])


def meaning_orchestration(
    orchestration: Orchestration, scorecard: pd.DataFrame, company_name: str
) -> str:
    """The "What this means" paragraph of Orchestration."""
    gaps = biggest_gaps(scorecard)
    if not gaps:
        return (
            f"{lead(company_name, ':')} without interactions or "
            "campaigns the orchestration cannot be measured; record every contact with its "
            "channel and process first."
        )
    lines = []
    for dimension in gaps:
        row = scorecard.loc[dimension]
        owner, remedy = REMEDIES[dimension]
        lines.append(
            f"{remedy} ({escape(owner)}; {count(row['mismatches'])} {escape(row['unit'])} "
            f"went wrong, {percent(row['rate'])})"
        )
    return (
        f"{lead(company_name, ':')} the customer is least treated as one "
        f"in {' and '.join(escape(g) for g in gaps)}. First: " + "; then ".join(lines) + "."
    )
