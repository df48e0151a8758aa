"""The ``cnaccel`` command line: a thin layer over the library.

Exit status: 0 success; 1 problems found (validate, verify); 2 unusable input or a usage error.
Errors are one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import __version__
from .problems import UnusableInput

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2


class UsageError(Exception):
    """A request the command cannot carry out as asked (unknown table, entity, claim id)."""


def _validate(args: argparse.Namespace) -> int:
    from .checks import run_checks
    from .paths import find_root
    from .problems import to_json, to_text

    problems = run_checks(find_root(args.root))
    print(to_json(problems) if args.format == "json" else to_text(problems))
    return EXIT_PROBLEMS if problems else EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"validate": _validate}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cnaccel",
        description="China's AI-accelerator market, claim by claim: validate, inspect and export the data.",
        epilog="Exit status: 0 success, 1 problems found, 2 unusable input or usage error.",
    )
    parser.add_argument("--version", action="version", version=f"cnaccel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    p = sub.add_parser(
        "validate",
        help="run every check of the data model on a package folder",
        description="Run every check of the data model: schema, provenance (quotes and archive "
        "hashes), figures against quotes, consistency and hygiene. One line per problem.",
    )
    p.add_argument(
        "--root",
        help="the package folder (default: the current folder if it holds datapackage.json, else the installed data)",
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format (default: text)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UnusableInput as exc:
        print(f"cnaccel {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except UsageError as exc:
        print(f"cnaccel {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except FileNotFoundError as exc:
        print(f"cnaccel {args.command}: {exc}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:  # pragma: no cover
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
