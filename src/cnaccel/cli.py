"""The ``cnaccel`` command line: a thin layer over the library.

Exit status: 0 success; 1 problems found (validate, verify) or a generated document is stale
(docs --check); 2 unusable input or a usage error.  Errors are one line on standard error,
never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .problems import UnusableInput

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


class UsageError(Exception):
    """A request the command cannot carry out as asked."""


def _root(args: argparse.Namespace):
    from .paths import find_root

    return find_root(getattr(args, "source", None))


def _package_folder(args: argparse.Namespace, command: str):
    """The package to validate or build: a package folder, never a release bundle."""
    from .reader import DESCRIPTOR, parse_descriptor

    root = _root(args)
    descriptor = parse_descriptor((root / DESCRIPTOR).read_bytes())
    if any(res.get("format") == "parquet" for res in descriptor.get("resources", []) if isinstance(res, dict)):
        raise UsageError(
            f"{root} is a release bundle: {command} works on a package folder (a clone of the repository); "
            "check a bundle with `cnaccel verify`"
        )
    return root


def _validate(args: argparse.Namespace) -> int:
    from .checks import validate
    from .problems import to_json, to_text

    problems, coverage = validate(_package_folder(args, "validate"), against=args.against)
    if args.format == "json":
        print(to_json(problems, {"passages": coverage.__dict__}))
    else:
        print(coverage.line(), file=sys.stderr)
        print(to_text(problems))
    return EXIT_PROBLEMS if problems else EXIT_OK


def _info(args: argparse.Namespace) -> int:
    from . import api

    root = _root(args)
    desc = api.package(root)
    print(f"cnaccel {desc.get('version')} (code {__version__})")
    print(f"data: {root}")
    for name in api.tables(root):
        print(f"  {name:<10} {len(api.load(name, root=root)):>6} rows")
    sources = api.load("sources", root=root)
    grades = sources["reliability"].value_counts().sort_index()
    print("sources by reliability: " + ", ".join(f"{g} {n}" for g, n in grades.items()))
    claims = sum(len(api.load(t, root=root)) for t in api.CLAIM_TABLES)
    print(f"claims: {claims}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from . import api

    root = _root(args)
    table = args.table
    common = {"as_of": args.as_of, "root": root}
    if table == "facts":
        if args.type:
            raise UsageError(
                "--type applies to events (event_type) and relations (relation_type); use --metric for facts"
            )
        frame = api.facts(args.entity, args.metric, args.period, include_superseded=args.include_superseded, **common)
    elif table == "estimates":
        from .answers import estimates

        if args.type or args.as_of or args.include_superseded:
            raise UsageError("--type, --as-of and --include-superseded do not apply to estimates")
        frame = estimates(args.entity, args.metric, period=args.period, root=root)
    elif table in ("events", "relations"):
        if args.metric or args.period:
            raise UsageError(f"--metric and --period apply to facts, not {table}")
        func = api.events if table == "events" else api.relations
        frame = func(args.entity, args.type, include_superseded=args.include_superseded, **common)
    else:
        if args.entity or args.metric or args.period or args.type:
            raise UsageError(
                f"--entity, --metric, --period and --type apply to facts, events and relations, not {table}"
            )
        frame = api.load(table, **common)
    if args.columns:
        wanted = [c.strip() for c in args.columns.split(",") if c.strip()]
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise UsageError(f"no column {', '.join(missing)} in {table}; columns: {', '.join(frame.columns)}")
        frame = frame[wanted]
    if args.limit is not None:
        frame = frame.head(args.limit)
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif args.format == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=1) + "\n")
    else:
        import pandas as pd

        with pd.option_context("display.max_colwidth", 40, "display.width", 200, "display.max_columns", 12):
            print(frame.to_string(index=False) if len(frame) else f"no rows in {table} match")
    return EXIT_OK


def _cite(args: argparse.Namespace) -> int:
    from .citation import cite

    if args.package == bool(args.claim_id):
        raise UsageError("give a claim id (cnaccel cite F0001) or --package, not both")
    print(cite(None if args.package else args.claim_id, style=args.style, root=_root(args)))
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from .release import BuildError, build_bundle
    from .release.bundle import parse_formats

    try:
        formats = parse_formats(args.formats)  # an unknown name fails before the data is read
        folder = build_bundle(
            args.out, root=_package_folder(args, "build"), with_dists=args.with_dists, formats=formats
        )
    except BuildError as exc:
        raise UsageError(str(exc)) from None
    print(f"built {folder} and {folder}.zip")
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from .release import BuildError, verify_bundle

    try:
        problems = verify_bundle(args.path)
    except BuildError as exc:
        raise UsageError(str(exc)) from None
    for line in problems:
        print(line)
    print(f"{len(problems)} problems found" if problems else f"verified: {args.path} matches its checksums")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _charts(args: argparse.Namespace) -> int:
    from .charts import ChartsError, render_charts, render_charts_doc

    doc = args.doc if args.doc is not None else ("docs/charts.md" if args.out == "docs/img" else None)
    try:
        root = _root(args)
        paths = render_charts_doc(doc, args.out, root=root) if doc else render_charts(args.out, root=root)
    except ChartsError as exc:
        raise UsageError(str(exc)) from None
    for path in paths:
        print(path)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from .diff import DiffError, diff_versions, format_json, format_text, load_version

    try:
        diff = diff_versions(load_version(args.old), load_version(args.new))
    except DiffError as exc:
        raise UsageError(str(exc)) from None
    print(format_json(diff) if args.format == "json" else format_text(diff))
    return EXIT_OK


def _docs(args: argparse.Namespace) -> int:
    from .docs import write_docs

    stale = write_docs(_root(args), check=args.check)
    if args.check:
        for path in stale:
            print(f"{path}: stale; run `cnaccel docs` and commit the result")
        return EXIT_PROBLEMS if stale else EXIT_OK
    for path in stale:
        print(f"wrote {path}")
    return EXIT_OK




def _trace(args: argparse.Namespace) -> int:
    from .citation import _claim_row
    from .trace import MARK_CLOSE, MARK_OPEN, trace_file

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{path}: no such file; save the source's page as text or HTML and pass its path")
    _table, claim = _claim_row(args.claim_id, _root(args))
    result = trace_file(path, claim)
    print(f"{args.claim_id}: {result.message}")
    if result.shown:
        print(result.shown)
        if claim.get("figure"):
            print(f"(the figure {claim['figure']} is marked {MARK_OPEN}…{MARK_CLOSE}; spaces are removed and "
                  "characters folded to their NFKC forms, as in the fingerprint)")  # fmt: skip
    return EXIT_OK if result.outcome == "exact" else EXIT_PROBLEMS


def _fingerprint(args: argparse.Namespace) -> int:
    from .archive import ArchiveError, fingerprint_passage, fingerprint_source

    root = _root(args)
    try:
        digest, chars = fingerprint_source(root, args.source_id)
        print(f"text_sha256={digest}\ntext_chars={chars}")
        if args.passage:
            record = fingerprint_passage(root, args.source_id, args.passage, args.figure or "")
            print(
                f"passage_sha256={record.passage_sha256}\npassage_start={record.passage_start}\n"
                f"passage_chars={record.passage_chars}\npassage_simhash={record.passage_simhash}"
            )
            if record.figure_found is False:
                print(f"the figure {args.figure!r} is not in the passage: copy it from the passage as printed",
                      file=sys.stderr)  # fmt: skip
                return EXIT_PROBLEMS
    except ArchiveError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    from .web import serve

    try:
        return serve(getattr(args, "source", None), args.host, args.port)
    except RuntimeError as exc:
        raise UsageError(str(exc)) from None


def _archive_restore(args: argparse.Namespace) -> int:
    from .archive import LAST_WITH_TEXTS, ArchiveError, restore_from_git

    try:
        restored = restore_from_git(_root(args), args.rev or LAST_WITH_TEXTS, overwrite=args.overwrite)
    except ArchiveError as exc:
        raise UsageError(str(exc)) from None
    print(f"restored {len(restored)} texts into archive/")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _validate,
    "info": _info,
    "show": _show,
    "cite": _cite,
    "build": _build,
    "verify": _verify,
    "charts": _charts,
    "diff": _diff,
    "docs": _docs,
    "trace": _trace,
    "fingerprint": _fingerprint,
    "archive-restore": _archive_restore,
    "serve": _serve,
}


def _add_root(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--source",
        "--root",
        dest="source",
        help="a package folder, a release bundle folder or its zip (default: the data installed with cnaccel)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cnaccel",
        description="China's AI-accelerator market, claim by claim: validate, inspect, cite and export the data.",
        epilog="Exit status: 0 success; 1 problems found; 2 unusable input or usage error.",
    )
    parser.add_argument("--version", action="version", version=f"cnaccel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "validate",
        help="run every check of the data model",
        description="Run every check of the data model: schema, provenance (figures as printed, independent "
        "corroboration, and passage fingerprints for every source whose text is in archive/), figures (value, "
        "sign, qualifier and unit against the printed figure), consistency and hygiene. One line per problem: "
        "file:row:column: message (hint) [code]; a line on standard error says how many passages were checked.",
    )
    _add_root(p)
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    p.add_argument(
        "--against",
        help="the last release to compare with (a git ref, release zip or folder; default: the commit where the "
        "version in datapackage.json last changed)",
    )

    p = sub.add_parser(
        "info",
        help="version, rows per table, sources",
        description="Show the version, rows per table and sources by reliability grade.",
    )
    _add_root(p)

    p = sub.add_parser(
        "show",
        help="print a table, with the API's filters",
        description="Print a table. facts, events and relations come joined with names and citations, as "
        "cnaccel.facts(), events() and relations() return them.",
    )
    p.add_argument("table", help="sources, entities, products, metrics, units, facts, events, relations or estimates")
    p.add_argument("--entity", help="an entity id, name or alias in either script (寒武纪, 寒武紀, Cambricon)")
    p.add_argument("--metric", help="a metric id or English name (facts only)")
    p.add_argument("--period", help="a period or its prefix: 2025 matches 2025-H1 and 2025-Q3 (facts only)")
    p.add_argument("--type", help="an event_type (events) or relation_type (relations), e.g. ipo_listing, customer_of")
    p.add_argument("--as-of", dest="as_of", help="only what had been published by this day (YYYY-MM-DD)")
    p.add_argument("--include-superseded", action="store_true", help="keep superseded and retracted claims")
    p.add_argument("--columns", help="comma-separated columns to keep")
    p.add_argument("--limit", type=int, help="at most this many rows")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    _add_root(p)

    p = sub.add_parser(
        "cite",
        help="cite a claim or the package",
        description="Print a citation for one claim "
        "(its source, the figure as printed, the passage fingerprint and the package version) or, with --package, "
        "for the dataset.",
    )
    p.add_argument("claim_id", nargs="?", help="a claim id: F0001, E0001, R0001")
    p.add_argument("--package", action="store_true", help="cite the dataset itself")
    p.add_argument("--style", choices=["text", "bibtex"], default="text", help="citation style (default: text)")
    _add_root(p)

    p = sub.add_parser(
        "build",
        help="build the release bundle",
        description="Validate, then build "
        "OUT/cnaccel-VERSION/ (Parquet, CSV, SQLite, Excel, datapackage.json, SHA256SUMS) and its zip. "
        "A failed build leaves OUT as it was; a killed one leaves each entry of OUT whole, and the next build "
        "removes what it left.",
    )
    p.add_argument("--out", default="dist", help="output folder (default: dist)")
    p.add_argument(
        "--formats",
        default="parquet,csv,sqlite,xlsx",
        help="comma-separated forms to build: parquet, csv, sqlite, xlsx; csv or parquet must be one of them "
        "(default: all four)",
    )
    p.add_argument("--with-dists", action="store_true", help="also build the wheel and sdist into OUT")
    _add_root(p)

    p = sub.add_parser(
        "verify",
        help="check a bundle against its checksums",
        description="Check a bundle folder or zip against its SHA256SUMS and datapackage.json hashes.",
    )
    p.add_argument("path", help="a bundle folder or its zip")

    p = sub.add_parser(
        "charts",
        help="render the charts",
        description="Render PNG charts from the data (needs matplotlib: pip install 'cnaccel[charts]').",
    )
    p.add_argument("--out", default="docs/img", help="output folder (default: docs/img)")
    p.add_argument(
        "--doc", help="also write a Markdown page showing the charts (default with --out docs/img: docs/charts.md)"
    )
    _add_root(p)

    p = sub.add_parser(
        "diff",
        help="what changed between two versions",
        description="Compare two versions of the "
        "package: folders, bundle folders or zips, or git refs (HEAD~1, v0.1.0).",
    )
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")

    p = sub.add_parser(
        "trace",
        help="find a claim's passage in a page you saved",
        description="Normalise a saved page (text or HTML), find the claim's passage by its fingerprint (at its "
        "offset, else anywhere) and print it with the figure marked. Without an exact copy, report the nearest "
        "passage that prints the figure and its similarity; else say the page does not print the figure. "
        "Exit 0 for an exact match, 1 otherwise.",
    )
    p.add_argument("claim_id", help="a claim id: F0001, E0001, R0001")
    p.add_argument("file", help="the source's page saved as text or HTML (UTF-8)")
    _add_root(p)

    p = sub.add_parser(
        "fingerprint",
        help="record a source's text and a claim's passage (curators)",
        description="For a curator: print text_sha256 and text_chars of archive/SOURCE_ID.txt and, with "
        "--passage, the passage columns of a new claim row; with --figure, check the figure stands in the passage.",
    )
    p.add_argument("source_id")
    p.add_argument("--passage", help="the passage that states the claim, copied from the archived text")
    p.add_argument("--figure", help="the figure as printed")
    _add_root(p)

    p = sub.add_parser(
        "serve",
        help="browse the data in a web page (Datasette)",
        description="Serve the package read-only with Datasette (pip install 'cnaccel[web]'): tables with their "
        "descriptions, facets, values with their units, links to the sources, and canned queries.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8001, help="port (default: 8001)")
    _add_root(p)

    p = sub.add_parser(
        "archive-restore",
        help="put the texts read up to 0.2.0 back in archive/ (curators)",
        description="Restore archive/<source_id>.txt from the repository's history, so that validate can "
        "check every passage read up to version 0.2.0. Needs a full git clone.",
    )
    p.add_argument("--rev", default=None, help="the commit holding sources/ (default: the last one that did)")
    p.add_argument("--overwrite", action="store_true", help="replace texts already in archive/")
    _add_root(p)

    p = sub.add_parser(
        "docs",
        help="regenerate the generated documents",
        description="Write docs/data-dictionary.md "
        "and docs/coverage.md from the data; with --check, only report stale ones (exit 1).",
    )
    p.add_argument("--check", action="store_true", help="report stale documents instead of writing them")
    _add_root(p)
    return parser


def _one_line(exc: BaseException) -> str:
    """The error's message on one line (a library's message may span several)."""
    return " ".join(str(exc).split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UnusableInput, UsageError, FileNotFoundError, ValueError) as exc:
        print(f"cnaccel {args.command}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except LookupError as exc:  # UnknownNameError: an entity, table, metric or claim that is not there
        print(f"cnaccel {args.command}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BrokenPipeError:  # pragma: no cover - output piped to head
        return EXIT_OK
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
