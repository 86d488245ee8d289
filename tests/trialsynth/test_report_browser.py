"""report.html in a real headless Chromium: the DOM it builds and a screenshot of the page.

Needs Debian's `chromium` (`.ci/run` installs it with apt-get when it is missing); skipped with a
message saying so when there is no browser. Set TRIALSYNTH_SCREENSHOT=/path/report.png to keep a
copy of the screenshot.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.trialsynth.report_fixture import sample_context
from trialsynth.report import write_report

TIMEOUT = 120
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    pytest.skip("no chromium browser found: .ci/run installs it (apt-get install chromium); "
                "install it to run the headless browser test of report.html")


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run Chromium in its own process group; kill the whole group if it outlives TIMEOUT seconds."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            cwd=tmp_path, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"chromium did not finish within {TIMEOUT} s: {' '.join(args)}\n"
                    f"{err.decode('utf-8', 'replace')[-2000:]}")
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _base_args(browser: str, tmp_path: Path, profile: str) -> list[str]:
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / profile}", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--hide-scrollbars", "--virtual-time-budget=5000"]


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    browser = _chromium()
    folder = tmp_path_factory.mktemp("report")
    ctx = sample_context()
    html_path, _ = write_report(ctx, folder)
    return browser, ctx, html_path, folder


def test_dom_has_prisma_evidence_and_forest_plots(written):
    browser, ctx, html_path, folder = written
    result = _run(_base_args(browser, folder, "profile-dom") + ["--dump-dom", html_path.as_uri()], folder)
    dom = result.stdout.decode("utf-8", "replace")
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert "</html>" in dom, "chromium printed no DOM"
    tree = lxml_html.fromstring(dom)

    prisma = tree.xpath('//*[@id="prisma"]')
    assert prisma, "no element with id=prisma"
    assert prisma[0].xpath('.//*[local-name()="svg"]'), "the PRISMA section has no <svg>"
    svg_text = " ".join(prisma[0].xpath('.//*[local-name()="text"]//text()'))
    assert f"Records screened (n = {ctx.prisma.records_screened})" in svg_text

    rows = tree.xpath('//*[@id="evidence-table"]//tr[contains(concat(" ", @class, " "), " evidence-row ")]')
    assert len(rows) == len(ctx.evidence_rows)
    assert any("entered by reviewer" in row.text_content() for row in rows)

    figures = tree.xpath('//figure[contains(concat(" ", @class, " "), " forest-plot ")]')
    assert len(figures) >= 1
    assert all(fig.xpath('./*[local-name()="svg"]') for fig in figures), "a forest plot figure has no <svg>"
    assert [fig.get("data-key") for fig in figures] == [pa.key for pa in ctx.pooled]

    # the hostile title stayed text: the browser built no <script> element from it
    assert not tree.xpath("//script")
    assert "<script>alert(1)</script>" in tree.xpath('//*[@id="studies"]')[0].text_content()
    for section in ("changes", "studies", "forest-plots", "direction-synthesis", "overlaps", "corrections",
                    "history"):
        assert tree.xpath(f'//*[@id="{section}"]'), section


def test_screenshot_is_a_real_png(written, tmp_path):
    browser, _, html_path, folder = written
    shot = tmp_path / "report.png"
    result = _run(_base_args(browser, tmp_path, "profile-shot")
                  + [f"--screenshot={shot}", "--window-size=1280,4000", html_path.as_uri()], tmp_path)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")[-2000:]
    assert shot.is_file(), "chromium wrote no screenshot"
    data = shot.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 10_000, f"the screenshot is only {len(data)} bytes: the page probably rendered blank"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")   # IHDR
    assert width >= 1000 and height >= 3000, (width, height)   # --window-size=1280,4000
    keep = os.environ.get("TRIALSYNTH_SCREENSHOT")
    if keep:
        target = Path(keep)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
    assert re.search(rb"IDAT", data)


def test_the_demo_report_in_chromium(tmp_path):
    """The README's main job: `trialsynth demo` on the bundled corpus, opened in the browser."""
    from trialsynth.cli import main

    browser = _chromium()
    review = tmp_path / "msc-ra-demo"
    assert main(["demo", str(review)]) == 0
    page = (review / "report.html").resolve().as_uri()
    dom = _run([*_base_args(browser, tmp_path, "demo-profile"), "--dump-dom", page], tmp_path)
    assert dom.returncode == 0, dom.stderr.decode("utf-8", "replace")[-2000:]
    tree = lxml_html.fromstring(dom.stdout)
    assert tree.xpath('//*[@id="prisma"]//svg'), "no PRISMA diagram"
    assert len(tree.xpath('//*[@id="evidence-table"]//tbody/tr')) >= 40, "evidence table too short"
    # every analysis of the bundled corpus has one study: shown as the study's own estimate, never as pooled
    singles = tree.xpath('//article[contains(@class, "single-study")]')
    assert singles and all("not pooled (k = 1)" in a.text_content() for a in singles)
    assert not tree.xpath('//article[contains(@class, "single-study")]//figure[contains(@class, "forest-plot")]')
    seed = tree.xpath('//*[@id="direction-synthesis"]//tr[contains(., "Wang 2019")]')
    assert len(seed) >= 6, "the seed study is missing from the direction-of-effect synthesis"
    seed_cells = [td for tr in seed for td in tr.xpath("./td[position() > 1]") if "benefit" in td.text_content()]
    assert len(seed_cells) >= 8, "the seed's directions (outcomes × windows) are missing"
    shot = tmp_path / "demo.png"
    done = _run([*_base_args(browser, tmp_path, "demo-shot"), f"--screenshot={shot}", "--window-size=1280,3000",
                 page], tmp_path)
    assert done.returncode == 0 and shot.read_bytes()[:8] == PNG_SIGNATURE and shot.stat().st_size > 10_000
    keep = os.environ.get("TRIALSYNTH_DEMO_SCREENSHOT")
    if keep:
        shutil.copyfile(shot, keep)
