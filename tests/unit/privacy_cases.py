"""A labelled set of synthetic sentences for the privacy guard: never real people's data.

Half must warn (with the kind expected), half must not (ordinary practice talk: places,
councils, theorists, job titles, dates of meetings). Built from templates with a fixed seed so
the set is the same on every run; `CASES` is a list of (sentence, expected kind or None).
"""

from __future__ import annotations

import random

FIRST = ["Jayden", "Amelia", "Kacey", "Tyler", "Leah", "Callum", "Chloe", "Kieran", "Megan", "Liam"]
LAST = ["Harper", "Walsh", "Burgess", "Metcalfe", "Winter", "Savage", "Holt", "Reid", "Lowe", "Pearce"]


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            text = "".join(map(str, digits)) + str(check)
            return f"{text[:3]} {text[3:6]} {text[6:]}"


POSITIVE = [
    ("nhs_number", "The referral came with NHS number {nhs} attached."),
    ("nhs_number", "Health visitor gave me {nhs} to check the records."),
    ("ni_number", "Mum's National Insurance number is {nino} if that helps."),
    ("ni_number", "Benefits were paid against {nino} last year."),
    ("postcode", "The family moved to {postcode} in the summer."),
    ("postcode", "They live near {postcode}, close to the park."),
    ("phone", "You can reach dad on {phone} most evenings."),
    ("phone", "Grandma's number is {phone}, call before ten."),
    ("email", "Her email is {email} if you want to follow up."),
    ("email", "Send the plan to {email} please."),
    ("date_of_birth", "The baby was born on {date} at the local hospital."),
    ("date_of_birth", "DOB {date}, so he starts school next year."),
    ("address", "The home visit was at {house} {street}."),
    ("address", "Police attended {house} {street} twice in May."),
    ("name_with_detail", "{first} {last}, aged {age}, has missed school again."),
    ("name_with_detail", "I'm worried about {first} {last} ({age}) after the last visit."),
    ("name_with_detail", "{first} {last} is {age} years old and lives with his nan."),
    ("name_with_detail", "{first} {last} attends {school} and the teachers are concerned."),
    ("school", "The head at {school} raised the first concern."),
    ("case_reference", "See case ref {ref} for the full chronology."),
    ("case_reference", "It's logged under reference number {ref} on the system."),
]
NEGATIVE = [
    "How do you protect time for group supervision when caseloads spike?",
    "Child A, aged 7, was open to us for six months before step-down.",
    "Wigan Council has piloted a new front door model this year.",
    "Birmingham Children's Trust shared their practice framework with us.",
    "Bowlby's attachment theory still shapes how we think about contact.",
    "Our team manager and the principal social worker met on 12 March 2025.",
    "The strategy meeting is on Tuesday at 10am in the main office.",
    "We used Signs of Safety mapping with the family last week.",
    "The Family Group Conference happened on 3 June 2024 and went well.",
    "Working Together 2023 changed how we think about multi-agency work.",
    "Has anyone evaluated family group conferences in early help?",
    "A 14-year-old in our area was referred by the school nurse.",
    "The young person's social worker is off sick this week.",
    "Walsall Council's early help offer includes parenting groups.",
    "We read Munro's review again in our reflective session.",
    "The Children Act 1989 section 17 assessment took four weeks.",
    "Our supervision policy was updated on 1 April 2024.",
    "Mum and dad both attended the child in need meeting.",
    "Winter pressures meant fewer home visits in January.",
    "The independent reviewing officer chaired the review in May.",
    "Page 45 of the guidance covers this, see paragraph 12.",
    "We have about 20 cases each, which is still too many.",
    "The virtual school head joined our team meeting.",
    "Donald Winnicott wrote about the good enough parent.",
    "Sarah from the Centre ran a brilliant session on evidence.",
    "The court hearing was adjourned until next month.",
    "Our practice model is based on restorative approaches.",
    "We moved to a hub model in 2022 and caseloads fell.",
    "The panel meets every second Thursday of the month.",
    "Self-evaluation in the spring will look at step-down rates.",
]


def _cases() -> list[tuple[str, str | None]]:
    rng = random.Random(20261204)
    cases: list[tuple[str, str | None]] = []
    for _ in range(8):
        for kind, template in POSITIVE:
            values = {
                "nhs": nhs_number(rng),
                "nino": rng.choice(["AB 12 34 56 C", "JT456789D", "CE 65 43 21 A", "PR123987B"]),
                "postcode": rng.choice(["WN3 5AB", "B15 2TT", "WS1 1QQ", "M14 6HG", "L8 0PX"]),
                "phone": rng.choice(["07700 900123", "01942 555 018", "0121 496 0765", "+44 7700 900456"]),
                "email": rng.choice(["kacey.m@example.com", "mum1987@example.net", "j.walsh@example.org"]),
                "date": rng.choice(["14/02/2019", "3 March 2016", "21st June 2021", "07/11/2012"]),
                "house": rng.randint(2, 220),
                "street": rng.choice(["Acacia Avenue", "Mill Lane", "Station Road", "Hope Street", "Oak Close"]),
                "first": rng.choice(FIRST), "last": rng.choice(LAST), "age": rng.randint(2, 16),
                "school": rng.choice(["Hilltop Primary School", "St Mary's Catholic Primary School",
                                      "Westfield Academy", "Greenbank High School"]),
                "ref": rng.choice(["CP-2024-00123", "LAC/45678", "123456", "AB123456"]),
            }
            cases.append((template.format(**values), kind))
    positives = cases[:160]
    negatives = [(sentence, None) for sentence in NEGATIVE]
    while len(negatives) < 160:  # vary the ordinary sentences without adding identifying detail
        base = rng.choice(NEGATIVE)
        negatives.append((rng.choice(["", "Quick question: ", "Thanks all. ", "In our team, "]) + base, None))
    return positives + negatives


CASES = _cases()
