"""pyproject.toml as today's setuptools reads it: `make install` prints none of its deprecation warnings."""

import tomllib

from tests.conftest import REPO_ROOT


def test_the_license_is_an_spdx_string_which_the_build_backend_reads_without_warning() -> None:
    # A `license = { text = ... }` table made pip print three `project.license` deprecation warnings per install.
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["license"] == "Apache-2.0"
    # Setuptools reads an SPDX string from 77 on; older ones refuse it.
    assert pyproject["build-system"]["requires"] == ["setuptools>=77"]
