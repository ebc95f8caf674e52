"""`python -m webapi_contract` runs the command line."""

from webapi_contract.cli import main

raise SystemExit(main())
