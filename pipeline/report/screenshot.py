"""Headless Chromium helpers: screenshot a report page and check it loads without JS errors.

Pages are opened from `file://` with network features switched off and a throw-away profile, so
a check never depends on (or talks to) anything outside the machine. JS errors are read back from
the `#js-errors` element that every report page fills from `window.onerror` (see
`templates.ERROR_TRAP_JS`): Chromium's stderr console lines carry no severity and are mixed with
D-Bus noise, while the dumped DOM is exact.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Optional, Union

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome",
              "google-chrome-stable")
INSTALL_HINT = "install it with `apt-get install -y chromium` (make install-browser) or set CHROMIUM"
VIRTUAL_TIME_MS = 3000

Target = Union[str, Path]


def find_chromium() -> Optional[str]:
    """Path of a Chromium/Chrome binary, or None. `$CHROMIUM` (a path or a command) wins."""
    env = os.environ.get("CHROMIUM")
    if env:
        return shutil.which(env)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _require() -> str:
    exe = find_chromium()
    if not exe:
        raise FileNotFoundError(f"no Chromium found: {INSTALL_HINT}")
    return exe


def _url(target: Target) -> str:
    """A `file://` URL for a path; strings that already are URLs (e.g. with `?q=`) pass through."""
    if isinstance(target, str) and re.match(r"^[a-z][a-z0-9+.-]*:", target) and not os.path.exists(target):
        return target
    return Path(target).resolve().as_uri()


def _run(extra: list[str], url: str, timeout: float) -> subprocess.CompletedProcess:
    """Run one headless Chromium with a fresh profile; kill the whole process group on timeout."""
    exe = _require()
    with tempfile.TemporaryDirectory(prefix="report-chromium-", ignore_cleanup_errors=True) as profile:
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            "--force-device-scale-factor=1", f"--user-data-dir={profile}", *extra, url,
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"Chromium timed out after {timeout}s on {url}") from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(
        cmd, proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _stderr_tail(stderr: str, lines: int = 15) -> str:
    keep = [ln for ln in stderr.splitlines() if "dbus" not in ln.lower()]
    return "\n".join(keep[-lines:])


def screenshot(html_path: Target, png_path: Target, width: int = 1280, height: int = 1600,
               timeout: float = 90) -> Path:
    """Render `html_path` to `png_path` (PNG of the first width x height pixels); return png_path."""
    png = Path(png_path).resolve()
    png.parent.mkdir(parents=True, exist_ok=True)
    if png.exists():
        png.unlink()
    res = _run([f"--screenshot={png}", f"--window-size={width},{height}",
                f"--virtual-time-budget={VIRTUAL_TIME_MS}"], _url(html_path), timeout)
    if res.returncode != 0 or not png.exists() or png.stat().st_size == 0:
        raise RuntimeError(f"Chromium screenshot failed (exit {res.returncode}):\n"
                           f"{_stderr_tail(res.stderr)}")
    return png


def dump_dom(target: Target, timeout: float = 90) -> str:
    """Serialised DOM after scripts ran (virtual time budget), for element checks in tests."""
    res = _run(["--dump-dom", f"--virtual-time-budget={VIRTUAL_TIME_MS}", "--window-size=1280,1600"],
               _url(target), timeout)
    if res.returncode != 0:
        raise RuntimeError(f"Chromium --dump-dom failed (exit {res.returncode}):\n"
                           f"{_stderr_tail(res.stderr)}")
    return res.stdout


_TRAP = re.compile(r'<pre\b[^>]*\bid="js-errors"[^>]*>(.*?)</pre>', re.S | re.I)


def errors_in_dom(dom: str) -> list[str]:
    """JS errors recorded by the page's trap; a page without the trap (or blank) is itself an error."""
    m = _TRAP.search(dom)
    if not m:
        return ["page did not load or has no #js-errors trap element"]
    return [ln for ln in html.unescape(m.group(1)).splitlines() if ln.strip()]


def console_errors(html_path: Target) -> list[str]:
    """Load the page headless and return its JS errors (empty list = clean)."""
    return errors_in_dom(dump_dom(html_path))
