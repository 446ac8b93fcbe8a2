"""Customer IDOL, Differentiation: needs and value, and how close to one-to-one to go.

Three views, each computed on the company's data:

- **the needs-by-value grid**: needs-based segments, clustered from the needs survey
  with the number of segments chosen by the silhouette
  (:func:`crmlib.analytics.needs.needs_segments`), crossed with the value tiers;
- **the customer-group approach** (:func:`group_fit`, :func:`granularity_tradeoff`):
  the source asks for groups close to one-to-one that keep the balance with cost. The
  workbook makes that balance explicit with a simple model (its own, not the
  source's). Treating customers in ``n`` groups captures the share of the
  customer-to-customer differences in needs and value that the groups explain,
  ``fit(n)`` (1 - within-group over total sum of squares of the standardised
  features, from Ward's hierarchical clustering, so every ``n`` nests in the next).
  One-to-one explains everything: ``fit(N) = 1``. The value captured is
  ``fit(n) * tailoring_uplift * yearly profit of the base``; the cost is
  ``(n - 1) * cost_per_treatment`` a year (every company already runs one treatment
  for all; each group beyond it needs its own). The affordable optimum is the ``n`` with the
  highest value minus cost. Its assumptions (value linear in the fit, one uplift and
  one cost per treatment, neither in the data) are varied over half and double their
  values by :func:`optimum_range`, so the report shows how far the optimum moves;
- **look-alikes** (:func:`look_alikes`): the source's example of two sixty-year-old
  men from West Flanders, a notary from Knokke and a disabled man from Bruges, treated
  the same. The data's own pairs: customers of one type, gender, age band and city
  whose value differs most.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from crmlib.analytics.needs import NeedsSegments, need_dimensions, needs_segments
from crmlib.data.company import Company
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count
from crmlib.models.idol.identify import TIERS
from crmlib.text import N_, sentence, translate

#: The most customers the group fit is measured on (Ward's clustering is quadratic).
FIT_SAMPLE = 2000

#: Group fit is measured up to this share of the customers it is measured on; beyond,
#: groups of a handful of customers would flatter it.
FIT_RANGE = 0.1


# -- needs by value ------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedsGrid:
    """Needs-based segments against value tiers.

    Attributes
    ----------
    segments : NeedsSegments
        The clustering (labels, k, the silhouette per k, the centres).
    counts : DataFrame
        Customers per needs segment (rows) and value tier (columns).
    mean_value : DataFrame
        Mean current value of the base's window per cell.
    value_label : str
        What the value is: "profit", or "revenue" when the data has no cost.
    """

    segments: NeedsSegments
    counts: pd.DataFrame
    mean_value: pd.DataFrame
    value_label: str = "profit"

    @property
    def cells(self) -> int:
        """Groups in the grid that hold customers."""
        return int((self.counts > 0).to_numpy().sum())


def needs_grid(company: Company, values: pd.DataFrame) -> NeedsGrid:
    """Cluster the needs survey and cross the segments with the value tiers.

    Raises
    ------
    MissingDataError
        Without a needs table, or with too few respondents to cluster.
    """
    needs = company.require("needs", step=N_("clustering the survey"))
    # k-means on a few thousand rows is fastest on one thread; more threads only
    # contend with the kernel and with other notebooks rendered in parallel
    with threadpool_limits(1):
        segments = needs_segments(needs)
    labels = segments.labels
    tier = values["value_tier"].astype(str).reindex(labels.index)
    order = list(segments.centres.index)
    counts = pd.crosstab(labels, tier).reindex(index=order, columns=list(TIERS), fill_value=0)
    value = values["current_value"].reindex(labels.index).astype(float)
    mean_value = (
        value.groupby([labels, tier]).mean().unstack().reindex(index=order, columns=list(TIERS))
    )
    counts.index.name = mean_value.index.name = "needs_segment"
    counts.columns.name = mean_value.columns.name = "value_tier"
    return NeedsGrid(
        segments=segments, counts=counts, mean_value=mean_value, value_label=value_label(values)
    )


# -- the customer-group approach ----------------------------------------------------------


def _signed_log(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce").fillna(0.0).astype(float)
    return np.sign(numbers) * np.log1p(numbers.abs())


def granularity_features(
    values: pd.DataFrame, needs: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, str]:
    """The standardised features customer groups are formed on, and what they are.

    With a needs survey: the respondents' need scores plus their value (profit of the
    last 12 months and expected value, on a signed log scale) and purchase days (log).
    Without: the value and purchase days of every customer who bought.

    Returns
    -------
    (DataFrame, str)
        Features indexed by customer_id, each with mean 0 and standard deviation 1
        (constant columns dropped), and a description of the basis.
    """
    value = pd.DataFrame(
        {
            "current_value": _signed_log(values["current_value"]),
            "clv": _signed_log(values["expected_margin_12m"]),
            "purchase_days": np.log1p(values["purchase_days"].astype(float)),
        },
        index=values.index,
    )
    if needs is not None and need_dimensions(needs):
        answers = needs.set_index("customer_id")[need_dimensions(needs)].dropna()
        features = answers.join(value, how="inner")
        basis = sentence(
            "the needs and value of the {respondents} survey respondents",
            respondents=count(len(features)),
        )
    else:
        features = value[values["purchase_days"].to_numpy() > 0]
        basis = sentence(
            "the value and purchase days of the {buyers} buyers", buyers=count(len(features))
        )
    spread = features.std(ddof=0)
    features = features.loc[:, spread > 0]
    return (features - features.mean()) / features.std(ddof=0), basis


def group_fit(features: pd.DataFrame, *, max_sample: int = FIT_SAMPLE, seed: int = 0) -> pd.Series:
    """The share of the differences between customers that ``n`` groups explain.

    Ward's hierarchical clustering merges, step by step, the two groups whose merge
    adds the least within-group sum of squares; cutting its tree at ``n`` groups gives
    the groups, and ``fit(n) = 1 - within / total`` sum of squares (the R-squared of
    the grouping). The fit rises from 0 (one group) to 1 (every customer alone).

    Parameters
    ----------
    features : DataFrame
        Standardised features, one row per customer (see
        :func:`granularity_features`).
    max_sample : int
        Customers measured at most; a larger base is sampled (with ``seed``).

    Returns
    -------
    Series
        Indexed by ``n_groups`` (1 to the number of customers measured), the fit.
    """
    from scipy.cluster.hierarchy import linkage

    data = features.dropna()
    if len(data) < 2:
        raise MissingDataError(
            translate("the customer-group approach needs at least two customers with value data")
        )
    if len(data) > max_sample:
        data = data.sample(max_sample, random_state=seed)
    points = data.to_numpy(dtype=float)
    points = points - points.mean(axis=0)
    total = float((points**2).sum())
    n = len(points)
    if total == 0:
        return pd.Series(1.0, index=pd.RangeIndex(1, n + 1, name="n_groups"), name="fit")
    # In Ward's linkage a merge at height d adds d**2 / 2 to the within-group sum of squares.
    merge_cost = linkage(points, method="ward")[:, 2] ** 2 / 2
    within = np.concatenate([[0.0], np.cumsum(merge_cost)])  # after 0, 1, ... merges
    groups = n - np.arange(n)  # groups left after that many merges
    fit = np.clip(1 - within / total, 0.0, 1.0)
    out = pd.Series(fit[::-1], index=pd.Index(groups[::-1], name="n_groups"), name="fit")
    out.iloc[0] = 0.0
    return out


@dataclass(frozen=True)
class Granularity:
    """The customer-group approach measured on the company's data.

    Attributes
    ----------
    fit : Series
        Fit per number of groups, measured (see :func:`group_fit`).
    customers : int
        Customers in the base (one-to-one means this many treatments).
    measured : int
        Customers the fit was measured on.
    basis : str
        What the groups are formed on.
    yearly_profit : float
        The base's current value a year: profit (margin minus cost to serve), or
        revenue when the data has no cost (see ``value_label``).
    tailoring_uplift : float
        The extra value one-to-one tailoring would bring, as a share of it.
    grid_groups : int or None
        Groups of the needs-by-value grid, to place it on the curve.
    value_label : str
        "profit" or "revenue": what the value is.
    """

    fit: pd.Series
    customers: int
    measured: int
    basis: str
    yearly_profit: float
    tailoring_uplift: float
    grid_groups: int | None = None
    value_label: str = "profit"

    @property
    def value_at_stake(self) -> float:
        """What one-to-one tailoring would add a year: uplift times yearly profit."""
        return max(self.yearly_profit, 0.0) * self.tailoring_uplift


def granularity(
    values: pd.DataFrame,
    needs: pd.DataFrame | None = None,
    *,
    tailoring_uplift: float = 0.1,
    grid_groups: int | None = None,
) -> Granularity:
    """Measure how well ``n`` groups fit the customers, for every ``n`` that can be measured."""
    if not 0 <= tailoring_uplift <= 1:
        raise ParameterError(f"tailoring_uplift must be between 0 and 1, got {tailoring_uplift}")
    features, basis = granularity_features(values, needs)
    fit = group_fit(features)
    measured = int(fit.index.max())
    # the base's current value covers its window; treatments are costed a year, so the
    # value is put on the same yearly footing
    months = int(values.attrs.get("window_months", 12) or 12)
    return Granularity(
        fit=fit,
        customers=len(values),
        measured=measured,
        basis=basis,
        yearly_profit=float(values["current_value"].sum()) * 12.0 / months,
        tailoring_uplift=float(tailoring_uplift),
        grid_groups=grid_groups,
        value_label=value_label(values),
    )


def value_label(values: pd.DataFrame) -> str:
    """What the base's current value is in words: "profit" (margin less the cost to serve),
    "margin" (the cost to serve is not measured, so it is not taken off), or "revenue"
    (the data has no cost)."""
    if values.attrs.get("value_metric") == "revenue":
        return "revenue"
    served = "cost_to_serve" in values.columns and values["cost_to_serve"].notna().any()
    return "profit" if served else "margin"


def granularity_tradeoff(granularity: Granularity, cost_per_treatment: float) -> pd.DataFrame:
    """Value captured, cost and net value per number of groups, up to one-to-one.

    Parameters
    ----------
    granularity : Granularity
    cost_per_treatment : float
        The yearly cost of designing and running one group's treatment.

    Returns
    -------
    DataFrame
        One row per number of groups (``n_groups``: 1 up to a tenth of the customers
        measured, then one-to-one): ``fit``, ``value`` (captured a year),
        ``cost`` (of the treatments beyond the one for everybody), ``net``, ``measured`` (False for the one-to-one point, whose fit is 1
        by definition) and ``optimum`` (True on the row with the highest net; the
        fewest groups on a tie).
    """
    if cost_per_treatment < 0:
        raise ParameterError(f"cost_per_treatment must be zero or more, got {cost_per_treatment}")
    fit = granularity.fit
    top = max(1, int(granularity.measured * FIT_RANGE))
    rows = fit[fit.index <= top]
    frame = pd.DataFrame({"n_groups": rows.index.to_numpy(), "fit": rows.to_numpy()})
    frame["measured"] = True
    if granularity.customers > frame["n_groups"].max():
        one_to_one = pd.DataFrame(
            {"n_groups": [granularity.customers], "fit": [1.0], "measured": [False]}
        )
        frame = pd.concat([frame, one_to_one], ignore_index=True)
    frame["value"] = frame["fit"] * granularity.value_at_stake
    # one treatment for everybody is the baseline; each further group costs its own
    frame["cost"] = (frame["n_groups"] - 1) * float(cost_per_treatment)
    frame["net"] = frame["value"] - frame["cost"]
    frame["optimum"] = False
    frame.loc[frame["net"].idxmax(), "optimum"] = True
    return frame


def optimum(tradeoff: pd.DataFrame) -> pd.Series:
    """The row of the affordable optimum in a :func:`granularity_tradeoff` table."""
    return tradeoff[tradeoff["optimum"].to_numpy(dtype=bool)].iloc[0]


#: The range the two assumptions of the affordable optimum are varied over, as factors
#: of their given values: half and double, since neither is measured in the data.
ASSUMPTION_FACTORS = (0.5, 1.0, 2.0)


def optimum_range(
    granularity: Granularity,
    cost_per_treatment: float,
    factors: tuple[float, ...] = ASSUMPTION_FACTORS,
) -> pd.DataFrame:
    """The affordable optimum across the range of its two assumptions.

    The optimum rests on assumptions the data cannot check: the value of tailoring
    (``tailoring_uplift`` of the yearly value, captured in proportion to the group fit)
    and the yearly cost of a treatment (the same for each group). Each is varied by
    ``factors`` (the uplift capped at 1).

    Returns
    -------
    DataFrame
        Rows: the uplifts tried (``tailoring_uplift``); columns: the costs per treatment
        tried; values: the optimal number of groups (fewest on a tie).
    """
    uplifts = sorted({min(1.0, granularity.tailoring_uplift * f) for f in factors})
    costs = sorted({float(cost_per_treatment) * f for f in factors})
    out = pd.DataFrame(
        [
            [
                int(
                    optimum(granularity_tradeoff(replace(granularity, tailoring_uplift=u), c))[
                        "n_groups"
                    ]
                )
                for c in costs
            ]
            for u in uplifts
        ],
        index=pd.Index(uplifts, name="tailoring_uplift"),
        columns=pd.Index(costs, name="cost_per_treatment"),
    )
    return out


# -- look-alikes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LookAlikes:
    """Customers who look alike on paper and differ in value.

    Attributes
    ----------
    groups : DataFrame
        One row per look-alike group with two or more members: ``group`` (its
        label, e.g. "B2C, M, 60-69, Brugge"), ``members``, ``best_customer``,
        ``best_value``, ``worst_customer``, ``worst_value`` and ``gap``; largest gap
        first.
    members : DataFrame
        ``group``, ``customer_id`` and ``value`` for the members of the eight groups
        with the largest gap (for the chart).
    pair : DataFrame
        The two customers of the largest gap, side by side (rows: measures).
    explained : float
        The share of the differences in value that the look-alike groups explain,
        adjusted for the number of groups (the adjusted R-squared, at least 0): low
        means demographics say little about value.
    key : list of str
        What "alike" means here (the customer columns used).
    """

    groups: pd.DataFrame
    members: pd.DataFrame
    pair: pd.DataFrame
    explained: float
    key: list[str]


def _age_band(birth: pd.Series, at: pd.Timestamp, width: int) -> pd.Series:
    age = (at - birth).dt.days / 365.25
    low = (age // width * width).astype("Int64")
    return (low.astype(str) + "-" + (low + width - 1).astype(str)).where(low.notna())


def look_alikes(
    company: Company, values: pd.DataFrame, *, age_band: int = 10, shown: int = 8
) -> LookAlikes:
    """Group customers by type, gender, age band and city, and find the value gaps.

    Only customers with every key filled count; a key column the company does not
    have is left out, but the city and at least one of gender or birth date are
    needed.

    Raises
    ------
    MissingDataError
        Without a city and a gender or birth date in the customers table.
    """
    if age_band < 1:
        raise ParameterError(f"age_band must be 1 year or more, got {age_band}")
    customers = company.customers.drop_duplicates("customer_id").set_index("customer_id")
    if "city" not in customers.columns or not ({"gender", "birth_date"} & set(customers.columns)):
        raise MissingDataError(
            translate("look-alike customers need a city and a gender or birth date in customers")
        )
    key = pd.DataFrame(index=customers.index)
    names = []
    for column in ("type", "gender"):
        if column in customers.columns:
            key[column] = customers[column].astype("string")
            names.append(column)
    if "birth_date" in customers.columns:
        key["age"] = _age_band(customers["birth_date"], company.observation_end, age_band)
        names.append(N_("age band"))
    key["city"] = customers["city"].astype("string")
    names.append("city")
    key = key.dropna()
    # the group's label, "B2C, F, 30-39, Gent", joined column by column (a Python join per
    # customer took most of a minute at a million)
    texts = [key[column].astype(str) for column in key.columns]
    label = texts[0].str.cat(texts[1:], sep=", ") if len(texts) > 1 else texts[0]
    label = label.rename("group")
    value = values["current_value"].reindex(label.index).fillna(0.0).astype(float)
    frame = pd.DataFrame({"group": label, "value": value})
    frame = frame[frame.groupby("group")["value"].transform("size").to_numpy() >= 2]
    if frame.empty:
        raise MissingDataError(translate("no two customers share type, gender, age band and city"))
    ordered = frame.sort_values(["group", "value"], ascending=[True, False]).reset_index()
    grouped = ordered.groupby("group", sort=True)
    groups = pd.DataFrame(
        {
            "members": grouped.size(),
            "best_customer": grouped["customer_id"].first(),
            "best_value": grouped["value"].first(),
            "worst_customer": grouped["customer_id"].last(),
            "worst_value": grouped["value"].last(),
        }
    )
    groups["gap"] = groups["best_value"] - groups["worst_value"]
    groups = groups.sort_values(["gap", "members"], ascending=False).reset_index()
    total = float(((frame["value"] - frame["value"].mean()) ** 2).sum())
    within = float(
        ((frame["value"] - frame.groupby("group")["value"].transform("mean")) ** 2).sum()
    )
    # adjusted for the number of groups: many small groups explain a lot by chance alone
    n, k = len(frame), len(groups)
    if total > 0 and n > k:
        explained = max(0.0, 1 - (within / (n - k)) / (total / (n - 1)))
    else:
        explained = float("nan")
    chosen = groups["group"].head(shown)
    members = ordered[ordered["group"].isin(chosen)][["group", "customer_id", "value"]]
    top = groups.iloc[0]
    pair = _pair(values, top["best_customer"], top["worst_customer"])
    return LookAlikes(
        groups=groups,
        members=members.reset_index(drop=True),
        pair=pair,
        explained=explained,
        key=names,
    )


#: The customer columns a coarse segmentation groups look-alikes by, as the text names them.
LOOK_ALIKE_KEYS = (N_("type"), N_("gender"), N_("age band"), N_("city"))

#: The rows of the look-alike pair's table, as a reader reads them.
PAIR_ROWS = {
    "value_tier": N_("value tier"),
    "value_category": N_("value category"),
    "revenue": N_("revenue"),
    "purchase_days": N_("purchase days"),
    "n_contacts": N_("contacts"),
    "cost_to_serve": N_("cost to serve"),
}


def pair_row(column: str) -> str:
    """The row of ``column`` in the look-alike pair's table, in the report language."""
    return translate(PAIR_ROWS[column])


def _pair(values: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
    """The two customers side by side, for the reader: rows and tiers in the report language."""
    window = values.attrs.get("window", "")

    def windowed(name: str) -> str:
        return f"{translate(name)}, {window}" if window else translate(name)

    measures = {column: translate(name) for column, name in PAIR_ROWS.items()}
    measures["revenue"] = windowed("revenue")
    measures["current_value"] = windowed(value_label(values))
    if value_label(values) == "revenue":
        measures.pop("revenue")  # the current value is the revenue: once is enough
    # what the data does not record is left out, not shown as 0 or as a blank
    measures = {
        column: name
        for column, name in measures.items()
        if column in values.columns and values[column].notna().any()
    }
    table = values.loc[[first, second], list(measures)].copy()
    for column in ("value_tier", "value_category"):  # category values, shown as words
        if column in table.columns:
            table[column] = [translate(str(v)) if pd.notna(v) else v for v in table[column]]
    table = table.T
    table.index = list(measures.values())
    table.columns = [str(first), str(second)]
    return table
