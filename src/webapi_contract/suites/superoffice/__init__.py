"""The SuperOffice contract suite: one clause per documented ContactEntity behaviour, and the
tests generated from the derived OpenAPI document."""
