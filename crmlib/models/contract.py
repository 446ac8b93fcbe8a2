"""What every model package offers, and the one seam where it will meet the customer base.

Each of ``crmlib.models.idic``, ``qci``, ``payne_frow``, ``value_chain`` and ``idol`` has
the same skeleton:

- ``analyse(company, base=None, **params) -> Result``: every element of the model on the
  company's data, with the parameters of its notebook (in ``analysis.py``);
- ``verdict(result) -> ModelVerdict``: the conclusion for the strategy report;
- ``diagram(result)``: the company's figures on the model's diagram, as
  :class:`crmlib.stages.Stage` (the drawing itself is :mod:`crmlib.diagrams`, a layer
  above the models; the notebook joins the two).

``base`` is the shared per-customer base (one per company and window). Until it lands,
every model computes its own customer table, and :func:`require_no_base` is the one
check, called once in each ``analyse``, to replace when it does.
"""

from __future__ import annotations

from crmlib.errors import ParameterError


def require_no_base(base: object | None, model: str) -> None:
    """Refuse a shared customer base that ``model`` cannot read yet (None computes its own).

    Raises
    ------
    ParameterError
        When ``base`` is given.
    """
    if base is not None:
        raise ParameterError(
            f"{model} computes its own customer table and cannot take a shared customer "
            "base yet. Fix: call analyse(company) without base"
        )
