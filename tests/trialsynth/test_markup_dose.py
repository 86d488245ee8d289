"""A dose written with markup (2 × 10<sup>7</sup>) reaches the store as 10^7 and the extractor reads
it as 2 × 10^7 cells, not as a lost superscript ("2 × 107") to guess at. Records are FICTITIOUS."""
from __future__ import annotations

import json

from trialsynth.cli import main

ABSTRACT = ("Sixty-four patients with rheumatoid arthritis received umbilical cord mesenchymal stem cells "
            "(2 × 10<sup>7</sup> cells in 20 mL) intravenously. DAS28 decreased at 12 weeks (P &lt; 0.05).")
PUBMED = f"""<?xml version="1.0"?>
<PubmedArticleSet><PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">90000001</PMID>
<Article PubModel="Print"><Journal><JournalIssue><PubDate><Year>2024</Year></PubDate></JournalIssue>
<Title>Fictitious Journal</Title></Journal>
<ArticleTitle>FICTITIOUS: umbilical cord MSC for rheumatoid arthritis</ArticleTitle>
<Abstract><AbstractText>{ABSTRACT}</AbstractText></Abstract>
<AuthorList><Author><LastName>Fictitious</LastName><Initials>A</Initials></Author></AuthorList>
<PublicationTypeList><PublicationType>Clinical Trial</PublicationType></PublicationTypeList>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
"""
EUROPEPMC = {"hitCount": 1, "resultList": {"result": [{
    "id": "90000002", "source": "MED", "pmid": "90000002", "pubYear": "2024",
    "title": "FICTITIOUS: MSC infusion in rheumatoid arthritis", "authorString": "Fictitious B.",
    "abstractText": ABSTRACT.replace("<sup>", "<sup>").replace("Sixty-four", "<i>Sixty-four</i>"),
    "pubTypeList": {"pubType": ["Clinical Trial"]}}]}}


def _dose_of(root, capsys, rid):
    capsys.readouterr()
    assert main(["records", "--review", str(root), "--format", "jsonl"]) == 0
    records = {json.loads(line)["ids"]["pmid"]: json.loads(line) for line in capsys.readouterr().out.splitlines()}
    assert "2 × 10^7 cells in 20 mL" in records[rid]["abstract"], records[rid]["abstract"]
    return records[rid]


def test_pubmed_and_europepmc_markup_keeps_the_exponent_and_the_dose_is_read(tmp_path, capsys):
    root = tmp_path / "rev"
    assert main(["init", str(root)]) == 0
    (tmp_path / "pubmed.xml").write_text(PUBMED, encoding="utf-8")
    (tmp_path / "epmc.json").write_text(json.dumps(EUROPEPMC), encoding="utf-8")
    for name in ("pubmed.xml", "epmc.json"):
        assert main(["harvest", "--review", str(root), "--from", str(tmp_path / name)]) == 0, capsys.readouterr().err
    for pmid in ("90000001", "90000002"):
        _dose_of(root, capsys, pmid)
    assert main(["extract", "--review", str(root)]) == 0
    capsys.readouterr()
    assert main(["export", "--review", str(root), "--format", "json", "-o", str(tmp_path / "review.json")]) == 0
    data = json.loads((tmp_path / "review.json").read_text("utf-8"))
    text = json.dumps(data)
    assert text.count('"doses_uncertain": true') == 0
    doses = {s["pmid"]: [d["value"] for d in s["evidence"]["doses"]] for s in data["studies"]}
    assert doses == {"90000001": [2e7], "90000002": [2e7]}, doses
