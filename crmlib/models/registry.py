"""The five models the strategy report reads, by name (one list for the report and the cache).

Each package offers ``analyse(company, base)`` and ``verdict(result)``
(:mod:`crmlib.models.contract`). The names are the ones the verdicts carry.
"""

from __future__ import annotations

#: Model name -> the package offering ``analyse(company, base)`` and ``verdict(result)``;
#: the strategy report asks each for its verdict, in this order.
MODEL_MODULES = {
    "IDIC": "crmlib.models.idic",
    "QCI": "crmlib.models.qci",
    "Payne & Frow": "crmlib.models.payne_frow",
    "CRM value chain": "crmlib.models.value_chain",
    "Customer IDOL": "crmlib.models.idol",
}
