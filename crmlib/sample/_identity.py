"""Who the sample company's customers are: the customers table.

Names, addresses, phone numbers and e-mail addresses as a Flemish CRM system holds
them: households share an address (and often a family name), the branches of a business
account share the company name, some details are missing, a few numbers are typed the
local way, and a handful of customers were registered twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from crmlib.sample import _names as names
from crmlib.sample._tools import (
    choose,
    fixed_text,
    id_width,
    join,
    pick,
    slug,
    to_dates,
    to_flags,
    to_series,
    with_missing,
    zipf_weights,
)

if TYPE_CHECKING:
    from crmlib.sample._customers import Population

DUPLICATE_SHARE = 0.004
ACQUISITION_B2C = ("store", "webshop", "social media", "referral", "garden fair", "call centre")
ACQUISITION_B2C_BY_SEGMENT = np.array(
    [
        [0.50, 0.20, 0.15, 0.08, 0.05, 0.02],
        [0.55, 0.10, 0.05, 0.12, 0.15, 0.03],
        [0.25, 0.50, 0.17, 0.05, 0.02, 0.01],
        [0.60, 0.08, 0.04, 0.15, 0.10, 0.03],
        [0.40, 0.20, 0.10, 0.10, 0.15, 0.05],
    ]
)
ACQUISITION_B2B = ("sales representative", "store", "garden fair", "referral")
ACQUISITION_B2B_SHARE = np.array([0.40, 0.25, 0.20, 0.15])


def customers_table(
    rng: np.random.Generator,
    population: Population,
    *,
    related: np.ndarray,
    n_households: int,
    head: np.ndarray,
    rank: np.ndarray,
    profile: np.ndarray,
    singles: np.ndarray,
    has_phone: np.ndarray,
) -> pd.DataFrame:
    """The customers table for a drawn population.

    Parameters
    ----------
    rng : numpy.random.Generator
        The random stream for customers.
    population : Population
        The customers' hidden traits.
    related : ndarray
        Household or account number of each customer (-1 for none); accounts are
        numbered after the households.
    n_households : int
        Number of households (the first account number).
    head : ndarray
        The first member of each customer's household or account (itself if none).
    rank : ndarray
        Position within the household or account (0 for the first member).
    profile : ndarray
        Shopping profile of each customer (index into ``PROFILE_NAMES``).
    singles : ndarray
        Consumers in no household, among whom the duplicate records are made.
    has_phone : ndarray
        Whether a phone number is on file.

    Returns
    -------
    DataFrame
        The customers table, in the column order of the schema.
    """
    n = population.n_customers
    is_b2b = population.is_b2b
    b2b = np.flatnonzero(is_b2b)
    in_household = (related >= 0) & ~is_b2b

    # A few probable duplicates: a customer registered twice, years apart, with the
    # same name and address (sometimes written differently) under a new number.
    identity = np.arange(n)
    n_duplicates = max(1, round(DUPLICATE_SHARE * n))
    ordered = np.sort(singles)
    half = len(ordered) // 2
    if half >= n_duplicates:
        duplicates = rng.choice(ordered[half:], n_duplicates, replace=False)
        identity[duplicates] = rng.choice(ordered[:half], n_duplicates, replace=False)
    is_copy = identity != np.arange(n)

    # Where they live: household members share the address of the first member, and
    # the branches of a business account lie in different towns.
    n_cities = len(names.CITIES)
    city_weight = np.array([city[2] for city in names.CITIES])
    city = rng.choice(n_cities, size=n, p=city_weight / city_weight.sum())
    # Steps below half the number of towns keep the (up to three) branches apart.
    step = rng.integers(1, (n_cities - 1) // 2 + 1, n)
    branch = is_b2b & (rank > 0)
    city[branch] = (city[head[branch]] + rank[branch] * step[head[branch]]) % n_cities
    postcode_pick = rng.random(n)
    street = rng.integers(0, len(names.STREETS), n)
    number = np.minimum(rng.geometric(0.025, n), 250)
    has_box = rng.random(n) < 0.08
    box = rng.integers(1, 12, n)
    dutch_letters = rng.integers(0, 26, (n, 2))

    # Names: partners are mostly of the other sex and sometimes share the family
    # name; grown-up children nearly always do.
    female = rng.random(n) < 0.52
    partner = in_household & (rank == 1)
    female[partner] = female[head[partner]] ^ (rng.random(partner.sum()) < 0.9)
    female_index = rng.choice(
        len(names.FEMALE_FIRST_NAMES), n, p=zipf_weights(len(names.FEMALE_FIRST_NAMES), 20, 0.5)
    )
    male_index = rng.choice(
        len(names.MALE_FIRST_NAMES), n, p=zipf_weights(len(names.MALE_FIRST_NAMES), 20, 0.5)
    )
    first_names = list(names.FEMALE_FIRST_NAMES) + list(names.MALE_FIRST_NAMES)
    first_index = np.where(female, female_index, len(names.FEMALE_FIRST_NAMES) + male_index)
    last_index = rng.choice(
        len(names.LAST_NAMES), n, p=zipf_weights(len(names.LAST_NAMES), 10, 0.7)
    )
    share_name = in_household & (rng.random(n) < np.where(rank == 1, 0.4, 0.9))
    last_index[share_name] = last_index[head[share_name]]

    copied = (city, postcode_pick, street, number, has_box, box, dutch_letters)
    for values in copied:
        values[in_household] = values[head[in_household]]
    for values in (*copied, female, first_index, last_index):
        values[is_copy] = values[identity[is_copy]]

    postcodes = [code for entry in names.CITIES for code in entry[1]]
    offsets = np.cumsum([0] + [len(entry[1]) for entry in names.CITIES])
    counts = np.diff(offsets)
    postcode_index = offsets[city] + (postcode_pick * counts[city]).astype(np.int64)
    is_dutch = np.array([entry[4] == "NL" for entry in names.CITIES])[city]
    letters = pa.array((dutch_letters + 65).astype(np.uint8).view("S2").ravel()).cast(pa.string())
    postcode = pick(postcodes, postcode_index)
    postcode = pc.if_else(pa.array(is_dutch), join(postcode, letters, separator=" "), postcode)
    street_number = join(
        pick(names.STREETS, street), pc.cast(pa.array(number), pa.string()), separator=" "
    )
    address = pc.if_else(
        pa.array(has_box),
        join(street_number, pc.cast(pa.array(box), pa.string()), separator=" bus "),
        street_number,
    )
    abbreviate = is_copy & (rng.random(n) < 0.5)
    address = pc.if_else(
        pa.array(abbreviate), pc.replace_substring(address, "straat ", "str. "), address
    )
    person_name = join(
        pick(first_names, first_index), pick(names.LAST_NAMES, last_index), separator=" "
    )

    # Business accounts: one company name per account, one row per branch.
    prefix_landscaper = rng.integers(0, len(names.LANDSCAPER_PREFIXES), n)
    prefix_hospitality = rng.integers(0, len(names.HOSPITALITY_PREFIXES), n)
    hospitality_name = rng.integers(0, len(names.HOSPITALITY_NAMES), n)
    suffix = rng.integers(0, len(names.COMPANY_SUFFIXES), n)
    for values in (prefix_landscaper, prefix_hospitality, hospitality_name, suffix):
        values[b2b] = values[head[b2b]]
    hospitality = pa.array(profile == 6)
    company_prefix = pc.if_else(
        hospitality,
        pick(names.HOSPITALITY_PREFIXES, prefix_hospitality),
        pick(names.LANDSCAPER_PREFIXES, prefix_landscaper),
    )
    company_core = pc.if_else(
        hospitality,
        pick(names.HOSPITALITY_NAMES, hospitality_name),
        pick(names.LAST_NAMES, last_index[head]),
    )
    company_name = join(
        join(company_prefix, company_core, separator=" "),
        pick(names.COMPANY_SUFFIXES, suffix),
    )
    company_domain = pc.if_else(
        hospitality,
        join(
            pick([slug(prefix) for prefix in names.HOSPITALITY_PREFIXES], prefix_hospitality),
            pick([slug(core) for core in names.HOSPITALITY_NAMES], hospitality_name),
        ),
        join(
            pick([slug(prefix) for prefix in names.LANDSCAPER_PREFIXES], prefix_landscaper),
            pick([slug(last) for last in names.LAST_NAMES], last_index[head]),
            separator="-",
        ),
    )
    b2b_mask = pa.array(is_b2b)
    name = pc.if_else(b2b_mask, company_name, person_name)

    # Contact details; a duplicate keeps the first record's e-mail or phone now and then.
    email = _emails(rng, first_index, last_index, first_names, company_domain, is_b2b)
    email = with_missing(email, ~population.has_email)
    phone = _phones(rng, city, is_dutch, is_b2b, head, in_household, population.age)
    phone = with_missing(phone, ~has_phone)
    source = pa.array(identity)
    email = pc.if_else(pa.array(is_copy & (rng.random(n) < 0.4)), email.take(source), email)
    phone = pc.if_else(pa.array(is_copy & (rng.random(n) < 0.5)), phone.take(source), phone)

    age_days = np.nan_to_num(population.age * 365.25, nan=0.0).astype(np.int64)
    end = population.start + np.timedelta64(population.n_days - 1, "D")
    birth = (end - age_days.astype("timedelta64[D]")).astype("datetime64[ns]")
    birth[is_b2b | (rng.random(n) < 0.22)] = np.datetime64("NaT")
    birth = birth[identity]
    gender = pick(["F", "M"], (~female).astype(np.int32), missing=is_b2b | (rng.random(n) < 0.03))

    acquisition = np.where(
        is_b2b,
        len(ACQUISITION_B2C) + rng.choice(len(ACQUISITION_B2B), n, p=ACQUISITION_B2B_SHARE),
        choose(rng, ACQUISITION_B2C_BY_SEGMENT[population.segment]),
    )
    related_number = np.where(is_b2b, related - n_households, related) + 1
    related_width = id_width(int(related_number.max()), 6)
    related_id = with_missing(
        pc.if_else(
            b2b_mask,
            fixed_text("A", (related_number, related_width)),
            fixed_text("H", (related_number, related_width)),
        ),
        related < 0,
    )
    return pd.DataFrame(
        {
            "customer_id": to_series(population.ids),
            "name": to_series(name),
            "type": to_series(pick(["B2C", "B2B"], is_b2b.astype(np.int32))),
            "address": to_series(address),
            "postcode": to_series(postcode),
            "city": to_series(pick([entry[0] for entry in names.CITIES], city)),
            "phone": to_series(phone),
            "email": to_series(email),
            "birth_date": pd.Series(birth),
            "gender": to_series(gender),
            "signup_date": to_dates(population.start, population.signup_day),
            "related_id": to_series(related_id),
            "consent_marketing": to_flags(population.consent),
            "acquisition_channel": to_series(
                pick(list(ACQUISITION_B2C) + list(ACQUISITION_B2B), acquisition)
            ),
        }
    )


def _emails(
    rng: np.random.Generator,
    first_index: np.ndarray,
    last_index: np.ndarray,
    first_names: list[str],
    company_domain: pa.Array,
    is_b2b: np.ndarray,
) -> pa.Array:
    n = len(first_index)
    first = pick([slug(name) for name in first_names], first_index)
    last = pick([slug(name) for name in names.LAST_NAMES], last_index)
    initial = pick([slug(name)[0] for name in first_names], first_index)
    pattern = rng.choice(5, n, p=[0.45, 0.2, 0.15, 0.12, 0.08])
    number = pc.cast(pa.array(rng.integers(1, 99, n)), pa.string())
    local = pc.case_when(
        pc.make_struct(*[pa.array(pattern == k) for k in range(4)]),
        join(first, last, separator="."),
        join(first, last),
        join(initial, last, separator="."),
        join(join(first, last, separator="."), number),
        join(first, last, separator="_"),
    )
    domains = [domain for domain, _ in names.E_MAIL_DOMAINS]
    shares = np.array([share for _, share in names.E_MAIL_DOMAINS])
    domain = pick(domains, rng.choice(len(domains), n, p=shares / shares.sum()))
    consumer = join(local, domain, separator="@")
    business = join(
        pa.scalar("info"), join(company_domain, pa.scalar("be"), separator="."), separator="@"
    )
    return pc.if_else(pa.array(is_b2b), business, consumer)


def _phones(
    rng: np.random.Generator,
    city: np.ndarray,
    is_dutch: np.ndarray,
    is_b2b: np.ndarray,
    head: np.ndarray,
    in_household: np.ndarray,
    age: np.ndarray,
) -> pa.Array:
    n = len(city)
    older = np.nan_to_num(age, nan=40.0) > 65
    landline = is_b2b | (rng.random(n) < np.where(older, 0.5, 0.15))
    landline &= ~is_dutch
    digits = rng.integers(0, 10_000_000, n)
    shared = in_household & landline & landline[head]
    digits[shared] = digits[head[shared]]
    mobile_prefix = rng.integers(70, 100, n)
    # Most numbers are stored in the international format; some as typed at the till.
    local_style = rng.random(n) < 0.1

    area = np.array([entry[3] for entry in names.CITIES])[city]
    area_text = pick([entry[3] for entry in names.CITIES], city)
    short_area = np.char.str_len(area) == 1
    six = fixed_text(
        (digits // 10_000 % 100, 2), " ", (digits // 100 % 100, 2), " ", (digits % 100, 2)
    )
    seven = fixed_text(
        (digits // 10_000 % 1000, 3), " ", (digits // 100 % 100, 2), " ", (digits % 100, 2)
    )
    subscriber = pc.if_else(pa.array(short_area), seven, six)
    mobile = fixed_text(
        "4",
        (mobile_prefix, 2),
        " ",
        (digits // 10_000 % 100, 2),
        " ",
        (digits // 100 % 100, 2),
        " ",
        (digits % 100, 2),
    )
    international = pc.if_else(
        pa.array(landline),
        join(pa.scalar("+32"), area_text, subscriber, separator=" "),
        join(pa.scalar("+32"), mobile, separator=" "),
    )
    local = pc.if_else(
        pa.array(landline),
        join(join(pa.scalar("0"), area_text), subscriber, separator=" "),
        join(pa.scalar("0"), mobile),
    )
    belgian = pc.if_else(pa.array(local_style), local, international)
    dutch = fixed_text("+31 6 ", (1000 + digits // 10_000 % 9000, 4), " ", (digits % 10_000, 4))
    return pc.if_else(pa.array(is_dutch), dutch, belgian)
