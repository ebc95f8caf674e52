"""Root conftest: the contract-suite plugin is loaded through its pytest11 entry point."""
