"""The needs survey: need profiles per segment, NPS, and needs-based segments.

Every model differentiates customers by value *and* by needs (Peppers & Rogers'
Differentiate, Customer IDOL's Differentiation, the value proposition in QCI and in
Buttle's chain). The survey table holds one row per respondent and one column per
need dimension, scored 1-5, plus ``nps`` (0-10).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.data.schema import NEEDS_META_COLUMNS
from crmlib.errors import MissingDataError, ParameterError
from crmlib.formatting import count
from crmlib.text import translate


def need_dimensions(needs: pd.DataFrame) -> list[str]:
    """The need-dimension columns of the survey (every numeric column but the metadata)."""
    return [
        c
        for c in needs.columns
        if c not in NEEDS_META_COLUMNS and pd.api.types.is_numeric_dtype(needs[c])
    ]


def net_promoter_score(scores: pd.Series) -> float:
    """NPS: the share of promoters (9-10) minus the share of detractors (0-6), in points (-100..100)."""
    scores = pd.to_numeric(scores, errors="coerce").dropna()
    if scores.empty:
        return float("nan")
    return float(((scores >= 9).mean() - (scores <= 6).mean()) * 100)


def needs_profile(needs: pd.DataFrame, segments: pd.Series | None = None) -> pd.DataFrame:
    """Mean score per need dimension, overall or per segment, with respondents and NPS.

    Parameters
    ----------
    segments : Series, optional
        A segment per customer id. Respondents without a segment are left out.

    Returns
    -------
    DataFrame
        Rows: segments (or ``"all"``); columns: ``respondents``, one column per need
        dimension (mean 1-5), and ``nps`` when the survey has it.
    """
    dims = need_dimensions(needs)
    if not dims:
        raise MissingDataError(
            translate("the needs survey has no need-dimension columns (scores 1-5)")
        )
    data = needs.set_index("customer_id")
    if segments is None:
        group = pd.Series("all", index=data.index)
    else:
        group = segments.reindex(data.index)
        data, group = data[group.notna()], group.dropna()
    grouped = data.groupby(group, observed=True)
    out = grouped[dims].mean()
    out.insert(0, "respondents", grouped.size())
    if "nps" in data.columns:
        out["nps"] = grouped["nps"].apply(net_promoter_score)
    out.index.name = "segment"
    return out


@dataclass(frozen=True)
class NeedsSegments:
    """Needs-based segments found by k-means on the standardised survey scores.

    Attributes
    ----------
    labels : Series
        The segment name per respondent (indexed by customer_id).
    k : int
        The number of segments chosen.
    selection : DataFrame
        Indexed by k: ``silhouette`` (higher is better separated) and ``inertia``;
        the chosen k has the highest silhouette.
    centres : DataFrame
        Mean score (1-5) per need dimension per segment.
    """

    labels: pd.Series
    k: int
    selection: pd.DataFrame
    centres: pd.DataFrame


def _segment_name(centre: pd.Series, overall: pd.Series, used: set[str]) -> str:
    """Name a segment after the two needs it scores most above the average."""
    lift = (centre - overall).sort_values(ascending=False)
    name = " & ".join(lift.index[:2]).replace("_", " ")
    while name in used:
        name += "'"
    used.add(name)
    return name


def _fit_all(scaled: pd.DataFrame, ks: list[int], seed: int, sample: int):
    """k-means for every k, with the silhouette of each."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    fits, rows = {}, []
    for k in ks:
        model = KMeans(n_clusters=k, n_init=4, random_state=seed).fit(scaled.to_numpy())
        fits[k] = model
        score = silhouette_score(
            scaled.to_numpy(), model.labels_, sample_size=sample, random_state=seed
        )
        rows.append({"k": k, "silhouette": float(score), "inertia": float(model.inertia_)})
    return fits, rows


_SEGMENTS: dict[str, NeedsSegments] = {}


def needs_segments(needs: pd.DataFrame, k_range=range(3, 8), seed: int = 0) -> NeedsSegments:
    """Needs-based segments (see :func:`find_needs_segments`), computed once per survey.

    The k-means search is the costliest step of several notebooks and gives the same
    answer for the same survey and settings, so it is memoised in the process and in
    the disk cache of :mod:`crmlib.analytics.base_cache`, keyed by the survey's content.
    """
    from crmlib.analytics import base_cache

    settings = {"k_range": list(k_range), "seed": int(seed)}
    key = base_cache.cache_key({"needs": needs}, settings)
    found = _SEGMENTS.get(key)
    if found is not None:
        return found
    stored = base_cache.load_tables("needs", key, ["labels", "selection", "centres"])
    if stored is not None:
        tables, meta = stored
        # Parquet keeps the values; the dtypes of text columns are put back as they were
        labels = tables["labels"]["needs_segment"].astype(meta["labels_dtype"])
        labels.index = labels.index.astype(meta["index_dtype"]).rename(meta["index_name"])
        centres = tables["centres"]
        centres.index = centres.index.astype(meta["centres_index_dtype"]).rename("needs_segment")
        found = NeedsSegments(
            labels=labels, k=int(meta["k"]), selection=tables["selection"], centres=centres
        )
    else:
        found = find_needs_segments(needs, k_range, seed)
        base_cache.store_tables(
            "needs",
            key,
            {
                "labels": found.labels.to_frame(),
                "selection": found.selection,
                "centres": found.centres,
            },
            {
                "k": found.k,
                "index_name": found.labels.index.name,
                "index_dtype": str(found.labels.index.dtype),
                "labels_dtype": str(found.labels.dtype),
                "centres_index_dtype": str(found.centres.index.dtype),
            },
        )
    _SEGMENTS[key] = found
    return found


def find_needs_segments(needs: pd.DataFrame, k_range=range(3, 8), seed: int = 0) -> NeedsSegments:
    """Cluster respondents on their need scores, choosing k by the silhouette.

    Each k in ``k_range`` is fitted with k-means (scikit-learn) on standardised
    scores; the k with the highest mean silhouette wins, so the number of segments is
    justified by the data rather than chosen in advance. The search starts at three
    segments: two needs groups crossed with value tiers are too coarse for the
    customer-group approach, and the silhouette of survey data on a 1-5 scale tends to
    favour two broad halves. Segments are named after the
    two needs they score most above the average (e.g. ``"advice & personal service"``).

    Raises
    ------
    MissingDataError
        Without need dimensions, or with fewer respondents than the largest k needs.
    """
    from threadpoolctl import threadpool_limits

    dims = need_dimensions(needs)
    if not dims:
        raise MissingDataError(
            translate("needs-based segments need need-dimension columns in the needs table")
        )
    data = needs.set_index("customer_id")[dims].dropna()
    if min(k_range) < 2:
        raise ParameterError("k_range must start at 2 or more")
    ks = [k for k in k_range if k < len(data)]
    if not ks:
        raise MissingDataError(
            translate(
                "needs-based segments need more respondents than segments; the survey has {n}"
            ).format(n=count(len(data)))
        )
    scaled = (data - data.mean()) / data.std(ddof=0).replace(0, 1)
    sample = min(len(scaled), 5000)
    # A survey is small: BLAS threads only contend with each other (and with other
    # notebooks in a batch), making the search ten times slower on a busy machine.
    with threadpool_limits(1):
        fits, rows = _fit_all(scaled, ks, seed, sample)
    selection = pd.DataFrame(rows).set_index("k")
    best = int(selection["silhouette"].idxmax())
    raw_labels = pd.Series(fits[best].labels_, index=data.index)
    centres = data.groupby(raw_labels).mean()
    used: set[str] = set()
    names = {label: _segment_name(centres.loc[label], data.mean(), used) for label in centres.index}
    centres.index = [names[i] for i in centres.index]
    centres.index.name = "needs_segment"
    labels = raw_labels.map(names).rename("needs_segment")
    return NeedsSegments(labels=labels, k=best, selection=selection, centres=centres)
