"""Loading and checking the instrument YAML files."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from crmlib.errors import CrmlibError, InstrumentError
from crmlib.instruments import (
    instruments_dir,
    list_instruments,
    load_instrument,
    parse_instrument,
)

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ("idol_practices", "payne_frow_readiness", "qci", "value_chain_conditions")

VALID = textwrap.dedent(
    """\
    id: mini
    title: Mini instrument
    model: Test model
    source: A published source
    guidance: Score what happens.
    scale:
      - {value: 1, label: Low, meaning: Absent.}
      - {value: 2, label: Mid, meaning: Partly.}
      - {value: 3, label: High, meaning: Everywhere.}
    areas:
      - id: first_area
        title: First area
        items:
          - id: alpha
            text: A practice that can be observed.
            guidance: Ask for evidence.
          - id: beta
            text: Another practice.
            guidance: Ask again.
    """
)


def test_the_four_instruments_load_and_list() -> None:
    listing = list_instruments()
    assert listing["id"].tolist() == list(SHIPPED)
    assert instruments_dir() == ROOT / "data" / "instruments"
    for instrument_id in SHIPPED:
        instrument = load_instrument(instrument_id)
        assert instrument.id == instrument_id
        assert instrument.path == ROOT / "data" / "instruments" / f"{instrument_id}.yaml"
        assert all(item.text and item.guidance for item in instrument.items)


def test_qci_follows_the_scorecard() -> None:
    qci = load_instrument("qci")
    assert [area.title for area in qci.areas] == [
        "Analysis & planning",
        "Proposition",
        "People & organisation",
        "Information & technology",
        "Process management",
        "Customer management activities",
        "Customer experience",
        "Measuring the effect",
    ]
    assert qci.dimension_ids == ("intention", "reality")
    assert qci.main_dimension == "reality"
    assert {b.id: b.percent for b in qci.benchmarks} == {"worst": 17, "average": 35, "best": 67}
    activities = {item.tags["activity"] for item in qci.area("cm_activities").items}
    assert activities == {"acquisition", "retention", "penetration", "efficiency"}


def test_readiness_has_five_maturity_levels_and_barriers_with_severity() -> None:
    readiness = load_instrument("payne_frow_readiness")
    maturity = readiness.item("maturity_level")
    assert maturity.type == "maturity"
    assert [level.title for level in maturity.levels] == [
        "Pre-CRM planning",
        "Building a data repository",
        "Moderately developed",
        "Well developed",
        "Highly advanced",
    ]
    assert all(level.markers for level in maturity.levels)
    barriers = readiness.area("barriers").items
    assert barriers and all(b.type == "check" and not b.desirable and b.severity for b in barriers)
    for area_id in ("change_management", "project_management", "employee_engagement"):
        assert all(i.type == "check" and i.desirable for i in readiness.area(area_id).items)
    assert len(readiness.area("five_processes").items) == 5


def test_value_chain_covers_the_supporting_conditions_and_the_network() -> None:
    chain = load_instrument("value_chain_conditions")
    assert [area.id for area in chain.areas] == [
        "leadership_culture",
        "procurement",
        "hr_management",
        "it_data_management",
        "organisation_design",
        "network_alignment",
    ]
    parties = [item.tags["party"] for item in chain.area("network_alignment").items]
    assert parties == ["partners", "suppliers", "customer_service", "investors", "employees"]


def test_idol_items_are_orchestration_or_learning() -> None:
    idol = load_instrument("idol_practices")
    elements = {item.tags["element"] for item in idol.items}
    assert elements == {"orchestration", "learning"}
    assert "op_central_mail" in idol.item_ids and "le_test_and_learn" in idol.item_ids


def test_valid_text_parses() -> None:
    instrument = parse_instrument(VALID, source="mini.yaml")
    assert instrument.item_ids == ("alpha", "beta")
    assert (instrument.scale_min, instrument.scale_max) == (1, 3)
    assert instrument.dimension_ids == ("score",)


def _broken(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


BROKEN = {
    "duplicate item id": (
        _broken("id: beta", "id: alpha"),
        "broken.yaml, item 'alpha': the item id is used twice (areas 'first_area' and "
        "'first_area'). Fix: give every item its own id",
    ),
    "duplicate key": (
        _broken("title: Mini instrument\n", "title: Mini instrument\ntitle: Again\n"),
        "broken.yaml, line 3: the key 'title' appears twice at the top level (lines 2 and 3). "
        "Fix: keep only one of them",
    ),
    "missing required key": (
        _broken("source: A published source\n", ""),
        "broken.yaml: missing required key 'source'. Fix: add source: to the instrument",
    ),
    "misspelt required key": (
        _broken("guidance: Ask again.", "guidence: Ask again."),
        "broken.yaml, item 'beta': missing required key 'guidance'. Fix: add guidance: to the item",
    ),
    "misspelt optional key": (
        _broken("        guidance: Ask again.", "        guidance: Ask again.\n        tagz: {}"),
        "broken.yaml, item 'beta': unknown key 'tagz'. Fix: did you mean 'tags'? the item's "
        "keys are id, text, guidance, type, tags, desirable, severity, levels",
    ),
    "area without items": (
        VALID.split("    items:")[0] + "    items: []\n",
        "broken.yaml, area 'first_area': the area has no items. Fix: list at least one item "
        "under items:, or remove the area",
    ),
    "scale with a gap": (
        _broken("{value: 3,", "{value: 4,"),
        "broken.yaml: the scale values [1, 2, 4] are not consecutive whole numbers in rising "
        "order. Fix: number the scale points [1, 2, 3]",
    ),
    "scale of one point": (
        _broken(
            "  - {value: 2, label: Mid, meaning: Partly.}\n"
            "  - {value: 3, label: High, meaning: Everywhere.}\n",
            "",
        ),
        "broken.yaml: the scale has only one point. Fix: give at least two points",
    ),
    "scale point without meaning": (
        _broken("{value: 2, label: Mid, meaning: Partly.}", "{value: 2, label: Mid}"),
        "broken.yaml, scale point 2: missing required key 'meaning'. Fix: add meaning: to the "
        "scale point",
    ),
    "bad item id": (
        _broken("id: beta", "id: Beta Two"),
        "broken.yaml, item 'Beta Two': item id 'Beta Two' is not a valid id. Fix: use "
        "lower-case letters, digits and underscores, starting with a letter (e.g. "
        "value_segments)",
    ),
    "unknown item type": (
        _broken("      - id: beta\n", "      - id: beta\n        type: slider\n"),
        "broken.yaml, item 'beta': unknown type 'slider'. Fix: use one of scale, check, maturity",
    ),
    "undeclared tag": (
        _broken("guidance: Ask again.", "guidance: Ask again.\n        tags: {party: x}"),
        "broken.yaml, item 'beta': unknown tag 'party'. Fix: declare it under the top-level "
        "tags:, or remove it",
    ),
    "severity without a severity scale": (
        _broken(
            "      - id: beta\n",
            "      - id: beta\n        type: check\n        severity: yes\n",
        ),
        "broken.yaml, item 'beta': severity is asked but the instrument has no severity scale. "
        "Fix: add a top-level severity_scale: list of points, or set severity: no",
    ),
    "maturity levels out of order": (
        _broken(
            "      - id: beta\n",
            "      - id: beta\n        type: maturity\n        levels:\n"
            "          - {level: 1, title: A, description: a, markers: [m]}\n"
            "          - {level: 3, title: B, description: b, markers: [m]}\n",
        ),
        "broken.yaml, item 'beta': the maturity levels are numbered [1, 3]. Fix: number them "
        "[1, 2]",
    ),
    "check item in a two-dimension instrument": (
        _broken(
            "areas:\n",
            "dimensions:\n  - {id: intention, label: Intention}\n"
            "  - {id: reality, label: Reality}\nareas:\n",
        ).replace("      - id: beta\n", "      - id: beta\n        type: check\n"),
        "broken.yaml, item 'beta': a check item in an instrument with several dimensions. "
        "Fix: use scale items only, or drop the dimensions",
    ),
    "benchmark above 100": (
        _broken("areas:\n", "benchmarks:\n  - {id: best, label: Best, percent: 167}\nareas:\n"),
        "broken.yaml, benchmark 1: percent 167 is not between 0 and 100. Fix: give the "
        "benchmark as a percentage of the maximum, 0 to 100",
    ),
    "not yaml": (
        "id: mini\ntitle: [unclosed\n",
        "broken.yaml, line 3: not valid YAML (expected ',' or ']', but got '<stream end>'). "
        "Fix: check the indentation and quoting on that line",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_instruments_are_refused_with_a_pinned_message(case: str) -> None:
    text, message = BROKEN[case]
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(text, source="broken.yaml")
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, CrmlibError)


def test_file_name_must_match_the_id(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(VALID, encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"the id 'mini' differs from the file name 'other'"):
        load_instrument(path)


def test_unknown_id_suggests_the_close_one() -> None:
    with pytest.raises(InstrumentError, match=r"no instrument 'qcu'. Fix: did you mean 'qci'\?"):
        load_instrument("qcu")


def test_environment_variable_points_at_another_folder(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "mini.yaml").write_text(VALID, encoding="utf-8")
    monkeypatch.setenv("CRM_WORKBOOK_INSTRUMENTS", str(tmp_path))
    assert instruments_dir() == tmp_path
    assert list_instruments()["id"].tolist() == ["mini"]
    assert load_instrument("mini").title == "Mini instrument"


def test_environment_variable_to_a_missing_folder_is_an_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CRM_WORKBOOK_INSTRUMENTS", str(tmp_path / "nowhere"))
    with pytest.raises(InstrumentError, match="no such folder"):
        instruments_dir()


def test_a_copied_folder_with_one_broken_file_names_that_file(tmp_path, monkeypatch) -> None:
    for instrument_id in SHIPPED:
        shutil.copy(ROOT / "data" / "instruments" / f"{instrument_id}.yaml", tmp_path)
    broken = tmp_path / "qci.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("id: pr_tested", "id: pr_segment_offer"),
        encoding="utf-8",
    )
    monkeypatch.setenv("CRM_WORKBOOK_INSTRUMENTS", str(tmp_path))
    with pytest.raises(InstrumentError) as caught:
        list_instruments()
    assert str(caught.value).startswith(f"{broken}, item 'pr_segment_offer': the item id is used")
