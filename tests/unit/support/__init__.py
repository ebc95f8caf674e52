from typing import Any


def plugin_options(creds: Any) -> list[str]:
    """pytest options of the contract plugin giving a mock's credentials, in `--name=value`
    form: a secret may begin with `-`, and `--password -q…` would be read as a flag."""
    from webapi_contract.config import by_name

    given = {
        "username": creds.username,
        "password": creds.password,
        "ticket": creds.ticket,
        "token": creds.token,
    }
    return [f"{by_name(name).pytest_flag}={value}" for name, value in given.items()]
