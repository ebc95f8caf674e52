"""`python -m webapi_contract.mock [options]` is `webapi-contract serve [options]`."""

from webapi_contract.mock.command import main

raise SystemExit(main())
