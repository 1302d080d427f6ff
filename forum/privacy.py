"""The privacy guard's detector: text -> details that could identify a child or family.

One pure function, `scan`, used by every surface that publishes text. Checks that can be exact
are exact (the NHS number's mod-11 check digit, National Insurance prefixes, postcode shapes);
names need context: a first name and a surname together *and* an age, a date of birth, a school
or a case reference nearby, so "Child A, aged 7", "Wigan Council" and "Bowlby" do not fire.

First names and surnames come from the en_GB person lists of the Faker package (MIT licence,
maintained at github.com/joke2k/faker), read at import time; nothing is copied into this repo.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str
    confidence: float  # 0..1: exact checks are 1.0; context rules less

    @property
    def label(self) -> str:
        return LABELS[self.kind]


LABELS = {
    "nhs_number": "NHS number",
    "ni_number": "National Insurance number",
    "postcode": "Postcode",
    "phone": "Phone number",
    "email": "Email address",
    "date_of_birth": "Date of birth",
    "address": "Street address",
    "name_with_detail": "A name with an age, birth date, school or case reference",
    "school": "School name",
    "case_reference": "Case reference",
    "local_place": "A local place your authority watches for",
}

# --- exact checks ------------------------------------------------------------------------

_NHS = re.compile(r"(?<![\d-])(\d{3})[ \u00a0.-]?(\d{3})[ \u00a0.-]?(\d{4})(?![\d-])")
_NINO = re.compile(r"\b([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])?\b", re.I)
_NINO_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
# The UK's postcode areas (the letters an outward code starts with): "F0A 7AF" has none.
_AREA_LIST = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN "
    "EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML "
    "N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF "
    "TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE")
_POSTCODE_AREAS = frozenset(_AREA_LIST.split())
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s?(\d[A-Z]{2})\b", re.I)  # people type "wn5 0ab" too
# Mobile and geographic numbers (01, 02, 07), with or without +44 or brackets round the area
# code. 03 and 08 numbers belong to organisations (Ofsted, helplines), not families.
_PHONE = re.compile(r"(?<![\w+(])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:7\d{3}|[12]\d{2,4})\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)")
_EMAIL = re.compile(r"\b([\w.+-]{1,64})@([\w-]{1,63}(?:\.[\w-]{1,63})+)\b")
# Public-service addresses are professionals' (a social worker's, a GP's), not a family's.
_PROFESSIONAL_DOMAINS = (".gov.uk", ".nhs.uk", ".nhs.net", ".police.uk")  # not .sch.uk: pupils have those
# Shared inboxes of teams and organisations: an address like these identifies no family.
_ROLE_MAILBOXES = {"safeguarding", "info", "enquiries", "enquiry", "admin", "duty", "mash", "contact", "office",
                   "team", "helpdesk", "noreply", "no-reply", "hello", "reception", "referrals", "help", "support",
                   "earlyhelp", "childrens.services", "childrensservices", "frontdoor", "lado"}


def _nhs_valid(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# --- dates, addresses, schools, references ---------------------------------------------------

_MONTHS = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTHS + r")\s+(?:19|20)\d{2})\b",
    re.I)
# "DOB 05/05/15": a two-digit year counts only straight after a birth word.
_SHORT_BIRTH_DATE = re.compile(r"\b(?:born(?:\s+on)?|d\.?o\.?b\.?|date of birth)\s*:?\s*(\d{1,2}/\d{1,2}/\d{2})\b", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")
_OLDEST_BIRTH_YEAR = 1930  # the eldest grandparent in a case; Bowlby (born 1907) is older
_BIRTH_CONTEXT = re.compile(r"\b(?:born|d\.?o\.?b\.?|date of birth|birthday|birth date)\b", re.I)
_STREET = ("road|rd|street|st|avenue|ave|lane|close|drive|way|crescent|grove|place|gardens|terrace|court|walk|"
           "row|mews|square|hill|view|park")
_ADDRESS = re.compile(r"\b\d{1,4}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){1,3}(?:" + _STREET.title().replace("|", "|")
                      + r")\b\.?")
# Repetitions are bounded ({1,3}, {0,2}): an unbounded run of kind words ("High High High...")
# made every start position scan to the end of the text, which is quadratic.
_SCHOOL = re.compile(r"\b(?:St\.?\s+)?(?:[A-Z][a-z']+\s+){1,3}(?:(?:Primary|Junior|Infant|Infants|High|Secondary|"
                     r"Grammar|Community|C of E|CE|RC|Catholic)\s+){0,2}(?:School|Academy)\b"
                     # "St Mary's Primary", "Oakfield Nursery": a name word, then the school's kind
                     r"|\b(?:St\.?\s+)?(?:[A-Z][a-z']+\s+){1,2}(?:Primary|Nursery|Infants)\b"
                     r"(?!\s+(?:School|Academy|Care|Health|Network|Team|Service))")
_SCHOOL_WORDS_NOT_NAMES = {"The", "A", "Our", "Their", "His", "Her", "This", "That", "Local", "Primary", "Secondary",
                           "High", "Special", "Virtual", "Forest", "Free", "Independent", "Summer", "Night",
                           "Holiday", "Breakfast", "After", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                           "Saturday", "Sunday", "Every", "Each", "Which", "What", "Whole", "Any", "No"}
_CASE_REF = re.compile(r"\b(?:case|ref(?:erence)?|file|client|child)\s*(?:ref(?:erence)?\s*)?"
                       r"(?P<marker>no\.?|number|id|#|:)?(?:\s+is)?"
                       r"\s*:?\s*(?=[A-Z\d/-]*\d)(?P<ref>[A-Z]{0,4}[/-]?\d[\d/-]{3,})\b", re.I)
# Without "no.", "ref" or "#", a bare number after "case" or "child" is often a year or a count.
_YEARISH = re.compile(r"(?:19|20)\d{2}(?:/\d{2})?$")
_AGE = re.compile(r"\b(?:aged?:?\s+\d{1,2}|\d{1,2}[- ](?:years?|yrs?|months?)[- ]old|\d{1,2}\s?(?:yo|yrs?)|"
                  r"age:\s*\d{1,2})\b|\(\d{1,2}\)"
                  # "Chloe Metcalfe, 15, ...", "Megan Holt is 4 and ...", "Kyle Evans, who is 14":
                  # these count only beside a name
                  r"|(?<=,\s)\d{1,2}(?=\s*(?:[,.;:)!?]|$|\s+(?:and|but|has|is|was|lives)\b))"
                  r"|\b(?:who\s+)?is\s+\d{1,2}(?=\s+(?:and|but|now|today|this|so|was|has)\b|[,.;]|$)", re.I)
# An age straight after a capitalised pair names someone even when the name is not on the lists.
_AGE_RIGHT_AFTER = re.compile(r"\s*(?:,\s*|\()?(?:aged?:?\s+\d{1,2}\b|\d{1,2}\s*(?:\)|,|[!?]|yo\b|yrs?\b|years?\s+old\b))",
                              re.I)
_NOT_NAME_WORDS = {"Child", "Children", "Young", "Person", "People", "Baby", "Boy", "Girl", "Sibling", "Mum", "Dad",
                   "Mother", "Father", "Year", "Our", "The", "This", "That", "Case", "Family", "Team", "Group", "Cohort",
                   "Looked", "After", "Care", "Leaver", "Leavers", "Unaccompanied", "Asylum", "Seeker", "Room",
                   "Page", "Version", "Section", "Chapter", "Stage", "Key", "Under", "Over", "Aged", "Age", "Ages"}

# --- names ----------------------------------------------------------------------------------

# Words that follow a capitalised pair in the names of places and organisations, not people.
_ORGANISATION_WORDS = {"Council", "Trust", "Borough", "County", "Centre", "Center", "Hospital", "Partnership",
                       "Service", "Services", "Team", "Court", "School", "Academy", "College", "University", "Road",
                       "Street", "Children's", "Foundation", "Group", "Model", "Framework", "Theory", "Practice"}


@lru_cache(maxsize=1)
def _names() -> tuple[frozenset[str], frozenset[str]]:
    """First names and surnames common in the UK and Ireland (Faker's en_GB, en_IE and en_US
    person lists: about 1,100 first names and 3,100 surnames)."""
    from faker.providers.person import en_GB, en_IE, en_US

    first: set[str] = set()
    last: set[str] = set()
    for module in (en_GB, en_IE, en_US):
        provider = module.Provider
        first.update(getattr(provider, "first_names_female", ()), getattr(provider, "first_names_male", ()))
        last.update(getattr(provider, "last_names", ()))
    return frozenset(first), frozenset(last)


# A lookahead, so pairs overlap: in "About Jayden Walsh" both "About Jayden" and "Jayden Walsh"
# are tried, and the sentence's first word cannot hide the name after it.
_NAME_WORD = r"(?:O'|Ma?c)?[A-Z][a-z']+(?:-[A-Z][a-z']+)?"
_CAPITALISED_PAIR = re.compile(r"\b(?=((" + _NAME_WORD + r")\s+(" + _NAME_WORD + r"))\b)")


def _person_names(text: str) -> list[tuple[int, int, str]]:
    first_names, surnames = _names()
    found = []
    for match in _CAPITALISED_PAIR.finditer(text):
        first, last = match.group(2), match.group(3)
        end = match.start() + len(match.group(1))
        after = text[end:end + 20].split()
        if after and after[0].strip(".,;:") in _ORGANISATION_WORDS:
            continue
        # Either half known is enough: a name only counts beside an age, a birth date, a school
        # or a case reference, and that context carries most of the weight.
        if last in _ORGANISATION_WORDS:
            continue
        known = first in first_names or last in surnames
        if known or (first not in _NOT_NAME_WORDS and last not in _NOT_NAME_WORDS
                     and _AGE_RIGHT_AFTER.match(text, end)):
            found.append((match.start(), end, match.group(1)))
    return found


_LONGEST_DETAIL = 200  # no date, age, school or reference the patterns find is longer


def _near(start: int, end: int, spans: list[tuple[int, int]], reach: int = 60) -> bool:
    """Is any span within `reach` characters? `spans` sorted by start; a window search, so a
    text full of names and dates costs n log n, not n squared."""
    i = bisect.bisect_left(spans, (start - reach - _LONGEST_DETAIL, -1))
    while i < len(spans) and spans[i][0] <= end + reach:
        if spans[i][1] >= start - reach:
            return True
        i += 1
    return False


class _Taken:
    """Non-overlapping spans kept so far, sorted, for overlap tests in log time."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.spans, (start, float("inf")))
        return (i > 0 and self.spans[i - 1][1] > start) or (i < len(self.spans) and self.spans[i][0] < end)

    def add(self, start: int, end: int) -> None:
        bisect.insort(self.spans, (start, end))


# --- the one function -----------------------------------------------------------------------


def scan(text: str, local_terms: Iterable[tuple[str, str]] = ()) -> list[Finding]:
    """Every detail in the text that could identify a child or family, in order of position.

    `local_terms` are (term, kind) pairs: an authority's own words to watch for (local schools,
    estates, case-reference formats), matched as whole words, case-insensitively; in a term,
    `#` stands for one digit. `kind` is the finding kind a match is reported as.
    """
    text = text or ""
    findings: list[Finding] = []

    def add(kind: str, start: int, end: int, confidence: float) -> None:
        findings.append(Finding(kind, start, end, text[start:end], confidence))

    for m in _NHS.finditer(text):
        if _nhs_valid(m.group(1) + m.group(2) + m.group(3)):
            add("nhs_number", m.start(), m.end(), 1.0)
    for m in _NINO.finditer(text):
        prefix = m.group(1).upper()
        if prefix not in _NINO_BAD_PREFIXES and (m.group(0).isupper() or m.group(5)):
            add("ni_number", m.start(), m.end(), 1.0 if m.group(5) else 0.8)
    for m in _POSTCODE.finditer(text):
        area = m.group(1).rstrip("0123456789").upper()[:2].rstrip("0123456789")
        typed_as_postcode = m.group(0).isupper() or " " in m.group(0)  # "f0a7af" is a hex id, not a postcode
        if area in _POSTCODE_AREAS and typed_as_postcode:
            add("postcode", m.start(), m.end(), 0.95)
    taken = _Taken()
    for f in findings:
        if not taken.overlaps(f.start, f.start + 1):
            taken.add(f.start, f.end)
    for m in _PHONE.finditer(text):
        if not taken.overlaps(m.start(), m.start() + 1) and sum(ch.isdigit() for ch in m.group(0)) >= 10:
            add("phone", m.start(), m.end(), 0.9)
    for m in _EMAIL.finditer(text):
        domain = "." + m.group(2).lower()
        if m.group(1).lower() not in _ROLE_MAILBOXES and not domain.endswith(_PROFESSIONAL_DOMAINS):
            add("email", m.start(), m.end(), 1.0)
    for m in _ADDRESS.finditer(text):
        add("address", m.start(), m.end(), 0.85)

    names = _person_names(text)
    name_spans = [(s, e) for s, e, _ in names]
    details: list[tuple[int, int]] = []
    for m in _SHORT_BIRTH_DATE.finditer(text):
        add("date_of_birth", m.start(1), m.end(1), 0.9)
        details.append((m.start(1), m.end(1)))
    for m in _DATE.finditer(text):
        if int(_YEAR.search(m.group(0)).group(0)) < _OLDEST_BIRTH_YEAR:
            continue  # a theorist's or a law's date, not a family member's
        before = text[max(0, m.start() - 40):m.start()]
        if _BIRTH_CONTEXT.search(before) or _BIRTH_CONTEXT.search(text[m.end():m.end() + 15]):
            add("date_of_birth", m.start(), m.end(), 0.95)
            details.append((m.start(), m.end()))
        elif _near(m.start(), m.end(), name_spans, reach=40):
            add("date_of_birth", m.start(), m.end(), 0.7)
            details.append((m.start(), m.end()))
    for m in _SCHOOL.finditer(text):
        first_word = m.group(0).split()[0]
        if first_word in _SCHOOL_WORDS_NOT_NAMES:
            continue
        add("school", m.start(), m.end(), 0.8)
        details.append((m.start(), m.end()))
    for m in _CASE_REF.finditer(text):
        ref = m.group("ref")
        if not m.group("marker") and not m.group(0).lower().startswith("ref") and (
                _YEARISH.match(ref) or sum(ch.isdigit() for ch in ref) < 5):
            continue
        add("case_reference", m.start(), m.end(), 0.85)
        details.append((m.start(), m.end()))
    if names:  # ages matter only beside a name: most posts have none, and skip this scan
        details += [(m.start(), m.end()) for m in _AGE.finditer(text)]
        details.sort()
        for start, end, _name in names:
            if _near(start, end, details):
                add("name_with_detail", start, end, 0.85)
    if local_terms:
        for kind, start, end in _local_findings(text, tuple(local_terms)):
            add(kind, start, end, 0.9)
    return sorted(_dedupe(findings), key=lambda f: (f.start, f.end))


@lru_cache(maxsize=256)
def _local_matcher(terms: tuple[tuple[str, str], ...]) -> dict[str, list[tuple[re.Pattern, str]]]:
    """Each local term compiled once, filed under its first word (lower case; "#" for a term
    that starts with a digit), so a scan tries a term only where a word it could start with
    appears: one dictionary lookup per word, however long the authority's list grows."""
    by_key: dict[str, list[tuple[re.Pattern, str]]] = {}
    for term, kind in terms:
        term = " ".join(term.split())
        first = _TERM_START.match(term)
        if first is None or kind not in LABELS:
            continue  # a term must start with a letter, a digit or '#'
        body = r"\s+".join(re.escape(word).replace("\\#", "#").replace("#", r"\d") for word in term.split(" "))
        key = "#" if first.group(0)[0] in "#0123456789" else first.group(0).lower()
        by_key.setdefault(key, []).append((re.compile(body + r"(?!\w)", re.I), kind))
    return by_key


_TERM_START = re.compile(r"[^\W\d_]+|[#\d]")
_WORD_START = re.compile(r"(?<!\w)(?:[^\W\d_]+|\d)")


def _local_findings(text: str, terms: tuple[tuple[str, str], ...]):
    by_key = _local_matcher(terms)
    for word in _WORD_START.finditer(text):
        token = word.group(0)
        for pattern, kind in by_key.get("#" if token.isdigit() else token.lower(), ()):
            found = pattern.match(text, word.start())
            if found:
                yield kind, found.start(), found.end()


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per span: where two overlap, keep the more confident."""
    kept: list[Finding] = []
    taken = _Taken()
    for finding in sorted(findings, key=lambda f: (-f.confidence, f.start)):
        if not taken.overlaps(finding.start, finding.end):
            taken.add(finding.start, finding.end)
            kept.append(finding)
    return kept
