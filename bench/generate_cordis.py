"""Generate SYNTHETIC exports in the format of the CORDIS Horizon Europe bulk download.

Everything this script writes is made up: organisation names read
"Synthetic University 00042", acronyms "SYN00042", addresses "Synthetic
Street 7", web sites live under example.org.  No row describes a real
organisation or project.  The files exist to benchmark and stress the CORDIS
ingester at sizes the real data reaches (about 23,500 projects and 145,000
participation rows in the Horizon Europe release of September 2026) and
beyond; they never go in ``data/`` and are never ingested into a graph that
someone reads as fact.  Identifiers look like CORDIS ones (9-digit PIC-like
``organisationID``, 9-digit grant numbers starting with 101) and may, by
chance, equal a real PIC or grant number: the synthetic names are what marks
a row as fake.

The format follows the CORDIS Horizon Europe bulk export
(``cordis-HORIZONprojects-csv.zip``, DOI 10.2906/112117098108/20): the files
``project.csv`` and ``organization.csv`` (one row per participation),
separator ``;``, UTF-8 with a byte-order mark, every field quoted with ``"``
and quotes inside doubled, line breaks kept inside quoted fields.  Sources of
each format detail are cited next to the constants below.

Usage::

    python bench/generate_cordis.py --scale s1k --out /tmp/cordis-s1k [--seed 42] [--zip]

The same seed gives byte-identical files (``bench/test_generate_cordis.py``).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from random import Random

__all__ = [
    "LAYOUTS",
    "ORGANIZATION_HEADER",
    "PARTICIPATIONS_PER_PROJECT",
    "SCALES",
    "Export",
    "generate",
    "main",
]

#: Scale name -> (organisations, projects).  Participations keep the ratio of s100k.
SCALES: dict[str, tuple[int, int]] = {
    "s1k": (1_000, 300),
    "s10k": (10_000, 3_000),
    "s100k": (100_000, 30_000),
}
#: About 290,000 participations for 30,000 projects.  (The real Horizon Europe
#: release of September 2026 has about 6.2: 145,274 rows for 23,451 projects,
#: JeremyHennessy/AtlanticBridge-Signals docs/CORDIS_RELATIONSHIPS.md; we stress more.)
PARTICIPATIONS_PER_PROJECT = 290_000 / 30_000

#: organization.csv header as published (shared/data/README.md), the same in
#: sister-software/mailwoman's CORDIS adapter test, which quotes real rows verbatim.
ORGANIZATION_HEADER = (
    "projectID", "projectAcronym", "organisationID", "vatNumber", "name", "shortName", "SME",
    "activityType", "street", "postCode", "city", "country", "nutsCode", "geolocation",
    "organizationURL", "contactForm", "contentUpdateDate", "rcn", "order", "role",
    "ecContribution", "netEcContribution", "totalCost", "endOfParticipation", "active",
)

#: project.csv headers.  "current" is the one two independent readers of the live
#: file check column by column: JeremyHennessy/AtlanticBridge-Signals
#: (PROJECT_HEADER, a reader that refuses any other header, run against the live
#: archive on 2026-09-18) and seb77589/RagGrantConsultant (tests of
#: src/gcr/sources/cordis.py): legalBasis moved to the end, after keywords and
#: Human-validated.  "legacy" is the order the echos-graph brief gives, which
#: older readers also show (legalBasis after ecMaxContribution, no keywords).
#: An ingester must read by header name, never by position.
LAYOUTS: dict[str, tuple[str, ...]] = {
    "current": (
        "id", "acronym", "status", "title", "startDate", "endDate", "totalCost", "ecMaxContribution",
        "topics", "ecSignatureDate", "frameworkProgramme", "masterCall", "subCall", "fundingScheme",
        "nature", "objective", "contentUpdateDate", "rcn", "grantDoi", "keywords", "Human-validated",
        "legalBasis",
    ),
    "legacy": (
        "id", "acronym", "status", "title", "startDate", "endDate", "totalCost", "ecMaxContribution",
        "legalBasis", "topics", "ecSignatureDate", "frameworkProgramme", "masterCall", "subCall",
        "fundingScheme", "nature", "objective", "contentUpdateDate", "rcn", "grantDoi",
    ),
}

# Number formats, as in real rows (sister-software/mailwoman, rows read verbatim
# from cordis-HORIZONprojects-csv.zip and cordis-h2020projects-csv.zip):
#   organization.csv ecContribution and netEcContribution use '.' ("214236.79",
#   "284812.5"), totalCost uses ',' ("214236,79", "960619,95"); whole amounts
#   have no decimals ("230000").  project.csv writes ecMaxContribution with ','
#   ("2073781,25" for grant 101069359, seb77589/RagGrantConsultant tests).  We
#   write project totalCost with ',' too (not seen; assumed), and leave it empty
#   for about half the projects, as the September 2026 release does (46.6%
#   filled, per a CORDIS analysis in the public search corpus).
# Dates are YYYY-MM-DD; contentUpdateDate is "YYYY-MM-DD HH:MM:SS"; geolocation is
# "lat,lon"; SME and endOfParticipation are "true"/"false"; active is empty in
# every real row seen, and so here.

#: Country codes as CORDIS writes them (EL = Greece, UK = United Kingdom), with a
#: weight (share of organisations, roughly that of Horizon Europe) and an
#: approximate centre for geolocation.
_COUNTRIES: tuple[tuple[str, float, float, float], ...] = (
    ("DE", 12.0, 51.2, 10.4), ("ES", 11.0, 40.4, -3.7), ("IT", 11.0, 42.8, 12.5), ("FR", 10.0, 46.6, 2.4),
    ("NL", 6.0, 52.2, 5.3), ("BE", 5.0, 50.6, 4.5), ("EL", 4.0, 38.6, 22.9), ("PT", 4.0, 39.6, -8.0),
    ("AT", 3.0, 47.6, 14.1), ("SE", 3.0, 60.1, 15.6), ("DK", 2.5, 56.0, 9.5), ("FI", 2.5, 62.0, 25.7),
    ("IE", 2.0, 53.3, -7.7), ("PL", 2.0, 52.0, 19.1), ("CZ", 1.2, 49.8, 15.5), ("HU", 1.0, 47.2, 19.5),
    ("RO", 1.0, 45.9, 24.9), ("SI", 1.0, 46.1, 14.8), ("HR", 0.7, 45.1, 15.2), ("BG", 0.6, 42.7, 25.5),
    ("SK", 0.5, 48.7, 19.7), ("LT", 0.5, 55.2, 23.9), ("LV", 0.4, 56.9, 24.6), ("EE", 0.5, 58.6, 25.0),
    ("CY", 0.6, 35.1, 33.4), ("LU", 0.4, 49.8, 6.1), ("MT", 0.2, 35.9, 14.4),
    ("UK", 3.0, 54.0, -2.0), ("CH", 2.0, 46.8, 8.2), ("NO", 2.0, 60.5, 8.5), ("IL", 1.2, 31.0, 34.9),
    ("TR", 1.5, 39.0, 35.2), ("IS", 0.2, 64.9, -19.0), ("RS", 0.5, 44.0, 21.0), ("UA", 0.6, 48.4, 31.2),
    ("US", 1.0, 39.8, -98.6), ("CA", 0.4, 56.1, -106.3), ("JP", 0.2, 36.2, 138.3), ("CN", 0.3, 35.9, 104.2),
    ("AU", 0.3, -25.3, 133.8), ("ZA", 0.4, -30.6, 22.9), ("BR", 0.3, -14.2, -51.9), ("KE", 0.2, -0.02, 37.9),
)
_THIRD_COUNTRIES = ("US", "CA", "JP", "CN", "AU", "ZA", "BR", "KE")
_PARTNER_COUNTRIES = ("UK", "CH")  # often associated partners in 2021-2023 grants

#: Activity types (HES, REC, PUB, PRC, OTH) and how a name of each kind reads.
_ACTIVITY_WEIGHTS_TOP = (("HES", 45), ("REC", 40), ("PUB", 10), ("PRC", 3), ("OTH", 2))
_ACTIVITY_WEIGHTS = (("PRC", 45), ("HES", 14), ("REC", 16), ("PUB", 10), ("OTH", 15))
_NAME_KINDS = {
    "HES": ("Synthetic University", "Synthetic University of Applied Sciences", "Synthetic Medical School"),
    "REC": ("Synthetic Research Institute", "Synthetic Cancer Research Centre", "Synthetic Laboratory"),
    "PUB": ("Synthetic Public Health Agency", "Synthetic Ministry Office", "Synthetic Regional Hospital"),
    "PRC": ("Synthetic Enterprise", "Synthetic Biotech", "Synthetic Consulting"),
    "OTH": ("Synthetic Foundation", "Synthetic Patient Association", "Synthetic Network"),
}
#: Local-language suffixes, so that names carry non-ASCII text as real ones do.
_LOCAL_SUFFIX = {
    "EL": "Συνθετικό Ίδρυμα", "DE": "Synthetische Gesellschaft für Forschung", "FR": "Établissement synthétique",
    "ES": "Institución sintética", "PL": "Syntetyczna Jednostka Badawcza", "CZ": "Syntetický ústav",
    "PT": "Instituição sintética", "SE": "Syntetisk förening", "BG": "Синтетичен институт",
}

#: Funding schemes: weight, members (None = collaborative), legal basis, months.
_SCHEMES: tuple[tuple[str, float, int | None, str, int], ...] = (
    ("HORIZON-ERC", 20.0, 1, "HORIZON.1.1", 60),
    ("HORIZON-TMA-MSCA-PF-EF", 10.0, 1, "HORIZON.1.2", 24),
    ("HORIZON-EIC", 5.0, 1, "HORIZON.3.1", 24),
    ("HORIZON-RIA", 30.0, None, "", 48),
    ("HORIZON-IA", 12.0, None, "", 42),
    ("HORIZON-CSA", 15.0, None, "", 36),
    ("HORIZON-TMA-MSCA-DN", 5.0, None, "HORIZON.1.2", 48),
    ("HORIZON-COFUND", 3.0, None, "HORIZON.2.1", 60),
)
#: Call areas of collaborative projects: (area, destinations, legal basis, weight).
_AREAS: tuple[tuple[str, tuple[str, ...], str, float], ...] = (
    ("HLTH", ("DISEASE", "CARE", "TOOL", "STAYHLTH", "IND"), "HORIZON.2.1", 22.0),
    ("MISS", ("CANCER",), "HORIZON.2.1", 6.0),
    ("MISS", ("CLIMA", "OCEAN", "SOIL", "CITIES"), "HORIZON.2.5", 6.0),
    ("CL4", ("DIGITAL-EMERGING", "RESILIENCE", "HUMAN"), "HORIZON.2.4", 20.0),
    ("CL5", ("D1", "D2", "D3", "D4", "D5"), "HORIZON.2.5", 20.0),
    ("CL6", ("FARM2FORK", "BIODIV", "CIRCBIO"), "HORIZON.2.6", 12.0),
    ("CL2", ("DEMOCRACY", "HERITAGE", "TRANSFORMATIONS"), "HORIZON.2.2", 6.0),
    ("WIDERA", ("ACCESS", "ERA"), "HORIZON.4.1", 6.0),
    ("INFRA", ("SERV", "DEV"), "HORIZON.1.3", 4.0),
)
_ERC_KINDS = (("STG", 40, 1_500_000), ("COG", 30, 2_000_000), ("ADG", 20, 2_500_000), ("POC", 10, 150_000))

_WORDS = (
    "adaptive", "immunotherapy", "screening", "early detection", "tumour", "microbiome", "survivorship",
    "quality of life", "radiotherapy", "biomarkers", "digital twin", "federated learning", "cohort",
    "prevention", "health literacy", "equity", "implementation", "genomics", "imaging", "palliative care",
    "citizen science", "data platform", "living lab", "policy", "training", "paediatric", "rare cancers",
    "nanomaterials", "batteries", "hydrogen", "soil health", "coastal resilience", "urban mobility",
    "quantum sensing", "robotics", "circular economy", "heritage", "democracy", "open science",
)

_DAY0 = dt.date(2021, 6, 1).toordinal()
_DAY1 = dt.date(2026, 10, 1).toordinal()
_RELEASE = dt.date(2026, 9, 30)
_GRANT_FIRST = 101_900_000  # above the grant numbers issued so far (about 101 300 000)


@dataclass(frozen=True)
class Export:
    """What :func:`generate` wrote."""

    folder: Path
    organisations: int
    projects: int
    participations: int
    files: tuple[Path, ...]
    seconds: float


@dataclass
class _Org:
    """One synthetic organisation (the columns that repeat on each of its rows)."""

    pic: str
    rank: int
    fields: list[str]  # vatNumber .. organizationURL, in header order
    rcn: str
    activity: str
    country: str


def _weighted(rng: Random, pairs: tuple[tuple[str, float], ...] | tuple[tuple[str, int], ...]) -> str:
    """Pick a key from (key, weight) pairs."""
    return rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]


def _money(cents: int, sep: str) -> str:
    """Write an amount as CORDIS does: no decimals when whole, else trailing zeros dropped."""
    euros, rest = divmod(cents, 100)
    if rest == 0:
        return str(euros)
    return f"{euros}{sep}{rest:02d}".rstrip("0")


def _cents(rng: Random, euros: float) -> int:
    """Round a euro amount the way grant figures look: often whole, sometimes .5, sometimes any cents."""
    whole = max(1, int(euros))
    roll = rng.random()
    if roll < 0.55:
        return whole * 100
    if roll < 0.75:
        return whole * 100 + rng.choice((25, 50, 75))
    return whole * 100 + rng.randint(1, 99)


def _timestamp(rng: Random, first: int, last: int) -> str:
    """A 'YYYY-MM-DD HH:MM:SS' between two day ordinals."""
    day = dt.date.fromordinal(rng.randint(first, max(first, last)))
    return f"{day.isoformat()} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def _make_orgs(rng: Random, count: int) -> list[_Org]:
    """Make ``count`` organisations; rank 0 is the one in most projects."""
    codes = [c for c, *_ in _COUNTRIES]
    weights = [w for _, w, *_ in _COUNTRIES]
    centres = {c: (lat, lon) for c, _, lat, lon in _COUNTRIES}
    pics = rng.sample(range(900_000_000, 1_000_000_000), count)
    rcns = rng.sample(range(1_900_000, 2_500_000), count)
    ranks = list(range(count))
    rng.shuffle(ranks)
    top = max(1, count // 20)
    orgs = []
    for index in range(count):
        number = f"{index + 1:05d}"
        rank = ranks[index]
        activity = _weighted(rng, _ACTIVITY_WEIGHTS_TOP if rank < top else _ACTIVITY_WEIGHTS)
        country = rng.choices(codes, weights=weights)[0]
        name = f"{rng.choice(_NAME_KINDS[activity])} {number}"
        roll = rng.random()
        if roll < 0.08 and country in _LOCAL_SUFFIX:
            name = f"{name} – {_LOCAL_SUFFIX[country]}"
        elif roll < 0.12:
            name = f"{name}, Clinical Trials Unit"  # a comma inside a name, as real names have
        elif roll < 0.13:
            name = f'{name} "Demonstrator"'
        short = "" if rng.random() < 0.15 else f"SYN-{number}"
        vat = f"{country}00SYN{number}" if rng.random() < 0.55 else ""
        sme = ("true" if rng.random() < 0.5 else "false") if activity == "PRC" else "false"
        if rng.random() < 0.05:
            sme = ""
        street = "" if rng.random() < 0.05 else f"Synthetic Street {rng.randint(1, 250)}"
        post = "" if rng.random() < 0.04 else f"{rng.randint(1000, 99999)}"
        city = f"Synthetic City {country}-{rng.randint(1, 40):02d}"
        if country in _THIRD_COUNTRIES:
            nuts = country
        else:
            nuts = "" if rng.random() < 0.03 else f"{country}{rng.randint(1, 9)}{rng.randint(1, 9)}{rng.randint(1, 9)}"
        lat, lon = centres[country]
        geo = "" if rng.random() < 0.05 else f"{lat + rng.uniform(-2, 2):.7f},{lon + rng.uniform(-2, 2):.7f}"
        url = f"https://synthetic-{number}.example.org" if rng.random() < 0.6 else ""
        orgs.append(_Org(pic=str(pics[index]), rank=rank,
                         fields=[vat, name, short, sme, activity, street, post, city, country, nuts, geo, url],
                         rcn=str(rcns[index]), activity=activity, country=country))
    return orgs


def _participation_counts(rng: Random, orgs: list[_Org], total: int, cap: int) -> list[int]:
    """Give each organisation one participation, then share the rest by a Zipf law on rank."""
    count = len(orgs)
    counts = [1] * count
    by_rank = sorted(range(count), key=lambda i: orgs[i].rank)
    cum_weights = list(itertools.accumulate((r + 1) ** -0.8 for r in range(count)))
    for r in rng.choices(range(count), cum_weights=cum_weights, k=max(0, total - count)):
        counts[by_rank[r]] += 1
    # No organisation in more than ``cap`` projects: move the excess to random others.
    excess = 0
    for i, c in enumerate(counts):
        if c > cap:
            excess += c - cap
            counts[i] = cap
    while excess:
        i = rng.randrange(count)
        if counts[i] < cap:
            counts[i] += 1
            excess -= 1
    return counts


def _project_plans(rng: Random, projects: int, total: int) -> list[tuple[str, int]]:
    """Choose each project's funding scheme and number of members, summing to ``total``."""
    names = [s[0] for s in _SCHEMES]
    weights = [s[1] for s in _SCHEMES]
    members = {s[0]: s[2] for s in _SCHEMES}
    plans: list[list] = []
    singles = 0
    for _ in range(projects):
        scheme = rng.choices(names, weights=weights)[0]
        fixed = members[scheme]
        if fixed is not None:
            plans.append([scheme, fixed])
            singles += 1
        else:
            plans.append([scheme, 0])
    collaborative = [p for p in plans if members[p[0]] is None]
    if not collaborative:
        raise ValueError("no collaborative project to hold the participations")
    mean = (total - singles) / len(collaborative)
    for plan in collaborative:
        plan[1] = max(3, min(80, 3 + round(rng.gammavariate(2.0, max(0.5, (mean - 3) / 2.0)))))
    diff = total - sum(p[1] for p in plans)
    while diff:
        plan = rng.choice(collaborative)
        if diff > 0 and plan[1] < 80:
            plan[1] += 1
            diff -= 1
        elif diff < 0 and plan[1] > 3:
            plan[1] -= 1
            diff += 1
    return [(scheme, size) for scheme, size in plans]


def _assign(rng: Random, plans: list[tuple[str, int]], counts: list[int]) -> list[list[int]]:
    """Deal organisation slots to projects, no organisation twice in one project."""
    slots = [org for org, c in enumerate(counts) for _ in range(c)]
    rng.shuffle(slots)
    members: list[list[int]] = []
    leftover: list[int] = []
    at = 0
    for _, size in plans:
        chosen: list[int] = []
        seen: set[int] = set()
        for org in slots[at:at + size]:
            if org in seen:
                leftover.append(org)
            else:
                seen.add(org)
                chosen.append(org)
        at += size
        members.append(chosen)
    collaborative = [i for i, (_, size) in enumerate(plans) if size > 1]
    for org in leftover:  # few: place each in a collaborative project that lacks it
        for _ in range(200):
            target = members[rng.choice(collaborative)]
            if org not in target:
                target.append(org)
                break
    return members


def _title(rng: Random, acronym: str) -> str:
    """A synthetic project title; a few hold ';', '"' or a line break, as real titles do."""
    a, b = rng.sample(_WORDS, 2)
    title = f"Synthetic project {acronym} on {a} and {b}"
    roll = rng.random()
    if roll < 0.05:
        title = f"{title}; a synthetic pilot"
    elif roll < 0.08:
        title = f'{title}: the "synthetic" approach'
    elif roll < 0.10:
        title = f"{title}\nacross synthetic regions"
    return title


def _objective(rng: Random, acronym: str) -> str:
    """A synthetic objective of a few sentences, sometimes with ';', '"' and paragraphs."""
    sentences = []
    for _ in range(rng.randint(2, 5)):
        a, b, c = rng.sample(_WORDS, 3)
        sentences.append(f"{acronym} will study {a} for {b} with {c}.")
    if rng.random() < 0.15:
        sentences.insert(1, "Its aims are threefold; first, to test; second, to compare; third, to report.")
    if rng.random() < 0.08:
        sentences.append('The consortium calls this the "synthetic baseline".')
    text = " ".join(sentences)
    if rng.random() < 0.2:
        text = text.replace(". ", ".\n\n", 1)
    return "This is SYNTHETIC benchmark text, not a real project. " + text


def _topic(rng: Random, scheme: str, year: int) -> tuple[str, str, str]:
    """Return (topic, masterCall, legalBasis) for a scheme and call year."""
    if scheme == "HORIZON-ERC":
        kind = _weighted(rng, tuple((k, w) for k, w, _ in _ERC_KINDS))
        call = f"ERC-{year}-{kind}"
        return call, call, "HORIZON.1.1"
    if scheme == "HORIZON-TMA-MSCA-PF-EF":
        return f"HORIZON-MSCA-{year}-PF-01-01", f"HORIZON-MSCA-{year}-PF-01", "HORIZON.1.2"
    if scheme == "HORIZON-TMA-MSCA-DN":
        return f"HORIZON-MSCA-{year}-DN-01-01", f"HORIZON-MSCA-{year}-DN-01", "HORIZON.1.2"
    if scheme == "HORIZON-EIC":
        return f"HORIZON-EIC-{year}-ACCELERATOR-01", f"HORIZON-EIC-{year}-ACCELERATOR-01", "HORIZON.3.1"
    area, dests, basis, _ = rng.choices(_AREAS, weights=[a[3] for a in _AREAS])[0]
    dest = rng.choice(dests)
    call = f"HORIZON-{area}-{year}-{dest}-{rng.randint(1, 6):02d}"
    return f"{call}-{rng.randint(1, 12):02d}", call, basis


def _amount(rng: Random, scheme: str, topic: str) -> int:
    """EU contribution of one beneficiary, in cents."""
    if scheme == "HORIZON-ERC":
        base = next(b for k, _, b in _ERC_KINDS if topic.endswith(k))
        return _cents(rng, base * rng.uniform(0.9, 1.0) if base > 200_000 else base)
    if scheme == "HORIZON-TMA-MSCA-PF-EF":
        return _cents(rng, rng.uniform(150_000, 260_000))
    if scheme == "HORIZON-EIC":
        return _cents(rng, rng.uniform(500_000, 2_500_000))
    return _cents(rng, min(6_000_000, rng.lognormvariate(12.6, 0.8)))


def _role(rng: Random, country: str) -> str:
    """The role of a member that is not the coordinator."""
    if country in _THIRD_COUNTRIES:
        return _weighted(rng, (("internationalPartner", 45), ("associatedPartner", 35), ("participant", 20)))
    if country in _PARTNER_COUNTRIES:
        return _weighted(rng, (("participant", 50), ("associatedPartner", 50)))
    return _weighted(rng, (("participant", 86), ("thirdParty", 7), ("associatedPartner", 7)))


def generate(scale: str, out: Path, *, seed: int = 42, make_zip: bool = False,
             layout: str = "current") -> Export:
    """Write a synthetic ``project.csv`` and ``organization.csv`` into ``out``.

    Parameters
    ----------
    scale : str
        One of :data:`SCALES` (``s1k``, ``s10k``, ``s100k``).
    out : Path
        Folder to write into (created if missing; files in it are replaced).
    seed : int
        Seed of the random generator; the same seed gives byte-identical files.
    make_zip : bool
        Also write ``cordis-HORIZONprojects-csv.zip`` holding both files, as the download comes.
    layout : str
        ``current`` or ``legacy`` column order of project.csv (see :data:`LAYOUTS`).

    Returns
    -------
    Export
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; use one of {', '.join(LAYOUTS)}")
    started = time.perf_counter()
    rng = Random(seed)
    n_orgs, n_projects = SCALES[scale]
    total = round(n_projects * PARTICIPATIONS_PER_PROJECT)

    orgs = _make_orgs(rng, n_orgs)
    counts = _participation_counts(rng, orgs, total, cap=max(2, n_projects // 4))
    plans = _project_plans(rng, n_projects, total)
    members = _assign(rng, plans, counts)
    grants = sorted(rng.sample(range(_GRANT_FIRST, _GRANT_FIRST + 100_000), n_projects))
    project_rcns = rng.sample(range(230_000, 300_000), n_projects)

    out.mkdir(parents=True, exist_ok=True)
    project_path = out / "project.csv"
    org_path = out / "organization.csv"
    header = LAYOUTS[layout]
    written = 0
    with project_path.open("w", encoding="utf-8-sig", newline="") as pf, \
            org_path.open("w", encoding="utf-8-sig", newline="") as of:
        pw = csv.writer(pf, delimiter=";", quotechar='"', quoting=csv.QUOTE_ALL, lineterminator="\n")
        ow = csv.writer(of, delimiter=";", quotechar='"', quoting=csv.QUOTE_ALL, lineterminator="\n")
        pw.writerow(header)
        ow.writerow(ORGANIZATION_HEADER)
        for index, ((scheme, _), team) in enumerate(zip(plans, members)):
            grant = str(grants[index])
            acronym = f"SYN{index + 1:05d}"
            start = rng.randint(_DAY0, _DAY1)
            months = next(s[4] for s in _SCHEMES if s[0] == scheme) + rng.choice((-12, 0, 0, 6, 12))
            end = start + round(months * 30.44) - 1
            signed = start - rng.randint(10, 150)
            year = max(2021, dt.date.fromordinal(signed).year - rng.choice((0, 1, 1)))
            topic, master, basis = _topic(rng, scheme, year)
            status = "CLOSED" if end < _RELEASE.toordinal() else "SIGNED"
            if rng.random() < 0.01:
                status = "TERMINATED"

            # Coordinator: often the most experienced member (lowest rank), else any.
            if len(team) > 1 and rng.random() < 0.6:
                coordinator = min(team, key=lambda o: orgs[o].rank)
            else:
                coordinator = team[0]
            others = [o for o in team if o != coordinator]
            rng.shuffle(others)
            ec_total = 0
            for order, org_index in enumerate([coordinator, *others], start=1):
                org = orgs[org_index]
                role = "coordinator" if order == 1 else _role(rng, org.country)
                cents = _amount(rng, scheme, topic)
                cost = _money(round(cents * rng.choice((1.0, 1.0, 1.25, 1.43))), ",")
                if role in ("coordinator", "participant"):
                    ec_total += cents
                    ec, net = _money(cents, "."), _money(cents, ".")
                    if rng.random() < 0.03:
                        net = _money(round(cents * 0.9), ".")  # part passed to affiliated entities
                elif role == "thirdParty":
                    ec, net = "0", _money(cents, ".")
                elif role == "associatedPartner":
                    ec, net = "0", "0"
                    cost = cost if rng.random() < 0.5 else ""
                else:  # internationalPartner
                    ec, net = "", "0"
                contact = f"https://contact-form.example.org/project/{org.pic}/{grant}"
                ow.writerow([grant, acronym, org.pic, *org.fields, contact,
                             _timestamp(rng, max(signed, dt.date(2023, 1, 1).toordinal()), _RELEASE.toordinal()),
                             org.rcn, str(order), role, ec, net, cost,
                             "true" if rng.random() < 0.01 else "false", ""])
                written += 1
            ec_max = _money(ec_total, ",")
            total_cost = _money(round(ec_total * rng.uniform(1.0, 1.35)), ",") if rng.random() < 0.47 else ""
            values = {
                "id": grant, "acronym": acronym, "status": status, "title": _title(rng, acronym),
                "startDate": dt.date.fromordinal(start).isoformat(), "endDate": dt.date.fromordinal(end).isoformat(),
                "totalCost": total_cost, "ecMaxContribution": ec_max, "legalBasis": basis, "topics": topic,
                "ecSignatureDate": dt.date.fromordinal(signed).isoformat(), "frameworkProgramme": "HORIZON",
                "masterCall": master, "subCall": master, "fundingScheme": scheme, "nature": "",
                "objective": _objective(rng, acronym),
                "contentUpdateDate": _timestamp(rng, max(signed, dt.date(2023, 1, 1).toordinal()),
                                                _RELEASE.toordinal()),
                "rcn": str(project_rcns[index]), "grantDoi": f"10.3030/{grant}",
                "keywords": "" if rng.random() < 0.4 else ", ".join(rng.sample(_WORDS, 3)),
                "Human-validated": "",
            }
            pw.writerow([values[column] for column in header])

    files = [project_path, org_path]
    if make_zip:
        archive = out / "cordis-HORIZONprojects-csv.zip"
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in (project_path, org_path):
                info = zipfile.ZipInfo(path.name, date_time=(2026, 9, 30, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, path.read_bytes())
        files.append(archive)
    return Export(folder=out, organisations=n_orgs, projects=n_projects, participations=written,
                  files=tuple(files), seconds=time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and write one synthetic export."""
    parser = argparse.ArgumentParser(
        description="Write a SYNTHETIC CORDIS Horizon Europe export (project.csv, organization.csv). "
                    "Benchmark data only: never put it in data/.")
    parser.add_argument("--scale", choices=sorted(SCALES), required=True,
                        help="s1k = 1,000 organisations / 300 projects; s10k and s100k are 10x and 100x")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--zip", action="store_true", help="also write cordis-HORIZONprojects-csv.zip")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="current",
                        help="column order of project.csv (default: current, as the live file has it)")
    args = parser.parse_args(argv)
    export = generate(args.scale, args.out, seed=args.seed, make_zip=args.zip, layout=args.layout)
    print(f"Wrote SYNTHETIC CORDIS export to {export.folder}: {export.organisations} organisations, "
          f"{export.projects} projects, {export.participations} participations in {export.seconds:.2f} s")
    for path in export.files:
        print(f"  {path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
