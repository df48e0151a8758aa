"""Citations: for one claim (its source, the figure as printed, the passage fingerprint and the
package version) and for the package."""

from __future__ import annotations

from pathlib import Path

from . import __version__
from .api import CLAIM_TABLES, UnknownNameError, _is_missing, package
from .typed import read_frame

STYLES = ("text", "bibtex")
PACKAGE_AUTHOR = "cnaccel contributors"


def _claim_row(claim_id: str, root) -> tuple[str, dict]:
    for table, key in CLAIM_TABLES.items():
        frame = read_frame(table, root)
        hit = frame[frame[key] == claim_id]
        if len(hit):
            return table, {k: (None if _is_missing(v) else v) for k, v in hit.iloc[0].items()}
    raise UnknownNameError(f"no claim {claim_id!r} in facts, events or relations (ids look like F0001, E0001, R0001)")


def _statement(claim_id: str, root) -> str:
    """The claim's rendered statement."""
    from .statements import statements
    from .typed import read_arrow

    table_name, _ = _claim_row(claim_id, root)
    table = read_arrow(table_name, root)
    ids = table.column(0).to_pylist()
    return statements(table_name, table.slice(ids.index(claim_id), 1), root)[0]


def _bib_escape(text: str) -> str:
    return text.replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}").replace("&", "\\&")


def package_citation(style: str = "text", root: str | Path | None = None, source: str | Path | None = None) -> str:
    """How to cite the dataset itself, always with the current version."""
    root = source if source is not None else root
    desc = package(root)
    version = desc.get("version", __version__)
    title = desc.get("title", "cnaccel")
    if style == "bibtex":
        return (
            f"@misc{{cnaccel_{version.replace('.', '_')},\n"
            f"  author = {{{{{PACKAGE_AUTHOR}}}}},\n"
            f"  title = {{{_bib_escape(title)}}},\n"
            f"  version = {{{version}}},\n"
            f"  note = {{Data licensed CC-BY-4.0}}\n}}"
        )
    _check_style(style)
    return f"{PACKAGE_AUTHOR}. {title}. Version {version}. Data set, CC-BY-4.0."


def _check_style(style: str) -> None:
    if style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")


def cite(
    claim_id: str | None = None,
    style: str = "text",
    *,
    root: str | Path | None = None,
    source: str | Path | None = None,
) -> str:
    """A citation for one claim (its source, the figure as printed, the passage fingerprint and the
    package version that holds it),
    or for the package when no claim id is given."""
    root = source if source is not None else root
    _check_style(style)
    if claim_id is None:
        return package_citation(style, root)
    _table, claim = _claim_row(claim_id, root)
    sources = read_frame("sources", root)
    source = sources[sources["source_id"] == claim["source_id"]].iloc[0]
    source = {k: (None if _is_missing(v) else v) for k, v in source.items()}
    version = package(root).get("version", __version__)
    authors = " and ".join(source["authors"].split("|")) if source["authors"] else None
    if style == "bibtex":
        fields = {
            "author": f"{{{_bib_escape(authors)}}}" if authors else None,
            "title": f"{{{_bib_escape(source['title'])}}}",
            "publisher": f"{{{_bib_escape(source['publisher'])}}}",
            "year": f"{{{source['published'][:4]}}}" if source["published"] else None,
            "url": f"{{{source['url']}}}" if source["url"] else None,
            "note": f"{{cnaccel {version} claim {claim_id}: {_bib_escape(_statement(claim_id, root))}}}",
        }
        body = ",\n".join(f"  {k} = {v}" for k, v in fields.items() if v)
        return f"@misc{{{claim_id},\n{body}\n}}"
    parts = [
        f"{authors}." if authors else None,
        f"{source['title']}.",
        f"{source['publisher']},",
        f"{source['published']}.",
        f"{source['url']}." if source["url"] else None,
        f"Figure as printed: {claim['figure']}." if claim.get("figure") else None,
        f"Passage SHA-256 {claim['passage_sha256']}.",
        f"(cnaccel {version}, claim {claim_id}, assessment: {claim['assessment']}).",
    ]
    return " ".join(p for p in parts if p)
