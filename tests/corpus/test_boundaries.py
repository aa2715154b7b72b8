"""Architecture rules: the extractor is pure Python; corpus never imports timeline."""

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PURE = [
    *sorted((REPO / "corpus" / "extraction").glob("*.py")),
    REPO / "corpus" / "dates.py",
    REPO / "corpus" / "reading.py",
]


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_extraction_library_imports_no_django():
    # (The third-party `edtf` package touches django.utils on import; our own
    # modules must not depend on Django at all.)
    offenders = [p.name for p in PURE if imported_roots(p) & {"django", "timeline"}]
    assert offenders == []


def test_corpus_never_imports_timeline():
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "corpus").rglob("*.py")
        if "timeline" in imported_roots(path)
    ]
    assert offenders == []
