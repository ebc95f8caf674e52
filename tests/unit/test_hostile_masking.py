"""A hostile target echoes every configured secret back, transformed (base64 standard and
URL-safe, padded or not; another letter case; percent-encoded; JSON-escaped; split by
whitespace), in bodies and headers: no report file and no console line holds a secret or any
of those forms."""

from __future__ import annotations

import base64

from support.secret_forms import SECRETS, _every_secret, _squeezed, transformed

from webapi_contract.client import MIN_SECRET_LENGTH, redact_text


def test_the_echo_forms_are_those_the_brief_names():
    every = [transformed(secret) for secret in _every_secret()]
    assert sum(forms["base64"] != forms["base64url"] for forms in every) >= 4
    assert any(forms["base64"].endswith("=") for forms in every)
    assert every[0]["json-escaped"].startswith("\\u0070")
    assert all(len(secret) >= MIN_SECRET_LENGTH for secret in _every_secret())


def test_every_form_of_every_secret_is_masked_in_text():
    secrets = _every_secret()
    for secret in secrets:
        for name, form in transformed(secret).items():
            text = f"before {form} after"
            masked = redact_text(text, secrets)
            assert masked.startswith("before "), name
            assert masked.endswith(" after"), name
            assert _squeezed(_squeezed(form)) not in _squeezed(masked), (name, masked)


def test_a_base64_echo_inside_a_longer_encoded_value_is_masked():
    secret = SECRETS["token"]
    for prefix in (b"", b"a", b"ab", b"user:"):
        encoded = base64.b64encode(prefix + secret.encode() + b"!tail").decode()
        masked = redact_text(f"x {encoded} y", [secret])
        assert encoded not in masked
        assert masked.count("***") == 1, (prefix, masked)


def test_short_secrets_and_forms_mask_nothing():
    text = "ab abc the quick brown fox jumps: YWJj, %61%62, 616263"
    assert redact_text(text, ["ab", "abc", ""]) == text
