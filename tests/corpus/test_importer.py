"""Importing files and folders: the format is detected by content.

Only RIS, JSONL and the error paths are tested here; the API formats' parsers have their own tests.
"""
from __future__ import annotations

import gzip
import json
import shutil

import pytest

from corpus.importer import import_path
from tests.conftest import fixture_path
from corpus.errors import InputError

RIS_FILES = ["cochrane_central_SYNTHETIC.ris", "embase_SYNTHETIC.ris", "scopus_SYNTHETIC.ris",
             "wos_SYNTHETIC.ris"]


def test_directory_of_mixed_ris_and_jsonl(tmp_path):
    for name in RIS_FILES:
        shutil.copy(fixture_path("ris", name), tmp_path / name)
    (tmp_path / "mine.jsonl").write_text('{"id": "m1", "title": "Mine", "abstract": "A."}\n'
                                         '{"id": "m2", "title": "Mine 2", "abstract": "B."}\n', encoding="utf-8")
    (tmp_path / "export.txt").write_text('{"id": "e1", "title": "No extension hint"}\n{"id": "e2"}\n')
    (tmp_path / "single.json").write_text(json.dumps({"id": "s1", "title": "One line"}))
    (tmp_path / "zipped.ris.gz").write_bytes(gzip.compress(fixture_path("ris", "wos_SYNTHETIC.ris").read_bytes()))
    (tmp_path / "README.md").write_text("# notes, not records\n")
    (tmp_path / ".hidden").write_text("ignored")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deeper.jsonl").write_text('{"id": "deep"}\n')  # non-recursive

    hits, counts = import_path(tmp_path)
    assert counts == {str(tmp_path / "cochrane_central_SYNTHETIC.ris"): 2,
                      str(tmp_path / "embase_SYNTHETIC.ris"): 2, str(tmp_path / "export.txt"): 2, str(tmp_path / "mine.jsonl"): 2,
                      str(tmp_path / "scopus_SYNTHETIC.ris"): 2, str(tmp_path / "single.json"): 1,
                      str(tmp_path / "wos_SYNTHETIC.ris"): 2, str(tmp_path / "zipped.ris.gz"): 2}
    assert list(counts) == sorted(counts)
    assert len(hits) == sum(counts.values())
    assert {h.record.source for h in hits} == {"ris:CENTRAL", "ris:Embase", "ris:Scopus", "ris:Web of Science",
                                                "jsonl"}
    assert "deep" not in {h.record.source_id for h in hits}


def test_single_file_detected_by_content_not_extension(tmp_path):
    path = tmp_path / "download.txt"
    path.write_bytes(fixture_path("ris", "cochrane_central_SYNTHETIC.ris").read_bytes())  # BOM + CRLF
    hits, counts = import_path(str(path))
    assert [h.record.source for h in hits] == ["ris:CENTRAL", "ris:CENTRAL"] and counts == {str(path): 2}


def test_unknown_format_names_the_file_and_lists_formats(tmp_path):
    path = tmp_path / "refs.csv"
    path.write_text("title,year\nA,2019\n")
    with pytest.raises(InputError, match=r"refs\.csv: unsupported format.*PubMed XML.*Europe PMC.*ClinicalTrials.gov.*RIS.*JSONL"):
        import_path(path)


@pytest.mark.parametrize("name, content", [
    ("other.xml", "<?xml version='1.0'?>\n<!DOCTYPE x>\n<eSearchResult><Count>0</Count></eSearchResult>"),
    ("obj.json", '{"hello": "world"}'),
])
def test_unsupported_xml_and_json(tmp_path, name, content):
    (tmp_path / name).write_text(content)
    with pytest.raises(InputError, match=rf"{name}: unsupported format"):
        import_path(tmp_path / name)


def test_malformed_ris_is_an_input_error_naming_the_file(tmp_path):
    path = tmp_path / "cut.ris"
    path.write_text("TY  - JOUR\nTI  - truncated\n")
    with pytest.raises(InputError, match=r"cut\.ris line 2: the file ends inside the record"):
        import_path(path)


def test_empty_file_and_bad_gzip(tmp_path):
    (tmp_path / "empty.ris").write_text("\n")
    with pytest.raises(InputError, match=r"empty\.ris: the file is empty"):
        import_path(tmp_path / "empty.ris")
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(InputError, match=r"bad\.jsonl\.gz: is not a valid gzip file"):
        import_path(tmp_path / "bad.jsonl.gz")


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match=r"nowhere\.ris: no such file or directory"):
        import_path(tmp_path / "nowhere.ris")


def test_folder_without_importable_files(tmp_path):
    (tmp_path / "README.md").write_text("nothing")
    with pytest.raises(InputError, match="holds no file to import"):
        import_path(tmp_path)
