"""Required-sector profiles: notations or labels from a text or CSV file, checked against the scheme."""

from __future__ import annotations

import pytest
from test_analysis_projection import five_organisations

from echos_graph.analysis.gaps import hub_gaps
from echos_graph.analysis.profile import load_profile
from echos_graph.analysis.projection import Network, Organisation
from echos_graph.errors import DataError


def test_load_profile_reads_notations_and_labels_with_comments(tmp_path) -> None:
    path = tmp_path / "profile.txt"
    path.write_text("# what a national hub needs\nGOV; hcp\nPatient and citizen organisations  # PAT\n\nGOV\n",
                    encoding="utf-8")
    assert load_profile(path) == ("GOV", "HCP", "PAT")


def test_load_profile_reads_the_sector_column_of_a_csv(tmp_path) -> None:
    path = tmp_path / "profile.csv"
    path.write_text("sector,why\nREG,approves trials\nINT,\"EU, WHO\"\n", encoding="utf-8")
    assert load_profile(path) == ("INT", "REG")


def test_load_profile_rejects_an_unknown_sector_with_its_line(tmp_path) -> None:
    path = tmp_path / "profile.txt"
    path.write_text("GOV\nHOSPITALS\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"profile.txt:2: 'HOSPITALS' is not a sector of the scheme.*ACA; FUN"):
        load_profile(path)


def test_load_profile_rejects_a_file_with_no_sector(tmp_path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(DataError, match="names no sector"):
        load_profile(path)


def test_load_profile_checks_against_a_given_scheme(tmp_path) -> None:
    path = tmp_path / "profile.txt"
    path.write_text("Patients\n", encoding="utf-8")
    assert load_profile(path, five_organisations().sectors) == ("PAT",)
    with pytest.raises(DataError, match="'Patients' is not a sector"):
        load_profile(path, {"GOV": "Government"})


def test_a_loaded_profile_drives_the_gap_report(tmp_path) -> None:
    path = tmp_path / "profile.txt"
    path.write_text("GOV\nRES\n", encoding="utf-8")
    net = Network({"a": Organisation("A", ("GOV",))}, sectors={"GOV": "Government", "RES": "Research"},
                  hubs=five_organisations().hubs)
    gap = hub_gaps(net, required=load_profile(path, net.sectors))[0]
    assert gap.sectors_missing == ("RES",)
