"""Lighthouse (mobile) on the dealer's dashboard, the claim form and the catalogue, signed in.

Run: `python -m bench.lighthouse`. Lighthouse comes from npm into .bench-node/ the first time (not a project
dependency: the portal never serves it); Chromium is the system's (/usr/bin/chromium or PREMIA_CHROMIUM).
The demo dataset is the one the page benches use (bench/web.py). Prints one JSON line per page and category:
{"name": "lighthouse.dashboard.performance", "value": 0.97, "unit": "score"}, and the failed audits of a
category under 1 on stderr, to say what to fix.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import ROOT, emit, login_cookie, portal_env, serve
from bench.web import demo_database

NODE_DIR = ROOT / ".bench-node"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
PAGES = {"dashboard": "/dashboard", "claim_form": "/claims/new", "catalog": "/catalog/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _lighthouse() -> Path:
    if not LIGHTHOUSE.exists():
        if shutil.which("npm") is None:
            raise SystemExit("npm is not installed: apt-get install npm")
        print("installing lighthouse into .bench-node/ (once)", file=sys.stderr)
        subprocess.run(["npm", "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund", "lighthouse"],
                       check=True, capture_output=True)
    return LIGHTHOUSE


def _chromium() -> str:
    for candidate in (os.environ.get("PREMIA_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("chromium is not installed: apt-get install chromium")


def run_page(url: str, cookie: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        env = dict(os.environ, CHROME_PATH=_chromium())
        subprocess.run(
            [str(_lighthouse()), url, "--quiet", "--output=json", f"--output-path={out}",
             "--only-categories=" + ",".join(CATEGORIES), "--form-factor=mobile",
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
             "--extra-headers=" + json.dumps({"Cookie": cookie})],
            env=env, check=True, capture_output=True, timeout=300)
        return json.loads(out.read_text())


def main() -> None:
    from portal.demo import DEMO_PASSWORD

    db = demo_database()
    with serve("portal.app:create_app", portal_env(db)) as base:
        cookie = login_cookie(base, "dealer@premia.example", DEMO_PASSWORD)
        for name, path in PAGES.items():
            report = run_page(base + path, cookie)
            if report.get("finalDisplayedUrl", "").split("?")[0].endswith("/login"):
                raise SystemExit(f"{path}: lighthouse was sent to the login page (the cookie did not take)")
            for category in CATEGORIES:
                score = report["categories"][category]["score"]
                emit(f"lighthouse.{name}.{category}", score or 0.0, "score")
                if score is not None and score < 1:
                    ids = report["categories"][category]["auditRefs"]
                    failed = [r["id"] for r in ids if r.get("weight") and
                              (report["audits"][r["id"]].get("score") is not None) and
                              report["audits"][r["id"]]["score"] < 0.9]
                    print(f"  {name}.{category}: {', '.join(failed[:10])}", file=sys.stderr)


if __name__ == "__main__":
    main()
