"""Faster paths of the extractor give what the plain patterns give (the speed pass keeps every output)."""
from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import between, measure_spans, outcomes, passages, pipeline, sentence_values
from extract.fastre import has_fast_start


def _texts(pieces: list[str], size: int = 12) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


def _spaced(pieces: list[str], size: int = 12) -> st.SearchStrategy[str]:
    """Pieces joined mostly by a space (phrases of several words match more often)."""
    gaps = st.sampled_from([" ", " ", " ", "", "  ", "\n"])
    return st.lists(st.tuples(st.sampled_from(pieces), gaps), max_size=size).map(
        lambda parts: "".join(p + g for p, g in parts))


THRESHOLD_PIECES = [
    "at least", "at  least", "of at least", "≥", ">=", ">", "<", "≤", "=<", "more than", "less than", "greater than",
    "over", "above", "below", "up to", "minimum of", "maximum of", "scale of", "aged", "age", "ages", "age of", "n",
    "N", "=", ":", " ", "\n", "\t", "\u00a0", "t", "df", "F", "z", "U", "H", "r", "rho", "SE", "SEM", "χ2", "chi2", "X2",
    "W", "Q", "I2", "tau2", "kappa", "κ", "Κ", "ϰ", "χ^2", "(", ")", "1", "2,3", ".", "x", "_", "mover", "AT LEAST",
    "ſe", "İ2", "ı2", "OVER", "é"]


@settings(max_examples=3000, deadline=None)
@given(_texts(THRESHOLD_PIECES))
def test_reversed_threshold_and_age_patterns_agree_with_the_plain_ones(before: str) -> None:
    plain = bool(sentence_values._THRESHOLD_BEFORE.search(before) or sentence_values._AGE_BEFORE.search(before))
    assert sentence_values._threshold_or_age_before(before) == plain


RESULT_PIECES = ["odds ratio", "Odds  Ratio", "hazard\nratio", "risk ratio", "aOR", "OR", "or", "HR", "RR", "MD", "SMD",
                 "ES", "eſ", "ſmd", "effect size", "EFFECT SIZE", "η", "Η", "eta", "beta", "meta", " ", "-", "x", "1", "_",
                 "(", "s", "e", "a", "é"]


@settings(max_examples=3000, deadline=None)
@given(_texts(RESULT_PIECES))
def test_result_value_words_fast_form_agrees(text: str) -> None:
    assert (outcomes._RESULT_VALUE_WORDS_FAST.search(text) is None) == (outcomes.RESULT_VALUE_WORDS.search(text) is None)
    assert has_fast_start(outcomes._RESULT_VALUE_WORDS_FAST)


CORRELATION_PIECES = ["correlated with", "Correlation between", "predicted", "PREDICTS", "predıct", "predİct", " ", "x",
                      "c", "p", "orrelat", "redict", "CORRELAT"]


@settings(max_examples=2000, deadline=None)
@given(_texts(CORRELATION_PIECES))
def test_every_correlation_match_holds_the_gate_words(text: str) -> None:
    if outcomes.CORRELATION_BEFORE.search(text):
        assert outcomes._CORRELATION_WORDS.search(text)


COORD_PIECES = [",", ";", " ", "  ", "\n", "\u00a0", "and", "or", "as well as", "as  well as", "an", "a", "x", "(", "1",
                "AND", "ands", "well"]


@settings(max_examples=3000, deadline=None)
@given(_texts(COORD_PIECES, 6), st.integers(0, 3), st.integers(0, 3))
def test_coordination_prefilter_agrees(gap: str, before: int, after: int) -> None:
    text = "x" * before + gap + "y" * after
    expected = measure_spans._COORDINATION.fullmatch(text, before, before + len(gap)) is not None
    assert measure_spans._coordinated(text, before, before + len(gap)) == expected


def test_every_category_match_holds_most() -> None:
    for text in ("the most common ", "The MOſT frequently reported ", "most prevalent "):
        assert measure_spans._CATEGORY.search(text) and measure_spans._MOST.search(text)


NAME_PIECES = ["placebo", "Placebo", "PLACEBO", "MSC group", "msc  group", "control", "_", "x", "1", " ", ".", "-", "(",
               "é", "İ", "ſ"]
NAMES = st.lists(st.sampled_from(["placebo", "MSC group", "control", "MSC", "group", "é group", "ſham", "İx"]),
                 min_size=1, max_size=4).map(tuple)


@settings(max_examples=3000, deadline=None)
@given(NAMES, _texts(NAME_PIECES))
def test_arm_name_spans_agree_with_the_names_pattern(names: tuple[str, ...], text: str) -> None:
    expected = [m.span() for m in sentence_values._arm_names_re(names).finditer(text)]
    assert sentence_values._arm_name_spans(names, text) == expected


@given(st.sampled_from([5.0, 50.0, 2.5, -3.0, 1e6, 0.25, 10.0]),
       st.sampled_from(["tofacitinib 5 mg BID", "50 mg", "2.5 mg", "235 mg", "-3 dose", "1e+06 cells", "x10", "0.25"]))
def test_a_dose_value_in_an_arm_name(value: float, name: str) -> None:
    assert pipeline._names_value(name, value) == bool(re.search(rf"(?<![\d.]){value:g}(?![\d.])", name))


def test_word_before_agrees_with_its_pattern_over_all_of_unicode() -> None:
    # `\w` is str.isalnum() or "_" for every code point: the walk back tests exactly that
    word = re.compile(r"\w")
    assert all(bool(word.match(ch)) == (ch.isalnum() or ch == "_") for ch in map(chr, range(sys.maxunicode + 1)))


WORD_PIECES = ["vs", "e.g", ".", "al", " ", "x", "_", "1", "é", "İ", "ſ", "\u00a0", ")", "-", "Fig", "²", "٣"]


@settings(max_examples=3000, deadline=None)
@given(_texts(WORD_PIECES), st.integers(0, 40))
def test_word_before_agrees_with_the_plain_pattern(chunk: str, end: int) -> None:
    end = min(end, len(chunk))
    m = passages._WORD_BEFORE.search(chunk, 0, end)
    assert passages._word_before(chunk, end) == (m.group(1) if m else "")


COMPARISON_PIECES = ["P < 0.05", "p=.03", "NS", "95% CI 0.6 to 1.1", "significantly", "not significant", "similar",
                     " than ", " compared with ", " versus ", " vs. ", "between the groups", " differed ",
                     "from baseline", "within each group", "pain", " ", "x", "1", "ſignificantly", "VERSUS"]


@settings(max_examples=2000, deadline=None)
@given(_texts(COMPARISON_PIECES))
def test_is_comparison_in_its_cheap_order_agrees_with_the_plain_one(text: str) -> None:
    from extract.comparison_cues import normalise
    from extract.passages import Passage

    norm = normalise(text)
    plain = between._has_result(norm) and between._BETWEEN.search(norm) is not None and any(
        not between._WITHIN_ONLY.search(norm, max(0, m.start() - 5), m.end() + 15)
        for m in between._BETWEEN.finditer(norm))
    passage = Passage(0, "sentence", "abstract", text, 0, len(text), "abstract")
    assert between.is_comparison(passage) == plain


def test_the_registered_tokenizer_gives_what_the_replaced_english_one_gave() -> None:
    # the plain form: the English pipeline built whole, then its tokenizer replaced
    import spacy

    from extract.nlp import MATCHES_KEY, TOKENS_KEY, RuleTokenizer, VocabularyMatcher, get_nlp

    plain = spacy.blank("en")
    plain.tokenizer = RuleTokenizer(plain.vocab)
    plain_matcher = VocabularyMatcher(plain)
    texts = ["The DAS28 fell (P < 0.05) in the MSC group vs. placebo.\nIL‐6 and TNF-α didn't change.",
             "Bone-marrow derived MSCs (1 × 10^6 cells/kg) were given i.v. to 20 patients with RA; e.g. HAQ-DI.",
             "ÉTUDE: İL-6, ſerum CRP and the ACR20 response at week 24 (n = 12) in mice."]
    for text in texts:
        fast, slow = get_nlp()(text), plain_matcher(plain.tokenizer(text))
        assert [(t.text, t.idx, t.is_sent_start, t.lower_, t.like_num, t.is_punct) for t in fast] == \
            [(t.text, t.idx, t.is_sent_start, t.lower_, t.like_num, t.is_punct) for t in slow]
        assert fast.user_data[TOKENS_KEY] == slow.user_data[TOKENS_KEY]
        assert fast.user_data[MATCHES_KEY] == slow.user_data[MATCHES_KEY]


BETWEEN_PIECES = ["than", "THAN", "tHan", "compared with", "In Comparison To", "versus", "verſus", "VS.", "vſ", "relative to",
                  "between the two groups", "betweEn-group", "dıffered", "dİffer", "over placebo", "agaınst", " ", "-",
                  "x", "\u0307", "K", "é", "th", "an", "vs", "differ"]


@settings(max_examples=3000, deadline=None)
@given(_spaced(BETWEEN_PIECES))
def test_every_between_match_passes_its_substring_gate(text: str) -> None:
    if between._BETWEEN.search(text):
        assert between._may_compare(text)


METHODS_PIECES = ["were", "was", "be", "to", "assessed", "evaluated", "measured", "assess", "according", "primary",
                  "secondary", "end point", "endpoints", "outcomes", "aim", "aimed", "objective", "objectives", "WERE",
                  "Aim", "ſecondary", "İ", " ", "  ", "\n", "x", "-", "_", "1", "é"]
_METHODS_CUE_PLAIN = re.compile(
    r"\b(?:were|was|be)\s+(?:evaluated|assessed|measured|recorded|used|collected|determined|monitored)\b"
    r"|\bto\s+(?:assess|evaluate|determine|investigate|explore|examine|measure)\b|\baccording\s+to\b"
    r"|\b(?:primary|secondary)\s+(?:end\s?points?|outcomes?)\b|\baim(?:ed)?\b|\bobjectives?\b", re.I)


@settings(max_examples=3000, deadline=None)
@given(_spaced(METHODS_PIECES))
def test_methods_cue_fast_form_agrees_with_the_plain_one(text: str) -> None:
    assert (outcomes.METHODS_CUE.search(text) is None) == (_METHODS_CUE_PLAIN.search(text) is None)
    assert has_fast_start(outcomes.METHODS_CUE)


ALLOCATION_PIECES = ["randomised", "randomized", "RANDOMIZED", "randomly assigned", "randomly  allocated", "assigned",
                     "allocated", "Allocated", "aſſigned", "(1:1)", "(2:1:1) ", "to", "to receive", "to either", "into",
                     "between", "placebo", "MSC", " or ", " and ", ", ", ".", ";", " ", "x", "1", "_", "İ", "-"]
_ALLOCATION_PLAIN = re.compile(
    r"\b(?:randomi[sz]ed|randomly\s+(?:assigned|allocated|divided)|assigned|allocated)\s+(?:\(?\d:\d(?::\d)*\)?\s+)?"
    r"(?:[\w,-]+\s+){0,4}?(?:to\s+(?:receive\s+|either\s+)?|into\s+|between\s+)(?P<list>[^.;:]{3,200})", re.I)


@settings(max_examples=3000, deadline=None)
@given(_spaced(ALLOCATION_PIECES, 16))
def test_allocation_fast_form_gives_the_plain_matches(text: str) -> None:
    assert [(m.span(), m.group("list")) for m in outcomes._ALLOCATION.finditer(text)] == \
        [(m.span(), m.group("list")) for m in _ALLOCATION_PLAIN.finditer(text)]
    assert has_fast_start(outcomes._ALLOCATION)


EARLIER_PIECES = ["we", "We", "WE", "our group", "the authors", "have", "previously", "earlier", "recently", "reported",
                  "shown", "published", "found", "previous", "our", "prior", "former", "study", "trial", "report",
                  "work", "studies", "in", "ın", "İn", "a", "the", " ", "  ", "\n", "x", "-", "_", "1", "é"]
_EARLIER_STUDY_PLAIN = re.compile(
    r"\b(?:we|our\s+group|the\s+authors)\s+(?:have\s+)?(?:previously|earlier|recently)\s+(?:reported|shown|"
    r"demonstrated|described|published|found)"
    r"|\b(?:previous(?:ly)?\s+(?:reported|published)|our\s+(?:previous|earlier|prior|former)\s+(?:study|trial|"
    r"report|work|studies))"
    r"|\b(?:in\s+(?:a|the|our)\s+(?:previous|earlier|prior)\s+(?:study|trial|report))", re.I)


@settings(max_examples=3000, deadline=None)
@given(_spaced(EARLIER_PIECES, 16))
def test_earlier_study_fast_form_gives_the_plain_matches(text: str) -> None:
    from extract import schedule

    assert [m.span() for m in schedule.EARLIER_STUDY_RE.finditer(text)] == \
        [m.span() for m in _EARLIER_STUDY_PLAIN.finditer(text)]
    assert has_fast_start(schedule.EARLIER_STUDY_RE)


CHANGE_PIECES = ["change", "Changes", "CHANGED", "chang", "reduction of", "decreased by", "Improvement  was", "fell by",
                 "declined were", "by", "BY", "delta", "Delta", "Δ", "δ", "ẟ", "baseline", "x", "1", "_", "ſ", "İ", "-",
                 "a", "of", "nearby"]
_CHANGE_CUE_PLAIN = re.compile(r"\bchang\w*|\b(?:reduction|decrease|improvement|increase|fall|drop|decline|"
                               r"reduced|decreased|improved|increased|fell|dropped|declined)\s+(?:of|was|were|by)\b|\bby\b|"
                               r"\bdelta\b|Δ", re.I)


@settings(max_examples=3000, deadline=None)
@given(_spaced(CHANGE_PIECES))
def test_has_change_cue_agrees_with_the_plain_pattern(text: str) -> None:
    assert outcomes.has_change_cue(text) == (_CHANGE_CUE_PLAIN.search(text) is not None)


def test_only_two_characters_fold_to_delta() -> None:
    # has_change_cue tests "Δ" and "δ" by substring: the only characters re.IGNORECASE matches to "Δ"
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch("Δ", c, re.I)] == ["Δ", "δ"]


LEVEL_PIECES = ["level", "Levels", "HbA1c", "hba1c", "haematocrit", "hematocrit", "body fat", "fat", "%", "percentage",
                "change", "percentage  change", "scores", "FEV1", "SpO2", "weight", "index", "x", "1", "_", "ſ", "İ", "-",
                "levelling", "fatigue", "activity", "cells", "subset", "Tregs", "Treg", "Th17", "Th", "Th170"]
_LEVEL_WORDS_PLAIN = re.compile(
    r"\b(?:levels?|concentrations?|hba1c|a1c|glycated|fraction|saturation|ha?ematocrit|content|density|fat|mass|bmi|"
    r"index|indices|score|scores|scale|pressure|weight|volume|ratio|values?|counts?|percentage\s+change|change|"
    r"changes|function|thickness|diameter|velocity|capacity|fev1|fvc|spo2|oxygen|compliance|intake|activity|cells|lymphocytes|monocytes|subsets?|tregs?|th\d{1,2})\b|%", re.I)


@settings(max_examples=3000, deadline=None)
@given(_spaced(LEVEL_PIECES, 6))
def test_names_a_level_agrees_with_the_plain_pattern(name: str) -> None:
    assert outcomes.names_a_level(name) == (_LEVEL_WORDS_PLAIN.search(name) is not None)


ORDER_PIECES = ["versus", "VERSUS", "vs", "vs.", "Vs.", "vſ", "compared with", "compared  with", "respectively",
                "RESPECTIVELY", "versusx", "but not in the", "placebo group", "MSC cohort", "arm", "But", "x", "1", "_",
                "-", "é", "İ", "in", "the"]
_ORDER_CUE_PLAIN = re.compile(r"\bversus\b|\bvs\.?(?!\w)|\bcompared\s+with\b|\brespectively\b", re.I)
_BUT_NOT_PLAIN = re.compile(r"\bbut\s+not\s+in\s+the\s+(?P<arm>[\w-]+(?:\s[\w-]+)?\s+(?:group|cluster|cohort|arm))", re.I)


@settings(max_examples=3000, deadline=None)
@given(_spaced(ORDER_PIECES), st.integers(0, 60), st.integers(0, 60))
def test_order_cue_and_but_not_fast_forms_agree_within_any_window(text: str, a: int, b: int) -> None:
    assert (outcomes.ORDER_CUE.search(text, a, b) is None) == (_ORDER_CUE_PLAIN.search(text, a, b) is None)
    assert [(m.span(), m.group("arm")) for m in outcomes.BUT_NOT_RE.finditer(text)] == \
        [(m.span(), m.group("arm")) for m in _BUT_NOT_PLAIN.finditer(text)]


ARM_LIST_PIECES = ["12", "1,200", "twenty", "twenty one", "one hundred and five", "patients", "subjects", "women",
                   "infants", "in", "In", "IN", "the", "MSC", "placebo", "group", "groups", "arm", "cohort", "cohort A",
                   "cluster 2", "group b", ",", ";", "(", ")", ".", "-", "x", "of", "and", "were", "İn", "ın",
                   "12 in the MSC group", "8 patients in cohort A", "twenty in the placebo arm", "5 infants in arm 2",
                   "3 in the"]


def _arm_list_items_plain(t) -> list:
    # _arm_list_items without its gate: the count searched for before every "in"
    from extract import samples

    out, done = [], 0
    for in_start, _ in t.anchored("in"):
        count = samples.COUNT_BEFORE_IN_RE.search(t.text, max(done, in_start - 80), in_start)
        m = samples.ARM_LIST_ITEM_RE.match(t.text, count.start()) if count else None
        if m:
            out.append(m)
            done = m.end()
    return out


@settings(max_examples=400, deadline=None)
@given(_spaced(ARM_LIST_PIECES, 14))
def test_arm_list_items_gate_keeps_every_match(text: str) -> None:
    from extract import samples
    from extract.document import analyse

    t = analyse(text, "abstract")
    assert [(m.span(), m.group("name")) for m in samples._arm_list_items(t)] == \
        [(m.span(), m.group("name")) for m in _arm_list_items_plain(t)]


def test_fold_lower_turns_every_ignorecase_fold_of_an_ascii_letter_into_it() -> None:
    from extract.fastre import fold_lower

    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    for ch in map(chr, range(sys.maxunicode + 1)):
        for letter in letters:
            if re.fullmatch(letter, ch, re.I):
                assert fold_lower(ch) == letter, (hex(ord(ch)), letter)


PAIR_PIECES = ["after", "with", "on", "receiving", "in", "the", "tranexamic acid", "placebo", "MSC", "than", "THAN",
               "versus", "vs.", "VS", "vſ", "compared with", "compared to", "comparEd", "thın", ",", ".", "by", "at",
               "was", "groups", "(", "x", "1", "-", "after tranexamic acid than after placebo,",
               "in MSC versus placebo.", "with drug A vſ drug B was", "on X compared to Y (", "In THE A THAN B groups"]


@settings(max_examples=3000, deadline=None)
@given(_spaced(PAIR_PIECES, 14))
def test_every_arm_pair_match_passes_its_substring_gate(text: str) -> None:
    if sentence_values.ARM_PAIR_RE.search(text):
        assert sentence_values._may_pair_arms(text)


def _plain_normalise_space(text: str) -> str:
    spaces = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"),
                           " ")
    zero_width = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
    return re.sub(r"\s+", " ", text.translate(spaces).translate(zero_width)).strip()


def test_normalise_space_agrees_with_the_plain_mapping_over_all_of_unicode() -> None:
    from extract.table_cells import normalise_space

    for ch in map(chr, range(sys.maxunicode + 1)):
        for text in (ch, f"a{ch}b", f" {ch} ", f"a {ch}{ch} b"):
            assert normalise_space(text) == _plain_normalise_space(text), hex(ord(ch))


SPACE_PIECES = [" ", "  ", "\t", "\n", "\u00a0", "\u2009", "\u3000", "\u205f", "\u200b", "\u2060", "\ufeff", "\x1c",
                "\x85", "a", "b c", "±", "-", "\u2212"]


@settings(max_examples=3000, deadline=None)
@given(_texts(SPACE_PIECES, 16))
def test_normalise_space_agrees_with_the_plain_mapping(text: str) -> None:
    from extract.table_cells import normalise_space

    assert normalise_space(text) == _plain_normalise_space(text)


@settings(max_examples=2000, deadline=None)
@given(_texts(SPACE_PIECES + ["\u2013", "\u2014", "\u2010", "\u2011", "\u00b7", "\u2264", "\u2265", "0", "."], 16))
def test_comparison_cues_normalise_agrees_with_translate(text: str) -> None:
    from extract.comparison_cues import _SPACES, normalise

    assert normalise(text) == text.translate(_SPACES)


def test_local_name_is_the_qname_local_name() -> None:
    from lxml import etree

    from extract.tables import local_name

    root = etree.fromstring(b'<article xmlns:m="http://www.w3.org/1998/Math/MathML"><p>x<m:math/><!-- c --></p>'
                            b'<?pi x?></article>')
    for el in root.iter():
        expected = etree.QName(el.tag).localname if isinstance(el.tag, str) else ""
        assert local_name(el.tag) == local_name(el.tag) == expected


ITEM_PIECES = ["pain", "Pain", "physical function", "and", "or", ",", ";", " ", "(", ")", "((", "p", "P", "p-", "=",
               "<", ">", "≤", "≥", "value", "0.003", "-5.2 vs. -3.3", "95% CI", "ap", "x", "\n", "’"]


@settings(max_examples=3000, deadline=None)
@given(_spaced(ITEM_PIECES, 16))
def test_outcome_items_bracket_gate_counts_every_item(text: str) -> None:
    from extract import comparisons

    # each _ITEM match holds one bracket _ITEM_BRACKET finds, so fewer brackets than 2 means no run of 2 items
    assert len(comparisons._ITEM.findall(text)) <= len(comparisons._ITEM_BRACKET.findall(text))
    assert len(comparisons._ITEM.findall(text)) <= text.count("(")
