"""IDIC's entry point: one company and its parameters in, an :class:`IdicResult` out.

This is the one place where the model meets the shared customer base.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmlib.analytics.needs import need_dimensions, needs_profile
from crmlib.data.company import Company
from crmlib.models.contract import resolve_base
from crmlib.models.idic.customize import Customization, customize, plan_value
from crmlib.models.idic.differentiate import Differentiation, from_base, value_base
from crmlib.models.idic.identify import Identification, identify
from crmlib.models.idic.interact import Interaction, interact
from crmlib.models.steps import attempt


@dataclass(frozen=True)
class IdicResult:
    """The four phases of IDIC for one company, as the notebook shows them.

    Attributes
    ----------
    identification, differentiation, interaction
        The results of :func:`identify`, :func:`differentiate` and :func:`interact`.
    value : DataFrame
        The expected value of the contact plan (:func:`plan_value`).
    currency : str
    customization : Customization or None
        None when the data cannot support it (the reason is in ``skipped``).
    skipped : dict
        Phase name -> why it was skipped.
    needs : DataFrame or None
        The mean need scores per value category (:func:`segment_needs`); None without
        a needs survey.
    """

    identification: Identification
    differentiation: Differentiation
    interaction: Interaction
    value: pd.DataFrame
    currency: str
    customization: Customization | None = None
    skipped: dict[str, str] | None = None
    needs: pd.DataFrame | None = None


def segment_needs(company: Company, diff: Differentiation) -> pd.DataFrame | None:
    """The mean need scores (1-5) per value category, from the needs survey; None without.

    The interaction plan's offers are checked against them: an offer should fit what its
    segment values most.
    """
    needs = company.needs
    table = diff.table
    if needs is None or not need_dimensions(needs) or "value_category" not in table.columns:
        return None
    ids = table["customer_id"] if "customer_id" in table.columns else table.index
    categories = pd.Series(table["value_category"].to_numpy(), index=ids.astype(str))
    surveyed = needs.assign(customer_id=needs["customer_id"].astype(str))
    return needs_profile(surveyed, categories)


def analyse(
    company: Company,
    base: object | None = None,
    *,
    value_metric: str = "margin",
    ssc_share: float = 0.2,
    horizon_months: int = 12,
    discount_rate: float = 0.1,
) -> IdicResult:
    """The four phases of ``company`` with the parameters of the notebook ``01_idic``.

    Steps the data cannot support are left out, as the notebook skips them. ``base`` is
    the shared per-customer base (the strategy report passes one); without it, the
    company's own base is built once with the value settings given here (margin falls
    back to revenue where the data has no cost).
    """
    if base is None:
        base = value_base(
            company,
            value_metric=value_metric,
            ssc_share=ssc_share,
            horizon_months=horizon_months,
            discount_rate=discount_rate,
        )
    base = resolve_base(company, base)
    skipped: dict[str, str] = {}
    identification = identify(company)
    differentiation = from_base(base)
    interaction = interact(company, differentiation)
    return IdicResult(
        identification=identification,
        differentiation=differentiation,
        interaction=interaction,
        value=plan_value(interaction),
        currency=company.currency,
        customization=attempt(skipped, "Customize", customize, company, differentiation),
        skipped=skipped,
        needs=segment_needs(company, differentiation),
    )
