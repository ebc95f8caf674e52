"""The Odyssee Mobile contract suite: one clause per documented Contact behaviour
(docs/vendor/guid-contact-update.help.txt and the Odyssee paragraphs of
docs/vendor/reference/vendor-facts.md), and the tests generated from its OpenAPI document."""
