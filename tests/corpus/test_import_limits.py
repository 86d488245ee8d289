"""Hostile and huge input files: size limits, streaming, surrogates, deep nesting, truncated gzip (issue 13)."""
from __future__ import annotations

import gzip
import json
import resource

import pytest

from corpus.errors import InputError
from corpus.harvest import import_files
from corpus.importer import ImportLimits, import_path, iter_path
from corpus.store import Store
from tests.conftest import fixture_path

RIS_RECORD = ("TY  - JOUR\nTI  - Mesenchymal stem cells for rheumatoid arthritis number {i}\nAU  - Author{i}, A\n"
              "PY  - 2020\nAB  - {abstract}\nER  - \n\n")


def ris(n: int, abstract: str = "Ten patients received cells.") -> str:
    return "".join(RIS_RECORD.format(i=i, abstract=abstract) for i in range(n))


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_a_gzip_bomb_is_read_only_as_far_as_its_first_block(tmp_path):
    path = tmp_path / "refs.ris.gz"
    path.write_bytes(gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9))  # 200 MB in 200 KB
    before = _peak_kb()
    with pytest.raises(InputError, match=r"refs\.ris\.gz: unsupported format"):
        import_path(path)
    assert _peak_kb() - before < 50 * 1024


def test_an_unpacked_file_over_the_limit_is_an_error_naming_the_limit(tmp_path):
    path = tmp_path / "big.ris.gz"
    path.write_bytes(gzip.compress(ris(20000).encode()))  # about 3 MB unpacked
    with pytest.raises(InputError, match=r"big\.ris\.gz: the unpacked file is larger than the import limit of 1 MB "
                                         r"\(max_file_mb\)\. If the file is right, raise max_file_mb in review\.toml"):
        import_path(path, ImportLimits(max_file_bytes=1024 * 1024))


def test_a_file_over_the_limit_is_not_read(tmp_path):
    path = tmp_path / "big.ris"
    path.write_text(ris(100))
    with pytest.raises(InputError, match=r"big\.ris: the file is larger than the import limit of 1000 bytes"):
        import_path(path, ImportLimits(max_file_bytes=1000))


def test_a_record_over_the_limit_names_its_line(tmp_path):
    path = tmp_path / "one.ris"
    path.write_text(ris(2) + ris(1, abstract="x" * 300_000))
    with pytest.raises(InputError, match=r"one\.ris line 19: .*longer than the limit of 100000 characters for "
                                         r"one record \(max_record_mb\)"):
        import_path(path, ImportLimits(max_record_bytes=100_000))


def test_a_jsonl_line_over_the_limit(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a"}\n' + json.dumps({"id": "b", "abstract": "y" * 200_000}) + "\n")
    with pytest.raises(InputError, match=r"x\.jsonl line 2: the line is longer than the limit of 100000"):
        import_path(path, ImportLimits(max_record_bytes=100_000))


def test_a_json_document_over_the_limit(tmp_path):
    path = tmp_path / "ctgov.json"
    path.write_bytes(fixture_path("ctgov", "study_NCT02210780_with_results.json").read_bytes())
    with pytest.raises(InputError, match=r"ctgov\.json: the JSON document \(read whole\) is larger than the import "
                                         r"limit of 50000 bytes \(max_document_mb\)"):
        import_path(path, ImportLimits(max_document_bytes=50_000))


def test_the_records_of_one_import_are_capped(tmp_path):
    (tmp_path / "a.ris").write_text(ris(3))
    with pytest.raises(InputError, match=r"a\.ris: the import holds more than 2 records, the import limit "
                                         r"\(max_records\)"):
        import_path(tmp_path, ImportLimits(max_records=2))


def test_limits_from_megabytes():
    limits = ImportLimits.from_mb(max_file_mb=10, max_record_mb=0.5)
    assert (limits.max_file_bytes, limits.max_record_bytes) == (10 * 1024 * 1024, 512 * 1024)
    assert limits.max_document_bytes == ImportLimits().max_document_bytes


def test_a_large_import_streams_into_the_store(tmp_path):
    path = tmp_path / "big.ris"
    path.write_text(ris(3000, abstract="A long abstract of a trial. " * 40))  # about 3.5 MB
    iterator = iter_path(path)
    first_file, first = next(iterator)
    assert first_file == path and first.record.source_id.startswith("ris:")  # read as it goes, not all at once
    with Store(tmp_path / "review.sqlite") as store:
        summary, per_file = import_files(store, str(path), batch_size=500)
        assert (summary.new, per_file) == (3000, {str(path): 3000})


def test_a_truncated_gzip_keeps_what_was_read_and_says_so(tmp_path):
    data = gzip.compress(ris(2000).encode())
    path = tmp_path / "cut.ris.gz"
    path.write_bytes(data[: len(data) * 3 // 4])
    with pytest.raises(InputError, match=r"cut\.ris\.gz: is not a valid gzip file"):
        import_path(path)
    with Store(tmp_path / "review.sqlite") as store:
        with pytest.raises(InputError, match=r"cut\.ris\.gz: is not a valid gzip file .*\(The \d+ records read "
                                             r"before it are stored; import the file again once it is fixed"):
            import_files(store, str(path), batch_size=100)
        stored = store.counts()["records"]
        assert stored > 1000
        path.write_bytes(data)  # the whole download
        summary, _ = import_files(store, str(path))
        assert (summary.unchanged, summary.new) == (stored, 2000 - stored)


def test_a_lone_surrogate_in_a_jsonl_file_is_kept_as_a_replacement_character(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "a", "title": "MSC \\ud83d for RA", "abstract": "ok \\ud83d\\ude00"}\n', encoding="ascii")
    with Store(tmp_path / "review.sqlite") as store:
        import_files(store, str(path))
        import_files(store, str(path))  # a rerun meets no wall
        record = store.get("a").record
    assert record.title == "MSC \ufffd for RA" and record.abstract == "ok 😀"


def test_bytes_that_are_not_utf8_name_the_line(tmp_path):
    path = tmp_path / "x.ris"
    path.write_bytes(ris(1).encode() + b"TY  - JOUR\nTI  - bad \xed\xa0\xbd bytes\nER  - \n")
    with pytest.raises(InputError, match=r"x\.ris line \d+: is not UTF-8 text .*Save the file as UTF-8"):
        import_path(path)


@pytest.mark.parametrize("name, text", [("deep.json", "[" * 100_000 + "]" * 100_000),
                                        ("deep.jsonl", '{"id": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n")])
def test_deeply_nested_json_is_a_one_line_error(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    with pytest.raises(InputError, match="nested more deeply than can be read"):
        import_path(tmp_path / name)


def test_a_record_of_many_short_lines_over_the_limit(tmp_path):
    path = tmp_path / "many.ris"
    path.write_text("TY  - JOUR\nTI  - T\n" + "KW  - keyword\n" * 20_000 + "ER  - \n")
    with pytest.raises(InputError, match=r"many\.ris line \d+: the record that started on line 1 is longer than the "
                                         r"limit of 100000 characters for one record \(max_record_mb\)"):
        import_path(path, ImportLimits(max_record_bytes=100_000))


def test_a_europe_pmc_response_with_a_lone_surrogate_is_stored_and_a_rerun_goes_on(tmp_path):
    from corpus.europepmc import EuropePmcSource
    from corpus.harvest import harvest_source
    from corpus.http import HttpClient
    from tests.fakeapi import FakeApis, FakeData

    result = {"id": "1", "source": "MED", "pmid": "1", "title": "MSC \\ud83d", "abstractText": "Cells \\ud83d.",
              "pubYear": "2020", "firstIndexDate": "2020-01-01"}
    body = '{"hitCount": 1, "resultList": {"result": [{%s}]}}' % ", ".join(
        f'"{k}": "{v}"' for k, v in result.items())
    with FakeApis(FakeData()) as api, Store(tmp_path / "review.sqlite") as store:
        for _ in range(2):
            api.faults["epmc_search"].append(("body", body))
            source = EuropePmcSource(HttpClient(min_interval=0, max_retries=0), base=api.url("europepmc"),
                                     fetch_fulltext=False)
            harvest_source(store, source, "msc")
        assert store.get("1").record.abstract == "Cells \ufffd."


def test_a_deeply_nested_response_is_a_one_line_harvest_error():
    from corpus.errors import HarvestError
    from corpus.europepmc import EuropePmcSource
    from corpus.http import HttpClient
    from corpus.source import Known
    from tests.fakeapi import FakeApis, FakeData

    with FakeApis(FakeData()) as api:
        api.faults["epmc_search"].append(("body", "[" * 100_000 + "]" * 100_000))
        source = EuropePmcSource(HttpClient(min_interval=0, max_retries=0), base=api.url("europepmc"))
        with pytest.raises(HarvestError, match="malformed response .*nested more deeply than can be read"):
            list(source.harvest("msc", None, Known()))
