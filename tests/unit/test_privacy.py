"""The privacy guard's detector on a labelled set of synthetic sentences: recall and precision."""

from __future__ import annotations

from collections import Counter

from forum import privacy

from .privacy_cases import CASES
from .privacy_hard_cases import HARD_NEGATIVE, HARD_POSITIVE
from .privacy_tester_cases import SHOULD_NOT_WARN, SHOULD_WARN


def test_labelled_set_has_at_least_300_sentences_half_of_them_identifying():
    assert len(CASES) >= 300
    assert sum(1 for _, kind in CASES if kind) == sum(1 for _, kind in CASES if not kind)


def _score(cases, title: str, capsys) -> tuple[float, float]:
    """Recall and precision over (sentence, expected kind or None), printed per kind."""
    hits, misses, false_alarms = Counter(), Counter(), Counter()
    for sentence, expected in cases:
        kinds = {f.kind for f in privacy.scan(sentence)}
        if expected:
            (hits if expected in kinds else misses)[expected] += 1
        elif kinds:
            for kind in kinds:
                false_alarms[kind] += 1
    tp, fn, fp = sum(hits.values()), sum(misses.values()), sum(false_alarms.values())
    recall, precision = tp / (tp + fn), tp / max(1, tp + fp)
    with capsys.disabled():
        print(f"\n{title}: recall {recall:.3f}, precision {precision:.3f} ({tp} found, {fn} missed, {fp} false)")
        for kind in sorted(set(hits) | set(misses) | set(false_alarms)):
            found, missed = hits[kind], misses[kind]
            print(f"  {kind:<18} recall {found / max(1, found + missed):.2f} ({found}/{found + missed}), "
                  f"false alarms {false_alarms[kind]}")
    return recall, precision


def test_recall_and_precision_on_the_labelled_set(capsys):
    recall, precision = _score(CASES, "privacy guard, templated set", capsys)
    assert recall >= 0.95 and precision >= 0.9, (recall, precision)


def test_recall_and_precision_on_the_hand_written_hard_cases(capsys):
    cases = [(s, k) for k, s in HARD_POSITIVE] + [(s, None) for s in HARD_NEGATIVE]
    assert len(HARD_POSITIVE) >= 50 and len(HARD_NEGATIVE) >= 50
    recall, precision = _score(cases, "privacy guard, hand-written hard set", capsys)
    assert recall >= 0.95 and precision >= 0.9, (recall, precision)


def test_recall_and_precision_on_a_fresh_testers_sentences(capsys):
    """Scored as 'warns at all', since the tester labelled sentences, not kinds."""
    found = sum(1 for s in SHOULD_WARN if privacy.scan(s))
    false = [s for s in SHOULD_NOT_WARN if privacy.scan(s)]
    recall, precision = found / len(SHOULD_WARN), found / max(1, found + len(false))
    with capsys.disabled():
        print(f"\nprivacy guard, a fresh tester's set: recall {recall:.3f}, precision {precision:.3f} "
              f"({found}/{len(SHOULD_WARN)} warned, {len(false)} false of {len(SHOULD_NOT_WARN)})")
    assert recall >= 0.95 and precision >= 0.9, (recall, precision, false)


def test_exact_checks_are_exact():
    assert [f.kind for f in privacy.scan("NHS 943 476 5919")] == ["nhs_number"]  # a valid check digit
    assert privacy.scan("NHS 943 476 5918") == []  # one digit off
    assert privacy.scan("QQ 12 34 56 C") == []  # QQ is never issued
    assert [f.kind for f in privacy.scan("AB 12 34 56 C")] == ["ni_number"]


def test_ordinary_practice_talk_does_not_fire():
    for sentence in ["Child A, aged 7", "Wigan Council", "Bowlby", "Our meeting on 12 March 2025",
                     "Birmingham Children's Trust", "Sarah Harper Council"]:
        assert privacy.scan(sentence) == [], sentence


def test_findings_carry_kind_span_and_confidence():
    text = "Jayden Walsh, aged 7, lives at 12 Mill Lane."
    found = privacy.scan(text)
    assert {f.kind for f in found} == {"name_with_detail", "address"}
    for f in found:
        assert text[f.start:f.end] == f.text and 0 < f.confidence <= 1


def test_local_terms_are_watched_for_as_whole_words_in_any_case():
    terms = (("Beech Hill estate", "local_place"),)
    found = privacy.scan("She lives on the beech hill  Estate.", local_terms=terms)
    assert [(f.kind, f.text) for f in found] == [("local_place", "beech hill  Estate")]
    assert privacy.scan("The Beech Hill estates are large.", local_terms=terms) == []


def test_a_local_reference_format_matches_digits_where_it_has_hashes():
    terms = (("WG-######", "case_reference"),)
    assert [f.text for f in privacy.scan("File WG-204518 was closed.", local_terms=terms)] == ["WG-204518"]
    assert privacy.scan("WG-20451 and WG-ABCDEF are not references.", local_terms=terms) == []


def test_local_terms_with_regex_characters_are_taken_literally():
    terms = (("St. Anne's (RC)", "school"), ("a+b", "local_place"))
    assert [f.text for f in privacy.scan("At St. Anne's (RC) today", local_terms=terms)] == ["St. Anne's (RC)"]
    assert privacy.scan("Saint Annes RC and aab", local_terms=terms) == []


def test_professionals_addresses_are_not_flagged_but_a_pupils_school_address_is():
    assert privacy.scan("Email dan.hughes@wigan.gov.uk or the GP at a.b@nhs.net") == []
    assert [f.kind for f in privacy.scan("He writes from ethan.p@stmarys.sch.uk")] == ["email"]
    assert privacy.scan("The St Mary Primary Care Network runs a clinic.") == []


def test_postcodes_need_a_real_area_and_lower_case_ones_a_space():
    assert privacy.scan("Announce me f0a7af") == []  # a hex id: no "F" area, no space
    assert privacy.scan("FX1 1AA and wn50ab") == []
    assert [f.text for f in privacy.scan("Moved from SW1A 1AA to wn5 0ab")] == ["SW1A 1AA", "wn5 0ab"]
