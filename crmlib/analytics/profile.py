"""How well the company knows each customer: the completeness of the customer picture.

Customer IDOL's *Identification* asks for a complete picture of every customer in six
aspects; IDIC's *Identify* asks which data exists per customer across the touchpoints;
Buttle's *customer intimacy* and Payne & Frow's *information management* ask the same
question from other sides. This module answers it once, per customer:

========================  ===================================================
aspect                    measured as (each 0-1)
========================  ===================================================
personal                  share filled of name, address, postcode, city, phone,
                          and demographics (birth date and gender for B2C)
product ownership         the customer has bought at least one known product
profitability             revenue and cost (or product margin) are known
behaviour                 enough history to see a rhythm: 2+ purchase days
                          count 1, one purchase day 0.5
needs                     the customer answered the needs survey
contact                   share of: e-mail, phone, consent recorded, and a
                          contact history (at least one interaction)
========================  ===================================================
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from crmlib.analytics.summary import customer_numbers, table_customers
from crmlib.formatting import percent
from crmlib.loaded import derived, is_loaded
from crmlib.text import N_, translate
from crmlib.text_columns import isin, positions

ASPECTS = ("personal", "product_ownership", "profitability", "behaviour", "needs", "contact")

PERSONAL_COLUMNS = ("name", "address", "postcode", "city", "phone")


def _filled(customers: pd.DataFrame, column: str) -> pd.Series:
    if column not in customers.columns:
        return pd.Series(0.0, index=customers.index)
    values = customers[column]
    filled = values.notna()
    if pd.api.types.is_string_dtype(values):
        filled &= values.astype("string").str.strip().ne("").fillna(False)
    return filled.astype(float)


def _per_customer(ids: pd.Index, counts: pd.Series) -> pd.Series:
    """``counts.reindex(ids, fill_value=0)``, looking the ids up without a string each."""
    found = positions(counts.index, ids)
    values = counts.to_numpy()
    out = np.where(found >= 0, values[found], 0) if len(values) else np.zeros(len(ids), int)
    return pd.Series(out.astype(values.dtype, copy=False), index=ids, name=counts.name)


def _rows_per_customer(table: pd.DataFrame, name: str, rows: np.ndarray | None = None) -> pd.Series:
    """``table[rows].groupby("customer_id").size()``, counted on customer numbers.

    Customers without a row count 0 (the callers fill them in with 0 all the same).
    """
    codes, customers = _numbered(table, name)
    present = codes >= 0 if rows is None else (codes >= 0) & rows
    return pd.Series(np.bincount(codes[present], minlength=len(customers)), index=customers)


def days_per_customer(transactions: pd.DataFrame) -> pd.Series:
    """The distinct dates each customer has lines on
    (``transactions.groupby("customer_id")["date"].nunique()``), on customer numbers.

    Kept with a loaded table for its kernel: the customer picture and the data-support
    check of repeat buyers read the same count.
    """
    if is_loaded(transactions):
        return derived(
            transactions, "days per customer", None, lambda: _days_per_customer(transactions)
        )
    return _days_per_customer(transactions)


def _days_per_customer(transactions: pd.DataFrame) -> pd.Series:
    codes, customers = _numbered(transactions, "transactions")
    dates = transactions["date"]
    present = (codes >= 0) & dates.notna().to_numpy(dtype=bool)
    day, days = pd.factorize(dates.to_numpy()[present])
    pairs = pd.unique(codes[present].astype(np.int64) * max(len(days), 1) + day)
    counts = np.bincount(pairs // max(len(days), 1), minlength=len(customers))
    return pd.Series(counts, index=customers)


def _numbered(table: pd.DataFrame, name: str) -> tuple[np.ndarray, pd.Index]:
    """Each row's customer number (-1 without a customer id) and the id of each number."""
    ids = table["customer_id"]
    if not ids.isna().any():
        return table_customers(table, name)
    # rows without a customer are left out, as grouping leaves them out
    present = ids.notna().to_numpy(dtype=bool)
    inner, customers = customer_numbers(ids[present], name, "customer_id")
    codes = np.full(len(ids), -1, dtype=np.intp)
    codes[present] = inner
    return codes, customers


#: What data would show each aspect, when the data holds nothing of it.
ASPECT_SOURCES = {
    "personal": N_(
        "a customers table with name, address, postcode, city and phone (and birth "
        "date and gender for consumers)"
    ),
    "product_ownership": N_("a product_id on the transaction lines"),
    "profitability": N_(
        "a cost per transaction line, or a product_id with the products' margin_rate"
    ),
    "behaviour": N_("transactions"),
    "needs": N_("a needs survey (needs table)"),
    "contact": N_(
        "e-mail, phone or consent_marketing in the customers table, or an interactions table"
    ),
}


#: Aspects that can follow from a purchase alone: product ownership (a known product
#: bought) and profitability (a cost known for the sale).
PURCHASE_ASPECTS = ("product_ownership", "profitability")


def unmeasured_aspects(
    customers: pd.DataFrame | None,
    transactions: pd.DataFrame | None,
    *,
    products: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    needs: pd.DataFrame | None = None,
) -> dict[str, str]:
    """The aspects the data holds nothing of, each with the data that would show it.

    An aspect whose source columns or tables are absent is unknown, not zero: the export
    may simply have left them out. Only aspects whose data exists are scored.

    Returns
    -------
    dict
        Aspect -> what data would show it, for every aspect that cannot be measured.
    """
    columns = set(customers.columns) if customers is not None else set()
    lines = set(transactions.columns) if transactions is not None else set()
    missing: dict[str, str] = {}
    if not columns & {*PERSONAL_COLUMNS, "birth_date", "gender"}:
        missing["personal"] = ASPECT_SOURCES["personal"]
    if "product_id" not in lines:
        missing["product_ownership"] = ASPECT_SOURCES["product_ownership"]
    has_cost = "cost" in lines or (
        products is not None and "margin_rate" in products.columns and "product_id" in lines
    )
    if not has_cost:
        missing["profitability"] = ASPECT_SOURCES["profitability"]
    if needs is None:
        missing["needs"] = ASPECT_SOURCES["needs"]
    if not columns & {"email", "phone", "consent_marketing"} and interactions is None:
        missing["contact"] = ASPECT_SOURCES["contact"]
    return missing


def tautological_aspects(picture: pd.DataFrame, measured: list[str]) -> list[str]:
    """The aspects that say nothing beyond "has bought": left out of the completeness.

    An aspect of :data:`PURCHASE_ASPECTS` is near-tautological when every customer's
    score equals whether they bought (1 for each buyer, 0 for each non-buyer): it then
    records the purchase again rather than knowledge of the customer. Where the data
    leaves it unknown for some buyers (products without a cost, sales without a product),
    it tells something and is counted.
    """
    bought = (picture["purchase_days"] > 0).astype(float)
    return [
        aspect
        for aspect in PURCHASE_ASPECTS
        if aspect in measured and picture[aspect].astype(float).equals(bought)
    ]


def customer_picture(
    customers: pd.DataFrame,
    transactions: pd.DataFrame | None = None,
    *,
    products: pd.DataFrame | None = None,
    interactions: pd.DataFrame | None = None,
    needs: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per customer: what is known (indicators) and the six aspects' completeness.

    Returns
    -------
    DataFrame
        Indexed by customer_id. Indicator columns ``has_name``, ``has_address``,
        ``has_phone``, ``has_email``, ``purchase_days``, ``contacts``,
        ``in_needs_survey``; the six aspect scores (0-1, see the module docstring);
        and ``completeness``, the mean over the counted aspects: those the data holds
        something of (:func:`unmeasured_aspects`), less those that only repeat "has
        bought" (:func:`tautological_aspects`). ``attrs`` holds ``unmeasured`` (aspect
        -> the data that would show it), ``tautological`` and ``counted``.
    """
    ids = pd.Index(customers["customer_id"], name="customer_id")
    frame = customers.set_index("customer_id")
    personal_parts = [_filled(customers, c) for c in PERSONAL_COLUMNS]
    is_b2b = (
        customers["type"].astype("string").str.upper().eq("B2B").fillna(False)
        if "type" in customers.columns
        else pd.Series(False, index=customers.index)
    )
    demographics = ((_filled(customers, "birth_date") + _filled(customers, "gender")) / 2).where(
        ~is_b2b, 1.0
    )
    personal = (sum(personal_parts) + demographics) / (len(PERSONAL_COLUMNS) + 1)

    out = pd.DataFrame(index=ids)
    out["has_name"] = _filled(customers, "name").to_numpy() > 0
    out["has_address"] = (
        _filled(customers, "address") * _filled(customers, "postcode")
    ).to_numpy() > 0
    out["has_phone"] = _filled(customers, "phone").to_numpy() > 0
    out["has_email"] = _filled(customers, "email").to_numpy() > 0
    out["personal"] = personal.to_numpy()

    if transactions is not None and len(transactions):
        purchase_days = _per_customer(ids, days_per_customer(transactions))
        if "product_id" in transactions.columns:
            known = transactions["product_id"].notna().to_numpy(dtype=bool)
            if products is not None:
                known = known & isin(transactions["product_id"], products["product_id"])
            owns = _per_customer(ids, _rows_per_customer(transactions, "transactions", known)) > 0
        else:
            owns = pd.Series(False, index=ids)
        has_cost = "cost" in transactions.columns or (
            products is not None
            and "margin_rate" in products.columns
            and "product_id" in transactions.columns
        )
        profitability = (purchase_days > 0) & has_cost
    else:
        purchase_days = pd.Series(0, index=ids)
        owns = pd.Series(False, index=ids)
        profitability = pd.Series(False, index=ids)
    out["purchase_days"] = purchase_days.to_numpy()
    out["product_ownership"] = owns.astype(float).to_numpy()
    out["profitability"] = profitability.astype(float).to_numpy()
    out["behaviour"] = np.select([purchase_days >= 2, purchase_days == 1], [1.0, 0.5], 0.0)

    contacts = (
        _per_customer(ids, _rows_per_customer(interactions, "interactions"))
        if interactions is not None
        else pd.Series(0, index=ids)
    )
    out["contacts"] = contacts.to_numpy()
    surveyed = (
        isin(ids, needs["customer_id"]) if needs is not None else np.zeros(len(ids), dtype=bool)
    )
    out["in_needs_survey"] = surveyed
    out["needs"] = surveyed.astype(float)
    consent = (
        frame["consent_marketing"].notna().to_numpy(dtype=bool)
        if "consent_marketing" in frame.columns
        else np.zeros(len(ids), dtype=bool)
    )
    out["contact"] = (
        out["has_email"].astype(float)
        + out["has_phone"].astype(float)
        + consent.astype(float)
        + (contacts.to_numpy() > 0).astype(float)
    ) / 4
    # one completeness for every model: over the aspects the data shows, leaving out
    # those that only repeat "has bought". An aspect the data holds nothing of keeps its
    # score of 0 (nothing is known of it) but is not counted: it is listed in
    # attrs["unmeasured"] for the models to say so
    unmeasured = unmeasured_aspects(
        customers, transactions, products=products, interactions=interactions, needs=needs
    )
    measured = [a for a in ASPECTS if a not in unmeasured]
    tautological = tautological_aspects(out, measured)
    counted = [a for a in measured if a not in tautological] or measured
    out["completeness"] = out[counted].mean(axis=1) if counted else np.nan
    out.attrs.update(unmeasured=unmeasured, tautological=tautological, counted=counted)
    return out


def weakest_aspect(
    aspects: pd.Series, unmeasured: Iterable[str] = (), uncounted: Iterable[str] = ()
) -> str:
    """The aspect to complete first: the counted aspect with the lowest mean completeness.

    One rule for every model. An aspect the data holds nothing of is unknown, not the
    weakest at 0% (the reports name those apart); one that only repeats who bought is not
    counted. Only when no aspect is counted is the first unmeasured one returned.

    Parameters
    ----------
    aspects : Series
        Mean completeness (0-1) per aspect; unmeasured aspects may be absent.
    unmeasured, uncounted : iterable of str
        The picture's ``attrs["unmeasured"]`` and ``attrs["tautological"]``.
    """
    absent, plain = set(unmeasured), set(uncounted)
    counted = [a for a in ASPECTS if a in aspects.index and a not in absent | plain]
    if counted:
        return str(aspects[counted].astype(float).idxmin())
    return next((a for a in ASPECTS if a in absent), ASPECTS[0])


def completeness_words(picture: pd.DataFrame) -> str:
    """The picture's mean completeness in words, saying over which aspects it counts.

    "74% complete", or, when the data holds nothing of some aspects, "74% complete over
    the 1 of 6 aspects the data shows": a company that records only purchases is not
    told it knows three quarters of its customers.
    """
    share = percent(float(picture["completeness"].mean())) if len(picture) else translate("n/a")
    unmeasured = picture.attrs.get("unmeasured", {})
    if not unmeasured:
        return translate("{share} complete").format(share=share)
    return translate("{share} complete over the {n} of {total} aspects the data shows").format(
        share=share, n=len(ASPECTS) - len(unmeasured), total=len(ASPECTS)
    )


def aspect_summary(picture: pd.DataFrame, segments: pd.Series | None = None) -> pd.DataFrame:
    """The mean completeness of each aspect, overall or per segment.

    Returns
    -------
    DataFrame
        Rows: segments (or ``"all"``); columns: the six aspects and ``completeness``;
        values 0-1.
    """
    group = (
        segments.reindex(picture.index).astype(object).fillna("unassigned")
        if segments is not None
        else pd.Series("all", index=picture.index)
    )
    out = picture[[*ASPECTS, "completeness"]].groupby(group).mean()
    out.index.name = "segment"
    return out


#: The knowledge levels, from least to best known (catalogue texts: translate where shown).
KNOWLEDGE_LEVELS = (N_("poorly known"), N_("partly known"), N_("well known"))


def knowledge_levels(
    picture: pd.DataFrame,
    bins=(0.0, 0.4, 0.7, 1.0001),
    labels=KNOWLEDGE_LEVELS,
) -> pd.Series:
    """Label each customer by overall completeness: poorly, partly or well known."""
    return pd.cut(
        picture["completeness"],
        bins=list(bins),
        labels=list(labels),
        right=False,
        include_lowest=True,
    ).rename("knowledge")


def normalise_name(names: pd.Series) -> pd.Series:
    """Names folded for comparison: no accents, lower case, single spaces, no punctuation.

    Folded by Arrow's text kernels, column at once (a million names took 7 s one by
    one in Python): decomposed (NFKD), non-ASCII marks dropped, lower-cased, every run
    of other than letters and digits made one space. An empty result is missing.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.chunked_array(pa.array(names.astype("str").array)).cast(pa.large_string())
    plain = pc.replace_substring_regex(pc.utf8_normalize(text, form="NFKD"), r"[^\x00-\x7f]", "")
    kept = pc.replace_substring_regex(pc.ascii_lower(plain), r"[^a-z0-9]+", " ")
    folded = pc.utf8_trim_whitespace(kept)
    folded = pc.if_else(pc.equal(folded, ""), pa.scalar(None, pa.large_string()), folded)
    # the text type the names came in (pandas' "string" or "str"), as a map over them keeps
    kind = names.dtype if isinstance(names.dtype, pd.StringDtype) else "str"
    return pd.Series(
        folded.to_numpy(zero_copy_only=False), index=names.index, name=names.name, dtype=kind
    )


def probable_duplicates(customers: pd.DataFrame) -> pd.DataFrame:
    """Customer records that look like one person: the same folded name and postcode.

    Returns
    -------
    DataFrame
        One row per record in a duplicate group: ``group`` (1, 2, ...),
        ``customer_id``, ``name``, ``postcode``; empty when there are none, or
        when the table lacks name or postcode.
    """
    columns = ["group", "customer_id", "name", "postcode"]
    if not {"name", "postcode"} <= set(customers.columns):
        return pd.DataFrame(columns=columns)
    key = (
        normalise_name(customers["name"])
        + "|"
        + customers["postcode"].astype("string").str.replace(" ", "")
    )
    key = key.where(normalise_name(customers["name"]).notna() & customers["postcode"].notna())
    doubled = key.notna() & key.duplicated(keep=False)
    found = customers.loc[doubled, ["customer_id", "name", "postcode"]].assign(_key=key[doubled])
    found = found.sort_values(["_key", "customer_id"])
    found.insert(0, "group", pd.factorize(found["_key"])[0] + 1)
    return found.drop(columns="_key").reset_index(drop=True)
