"""What readers expect from a course book, checked on every chapter in the table of contents.

Each chapter (book/NN_topic.md) has a learning-objectives block, a summary section, closing
questions with their answers folded away, and a closing link to its exercise (exercises/NN_topic/NN_topic.ipynb, which exists); theory chapters cite at
least one paper of the bibliography; the classic papers are cited somewhere; every image of the
built book has alt text that describes it (not its file name); the glossary gives the key terms
with their Chinese names; neither the book nor the package names the course's own source
documents. Failures list every offender at once.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
CHAPTER = re.compile(r"^book/(\d\d_[a-z0-9_]+)$")
# Parts of the table of contents whose chapters are applications rather than theory: their
# chapters are not required to cite a paper.
APPLICATION_PART = re.compile(r"application", re.I)
# The classic papers every edition of this course cites (keys of book/references.bib).
CLASSICS = ["elman1990", "bengio1994", "hochreiter1997", "cho2014", "bahdanau2015", "vaswani2017",
            "pascanu2013", "le2015"]
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")
OBJECTIVES = re.compile(r"^[:`]{3,}\{admonition\}\s+Learning objectives\s*$", re.M | re.I)
SUMMARY = re.compile(r"^##\s+Summary\s*$", re.M)
QUESTIONS = re.compile(r"^##\s+Check your understanding\s*$(.*?)(?=^##\s)", re.M | re.S)
QUESTION = re.compile(r"^\*\*\d+\.\*\*\s+\S.*?\?", re.M | re.S)
FOLDED_ANSWER = re.compile(r"^:::\{admonition\}\s+Answer\s*\n:class:\s*dropdown\s*\n\s*\n?(\S.*?)^:::\s*$", re.M | re.S)
IMG = re.compile(r"<img\b[^>]*>", re.I)
ATTR = re.compile(r'\b(alt|src)\s*=\s*"([^"]*)"', re.I)
IMAGE_FILE = re.compile(r"\.(png|jpe?g|svg|gif|webp)$", re.I)
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.M | re.S)
# `.step(` draws only on an axis (an optimizer's or an early stopper's step() draws nothing).
DRAWS_DATA = re.compile(r"\.(plot|semilogy|semilogx|loglog|scatter|bar|barh|hist|errorbar|imshow|fill_between)\("
                        r"|\b(?:plt|ax\w*|axs?\[[^\]]*\])\.step\(")
XLABEL = re.compile(r"(set_xlabel\(|\bxlabel\s*[(=])")
YLABEL = re.compile(r"(set_ylabel\(|\bylabel\s*[(=])")
HEADING = re.compile(r"<h[1-4]\b[^>]*>(.*?)</h[1-4]>", re.I | re.S)


def toc_chapters() -> list[tuple[str, str]]:
    """(stem, part caption) for every numbered chapter of _toc.yml, in reading order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    chapters = []
    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            found = CHAPTER.match(entry.get("file", ""))
            if found:
                chapters.append((found.group(1), part.get("caption", "")))
    return chapters


def chapter_source(stem: str) -> str:
    for suffix in (".md", ".ipynb"):
        path = BOOK / f"{stem}{suffix}"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"book/{stem}.md is in _toc.yml but does not exist")


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", (BOOK / "references.bib").read_text(encoding="utf-8"), re.M))


def cited_keys(source: str) -> set[str]:
    return {key.strip() for group in CITE.findall(source) for key in group.split(",")}


def _report(problems: list[str], what: str) -> None:
    assert not problems, f"{len(problems)} {what}:\n  " + "\n  ".join(problems)


def test_the_table_of_contents_has_chapters():
    assert len(toc_chapters()) >= 1 and toc_chapters()[0][0] == "01_why_recurrent"


def test_every_chapter_has_learning_objectives_and_a_summary():
    problems = []
    for stem, _ in toc_chapters():
        source = chapter_source(stem)
        if not OBJECTIVES.search(source):
            problems.append(f"book/{stem}: no ':::{{admonition}} Learning objectives' block")
        if not SUMMARY.search(source):
            problems.append(f"book/{stem}: no '## Summary' section")
    _report(problems, "chapters without learning objectives or summary")


def _question_problems(source: str) -> list[str]:
    """What is missing from a chapter's closing questions: at least three, each followed by an
    answer folded away (a dropdown admonition), the section placed after the summary."""
    section = QUESTIONS.search(source)
    if not section:
        return ["no '## Check your understanding' section before the exercise"]
    body, problems = section.group(1), []
    questions, answers = QUESTION.findall(body), FOLDED_ANSWER.findall(body)
    if len(questions) < 3:
        problems.append(f"{len(questions)} numbered questions ('**1.** ...?'), at least 3 expected")
    if len(answers) != len(questions) or any(len(a.split()) < 8 for a in answers):
        problems.append(f"{len(questions)} questions but {len(answers)} folded answers of a sentence or more "
                        "(':::{admonition} Answer' with ':class: dropdown')")
    summary = SUMMARY.search(source)
    if summary and summary.start() > section.start():
        problems.append("the questions come before the summary")
    return problems


def test_question_check_catches_an_unfolded_answer():
    good = ("## Summary\n\n- x\n\n## Check your understanding\n\n" +
            "".join(f"**{n}.** Why does it work?\n\n:::{{admonition}} Answer\n:class: dropdown\n\n"
                    "Because the gradient flows back along the cell state unchanged.\n:::\n\n" for n in (1, 2, 3)) +
            "## Exercise\n")
    assert _question_problems(good) == []
    assert _question_problems(good.replace(":class: dropdown\n", "", 1))
    assert _question_problems(good.replace("**3.** Why does it work?", "Why does it work?"))
    assert _question_problems("## Summary\n\n## Exercise\n")


def test_every_chapter_ends_with_questions_and_folded_answers():
    problems = []
    for stem, _ in toc_chapters():
        problems += [f"book/{stem}: {p}" for p in _question_problems(chapter_source(stem))]
    _report(problems, "chapters without closing questions")


@pytest.mark.slow
def test_folded_answers_are_folded_in_the_built_book(built_book):
    """The answers render as toggles that work offline (sphinx-togglebutton's script is served
    from the site, and every answer admonition carries the dropdown class)."""
    assert (built_book / "_static" / "togglebutton.js").is_file()
    page = (built_book / "book" / "04_bptt.html").read_text(encoding="utf-8")
    answers = re.findall(r'<div class="([^"]*admonition[^"]*)"[^>]*>\s*<p class="admonition-title">Answer</p>', page)
    assert len(answers) >= 3 and all("dropdown" in classes for classes in answers), answers
    assert '_static/togglebutton.js' in page


def test_every_chapter_links_to_its_exercise():
    problems = []
    for stem, _ in toc_chapters():
        link = f"exercises/{stem}/{stem}.ipynb"
        if link not in chapter_source(stem):
            problems.append(f"book/{stem}: does not name its exercise {link}")
        elif not (ROOT / link).is_file():
            problems.append(f"book/{stem}: names {link}, which does not exist (write solutions/{stem}/{stem}.ipynb, then `python3 course.py exercises`)")
    _report(problems, "chapters without a working exercise link")


def test_theory_chapters_cite_the_bibliography():
    keys = bib_keys()
    problems = []
    for stem, part in toc_chapters():
        cited = cited_keys(chapter_source(stem))
        unknown = sorted(cited - keys)
        if unknown:
            problems.append(f"book/{stem}: cites keys missing from book/references.bib: {unknown}")
        if not APPLICATION_PART.search(part) and not cited & keys:
            problems.append(f"book/{stem} (part {part!r}): cites no paper; add {{cite:p}}`key` with a key of book/references.bib")
    _report(problems, "chapters with citation problems")


def test_the_classic_papers_are_in_the_bibliography_and_cited():
    keys = bib_keys()
    cited = set().union(*(cited_keys(chapter_source(stem)) for stem, _ in toc_chapters()))
    missing = [key for key in CLASSICS if key not in keys]
    uncited = [key for key in CLASSICS if key in keys and key not in cited]
    _report([f"{k}: not in book/references.bib" for k in missing] +
            [f"{k}: cited by no chapter in _toc.yml" for k in uncited], "classic papers missing")


def _unlabelled_axes(cell: str) -> list[str]:
    if not DRAWS_DATA.search(cell):
        return []
    return [axis for axis, label in (("x", XLABEL), ("y", YLABEL)) if not label.search(cell)]


def test_axis_label_check_catches_a_missing_label():
    assert _unlabelled_axes("ax.plot(t, y)\nax.set_xlabel('step t')\n") == ["y"]
    assert _unlabelled_axes("plt.semilogy(g)\nplt.xlabel('k')\nplt.ylabel('norm')\n") == []
    assert _unlabelled_axes("unr.draw_unrolled(ax, T=4)\n") == []
    assert _unlabelled_axes("ax.step(t, y)\n") == ["x", "y"]
    assert _unlabelled_axes("stopper.step(loss, epoch)\noptimizer.step()\n") == []


def test_plots_label_both_axes():
    """A code cell that plots data labels its x and y axes (a cell that only calls a package
    function to draw a diagram plots no data itself and is not concerned)."""
    problems = []
    for stem, _ in toc_chapters():
        source = chapter_source(stem)
        for number, cell in enumerate(CODE_CELL.findall(source), start=1):
            missing = _unlabelled_axes(cell)
            if missing:
                first = next((l for l in cell.splitlines() if l.strip() and not l.startswith(("---", " ", "mystnb"))), "")
                problems.append(f"book/{stem}, code cell {number} ({first.strip()[:60]!r}): no {' or '.join(missing)} axis label")
    _report(problems, "plots with unlabelled axes (label both axes, with units, e.g. ax.set_xlabel('time step t'))")


def _alt_problem(tag: str) -> str | None:
    attrs = {name.lower(): html.unescape(value) for name, value in ATTR.findall(tag)}
    alt, src = attrs.get("alt", "").strip(), attrs.get("src", "")
    if not alt:
        return "no alt text"
    if alt == src or IMAGE_FILE.search(alt) or "_images/" in alt:
        return "no alt text (only Sphinx's default, the image's file name)"
    if len(alt.split()) < 3:
        return f"alt text too short to describe the figure: {alt!r}"
    return None


def _section_of(page: str, position: int) -> str:
    """The title of the last heading before `position` in an HTML page."""
    titles = [m for m in HEADING.finditer(page) if m.start() < position]
    if not titles:
        return "(top of the page)"
    return html.unescape(re.sub(r"<[^>]+>|#", "", titles[-1].group(1))).strip()


def test_alt_text_check_catches_file_names():
    # Sphinx's default alt text for an image without one is its path: that must count as missing.
    default = '<img alt="../_images/3f2a.png" src="../_images/3f2a.png" />'
    assert _alt_problem(default) and _alt_problem('<img src="a.png">') and _alt_problem('<img alt="plot" src="a.png">')
    assert _alt_problem('<img alt="Accuracy against sequence length, log axis" src="a.png">') is None


@pytest.mark.slow
def test_every_image_in_the_book_has_alt_text(built_book):
    pages = sorted(p for p in (built_book / "book").glob("*.html"))
    assert pages, f"no pages in {built_book / 'book'}"
    problems = []
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        for number, tag in enumerate(IMG.finditer(text), start=1):
            problem = _alt_problem(tag.group(0))
            if problem:
                where = f"image {number} of the page, in section {_section_of(text, tag.start())!r}"
                problems.append(f"book/{page.stem}.md, {where}: {problem}")
    _report(problems, "images without a describing alt text (give the cell that draws the plot "
                      "`mystnb: image: alt: ...` metadata, as book/01_why_recurrent.md does, or an "
                      "`:alt:` option to a {figure} or {glue:figure})")


def test_the_glossary_gives_key_terms_with_their_chinese_names():
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    assert "```{glossary}" in text
    pairs = {
        "hidden state": "隐藏状态", "vanishing gradient": "梯度消失", "exploding gradient": "梯度爆炸",
        "forget gate": "遗忘门", "input gate": "输入门", "output gate": "输出门", "update gate": "更新门",
        "reset gate": "重置门", "time step": "时间步", "parameter sharing": "参数共享",
        "backpropagation through time": "反向传播通过时间", "gating mechanism": "门控机制",
        "bidirectional RNN": "双向RNN", "gradient clipping": "梯度裁剪", "attention mechanism": "注意力机制",
        "padding": "填充", "masking": "掩码",
    }
    problems = []
    for english, chinese in pairs.items():
        # A glossary entry: the English term on its own line, the Chinese name among the next lines.
        entry = re.search(rf"^{re.escape(english)}\n((?:\S.*\n)*)  \S", text, re.M)
        if not entry:
            problems.append(f"no glossary entry {english!r}")
        elif chinese not in entry.group(1).split("\n"):
            problems.append(f"glossary entry {english!r} does not give the Chinese name {chinese}")
    _report(problems, "glossary problems")
    toc = (ROOT / "_toc.yml").read_text()
    assert toc.index("book/glossary") < toc.index("book/references"), "the glossary belongs before the references"


INTERNAL_SOURCES = re.compile(r"\b(?:the|these|our|course's) seeds\b|\bseeds'|source notes|source documents|seed_to_", re.I)


def test_internal_source_check_catches_a_mention():
    assert INTERNAL_SOURCES.search("as the seeds write it") and INTERNAL_SOURCES.search("the course's source notes")
    assert not INTERNAL_SOURCES.search("with fixed seeds and recorded the results")


def test_readers_never_see_the_course_sources_named():
    """The book and the package's docstrings cite published sources, never the course's own
    source documents."""
    files = [BOOK / f"{stem}.md" for stem, _ in toc_chapters()] + sorted(BOOK.glob("*.md")) + \
        sorted((ROOT / "rnncourse").rglob("*.py"))
    problems = [f"{path.relative_to(ROOT)}: {match.group(0)!r}" for path in dict.fromkeys(files)
                for match in INTERNAL_SOURCES.finditer(path.read_text(encoding="utf-8"))]
    _report(problems, "mentions of the course's source documents")
