"""Reports of a run: the conformance matrix (JSON and HTML), its history, secret scrubbing, Allure.

Standard library only, plus the client's redaction; the plugin collects, this package renders.
"""

from webapi_contract.reports.conformance import Collector, could_not_run, now_iso
from webapi_contract.reports.publish import CONFORMANCE_HTML, CONFORMANCE_JSON, publish
from webapi_contract.reports.scrub import scrub_text, scrub_tree
from webapi_contract.reports.summary import render_summary

__all__ = [
    "CONFORMANCE_HTML",
    "CONFORMANCE_JSON",
    "Collector",
    "could_not_run",
    "now_iso",
    "publish",
    "render_summary",
    "scrub_text",
    "scrub_tree",
]
