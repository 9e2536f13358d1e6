"""The built book as a reader meets it, in a real browser: Debian's Chromium, headless, driven by
Playwright, over the book served by a local web server.

One browser visits every page once (the `tour` fixture) and records what it saw; the tests below
then check it: no console errors and no failed requests, MathJax rendered every equation and left
no raw TeX, every image loaded, no display equation or printed output is wider than its column
(at a 1280 px and at an 800 px window), the diagrams' labels are at least body-text size, every
navigation link resolves, search finds a term, and the download button gives the chapter's
source. Without a browser, the built pages' printed outputs are checked for stray reprs,
warnings and progress bars. Screenshots of a few pages go to tests/artifacts/.
"""
from __future__ import annotations

import functools
import html
import http.server
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Pages whose screenshots people look at after a run.
SCREENSHOTS = {
    "book/intro.html": "intro.png",
    "book/01_why_recurrent.html": "01_why_recurrent.png",
    "book/glossary.html": "glossary.png",
}
PILOT = "book/01_why_recurrent.html"
# Window widths at which nothing may be wider than the book's column: a laptop, and a narrow
# window where the sidebars fold away.
WIDTHS = (1280, 800)


def _apt_install(*packages: str) -> None:
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail(f"missing {packages}: install them with apt-get (Debian), as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *packages]):
        done = subprocess.run(command, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{(done.stdout + done.stderr)[-3000:]}")


def ensure_chromium() -> str:
    """Debian's Chromium, installed from the distribution's registry when it is missing, and a
    font with Chinese glyphs (the glossary gives every term's Chinese name), without which the
    screenshots would show empty boxes where readers see characters."""
    missing = [] if Path(CHROMIUM).exists() else ["chromium"]
    has_cjk_font = shutil.which("fc-list") and subprocess.run(
        ["fc-list", ":lang=zh"], capture_output=True, text=True
    ).stdout.strip()
    if not has_cjk_font:
        missing.append("fonts-wqy-zenhei")
    if missing:
        _apt_install(*missing)
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is still missing after installing chromium"
    return CHROMIUM


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (the base class's name)
        pass


@pytest.fixture(scope="module")
def site(built_book):
    """The built book over HTTP on a free loopback port; yields the site's base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageVisit:
    path: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    nav_links: set[str] = field(default_factory=set)
    links: set[str] = field(default_factory=set)
    anchors: set[str] = field(default_factory=set)
    overflows: list[str] = field(default_factory=list)
    diagrams: list[dict] = field(default_factory=list)


# Runs in the page after MathJax has finished: what a reader would see of the equations.
MATH_REPORT = r"""
() => {
  const math = [...document.querySelectorAll('.math')];
  const unrendered = math.filter(el => !el.querySelector('mjx-container'))
                         .map(el => el.textContent.trim().slice(0, 80));
  const errors = [...document.querySelectorAll('mjx-merror, mjx-container [data-mjx-error]')]
                   .map(el => (el.getAttribute('data-mjx-error') || el.textContent).slice(0, 80));
  // The visible prose, without code (code may legitimately contain a backslash or a dollar).
  const article = (document.querySelector('article') || document.body).cloneNode(true);
  article.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(el => el.remove());
  const text = article.innerText;
  const markers = ['$$', '\\(', '\\)', '\\[', '\\]', '\\begin{', '$\\'];
  const raw = [];
  for (const m of markers) {
    let i = text.indexOf(m);
    if (i >= 0) raw.push(text.slice(Math.max(0, i - 40), i + 40).replace(/\s+/g, ' '));
  }
  // Inline maths that the Markdown parser did not turn into maths, e.g. "$x_t$" left as text.
  const dollars = text.match(/\$[^$\s][^$\n]{0,80}?[^$\s\\]\$/);
  if (dollars) raw.push(dollars[0]);
  // MathJax draws an undefined macro (e.g. \bm without its package) as red text, not as an error.
  const undefinedMacros = [...document.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
                            .map(el => 'undefined macro ' + el.textContent);
  return {count: math.length,
          rendered: document.querySelectorAll('mjx-container').length,
          unrendered, errors: errors.concat(undefinedMacros), raw};
}
"""

# Every <img> forced to load, then its natural size read.
IMAGE_REPORT = """
async () => {
  const images = [...document.images];
  for (const img of images) img.loading = 'eager';
  await Promise.all(images.map(img => img.decode().catch(() => null)));
  return images.map(img => ({src: img.currentSrc || img.src, ok: img.complete && img.naturalWidth > 0}));
}
"""

# The links of the site's navigation: the left sidebar, the header and the previous/next buttons.
NAV_LINKS = """
() => [...document.querySelectorAll(
    '.bd-sidebar-primary a[href], .bd-header a[href], .bd-header-article a[href], .prev-next-area a[href]')]
  .map(a => a.href)
"""


# Display equations and printed outputs wider than the box that holds them (cut off, or hidden
# behind a sideways scroll bar).
OVERFLOW_REPORT = """
() => {
  const blocks = document.querySelectorAll(
    'mjx-container[display="true"], div.math, div.cell_output pre, div.cell_output div.output');
  return [...blocks].filter(el => el.scrollWidth > el.clientWidth + 1).map(el =>
    `${el.matches('mjx-container, div.math') ? 'equation' : 'output'} ${el.scrollWidth} px wide ` +
    `in ${el.clientWidth} px: ${(el.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 70)}`);
}
"""

# The course's diagrams (book/figures/*.svg) as shown: how much the page shrinks each one, and
# the size of the body text it sits in.
DIAGRAM_REPORT = """
() => {
  const body = parseFloat(getComputedStyle(document.querySelector('article p') || document.body).fontSize);
  return [...document.images].filter(img => /\\/_images\\/[\\w-]+\\.svg$/.test(img.src) && img.naturalWidth)
    .map(img => ({src: img.src, scale: img.clientWidth / img.naturalWidth, body_px: body}));
}
"""


def _wait_for_mathjax(page):
    page.wait_for_function(
        "() => !document.querySelector('.math') || "
        "(window.MathJax && MathJax.startup && MathJax.startup.promise && MathJax.startup.document)",
        timeout=30_000,
    )
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")


def _book_pages(html_dir: Path) -> list[str]:
    return sorted(
        str(p.relative_to(html_dir))
        for p in html_dir.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(html_dir).parts)
    )


@pytest.fixture(scope="module")
def tour(browser, site, built_book):
    """Visit every page of the book once in one browser context and record what happened."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    visits: dict[str, PageVisit] = {}
    page = context.new_page()
    current: list[PageVisit] = []

    def on_console(message):
        if message.type == "error" and current:
            current[0].console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_request_failed(request):
        if current:
            current[0].failed_requests.append(f"{request.url}: {request.failure}")

    def on_response(response):
        if current and response.status >= 400:
            current[0].failed_requests.append(f"{response.url}: HTTP {response.status}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: current and current[0].console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)

    for path in _book_pages(built_book):
        visit = PageVisit(path)
        current[:] = [visit]
        response = page.goto(site + path, wait_until="load")
        visit.status = response.status if response else None
        if page.locator('meta[http-equiv="refresh" i]').count():  # index.html forwards to the intro
            page.wait_for_url(lambda url: url != site + path, timeout=10_000)
            page.wait_for_load_state("load")
        _wait_for_mathjax(page)
        visit.math = page.evaluate(MATH_REPORT)
        images = page.evaluate(IMAGE_REPORT)
        visit.images = len(images)
        visit.broken_images = [image["src"] for image in images if not image["ok"]]
        visit.nav_links = set(page.evaluate(NAV_LINKS))
        visit.links = set(page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"))
        visit.anchors = set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
        visit.diagrams = page.evaluate(DIAGRAM_REPORT)
        for width in WIDTHS:  # the sidebars fold away below about 960 px; the column changes
            page.set_viewport_size({"width": width, "height": 900})
            visit.overflows += [f"at {width} px: {o}" for o in page.evaluate(OVERFLOW_REPORT)]
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        if path in SCREENSHOTS:
            page.screenshot(path=str(ARTIFACTS / SCREENSHOTS[path]), full_page=True)
        page.wait_for_timeout(100)  # late console messages belong to this page
        current.clear()
        visits[path] = visit
    try:
        yield {"visits": visits, "context": context, "site": site}
    finally:
        context.close()


def test_every_page_loads_without_console_errors_or_failed_requests(tour):
    visits = tour["visits"]
    assert PILOT in visits and "search.html" in visits, f"pages visited: {sorted(visits)}"
    problems = []
    for path, visit in visits.items():
        if visit.status != 200:
            problems.append(f"{path}: HTTP {visit.status}")
        problems += [f"{path}: console error: {e}" for e in visit.console_errors]
        problems += [f"{path}: failed request: {r}" for r in visit.failed_requests]
    assert not problems, "\n".join(problems)


def test_mathjax_rendered_every_equation(tour):
    visits = tour["visits"]
    assert visits[PILOT].math["count"] > 0, "the pilot chapter has equations; none were found"
    problems = []
    for path, visit in visits.items():
        math = visit.math
        problems += [f"{path}: equation not rendered: {tex!r}" for tex in math["unrendered"]]
        problems += [f"{path}: MathJax error: {err!r}" for err in math["errors"]]
        problems += [f"{path}: raw TeX in the visible text: ...{raw}..." for raw in math["raw"]]
        if math["count"] and math["rendered"] < math["count"]:
            problems.append(f"{path}: {math['count']} equations, {math['rendered']} rendered by MathJax")
    assert not problems, "\n".join(problems)


def test_every_image_loaded(tour):
    visits = tour["visits"]
    assert visits[PILOT].images >= 2, "the pilot chapter's two plots are missing"
    broken = [f"{path}: {src}" for path, visit in visits.items() for src in visit.broken_images]
    assert not broken, "images that did not load:\n" + "\n".join(broken)


def test_no_equation_or_printed_output_is_wider_than_its_column(tour):
    """Measured in the browser at both window widths: an element whose content is wider than its
    box (scrollWidth > clientWidth) is cut off or needs a sideways scroll bar."""
    visits = tour["visits"]
    assert visits[PILOT].math["count"], "the pilot chapter has equations to measure"
    problems = [f"{path}: {o}" for path, visit in visits.items() for o in visit.overflows]
    assert not problems, "too wide for the column:\n" + "\n".join(problems)


def test_diagram_labels_are_at_least_body_text_size(tour):
    """The diagrams draw every label at diagrams.FONT_PT points; shown at 1280 px, scaled to fit
    the column, no label may come out smaller than the body text around it."""
    from rnncourse import diagrams

    shown = [(path, d) for path, visit in tour["visits"].items() for d in visit.diagrams]
    names = {Path(urlparse(d["src"]).path).stem for _, d in shown}
    assert set(diagrams.DIAGRAMS) <= names, f"diagrams not shown in any page: {set(diagrams.DIAGRAMS) - names}"
    small = [f"{path}: {Path(d['src']).name} labels at {diagrams.FONT_PT * 4 / 3 * d['scale']:.1f} px, "
             f"body text {d['body_px']} px" for path, d in shown
             if diagrams.FONT_PT * 4 / 3 * d["scale"] < d["body_px"] - 0.05]  # 1 pt = 4/3 px in CSS
    assert not small, "\n".join(small)


def test_every_navigation_link_resolves(tour):
    """The sidebar, header and previous/next links, and every other link between the book's pages."""
    visits, site, context = tour["visits"], tour["site"], tour["context"]
    nav = set().union(*(visit.nav_links for visit in visits.values()))
    chapters = [p for p in visits if p.startswith("book/")]
    nav_pages = {urlparse(urldefrag(link)[0]).path.lstrip("/") for link in nav if link.startswith(site)}
    unlisted = sorted(set(chapters) - nav_pages)
    assert not unlisted, f"pages that no navigation link leads to: {unlisted}"
    links = nav | set().union(*(visit.links for visit in visits.values()))
    problems, fetched = [], {}
    for link in sorted(l for l in links if l.startswith(site)):
        url, fragment = urldefrag(link)
        fragment = unquote(fragment)
        path = urlparse(url).path.lstrip("/") or "index.html"
        if path.endswith("/"):
            path += "index.html"
        if path in visits:
            status = visits[path].status
        else:
            if url not in fetched:
                fetched[url] = context.request.get(url).status
            status = fetched[url]
        kind = "navigation link" if link in nav else "link"
        if status != 200:
            problems.append(f"{kind} {link}: HTTP {status}")
        elif fragment and path in visits and fragment not in visits[path].anchors:
            problems.append(f"{kind} {link}: no element with id {fragment!r} on {path}")
    assert not problems, "links that do not resolve:\n" + "\n".join(problems)


def _search(tour, query: str, screenshot: str | None = None) -> list[str]:
    page = tour["context"].new_page()
    try:
        page.goto(tour["site"] + "search.html?q=" + query, wait_until="load")
        page.wait_for_selector("#search-results ul.search li", timeout=20_000)
        page.wait_for_function(  # Sphinx says "Search finished" once every result is listed
            "() => (document.querySelector('#search-results p.search-summary') || {}).innerText", timeout=20_000
        )
        if screenshot:
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
        return [urlparse(href).path for href in
                page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")]
    finally:
        page.close()


def test_search_finds_a_term(tour):
    results = _search(tour, "Elman", screenshot="search.png")
    assert any(path.endswith("/" + PILOT) for path in results), (
        f"searching for 'Elman' did not find the pilot chapter (which cites Elman 1990); results: {results}"
    )


def test_search_finds_a_chinese_term_in_the_glossary(tour):
    results = _search(tour, "梯度消失")
    assert any(path.endswith("/book/glossary.html") for path in results), (
        f"searching for 梯度消失 (vanishing gradient) did not find the glossary; results: {results}"
    )


def test_download_button_gives_the_chapter_source(tour):
    page = tour["context"].new_page()
    try:
        page.goto(tour["site"] + PILOT, wait_until="load")
        page.click("button[aria-label='Download this page']")
        item = page.locator(".dropdown-download-buttons .btn-download-source-button")
        item.wait_for(state="visible", timeout=5_000)
        offered = page.eval_on_selector_all(
            ".dropdown-download-buttons .dropdown-item", "els => els.map(e => e.innerText.trim())"
        )
        with page.context.expect_page() as new_tab:
            item.click()
        download = new_tab.value
        download.wait_for_load_state()
        href = download.url
        download.close()
        response = page.request.get(href)
    finally:
        page.close()
    assert ".md" in offered, f"the download menu offers {offered}, not the chapter's .md source"
    assert response.status == 200, f"{href}: HTTP {response.status}"
    source = (ROOT / "book" / "01_why_recurrent.md").read_text(encoding="utf-8")
    got = response.text()
    assert got == source, f"{href} is not book/01_why_recurrent.md ({len(got)} characters against {len(source)})"
    assert got.startswith("---\njupytext:") and "kernelspec:" in got, "the download is not a MyST notebook"


# What must never appear in a page's printed output: an object's default repr (a value returned by
# a call made for its side effect, e.g. torch.set_grad_enabled), a warning, or a progress bar's
# refreshes (the built book prints one line per training loop, rnncourse/train.py).
STRAY_OUTPUT = {
    "object repr": re.compile(r"<[\w.]+ (object )?at 0x[0-9a-f]+>|torch\.autograd\.grad_mode\.\S*"),
    "warning": re.compile(r"^.*\b\w*Warning\b:.*$", re.M),
    "progress bar refresh": re.compile(r"\d+%\|.*\|\s*\d+/\d+"),
}
CELL_OUTPUT = re.compile(r'<div class="cell_output docutils container">(.*?)'
                         r'(?=<div class="cell (?:[\w-]+ )*docutils container"|</section>|</article>|\Z)', re.S)


def stray_outputs(page_html: str) -> list[str]:
    """The printed outputs of one built page that hold a stray repr, a warning or a progress bar."""
    found = []
    for block in CELL_OUTPUT.findall(page_html):
        text = html.unescape(re.sub(r"<[^>]+>", "", block))
        for what, pattern in STRAY_OUTPUT.items():
            match = pattern.search(text)
            if match:
                found.append(f"{what}: {match.group(0).strip()[:100]}")
    return found


def test_stray_output_check_sees_a_repr_a_warning_and_a_progress_bar():
    def page(text):
        return (f'<div class="cell_output docutils container"><div class="output stream highlight-myst-ansi notranslate">'
                f'<div class="highlight"><pre><span></span>{html.escape(text)}</pre></div>\n</div>\n</div>')
    assert stray_outputs(page("<torch.autograd.grad_mode.set_grad_enabled object at 0x7f3a2c1d0>"))
    assert stray_outputs(page("/tmp/ipykernel_1/2.py:8: UserWarning: Converting a tensor"))
    assert stray_outputs(page("character LM:  90%|######### | 18/20 [00:09<00:01,  1.88it/s]"))
    assert not stray_outputs(page("largest difference to nn.LSTM: 2.2e-16\ncharacter LM: 19/20 epochs in 9.4 s"))


def test_printed_outputs_hold_no_stray_repr_warning_or_progress_bar(built_book):
    pages = [p for p in sorted((built_book / "book").glob("*.html"))]
    assert pages, f"no chapters in {built_book}"
    problems = [f"{p.name}: {found}" for p in pages for found in stray_outputs(p.read_text(encoding="utf-8"))]
    assert not problems, "stray output in the built pages:\n" + "\n".join(problems)
