"""The secrets of the masking tests and every form in which a hostile target may echo them."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

from webapi_contract.config import basic

USER = "echo-user"


SECRETS = {
    # `?>~` give base64 `+` and `/` (the URL-safe alphabet differs); lengths give padding
    "password": "pw-Zq8v~?>Kx31/scret",
    "ticket": "7T~:tk-Hy72PqLm+sec?ret",
    "token": "~bearer-Rt55Nw0c-se>~cret",
    "app_token": "~apptoken-Uu93Jd2e-s?cret",
}


def transformed(secret: str) -> dict[str, str]:
    """Each form of a secret a server may echo."""
    raw = secret.encode()
    standard = base64.b64encode(raw).decode()
    url_safe = base64.urlsafe_b64encode(raw).decode()
    middle = len(secret) // 2
    return {
        "base64": standard,
        "base64-unpadded": standard.rstrip("="),
        "base64url": url_safe,
        "base64url-unpadded": url_safe.rstrip("="),
        "lower": secret.lower(),
        "upper": secret.upper(),
        "casefold": secret.casefold(),
        "percent": quote(secret, safe=""),
        "percent-every-byte": "".join(f"%{byte:02X}" for byte in raw),
        "json-escaped": "".join(f"\\u{ord(char):04x}" for char in secret),
        "json-slashes": json.dumps(secret)[1:-1].replace("/", "\\/"),
        "split": f"{secret[:middle]} \n\t {secret[middle:]}",
        "split-twice": " ".join([secret[:3], secret[3:9], secret[9:]]),
    }


def _every_secret() -> list[str]:
    credential = basic(USER, SECRETS["password"]).authorization
    return [*SECRETS.values(), credential.split(" ", 1)[1]]


def _squeezed(text: str) -> str:
    """Text without whitespace or escaped line breaks, lower case: a split or case-folded echo
    is found here whatever escaping a report gave its line breaks."""
    text = "".join(text.split()).lower()
    for escaped in ("\\n", "\\r", "\\t", "&#10;", "&#13;", "&#9;", "&#xa;", "&#xd;", "&#x9;"):
        text = text.replace(escaped, "")
    return text
