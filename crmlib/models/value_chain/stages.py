"""Stages two to four of Buttle's CRM value chain.

- **Customer intimacy**: what the company knows about its SSCs, per aspect of the
  customer picture and per touchpoint;
- **network development**: how well each party is aligned on customer data (the
  workshop assessment) and the value each supplier's products touch;
- **value proposition development**: per needs segment, its needs, what it buys and the
  offer-needs fit (:mod:`crmlib.analytics.proposition`).

Relationship management and the supporting conditions are in
:mod:`crmlib.models.value_chain.relationships`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmlib.analytics.needs import NeedsSegments, needs_profile, needs_segments
from crmlib.analytics.profile import ASPECTS, aspect_summary, customer_picture
from crmlib.analytics.proposition import PropositionFit, offer_revenue, proposition_fit
from crmlib.analytics.vocabulary import definition
from crmlib.data.company import Company
from crmlib.data.database import quiet
from crmlib.data.frames_engine import engine_table, exact_sum, members, run
from crmlib.data.line_facts import stamp, with_margin
from crmlib.errors import MissingDataError, ParameterError
from crmlib.figures import Figure
from crmlib.instruments import Answers, area_scores, load_answers, tag_scores
from crmlib.models.value_chain.portfolio import Portfolio, value_transactions
from crmlib.text import N_, translate
from crmlib.text_columns import isin

INSTRUMENT = "value_chain_conditions"
NETWORK_AREA = "network_alignment"
#: The supporting conditions: area id of the instrument -> name in the chain.
#: The names are English (they index the scores); they are translated where shown.
CONDITIONS = {
    "leadership_culture": N_("Leadership & culture"),
    "procurement": N_("Procurement"),
    "hr_management": N_("HR management"),
    "it_data_management": N_("IT/data management"),
    "organisation_design": N_("Organisation design"),
}


# ---------------------------------------------------------------- customer intimacy


@dataclass(frozen=True)
class Intimacy:
    """What the company knows about its SSCs.

    Attributes
    ----------
    picture : DataFrame
        From :func:`crmlib.analytics.profile.customer_picture`.
    aspects : DataFrame
        Mean completeness (0-1) of the six aspects and overall, rows ``SSC`` and
        ``other``.
    touchpoints : DataFrame
        One row per touchpoint (``"store contacts"``, ``"webshop purchases"``):
        ``kind``, ``ssc_reached`` and ``other_reached`` (share with at least one
        record there), ``records_per_ssc`` (records per SSC reached) and
        ``feedback_share`` (contacts with a satisfaction score; NaN for purchases).
    gaps : Series
        The SSCs' aspects below ``gap_threshold``, weakest first.
    gap_threshold : float
    ssc_ids : Index
        The SSCs.
    unmeasured : tuple of str
        The aspects the data holds nothing of: a gap, but one to word as "not in the
        data" rather than as 0% known.
    """

    picture: pd.DataFrame
    aspects: pd.DataFrame
    touchpoints: pd.DataFrame
    gaps: pd.Series
    gap_threshold: float
    ssc_ids: pd.Index
    unmeasured: tuple[str, ...] = ()

    @property
    def ssc_completeness(self) -> float:
        """The mean completeness of the SSCs' picture (0-1)."""
        return float(self.aspects.loc["SSC", "completeness"])

    def figures(self) -> list[Figure]:
        """The completeness of the SSCs' picture and of the others'
        (``ssc_picture_completeness.SSC`` and ``.other``)."""
        label = definition("ssc_picture_completeness").label
        out = []
        for group, words in (("SSC", "SSCs"), ("other", "other customers")):
            value = float(self.aspects.loc[group, "completeness"])
            figure_id = f"ssc_picture_completeness.{group}"
            out.append(
                Figure(figure_id, f"{label}: {words}", value, "share")
                if not np.isnan(value)
                else Figure.unavailable(figure_id, f"{label}: {words}", "share",
                                        f"there are no {words}")
            )  # fmt: skip
        return out

    def figure(self, figure_id: str) -> Figure:
        """One of :meth:`figures` by id."""
        return {f.id: f for f in self.figures()}[figure_id]


def touchpoint_knowledge(company: Company, ssc_ids: pd.Index) -> pd.DataFrame:
    """Per touchpoint: how many SSCs and others left a record there, and what it holds."""
    everyone = pd.Index(company.customers["customer_id"])
    is_ssc = isin(everyone, ssc_ids)
    n_ssc, n_other = max(int(is_ssc.sum()), 1), max(int((~is_ssc).sum()), 1)
    sources = []
    if company.has("interactions", "channel"):
        sources.append(("contact", company.interactions))
    if "channel" in company.transactions.columns:
        sources.append(("purchase", company.transactions))
    rows = []
    for kind, table in sources:
        feedback_known = kind == "contact" and "satisfaction" in table.columns
        counts = _channel_counts(table, ssc_ids, feedback=feedback_known)
        reached, ssc_reached = counts["reached"], counts["ssc_reached"]
        ssc_records, ssc_feedback = counts["ssc_records"], counts["ssc_feedback"]
        for channel in reached.index:
            n_reached, n_ssc_reached = int(reached[channel]), int(ssc_reached[channel])
            n_records = int(ssc_records[channel])
            feedback = float(ssc_feedback[channel]) if feedback_known and n_records else np.nan
            rows.append(
                {
                    "touchpoint": (
                        translate("{channel} contacts")
                        if kind == "contact"
                        else translate("{channel} purchases")
                    ).format(channel=channel),
                    "kind": kind,
                    "ssc_reached": n_ssc_reached / n_ssc,
                    "other_reached": (n_reached - n_ssc_reached) / n_other,
                    "records_per_ssc": n_records / n_ssc_reached if n_ssc_reached else np.nan,
                    "feedback_share": feedback,
                }
            )
    columns = ["kind", "ssc_reached", "other_reached", "records_per_ssc", "feedback_share"]
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="touchpoint"))
    return pd.DataFrame(rows).set_index("touchpoint")[columns]


def _channel_counts(table: pd.DataFrame, ssc_ids: pd.Index, *, feedback: bool) -> pd.DataFrame:
    """Per channel (sorted): customers reached, SSCs reached, SSC records, and the share
    of SSC records with feedback (a satisfaction score), grouped by DuckDB."""
    lines = engine_table(table, ["channel", "customer_id"] + ["satisfaction"] * feedback)
    lines = lines.filter(lines.channel.notnull())
    ssc = members(lines.customer_id, ssc_ids)
    lines = lines.mutate(
        channel=lines.channel.cast("string"),
        ssc=ssc,
        feedback=(lines.satisfaction.notnull() & ~lines.satisfaction.isnan())
        if feedback
        else False,
    )
    counts = lines.group_by("channel").aggregate(
        reached=lines.customer_id.nunique(),
        ssc_reached=lines.customer_id.nunique(where=lines.ssc),
        ssc_records=lines.ssc.sum(),
        ssc_feedback=lines.feedback.cast("float64").mean(where=lines.ssc),
    )
    out = run(counts).set_index("channel").sort_index(kind="mergesort")
    for column in ("reached", "ssc_reached", "ssc_records"):
        out[column] = out[column].fillna(0).astype("int64")
    return out


def customer_intimacy(
    company: Company, portfolio: Portfolio, *, gap_threshold: float = 0.8
) -> Intimacy:
    """The customer picture of the SSCs against the other customers, and its gaps."""
    if not 0 < gap_threshold <= 1:
        raise ParameterError(f"gap_threshold must be between 0 and 1, got {gap_threshold}")
    picture = customer_picture(
        company.customers,
        company.transactions,
        products=company.products,
        interactions=company.interactions,
        needs=company.needs,
    )
    group = portfolio.table["ssc"].map({True: "SSC", False: "other"})
    aspects = aspect_summary(picture, group).reindex(["SSC", "other"])
    ssc = aspects.loc["SSC", list(ASPECTS)]
    gaps = ssc[ssc < gap_threshold].sort_values(kind="mergesort")
    return Intimacy(
        picture=picture,
        aspects=aspects,
        touchpoints=touchpoint_knowledge(company, portfolio.ssc_ids),
        gaps=gaps,
        gap_threshold=float(gap_threshold),
        ssc_ids=portfolio.ssc_ids,
        unmeasured=tuple(picture.attrs.get("unmeasured", {})),
    )


# ---------------------------------------------------------------- network development


def supplier_value(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    ssc_ids: pd.Index,
    *,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The revenue and margin each supplier's products bring, and their share of SSC revenue.

    Parameters
    ----------
    transactions : DataFrame
        The lines to count (e.g. the last twelve months), with ``product_id``.
    products : DataFrame
        With ``product_id`` and ``supplier`` (and ``margin_rate`` for lines without
        a cost).
    ssc_ids : Index
        The strategically significant customers.
    start, end : Timestamp, optional
        Only lines after ``start`` and on or before ``end`` count.

    Returns
    -------
    DataFrame
        Indexed by supplier, most revenue first: ``products`` (sold), ``revenue``,
        ``margin`` (NaN when it cannot be known), ``revenue_share`` (of all revenue),
        ``ssc_revenue``, ``share_of_ssc_revenue`` (of all SSC revenue: how much of
        what the SSCs buy the supplier carries) and ``ssc_dependence`` (the SSCs'
        share of the supplier's revenue).
    """
    if "product_id" not in transactions.columns or not {"product_id", "supplier"} <= set(
        products.columns
    ):
        raise MissingDataError(
            translate(
                "the value per supplier needs product_id in transactions and supplier in products"
            )
        )
    out = _supplier_sums(transactions, products, ssc_ids, start=start, end=end)
    total, ssc_total = float(out["revenue"].sum()), float(out["ssc_revenue"].sum())
    out["revenue_share"] = out["revenue"] / total if total > 0 else np.nan
    out["share_of_ssc_revenue"] = out["ssc_revenue"] / ssc_total if ssc_total > 0 else np.nan
    out["ssc_dependence"] = out["ssc_revenue"] / out["revenue"].where(out["revenue"] > 0)
    out = out.sort_values("revenue", ascending=False, kind="mergesort")
    return out[
        [
            "products",
            "revenue",
            "margin",
            "revenue_share",
            "ssc_revenue",
            "share_of_ssc_revenue",
            "ssc_dependence",
        ]
    ]


@dataclass(frozen=True)
class Network:
    """How the network is aligned on customer data, and the value suppliers touch.

    Attributes
    ----------
    parties : DataFrame
        From :func:`crmlib.instruments.tag_scores` on the ``party`` tag: one row per
        party with ``answered`` and ``percent`` (NaN when not scored).
    alignment : float
        The network-alignment area's score, 0-1 (NaN when not scored).
    suppliers : DataFrame or None
        From :func:`supplier_value` over the last period; None without suppliers.
    reasons : dict
        Why a part is missing (``"parties"``, ``"suppliers"``).
    """

    parties: pd.DataFrame
    alignment: float
    suppliers: pd.DataFrame | None
    reasons: dict[str, str]

    def figures(self) -> list[Figure]:
        """The network alignment (``network_alignment``; unavailable when not scored)."""
        label = definition("network_alignment").label
        if np.isnan(self.alignment) or "parties" in self.reasons:
            why = self.reasons.get("parties", translate("the network alignment is not scored yet"))
            return [Figure.unavailable("network_alignment", label, "share", why)]
        return [Figure("network_alignment", label, self.alignment, "share")]


def _supplier_sums(
    transactions: pd.DataFrame,
    products: pd.DataFrame,
    ssc_ids: pd.Index,
    *,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> pd.DataFrame:
    """Per supplier: products sold, revenue, margin and SSC revenue, grouped by DuckDB.

    The margin of a line is the engine's (:func:`crmlib.data.line_facts.with_margin`,
    the definition of :func:`crmlib.analytics.profitability.transaction_margin`); a
    supplier's margin is unknown (NaN) when the lines' margins cannot be known.
    """
    import ibis

    columns = ["customer_id", "product_id", "amount"]
    columns += ["date"] * (start is not None or end is not None)
    columns += ["cost"] * ("cost" in transactions.columns)
    lines = engine_table(transactions, columns)
    keep = lines.product_id.notnull()
    if start is not None:
        keep = keep & (lines.date > stamp(start))
    if end is not None:
        keep = keep & (lines.date <= stamp(end))
    lines = lines.filter(keep).mutate(amount=lines.amount.cast("float64"))
    rated = [c for c in ("product_id", "margin_rate") if c in products.columns]
    with quiet():  # Ibis's own deprecation notes would show in the report
        lines, margin_known = with_margin(
            lines, engine_table(products, rated), product_ids=lambda ids: ids.cast("string")
        )
    catalogue = products[["product_id", "supplier"]].dropna(subset=["product_id"])
    catalogue = engine_table(
        catalogue.assign(product_id=catalogue["product_id"].astype(str)), ["product_id", "supplier"]
    )
    catalogue = catalogue.select(
        supplier_product=catalogue.product_id, supplier=catalogue.supplier.cast("string")
    )
    product = lines.product_id.cast("string")
    lines = lines.left_join(catalogue, product == catalogue.supplier_product).mutate(
        sold=product, ssc=members(lines.customer_id, ssc_ids)
    )
    grouped = lines.group_by(supplier=lines.supplier.fill_null("unknown")).aggregate(
        products=lines.sold.nunique(),
        revenue=exact_sum(lines.amount),
        margin=exact_sum(lines.margin) if margin_known else ibis.null("float64"),
        ssc_revenue=exact_sum(lines.amount, where=lines.ssc),
    )
    out = run(grouped).set_index("supplier").sort_index(kind="mergesort")
    out["ssc_revenue"] = out["ssc_revenue"].fillna(0.0)
    out["margin"] = out["margin"].astype(float)
    out["products"] = out["products"].astype("int64")
    return out


def supplier_table(company: Company, portfolio: Portfolio) -> pd.DataFrame:
    """:func:`supplier_value` over the portfolio's last period, with its SSCs.

    Raises
    ------
    MissingDataError
        When products have no supplier or transactions no product.
    """
    if not company.has("products", "supplier") or "product_id" not in company.transactions.columns:
        raise MissingDataError(
            translate(
                "the value per supplier needs the supplier of each product (supplier in "
                "products) and product_id in transactions"
            )
        )
    start = company.observation_end - pd.DateOffset(months=portfolio.horizon_months)
    return supplier_value(
        value_transactions(company),
        company.products,
        portfolio.ssc_ids,
        start=start,
        end=company.observation_end,
    )


def load_conditions_answers(data_dir: str | os.PathLike[str]) -> Answers:
    """The workshop's answers to the value chain instrument (empty when none are saved)."""
    return load_answers(INSTRUMENT, data_dir, missing_ok=True)


def network_development(company: Company, portfolio: Portfolio) -> Network:
    """Party alignment from the workshop, and the value per supplier when products say it.

    Raises
    ------
    MissingDataError
        When there is neither a scored network alignment nor supplier data.
    """
    answers = load_conditions_answers(company.data_dir)
    parties = tag_scores(answers, "party").set_index("party")
    areas = area_scores(answers).set_index("area")
    alignment = float(areas.loc[NETWORK_AREA, "percent"]) / 100
    reasons = {}
    if not parties["answered"].any():
        reasons["parties"] = translate(
            "the network alignment is not scored yet (fill in the workshop form in section 6)"
        )
    try:
        suppliers = supplier_table(company, portfolio)
    except MissingDataError:
        suppliers = None
        reasons["suppliers"] = translate("the supplier of each product (supplier in products)")
    if suppliers is None and "parties" in reasons:
        raise MissingDataError(
            translate(
                "network development needs the supplier of each product (supplier in "
                "products) or the network alignment scored in the workshop"
            )
        )
    return Network(parties=parties, alignment=alignment, suppliers=suppliers, reasons=reasons)


# ---------------------------------------------------------------- value proposition


@dataclass(frozen=True)
class Proposition:
    """Needs segments as target segments: needs, purchases, value and the fit.

    Attributes
    ----------
    segments : NeedsSegments
        From :func:`crmlib.analytics.needs.needs_segments`.
    fit : PropositionFit
        From :func:`crmlib.analytics.proposition.proposition_fit`.
    profile : DataFrame
        Indexed by segment: ``respondents`` (who bought), ``ssc_share`` (SSCs among
        them), ``revenue_per_customer`` and ``cost_to_serve_per_customer`` (last
        period), ``process_cost_rate`` (cost to serve per unit of revenue),
        ``value_share`` (of the positive current value the respondents bring), ``nps``
        and ``fit``.
    """

    segments: NeedsSegments
    fit: PropositionFit
    profile: pd.DataFrame

    @property
    def mean_fit(self) -> float:
        return self.fit.mean_fit

    @property
    def value_weighted_fit(self) -> float:
        """The offer-needs fit weighted by each segment's share of value: the stage's score.

        A poor fit for a segment that brings little weighs less than for one that brings
        much. NaN when no segment with a fit brings value.
        """
        return weighted_fit(self.profile["fit"], self.profile["value_share"])

    @property
    def first_segment(self) -> str | None:
        """The segment to develop the proposition for first: the most value not fitted,
        ``value_share * (1 - fit)``; None when no segment has both."""
        at_stake = (self.profile["value_share"] * (1 - self.profile["fit"])).dropna()
        return str(at_stake.idxmax()) if len(at_stake) and at_stake.max() > 0 else None

    def figures(self) -> list[Figure]:
        """The offer-needs fit averaged over the needs segments (``offer_needs_fit``)."""
        label = definition("offer_needs_fit").label
        if np.isnan(self.mean_fit):
            return [
                Figure.unavailable("offer_needs_fit", label, "share", "no needs segment has a fit")
            ]
        return [Figure("offer_needs_fit", label, self.mean_fit, "share")]


def weighted_fit(fit: pd.Series, value_share: pd.Series) -> float:
    """Mean of ``fit`` weighted by ``value_share`` over the segments that have both.

    Example: fits 0.2 and 0.8 with value shares 0.75 and 0.25 give 0.35 (the plain mean
    would say 0.5).
    """
    frame = pd.DataFrame({"fit": fit, "weight": value_share}).dropna()
    frame = frame[frame["weight"] > 0]
    total = float(frame["weight"].sum())
    return float((frame["fit"] * frame["weight"]).sum() / total) if total > 0 else float("nan")


def value_proposition(
    company: Company,
    portfolio: Portfolio,
    *,
    n_needs: int = 3,
    min_association: float = 0.1,
    need_map: dict[str, list[str]] | None = None,
) -> Proposition:
    """Needs segments from the survey, what each buys, and the offer-needs fit."""
    step = "Value proposition development"
    needs = company.require("needs", "customer_id", step=step)
    segments = needs_segments(needs)
    revenue = offer_revenue(
        value_transactions(company), company.products, end=company.observation_end
    )
    fit = proposition_fit(
        needs,
        revenue,
        segments.labels,
        need_map=need_map or None,
        n_needs=n_needs,
        min_association=min_association,
    )
    table = portfolio.table
    labels = segments.labels
    members = pd.DataFrame(
        {
            "segment": labels.to_numpy(),
            "ssc": table["ssc"].reindex(labels.index).fillna(False).to_numpy(dtype=bool),
            "revenue": table["recent_revenue"].reindex(labels.index).fillna(0.0).to_numpy(),
            # NaN when the cost to serve is not measured: unknown is not zero
            "cost": table["recent_cost_to_serve"].reindex(labels.index).to_numpy(),
            "value": table["current_value"].reindex(labels.index).fillna(0.0).to_numpy(),
        },
        index=labels.index,
    )
    grouped = members.groupby("segment")
    profile = pd.DataFrame(
        {
            "respondents": fit.segments["respondents"],
            "ssc_share": grouped["ssc"].mean(),
            "revenue_per_customer": grouped["revenue"].mean(),
            "cost_to_serve_per_customer": grouped["cost"].mean(),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        profile["process_cost_rate"] = (
            profile["cost_to_serve_per_customer"] / profile["revenue_per_customer"]
        ).where(profile["revenue_per_customer"] > 0)
    positive = grouped["value"].apply(lambda v: v.clip(lower=0).sum())
    total = float(positive.sum())
    profile["value_share"] = positive / total if total > 0 else np.nan
    if "nps" in needs.columns:
        profile["nps"] = needs_profile(needs, labels)["nps"]
    profile["fit"] = fit.segments["fit"]
    profile.index.name = "segment"
    return Proposition(segments=segments, fit=fit, profile=profile.sort_values("fit"))
