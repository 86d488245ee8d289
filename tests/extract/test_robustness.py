"""No input crashes the extractor: any Unicode, markup remnants, mojibake, huge text, broken XML.

Every result must be an Evidence whose prediction is strict JSON (no NaN), and a full text that
cannot be read, or that declares external entities, must neither crash the extractor nor be
expanded: the abstract is still extracted and the entity's file is never opened.
"""
from __future__ import annotations

import functools
import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.evidence import Evidence, ExtractionInput
from extract.pipeline import Extractor

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "extract" / "abstracts_dev.json"
RECORDS = json.loads(FIXTURE.read_text("utf-8"))
ABSTRACTS = [r["abstract"] for r in RECORDS]
SENTENCES = [s.strip() + "." for a in ABSTRACTS for s in a.split(". ") if s.strip()]

MARKUP = ["<sup>7</sup>", "10<sup>6</sup>", "<i>P</i>", "&lt;0.05", "&gt;", "&times;", "&plusmn;", "&#x2212;",
          "&amp;", "<sub>2</sub>", "</p>", "<br/>", "<!-- x -->", "<![CDATA[", "]]>"]
MOJIBAKE = ["40?×?106 cells", "Â±", "âˆ’1.6", "Ã—10", "â€“", "Î¼L", "\ufffd", "1 Ã— 10^6/kg",
            "5.1Â Â±Â 1.0", "\u200b", "\u00a0", "\u2009", "\x00", "\x0c", "\ufeff", "ﬁ", "𝟒𝟎 cells",
            "٤٠ patients", "\u202e"]
NUMBERS = ["2 × 107 cells/kg", "1 million/kg", "4×10(7)", "(P < 0.05)", "5.1 ± 1.0", "12 weeks", "3-6 months",
           "median (IQR) 4 (2-7)", "85%", "n = 64", "1e308", "9" * 400, "0.000000000001", "-0", "1/0", "∞"]


@functools.cache
def extractor() -> Extractor:
    return Extractor()


def check(evidence: object, record_id: str = "x") -> dict:
    assert isinstance(evidence, Evidence)
    assert evidence.id == record_id
    prediction = evidence.to_prediction()
    json.loads(json.dumps(prediction, allow_nan=False, ensure_ascii=False))
    return prediction


fragments = st.one_of(st.text(), st.sampled_from(MARKUP + MOJIBAKE + NUMBERS), st.sampled_from(SENTENCES))
texts = st.one_of(st.text(), st.lists(fragments, max_size=12).map(" ".join))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=texts, abstract=texts)
def test_any_text_gives_json_ready_evidence(title, abstract):
    check(extractor().extract(ExtractionInput(id="x", title=title, abstract=abstract)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(abstract=st.sampled_from(ABSTRACTS), noise=st.lists(st.sampled_from(MARKUP + MOJIBAKE), max_size=6),
       data=st.data())
def test_real_abstracts_with_markup_and_mojibake_spliced_in(abstract, noise, data):
    text = abstract
    for piece in noise:
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + piece + text[at:]
    check(extractor().extract(ExtractionInput(id="x", title="", abstract=text)))


@pytest.mark.parametrize("text", ["", " ", "\n\n\n", ".", "?" * 5000, "×" * 5000, "1 " * 5000])
def test_degenerate_texts(text):
    check(extractor().extract(ExtractionInput(id="x", title=text, abstract=text)))


def test_a_huge_abstract():
    text = " ".join(ABSTRACTS)
    huge = (text + "\n") * (200_000 // len(text) + 1)
    assert len(huge) >= 200_000
    check(extractor().extract(ExtractionInput(id="x", title=RECORDS[0]["title"], abstract=huge)))


def test_pipe_keeps_order_over_odd_inputs():
    inputs = [ExtractionInput(id=f"r{i}", title=t, abstract=t) for i, t in enumerate(["", *MOJIBAKE, *MARKUP])]
    out = list(extractor().pipe(inputs))
    assert [e.id for e in out] == [i.id for i in inputs]
    for e, i in zip(out, inputs):
        check(e, i.id)


FIELDS = ("include", "n_enrolled", "arms", "cell_source", "route", "doses", "timepoints_weeks", "outcomes")
JATS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<article xmlns:xlink="http://www.w3.org/1999/xlink">'
             '<front><article-meta><title-group><article-title>T</article-title></title-group></article-meta>'
             '</front><body><sec><title>Results</title><p>DAS28 fell from 5.1 (1.0) to 3.2 (0.9) at 12 weeks')
BROKEN_FULL_TEXTS = {
    "garbage": "this is not XML at all × ± \x00",
    "empty": "",
    "whitespace": "   \n ",
    "binary-ish": "\x89PNG\r\n\x1a\n" + "\x01" * 50,
    "truncated": JATS_HEAD,
    "unclosed-tag": JATS_HEAD + "</p></sec></body",
    "wrong-root": "<html><body><p>Not JATS</p></body></html>",
    "only-declaration": '<?xml version="1.0"?>',
    "mismatched": "<article><body><sec></body></article>",
}


@pytest.mark.parametrize("name", sorted(BROKEN_FULL_TEXTS))
def test_unreadable_full_text_is_ignored_and_the_abstract_still_extracted(name):
    record = RECORDS[0]
    plain = extractor().extract(ExtractionInput(id=record["id"], title=record["title"], abstract=record["abstract"]))
    with_xml = extractor().extract(ExtractionInput(id=record["id"], title=record["title"], abstract=record["abstract"],
                                                   full_text_xml=BROKEN_FULL_TEXTS[name]))
    a, b = check(plain, record["id"]), check(with_xml, record["id"])
    assert {k: b[k] for k in FIELDS} == {k: a[k] for k in FIELDS}


def entity_article(url: str, *, parameter: bool = False) -> str:
    """A JATS article whose DOCTYPE declares an external entity at `url`, used in a paragraph and a table."""
    if parameter:  # a parameter entity is fetched while the DTD is read, without being used in the body
        doctype, use = f'<!DOCTYPE article [<!ENTITY % ext SYSTEM "{url}"> %ext;]>', ""
    else:
        doctype, use = f'<!DOCTYPE article [<!ENTITY xxe SYSTEM "{url}">]>', "&xxe;"
    return ('<?xml version="1.0"?>\n' + doctype + '<article><front><article-meta><title-group><article-title>'
            'Entity</article-title></title-group></article-meta></front><body><sec><title>Results</title>'
            f'<p>DAS28 at 12 weeks {use}</p><table-wrap><label>Table 1</label><table><tr><td>{use}</td></tr>'
            '</table></table-wrap></sec></body></article>')


@pytest.mark.parametrize("parameter", [False, True], ids=["general-entity", "parameter-entity"])
def test_external_entities_are_never_read(tmp_path, parameter):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET 4 × 10^7 cells/kg at 12 weeks")
    xml = entity_article(secret.as_uri(), parameter=parameter)
    evidence = extractor().extract(ExtractionInput(id="x", title="T", abstract=RECORDS[0]["abstract"],
                                                   full_text_xml=xml))
    assert "TOPSECRET" not in json.dumps(check(evidence), ensure_ascii=False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs a named pipe")
@pytest.mark.parametrize("parameter", [False, True], ids=["general-entity", "parameter-entity"])
def test_external_entity_file_is_never_opened(tmp_path, parameter):
    # Opening a named pipe for reading blocks until a writer comes: if the parser opened the
    # entity's file, the extraction would still be waiting when we look.
    pipe = tmp_path / "entity.fifo"
    os.mkfifo(pipe)
    xml = entity_article(pipe.as_uri(), parameter=parameter)
    result: dict[str, object] = {}

    def work() -> None:
        try:
            result["evidence"] = extractor().extract(ExtractionInput(id="x", title="T", abstract="12 weeks",
                                                                     full_text_xml=xml))
        except BaseException as exc:  # reported below
            result["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout=60)
    if thread.is_alive():
        fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)  # release the reader, then fail
        os.write(fd, b"LEAKED")
        os.close(fd)
        thread.join(timeout=10)
        pytest.fail("the extractor opened the external entity's file")
    assert "error" not in result, result.get("error")
    check(result["evidence"])


def test_entity_expansion_bomb_is_not_expanded():
    lol = ('<?xml version="1.0"?><!DOCTYPE article [<!ENTITY a "lollollollollollollollollollol">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
           + ']><article><body><sec><title>Results</title><p>&i;</p></sec></body></article>')
    check(extractor().extract(ExtractionInput(id="x", title="T", abstract="", full_text_xml=lol)))
