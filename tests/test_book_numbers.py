"""The book quotes no measured number by hand.

A number in a page's prose that a computation produced must come from that computation: a
myst-nb ``{glue:text}`` role (or the cell's own printout), so that text and output cannot
disagree after a rerun. This test reads the source of every page of the table of contents and
flags, in the prose and in the alt texts of figures, every token that looks like a quoted
measurement:

* a decimal number (``0.58``), scientific notation (``4.63e4``), a power of ten (``10^{4}``);
* a percentage, a ratio (``3.7x``, ``2 times``), a quantity with a unit of time or memory
  (``26 minutes``, ``7 MiB``), a count of orders of magnitude;
* an integer announced as approximate (``about 4500``, ``nearly 10``).

A flagged token passes when it is not a measurement:

* a decimal, a power of ten or a number in scientific notation that also appears as a literal in
  the page's own code (a setting the page chose: a learning rate, a radius, a threshold);
* a token listed in ``DEFINITIONAL`` with the reason it is not measured (a constant of
  mathematics, a count that follows from the equations, a rule of thumb).

Glue roles, math labels, references, citations and inline code are not prose and are skipped.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
FENCE = re.compile(r"^[ \t]*(`{3,})(.*)$")          # an opening backtick fence (indented in a list item too) and its info string
CELL_OPTIONS = re.compile(r"\A---\n(.*?)\n---\n", re.S)   # a code cell's YAML header
ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")           # {glue:text}`x:.2f`, {eq}`...`, {cite:p}`...`
INLINE_CODE = re.compile(r"`[^`\n]*`")
LABEL_LINE = re.compile(r"^\((?:[\w-]+)\)=\s*$|^:(?!alt:)[a-z_-]+:.*$|^:alt:", re.M)
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")

# What a quoted measurement looks like.
WORDS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|a hundred|hundred|a thousand|thousand|a million|million"
NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
PATTERNS = [
    ("scientific", re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+\b")),
    ("power of ten", re.compile(r"(?<![\w.])10\^\{?-?\d+\}?")),
    ("times ten to", re.compile(r"\d+(?:\.\d+)?\s*\\times\s*10\^\{?-?\d+\}?")),
    ("decimal", re.compile(r"(?<![\w.\\^{])\d+\.\d+(?!\w|\.\d)")),
    ("percentage", re.compile(rf"(?<![\w.]){NUMBER}\s*(?:%|\\%|percent\b)")),
    ("ratio", re.compile(rf"(?<![\w.(]){NUMBER}\s*(?:x(?![\w)])|×|times\b)")),   # not 2x in sigma(2x)
    ("quantity", re.compile(rf"(?<![\w.]){NUMBER}\s*(?:minutes?|seconds?|s\b|ms\b|us\b|µs\b|hours?|MiB|KiB|GiB|MB|kB|GB)")),
    ("orders", re.compile(rf"(?<![\w.]){NUMBER}\s+orders? of magnitude")),
    ("approximate", re.compile(rf"(?:about|around|roughly|nearly|almost|approximately|\\approx|~)\s*\$?\s*{NUMBER}(?![\w^\\])")),
    ("number in words", re.compile(rf"(?:(?:about|around|roughly|nearly|almost|approximately)\s+(?:{WORDS})\b"
                                   rf"|\b(?:{WORDS})\s+(?:times|orders of magnitude)\b)", re.I)),
]

# Tokens (or their number alone) that are not measurements, per page ("*" for every page), with
# the reason.
DEFINITIONAL: dict[tuple[str, str], str] = {
    ("*", "0.5"): "chance level of a two-class task, 1/2",
    ("01_why_recurrent", "30 ms"): "the usual frame length of speech features, a convention",
    ("02_rnn_equations", "10^{-16}"): "float64 machine epsilon is 2.2e-16: the order of rounding error, a property of the format",
    ("04_bptt", "10^{-9}"): "rule of thumb for a float64 gradient check of a right gradient, not a measurement of this page",
    ("04_bptt", "10^{-2}"): "rule of thumb for the relative error of a gradient with a missing term",
    ("04_bptt", "10^{-7}"): "the acceptance threshold of the course's gradient checks (a setting)",
    ("05_gradient_problems", "10^{-6}"): "PyTorch's epsilon in clip_grad_norm_, a constant of the library",
    ("12_training_practice", "10^{-6}"): "PyTorch's epsilon in clip_grad_norm_, a constant of the library",
    ("05_gradient_problems", "10^{-2}"): "learning rate of the runs (a setting)",
    ("05_gradient_problems", "10^{-3}"): "learning rate of the runs (a setting)",
    ("05_gradient_problems", "10^{-4}"): "learning rate of the runs (a setting)",
    ("05_gradient_problems", "10^6"): "training steps Le et al. (2015) report, a published setting",
    ("05_gradient_problems", "0.167"): "Var(u1 + u2) = 2/12 for two uniform values, derived in the text",
    ("05_gradient_problems", "0.01"): "the MSE threshold for 'solved' of Le et al. (2015), a setting",
    ("06_lstm_gru", "10^{-7}"): "the acceptance threshold of the LSTM gradient checks (tests/test_numpy_lstm.py, a setting)",
    ("06_lstm_gru", "0.73"): "sigma(1), the forget gate at bias 1",
    ("06_lstm_gru", "0.95"): "sigma(3), the gate at bias 3",
    ("06_lstm_gru", "1"): "a gate near 1, fully open: a concept, not a measurement",
    ("06_lstm_gru", "4 times"): "four gate blocks: a count from the equations",
    ("06_lstm_gru", "3 times"): "three gate blocks: a count from the equations",
    ("09_language_model", "4.75"): "log2(27), the bits of a uniform guess over 27 characters",
    ("09_language_model", "0.1"): "dropout of the model's configuration (a setting)",
    ("09_language_model", "80 %"): "the split of the data set (a setting)",
    ("09_language_model", "10 %"): "the split of the data set (a setting)",
    ("10_text_classification", "0.2"): "dropout of the recorded models (a setting of the script)",
    ("performance", "three times"): "two backward products per forward product: a count, 1 + 2",
    ("performance", "6.3"): "arithmetic of the FLOP formula printed next to it",
    ("performance", "32 times"): "B = 32 rows: each weight is reused once per row, a count",
    ("performance", "100 percent"): "the end of a percentage axis",
}


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [chapter["file"] for chapter in part.get("chapters", [])]
    return [f[len("book/"):] for f in files if f.startswith("book/")]


def _value(token: str) -> float | None:
    """The number a token names (10^{-4} -> 1e-4), or None."""
    token = token.replace(",", "")
    power = re.fullmatch(r"10\^\{?(-?\d+)\}?", token)
    if power:
        return 10.0 ** int(power.group(1))
    try:
        return float(token)
    except ValueError:
        return None


def code_literals(source: str) -> set[float]:
    """Every number written in the page's code cells (settings the page chose)."""
    values = set()
    for cell in split_page(FRONT_MATTER.sub("", source))[1]:
        cell = CELL_OPTIONS.sub("", cell, count=1)      # the YAML header (alt texts) is prose
        body = "\n".join(line for line in cell.splitlines() if not line.lstrip().startswith("#"))
        for literal in re.findall(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", body):
            values.add(float(literal))
    return values


def _alt_texts(options) -> list[str]:
    """Every ``alt`` value in a code cell's options (mystnb: image: alt: ..., figure: ...)."""
    if isinstance(options, dict):
        return [v for k, v in options.items() if k == "alt" and isinstance(v, str)] + \
            [alt for v in options.values() for alt in _alt_texts(v)]
    if isinstance(options, list):
        return [alt for v in options for alt in _alt_texts(v)]
    return []


def split_page(source: str) -> tuple[list[str], list[str]]:
    """(reader-visible prose lines, code cells) of a MyST page.

    Backtick fences are paired by their length: a ``{code-cell}`` is code; ``{math}`` and other
    directives (figure, admonition, ...) hold visible text and are read recursively, without their
    option lines except ``:alt:``; any other fence (```text, ```python) is code shown as such and is
    skipped.
    """
    lines, prose, cells, i = source.splitlines(), [], [], 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            prose.append(lines[i])
            i += 1
            continue
        ticks, info = opening.group(1), opening.group(2).strip()
        end = next((j for j in range(i + 1, len(lines))
                    if re.fullmatch(rf"[ \t]*`{{{len(ticks)},}}\s*", lines[j])), len(lines))
        body = lines[i + 1:end]
        if info.startswith("{code-cell}"):
            cells.append("\n".join(body) + "\n")
        elif info.startswith("{"):
            inner, nested = split_page("\n".join(line for line in body
                                                  if not line.lstrip().startswith(":") or line.lstrip().startswith(":alt:")))
            prose += inner
            cells += nested
        i = end + 1
    return prose, cells


def prose_and_alt_texts(source: str) -> list[str]:
    """The reader-visible text of a page's source: prose outside code, and figures' alt texts."""
    prose, cells = split_page(FRONT_MATTER.sub("", source))
    headers = [m.group(1) for cell in cells for m in [CELL_OPTIONS.match(cell)] if m]
    alts = [alt for header in headers for alt in _alt_texts(yaml.safe_load(header))]
    parts = []
    for text in ["\n".join(prose)] + alts:
        for pattern in (ROLE, INLINE_CODE, LABEL_LINE, LINK_TARGET):
            text = pattern.sub(" ", text)
        parts.append(text)
    return parts


def quoted_numbers(page: str, source: str, used: set | None = None) -> list[str]:
    """Tokens of the page that look like hand-typed measurements and are not allowed.

    ``used`` (optional) collects the keys of ``DEFINITIONAL`` that excused a token."""
    used = set() if used is None else used
    literals = code_literals(source)
    problems = []
    for text in prose_and_alt_texts(source):
        seen_spans = []
        for kind, pattern in PATTERNS:
            for match in pattern.finditer(text):
                if any(a <= match.start() < b for a, b in seen_spans):
                    continue  # already reported as a more specific kind
                seen_spans.append(match.span())
                token = match.group(0).strip()
                number = re.search(r"10\^\{?-?\d+\}?|\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][-+]?\d+)?", token)
                keys = [key for key in [(page, token), ("*", token)] +
                        ([(page, number.group(0)), ("*", number.group(0))] if number else []) if key in DEFINITIONAL]
                if keys:
                    used.add(keys[0])
                    continue
                value = _value(number.group(0)) if number else None
                integer = value is not None and kind not in ("scientific", "power of ten", "times ten to") \
                    and "." not in number.group(0)
                if value is not None and not integer and any(math.isclose(value, v, rel_tol=1e-12) for v in literals):
                    continue  # a setting written in the page's code
                line = text[max(0, match.start() - 50):match.end() + 30].replace("\n", " ")
                problems.append(f"book/{page}.md: {kind} {token!r} in '...{line.strip()}...'")
    return problems


@pytest.mark.parametrize("page", toc_pages())
def test_no_page_quotes_a_number_that_no_cell_produced(page):
    source = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    problems = quoted_numbers(page, source)
    assert not problems, (
        f"{len(problems)} numbers typed by hand (glue them from the cell that computes them with "
        "myst_nb.glue and {glue:text}`key:.2f`, word them without a number, or add them to "
        "DEFINITIONAL with the reason they are not measured):\n  " + "\n  ".join(problems))


SAMPLE = """---
kernelspec:
  name: python3
---
# A page

```{code-cell} ipython3
---
mystnb:
  image:
    alt: "A plot of the loss against the step."
---
lr = 1e-3
radius = 1.2
loss = train(lr, radius)
glue("final_loss", loss, display=False)
```

We train at learning rate $10^{-3}$ with radius 1.2; the final loss is {glue:text}`final_loss:.3f`.
"""


def test_glued_numbers_and_settings_pass():
    assert quoted_numbers("sample", SAMPLE) == []


@pytest.mark.parametrize("typed", [
    "the final loss is 0.163.",
    "the norm grows to about $10^{4}$ after 50 steps.",
    "the norm grows to 4.63e4 after 50 steps.",
    "the GRU was 1.9x slower.",
    "the run took 26 minutes.",
    "it lost about 24 orders of magnitude.",
    "it needed about 4500 steps.",
    "accuracy rose to 74 %.",
    "the scan is about ten times faster.",
    "the loss grew by three orders of magnitude.",
])
def test_a_hand_typed_measurement_fails(typed):
    assert quoted_numbers("sample", SAMPLE + "\nAnd " + typed + "\n"), typed


def test_a_number_in_an_alt_text_fails():
    page = SAMPLE.replace("A plot of the loss against the step.", "The loss falls from 2.3 to 0.16.")
    problems = quoted_numbers("sample", page)
    assert len(problems) == 2 and "2.3" in problems[0]
    # also on a continuation line after a word followed by a colon, inside a multi-line alt text
    page = SAMPLE.replace('"A plot of the loss against the step."',
                          '"A plot of the loss against the step. Left\n      panel: the loss ends at 0.163."')
    assert any("0.163" in problem for problem in quoted_numbers("sample", page))


def test_a_real_chapter_with_an_injected_measurement_fails():
    source = (BOOK / "04_bptt.md").read_text(encoding="utf-8")
    assert quoted_numbers("04_bptt", source) == []
    injected = source.replace("## Truncated BPTT", "The window of 4 scores 0.637.\n\n## Truncated BPTT", 1)
    assert injected != source
    assert any("0.637" in problem for problem in quoted_numbers("04_bptt", injected))


def test_every_definitional_entry_is_still_needed():
    """An entry of DEFINITIONAL that excuses nothing any more is removed, so that the list stays
    the list of numbers the book really types by hand."""
    used: set = set()
    for page in toc_pages():
        quoted_numbers(page, (BOOK / f"{page}.md").read_text(encoding="utf-8"), used)
    assert sorted(set(DEFINITIONAL) - used) == []


def test_prose_between_a_maths_block_and_a_code_cell_is_read():
    """The closing fence of a maths block (indented inside a list item or not) is not taken for
    the opening of a code block that would hide the prose after it."""
    for indent in ("", "   "):
        source = (f"1. a step:\n\n{indent}```{{math}}\n{indent}x = 1\n{indent}```\n\n"
                  "It took about 4500 steps.\n\n```{code-cell} ipython3\nprint(1)\n```\n\n```text\nabout 99 steps\n```\n")
        prose = " ".join(prose_and_alt_texts(source))
        assert "about 4500 steps" in prose and "x = 1" in prose, (indent, prose)
        assert "about 99" not in prose, (indent, prose)


def test_prose_between_math_blocks_and_in_figures_is_read():
    page = SAMPLE + """
```{math}
:label: eq-a
a = b
```

Between two equations the loss fell to 0.163.

```{math}
c = d
```

```{figure} figures/x.svg
:name: fig-x
:alt: A diagram whose caption quotes 2.59 by hand.

The caption says the norm was 4.63e4.
```

```text
pseudo code with 1.5 is code, not prose
```
"""
    found = " ".join(quoted_numbers("sample", page))
    assert "0.163" in found and "2.59" in found and "4.63e4" in found and "1.5" not in found
