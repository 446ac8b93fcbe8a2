"""The value chain's entry point: one company and its parameters in, a :class:`ValueChain` out.

This is the one place where the value chain meets the shared customer base.
"""

from __future__ import annotations

from crmlib.data.company import Company
from crmlib.models.contract import resolve_base
from crmlib.models.value_chain.chain import ValueChain
from crmlib.models.value_chain.relationships import Targets


def analyse(
    company: Company,
    base: object | None = None,
    *,
    ssc_share: float = 0.2,
    matrix_axis: str = "potential",
    matrix_share: float = 0.2,
    horizon_months: int = 12,
    cost_magnet_share: float = 0.05,
    cost_magnet_ratio: float = 0.5,
    n_needs: int = 3,
    need_map: dict[str, list[str]] | None = None,
    upsell_target: float = 0.5,
    cross_sell_target: float = 0.5,
    acquisition_target: float = 1.0,
) -> ValueChain:
    """The value chain of ``company`` with the parameters of the notebook ``04_value_chain``.

    Parameters
    ----------
    company : Company
    base : CustomerBase, optional
        The shared per-customer base; by default the company's own, built with
        ``ssc_share`` and a window of ``horizon_months``.
    **parameters
        As in the notebook. The retention targets are the client's
        (:func:`crmlib.analytics.vocabulary.targets`); the development targets build a
        :class:`~crmlib.models.value_chain.relationships.Targets` with them.

    Returns
    -------
    ValueChain
        Runs each stage once, on first use.
    """
    base = resolve_base(company, base, window_months=horizon_months, ssc_share=ssc_share)
    return ValueChain(
        company,
        base=base,
        ssc_share=ssc_share,
        matrix_axis=matrix_axis,
        matrix_share=matrix_share,
        horizon_months=horizon_months,
        cost_magnet_share=cost_magnet_share,
        cost_magnet_ratio=cost_magnet_ratio,
        n_needs=n_needs,
        need_map=need_map,
        targets=Targets.for_company(
            company,
            upsell=upsell_target,
            cross_sell=cross_sell_target,
            acquisition=acquisition_target,
        ),
    )
