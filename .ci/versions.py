"""Print the resolved versions of studyapp's main dependencies (a CI step)."""

from importlib.metadata import PackageNotFoundError, version

PACKAGES = (
    "textual",
    "rich",
    "pyyaml",
    "fsrs",
    "platformdirs",
    "rapidfuzz",
    "genanki",
    "textual-plotext",
    "pint",
    "psycopg",
    "fsrs-rs-python",
    "anki",
    "pytest",
    "pytest-textual-snapshot",
    "hypothesis",
)

for name in PACKAGES:
    try:
        print(f"{name:24} {version(name)}")
    except PackageNotFoundError:
        print(f"{name:24} (not installed)")
