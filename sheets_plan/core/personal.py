"""A contact's data (the Leads tab): reading phones, e-mails and profile links, and masking them.

Phones are parsed by libphonenumber (the `phonenumbers` package; default region RU), e-mails by
`email-validator` (syntax only: no DNS lookup), profile links by their host. Everything the
product prints from a personal column goes through :func:`mask`: the sheet holds the data, the
output only points at it. Pure.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

REGION = "RU"

# Problem codes; `procedure` turns them into words.
PHONE_UNREADABLE, PHONE_SHORT, PHONE_LONG, PHONE_INVALID, PHONE_FORMAT = (
    "phone_unreadable", "phone_short", "phone_long", "phone_invalid", "phone_format")
EMAIL_INVALID = "email_invalid"
PROFILE_NOT_URL, PROFILE_UNKNOWN = "profile_not_url", "profile_unknown"

# Hosts of the networks a profile link may point at (and their short and mobile forms).
NETWORKS = ("instagram.com", "instagr.am", "vk.com", "vk.ru", "m.vk.com", "t.me", "telegram.me", "tiktok.com",
            "youtube.com", "youtu.be", "facebook.com", "fb.com", "m.facebook.com", "ok.ru", "x.com",
            "twitter.com", "threads.net", "wa.me", "linkedin.com", "dzen.ru", "rutube.ru")


@lru_cache(maxsize=4096)
def read_phone(text: str) -> tuple[str | None, str | None]:
    """(the number as +7 999 123-45-67, with " доб. 12" for an extension; None if unreadable,
    the problem or None). A good number written any other way gets PHONE_FORMAT."""
    raw = text.strip()
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None, PHONE_UNREADABLE
    if re.search(r"[A-Za-zА-Яа-яЁё]", re.sub(r"(?i)\b(доб|ext|x)\b\.?", "", raw)):
        return None, PHONE_UNREADABLE  # letters are not part of a number (an extension's word aside)
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == phonenumbers.ValidationResult.TOO_SHORT:
        return None, PHONE_SHORT
    if possible in (phonenumbers.ValidationResult.TOO_LONG, phonenumbers.ValidationResult.INVALID_LENGTH):
        return None, PHONE_LONG
    if not phonenumbers.is_valid_number(number):
        return None, PHONE_INVALID
    shown = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    shown = shown.replace(" ext. ", " доб. ")
    return shown, None if raw == shown else PHONE_FORMAT


def phone_key(text: str) -> str | None:
    """The number itself (E.164), for finding the same contact twice; None if unreadable."""
    shown, _ = read_phone(text)
    if shown is None:
        return None
    return phonenumbers.format_number(phonenumbers.parse(shown.replace(" доб. ", " ext. "), REGION),
                                      phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def email_problem(text: str) -> str | None:
    try:
        validate_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return EMAIL_INVALID
    return None


def profile_problem(text: str) -> str | None:
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return PROFILE_NOT_URL
    host = parts.hostname or ""
    host = host[4:] if host.startswith("www.") else host
    if not any(host == n or host.endswith("." + n) for n in NETWORKS):
        return PROFILE_UNKNOWN
    return None


def profile_key(text: str) -> str | None:
    """A profile link as a key: host without www, path without a trailing slash, case ignored."""
    parts = urlsplit(text.strip())
    if not parts.netloc:
        return None
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    return f"{host}{parts.path.rstrip('/')}".lower()


# ------------------------------------------------------------------ masking

def mask(value, kind: str) -> str:
    """What output may show of a personal cell: enough to find it, not the data.

    phone: the normalized number, only its last four digits (+7 *** ***-45-67); e-mail: the
    first letter and the domain (a***@mail.ru); a link: its host (https://instagram.com/***);
    a name or other text: each word's first letter (И*** П***)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if kind == "phone":
        shown, _ = read_phone(text)
        if shown is None:  # not a number: its letters may be anything (a name typed in the wrong cell)
            return mask_as_typed(text)
        return _digits_masked(shown)
    if kind == "email" and "@" in text:
        user, _, domain = text.rpartition("@")
        return f"{user[:1]}***@{domain}"
    if kind == "url":
        parts = urlsplit(text)
        return f"{parts.scheme}://{parts.netloc}/***" if parts.netloc else "***"
    return " ".join(word[:1] + "***" for word in text.split())


def mask_guessed(value) -> str:
    """A value of unknown kind masked as what it looks like: a phone, an e-mail, a link, or a name."""
    text = "" if value is None else str(value).strip()
    if "@" in text:
        return mask(text, "email")
    if re.match(r"(?i)(https?://|www\.)", text) or any(host in text.lower() for host in NETWORKS):
        return mask(text, "url")
    if sum(ch.isdigit() for ch in text) >= 5:
        return mask(text, "phone")
    return mask(text, "text")


def mask_as_typed(text: str) -> str:
    """A phone masked in the spelling it was typed in (8 (999) 123-45-67 → * (***) ***-45-67): its
    letters and all but the last four digits hidden, so two spellings of one number read apart."""
    return re.sub(r"[^\W\d_]", "*", _digits_masked(str(text).strip()))


def _digits_masked(text: str) -> str:
    """Every digit but the last four (and a leading country code) as *."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    keep = set(digits[-4:])
    if text.startswith("+"):
        code = re.match(r"\+\d{1,3}", text)
        keep |= set(range(1, code.end())) if code and " " in text else set()
    return "".join("*" if ch.isdigit() and i not in keep else ch for i, ch in enumerate(text))
