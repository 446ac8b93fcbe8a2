"""What a worker does with a client's check: the checked tables it keeps for the kernels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from crmlib.batch.jobs import check_client
from crmlib.data.checked import offered_to_kernels, read_checked
from crmlib.data.company import load_company


def test_a_check_keeps_the_tables_it_checked_for_the_clients_kernels(sample_dir, tmp_path):
    folder = tmp_path / "kept" / "client"
    assert check_client(str(sample_dir), None, str(folder)) is None
    with offered_to_kernels(folder):
        handed = read_checked(str(sample_dir))
    assert handed is not None
    company = load_company(sample_dir)
    assert set(handed.tables) == set(company.tables)
    for name, frame in company.tables.items():
        pd.testing.assert_frame_equal(handed.tables[name], frame)


def test_a_check_without_room_for_the_tables_passes_with_a_note(sample_dir, tmp_path, capsys):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert check_client(str(sample_dir), None, str(blocked / "client")) is None
    note = capsys.readouterr().err
    assert note.startswith(f"note: the checked tables of {sample_dir} could not be kept in ")
    assert note.rstrip().endswith("its notebooks read the data themselves")


def test_a_check_that_fails_keeps_nothing(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "customers.csv").write_text("customer_id\nC1\n", encoding="utf-8")
    folder = tmp_path / "kept"
    error = check_client(str(data), None, str(folder))
    assert error is not None and "transactions" in error
    assert not Path(folder).exists()
