"""Static HTML report of a run (`python -m pipeline report DIR`).

`build_report(run_dir, lang="fr")` writes `run_dir/report/` from `run_dir/json/*.json`, its
interface in French (default) or English (`i18n.py`); `screenshot()` and
`console_errors()` drive headless Chromium for the dashboard image and the page checks.
"""
from .build import build_report, page_name
from .i18n import LANGS
from .screenshot import console_errors, dump_dom, find_chromium, screenshot

__all__ = ["build_report", "page_name", "LANGS", "screenshot", "console_errors", "dump_dom", "find_chromium"]
