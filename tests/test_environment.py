"""requirements.txt (pip) and environment.yml (conda) pin the same packages to the same versions."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*==\s*([^\s;#]+)")


def _pins(lines) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def requirements_pins() -> dict[str, str]:
    return _pins((ROOT / "requirements.txt").read_text().splitlines())


def environment_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return _pins(pip_section)


def test_the_two_environments_pin_the_same_versions():
    req, env = requirements_pins(), environment_pins()
    assert req == env, {"only in requirements.txt": sorted(set(req.items()) - set(env.items())),
                        "only in environment.yml": sorted(set(env.items()) - set(req.items()))}


def test_every_requirement_is_pinned():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert PIN.match(line), f"not pinned with ==: {line}"


def test_the_required_packages_are_there_with_the_agreed_pins():
    req = requirements_pins()
    assert req["torch"] == "2.13.0"
    assert req["jupyter-book"].startswith("1.")
    assert req["nbgrader"].startswith("0.9.")
    assert req["jupyterlab"].startswith("4.")
    assert {"numpy", "matplotlib"} <= set(req)
