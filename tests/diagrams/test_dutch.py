"""The model diagrams in Dutch: the models' English element names shown under their Dutch names."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from crmlib import i18n  # noqa: E402
from crmlib.diagrams import draw_idic, draw_idol, draw_payne_frow, draw_value_chain  # noqa: E402
from crmlib.models.payne_frow.common import ELEMENTS, PROCESSES  # noqa: E402
from crmlib.models.value_chain.chain import PRIMARY_STAGES  # noqa: E402
from crmlib.models.value_chain.stages import CONDITIONS  # noqa: E402
from crmlib.stages import Stage  # noqa: E402


@pytest.fixture(autouse=True)
def dutch():
    i18n.activate(language="nl")
    yield
    i18n.activate()
    plt.close("all")


def shown(ax) -> str:
    return " ".join([t.get_text() for t in ax.texts] + [ax.get_title()]).replace("\n", " ")


def stages(names):
    return [Stage(name, ("12 klanten",)) for name in names]


def test_idic_phases_and_title_are_dutch():
    ax = draw_idic(stages(["Identify", "Differentiate", "Interact", "Customize"]))
    text = shown(ax)
    for name in (
        "Identificatie",
        "Differentiatie",
        "Interactie",
        "Personalisatie",
        "De IDIC-cyclus",
    ):
        assert name in text
    assert "Customize" not in text and "12 klanten" in text


def test_payne_frow_uses_medewerkersbetrokkenheid_not_personeelsbeheer():
    ax = draw_payne_frow(stages(PROCESSES.values()), stages(ELEMENTS.values()))
    text = shown(ax)
    for name in ("Strategie", "Multichannel", "Prestatiebeoordeling", "Medewerkersbetrokkenheid"):
        assert name in text
    assert "implementatie-elementen" in text and "personeelsbeheer" not in text.lower()


def test_value_chain_and_idol_speak_dutch():
    chain = shown(draw_value_chain(stages(PRIMARY_STAGES), stages(CONDITIONS.values())))
    assert "Klantenportefeuilleanalyse" in chain and "ondersteunende voorwaarden" in chain
    assert "Customer intimacy" in chain  # the loanword stays
    idol = shown(
        draw_idol(stages(["Identification", "Differentiation", "Orchestration", "Learning"]))
    )
    assert "Orkestratie" in idol and "Leren" in idol and "continu proces" in idol


def test_english_is_unchanged_without_a_language():
    i18n.activate()
    ax = draw_idic(stages(["Identify", "Differentiate", "Interact", "Customize"]))
    assert "Customize" in shown(ax) and "The IDIC cycle" in shown(ax)


def test_a_long_compound_shrinks_to_fit_its_box_and_a_short_name_keeps_its_size():
    from crmlib.diagrams.shapes import box, canvas

    ax = canvas(None, 10, 5)
    box(ax, 0, 0, 2.5, 2, "Klantenportefeuilleanalyse", title_size=10)
    box(ax, 5, 0, 2.5, 2, "Inkoop", title_size=10)
    long, short = ax.texts
    assert long.get_fontsize() < 10 and short.get_fontsize() == 10
    renderer = ax.figure.canvas.get_renderer()
    (left, _), (right, _) = ax.transData.transform([(0, 0), (2.5, 0)])
    assert long.get_window_extent(renderer).width <= (right - left) * 0.95
