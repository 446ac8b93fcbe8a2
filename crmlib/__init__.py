"""crmlib: the computing and drawing behind the CRM Strategy Workbook.

The public names below are loaded on first use, so ``import crmlib`` stays fast in a
notebook or a batch worker that needs only part of the library.

Layers (each imports only the ones below it; ``tests/test_layers.py`` enforces it)::

    crmlib.cli, crmlib.lab         thin: parse, then call
    crmlib.render, crmlib.batch    papermill + nbconvert: notebooks to reports, many clients
    crmlib.notebook                everything that talks to IPython: setup, say, step, live
                                   views, widgets, exercises, assessment forms
    crmlib.plots, crmlib.diagrams  charts (each returns its matplotlib ax) and model diagrams,
                                   drawn from the results they are given
    crmlib.models                  one package per model (analyse, verdict, diagram), plus
                                   the shared verdict, strategy report and data audit
    crmlib.sample                  the generated sample company
    crmlib.instruments             assessment questionnaires, answers, scoring
    crmlib.analytics               value, lifetime value, lifecycle, interactions, segments
    crmlib.data, crmlib.privacy    schema, loaders, validation, pseudonymisation
    base                           errors, atomic, formatting, paths, text (the wording
                                   layer: escape, sentence, join, plural), stages,
                                   text_columns (Arrow fast paths for id columns),
                                   memory (freed memory back to the system),
                                   progress (a bar on stderr for long work, or none),
                                   loaded (tables read by every step, changed by none),
                                   digest (a table's content digest, kept with it)
"""

from __future__ import annotations

import importlib
from typing import Any

from crmlib.errors import (
    AnswersChangedError,
    CrmlibError,
    DataValidationError,
    InstrumentError,
    MissingDataError,
    ModelFitError,
    NotFittedError,
    ParameterError,
    RenderError,
)

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "Company": "crmlib.data.company",
    "load_company": "crmlib.data.company",
    "data_quality": "crmlib.data.quality",
    "generate_company": "crmlib.sample",
    "write_company": "crmlib.sample",
    "summarize_transactions": "crmlib.analytics.summary",
    "calibration_and_holdout": "crmlib.analytics.summary",
    "BetaGeoModel": "crmlib.analytics.clv",
    "GammaGammaModel": "crmlib.analytics.clv",
    "ModifiedBetaGeoModel": "crmlib.analytics.mbgnbd",
    "ParetoNBDModel": "crmlib.analytics.pareto_nbd",
    "FitDiagnosis": "crmlib.analytics.fit_quality",
    "choose_purchase_model": "crmlib.analytics.model_choice",
    "pareto_curve": "crmlib.analytics.pareto",
    "customer_share_for_value": "crmlib.analytics.pareto",
    "flag_ssc": "crmlib.analytics.pareto",
    "customer_lifetime_value": "crmlib.analytics.clv",
    "retention_clv": "crmlib.analytics.clv",
    "clv_comparison": "crmlib.analytics.clv",
    "observed_retention_rate": "crmlib.analytics.clv",
    "rfm_analysis": "crmlib.analytics.rfm",
    "customer_profitability": "crmlib.analytics.profitability",
    "value_categories": "crmlib.analytics.profitability",
    "value_tiers": "crmlib.analytics.profitability",
    "customer_segments": "crmlib.analytics.segments",
    "customer_base": "crmlib.analytics.base",
    "Figure": "crmlib.figures",
    "simulate_summary": "crmlib.analytics.bgnbd",
    "write_table": "crmlib.export",
    "create_sample_company": "crmlib.sample",
    "load_instrument": "crmlib.instruments",
    "load_answers": "crmlib.instruments",
    "area_scores": "crmlib.instruments",
    "assessment_form": "crmlib.notebook.forms",
}

__all__ = [
    "AnswersChangedError",
    "CrmlibError",
    "DataValidationError",
    "InstrumentError",
    "MissingDataError",
    "ModelFitError",
    "NotFittedError",
    "ParameterError",
    "RenderError",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crmlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
