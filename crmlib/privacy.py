"""Pseudonymise a company's data before it reaches a notebook or a report.

``crm-workbook render --pseudonymise`` (and ``batch --pseudonymise``) run the notebooks
on a copy of the data in which every customer's name, e-mail address, phone number
and street address is replaced by a stable pseudonym. Stable means the same customer
gets the same pseudonym in every report of the company, so reports can still be
discussed together ("Customer 3F2A9C"), while the real identity stays in the client's
own folder. Customer ids, cities and postcodes are kept: the analysis needs them and
they do not name a person.

Pseudonyms are keyed hashes (HMAC-SHA256) of the original value. The key is read from
the environment variable ``CRM_WORKBOOK_PSEUDONYM_KEY``, else from the data folder's
``.pseudonym-key`` file, which is created with a random key on first use. Without the
key, a pseudonym cannot be turned back into the name by trying likely names.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import shutil
from pathlib import Path

import pandas as pd
import yaml

from crmlib.atomic import atomic_path, atomic_write_text
from crmlib.data.company import COMPANY_FILE, Company, read_company_info

KEY_FILE = ".pseudonym-key"
KEY_ENV = "CRM_WORKBOOK_PSEUDONYM_KEY"
# column -> how its pseudonym reads
PERSONAL_COLUMNS = {
    "name": "Customer {code}",
    "email": "{code_lower}@example.invalid",
    "phone": "+00 {digits}",
    "address": "Street {code}",
}
# People named in workshop answers files.
ASSESSMENT_PEOPLE = ("assessor", "participants")


def pseudonym_key(data_dir: Path) -> bytes:
    """The company's pseudonym key: from the environment, else its key file (created once)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return from_env.encode()
    path = Path(data_dir) / KEY_FILE
    if not path.exists():
        atomic_write_text(path, secrets.token_hex(32) + "\n")
    return path.read_text().strip().encode()


def pseudonym(value, key: bytes, template: str = "Customer {code}") -> str | None:
    """The stable pseudonym of ``value`` (missing values stay missing)."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    digest = hmac.new(key, str(value).strip().casefold().encode(), hashlib.sha256).hexdigest()
    code = digest[:6].upper()
    digits = "".join(str(int(c, 16) % 10) for c in digest[:9])
    return template.format(
        code=code, code_lower=code.lower(), digits=f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    )


def pseudonymise_table(frame: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """A copy of the customers table with every personal column replaced by pseudonyms."""
    out = frame.copy()
    for column, template in PERSONAL_COLUMNS.items():
        if column in out.columns:
            values = out[column].astype(object)
            out[column] = pd.array([pseudonym(v, key, template) for v in values], dtype="string")
    return out


def _pseudonymise_answers(text: str, key: bytes) -> str:
    answers = yaml.safe_load(text) or {}
    if isinstance(answers, dict):
        for field in ASSESSMENT_PEOPLE:
            value = answers.get(field)
            if isinstance(value, list):
                answers[field] = [pseudonym(v, key, "Participant {code}") for v in value]
            elif value:
                answers[field] = pseudonym(value, key, "Participant {code}")
    return yaml.safe_dump(answers, sort_keys=False, allow_unicode=True)


def pseudonymised_copy(company: Company, target: Path) -> Path:
    """Write a pseudonymised copy of ``company``'s folder to ``target`` and return it.

    The tables are written as Parquet (types kept), ``company.yml`` is copied, and the
    workshop answers in ``assessments/`` are copied with assessor and participant
    names replaced.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    key = pseudonym_key(company.data_dir)
    for name, frame in company.tables.items():
        table = pseudonymise_table(frame, key) if name == "customers" else frame
        with atomic_path(target / f"{name}.parquet") as temporary:
            table.to_parquet(temporary, index=False)
    info = company.data_dir / COMPANY_FILE
    settings = read_company_info(company.data_dir)
    if company.currency and not settings.get("currency"):
        # the currency came from mapping.yml, which the copy (canonical tables) has no use for
        atomic_write_text(
            target / COMPANY_FILE,
            yaml.safe_dump({**settings, "currency": company.currency}, allow_unicode=True),
        )
    elif info.exists():
        shutil.copy(info, target / COMPANY_FILE)
    answers = company.data_dir / "assessments"
    if answers.is_dir():
        (target / "assessments").mkdir(exist_ok=True)
        for path in answers.glob("*.yaml"):
            atomic_write_text(
                target / "assessments" / path.name,
                _pseudonymise_answers(path.read_text(encoding="utf-8"), key),
            )
    return target
