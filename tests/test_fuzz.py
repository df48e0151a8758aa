"""A fuzz run of every entry point: generated arguments and damaged packages get an answer, never a
traceback and never a hang.

The command line must end with an exit status (0, 1 or 2; argparse's own 2 for a malformed
command) and, when it refuses, one line on stderr. The API must return or raise one of its
documented errors with a one-line message. ``CNACCEL_FUZZ_EXAMPLES`` raises the number of
generated cases for a longer run (``CNACCEL_FUZZ_EXAMPLES=2000 make test-fast``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import signal
import zipfile
from pathlib import Path

import hypothesis
import hypothesis.strategies as st
import pytest

from cnaccel import cli
from cnaccel.problems import UnusableInput

EXAMPLES = int(os.environ.get("CNACCEL_FUZZ_EXAMPLES", "60"))
ANY_HEALTH = list(hypothesis.HealthCheck)  # the fixtures are shared on purpose
SECONDS = 60  # a call that runs longer than this on a few-row package hangs
COMMANDS = ["validate", "info", "show", "cite", "verify", "diff", "docs", "trace", "fingerprint", "charts"]
WORDS = [
    *COMMANDS, "facts", "events", "sources", "entities", "F0001", "E0001", "cambricon", "寒武纪", "--format", "json",
    "text", "bibtex", "--source", "--root", "--against", "--check", "--passage", "--figure", "--limit", "-1", "0",
    "1e309", "HEAD", "HEAD~99", "..", "/", "/dev/null", "", " ", "\x00", "=1+1", "%s", "{}", "nan", "2025-02-30",
]  # fmt: skip


@contextlib.contextmanager
def deadline(seconds: int = SECONDS):
    """Fail, instead of waiting forever, when the call inside hangs."""

    def hang(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Exit status and stderr of ``cnaccel ARGV`` run in this process."""
    err, out = io.StringIO(), io.StringIO()
    here = Path.cwd()
    os.chdir(cwd)
    try:
        with deadline(), contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = cli.main(argv)
            except SystemExit as exc:  # argparse refusing a malformed command line
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        os.chdir(here)
    return code, err.getvalue()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, history_archive) -> Path:
    """A package of a few rows in a folder, with its archived texts."""
    from conftest import MiniPackage

    mini = MiniPackage(history_archive)
    target = mini.save(tmp_path_factory.mktemp("mini") / "pkg")
    for rel, data in mini.files().items():
        if rel.startswith("archive/"):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            (target / rel).write_bytes(data)
    return target


def _answered(code: int, err: str, argv: list[str]) -> None:
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err, (argv, err)
    if code == 2 and not err.startswith("usage:"):  # argparse prints its usage, cnaccel one line
        assert err.startswith("cnaccel") and err.count("\n") == 1, (argv, err)


@hypothesis.given(st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=6))
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=ANY_HEALTH)
def test_generated_command_lines_get_an_answer(folder, tmp_path_factory, words):
    argv = [*words[:1], "--source", str(folder), *words[1:]] if words and words[0] in COMMANDS else words
    _answered(*run_cli(argv, tmp_path_factory.getbasetemp()), argv)


def _damaged(folder: Path, target: Path, rel: str, at: int, cut: int, insert: bytes) -> Path:
    import shutil

    shutil.copytree(folder, target)
    path = target / rel
    data = path.read_bytes()
    at = at % (len(data) + 1)
    path.write_bytes(data[:at] + insert + data[at + cut :])
    return target


@hypothesis.given(
    st.sampled_from(["datapackage.json", "data/facts.csv", "data/sources.csv", "data/events.csv", "data/units.csv"]),
    st.integers(0, 10**6),
    st.integers(0, 40),
    st.binary(max_size=8) | st.sampled_from([b'"', b",", b"\n", b"\r", b"\x00", b"\xff", b"[", b"{", b"1e999"]),
    st.sampled_from([["validate"], ["info"], ["show", "facts"], ["cite", "F0001"], ["validate", "--format", "json"]]),
)
@hypothesis.settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=ANY_HEALTH)
def test_a_damaged_package_gets_an_answer(folder, tmp_path_factory, rel, at, cut, insert, command):
    target = _damaged(folder, tmp_path_factory.mktemp("damaged") / "pkg", rel, at, cut, insert)
    argv = [command[0], "--source", str(target), *command[1:]]
    _answered(*run_cli(argv, target), argv)


@hypothesis.given(st.integers(0, 10**6), st.integers(0, 64), st.binary(max_size=8))
@hypothesis.settings(max_examples=max(EXAMPLES // 2, 10), deadline=None, suppress_health_check=ANY_HEALTH)
def test_a_damaged_zip_gets_an_answer(folder, tmp_path_factory, at, cut, insert):
    base = tmp_path_factory.mktemp("zip")
    with zipfile.ZipFile(base / "good.zip", "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "archive" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
    data = (base / "good.zip").read_bytes()
    at = at % (len(data) + 1)
    (base / "bad.zip").write_bytes(data[:at] + insert + data[at + cut :])
    for argv in (["verify", str(base / "bad.zip")], ["info", "--source", str(base / "bad.zip")]):
        _answered(*run_cli(argv, base), argv)


VALUES = st.one_of(
    st.none(), st.integers(-5, 10**12), st.floats(allow_nan=True), st.booleans(), st.text(max_size=16),
    st.sampled_from(["facts", "cambricon", "寒武纪", "revenue", "2025", "2025-Q3", "CNY", "USD", "F0001", "bibtex"]),
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)), st.lists(st.text(max_size=4), max_size=3),
)  # fmt: skip
API = {
    "load": ("name", "as_of"),
    "facts": ("entity", "metric", "period", "as_of"),
    "events": ("entity", "as_of"),
    "relations": ("entity", "as_of"),
    "find_entity": ("name",),
    "entity": ("name",),
    "tables": (),
    "package": (),
    "cite": ("claim_id", "style"),
    "estimates": ("entity", "metric", "period", "currency"),
    "series": ("entity", "metric", "currency"),
    "fx": (),
}


def _documented(exc: BaseException) -> bool:
    import cnaccel

    allowed = (UnusableInput, ValueError, TypeError, LookupError, cnaccel.SeriesError)
    return isinstance(exc, allowed) and "\n" not in str(exc)


@hypothesis.given(st.sampled_from(sorted(API)), st.data())
@hypothesis.settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=ANY_HEALTH)
def test_api_functions_answer_any_argument(folder, name, data):
    import inspect

    import cnaccel

    function = getattr(cnaccel, name)
    accepted = inspect.signature(function).parameters
    names = [n for n in API[name] if n in accepted]
    arguments = {n: data.draw(VALUES, label=n) for n in names if data.draw(st.booleans(), label=f"give {n}")}
    positional = [arguments.pop(names[0])] if names and names[0] in arguments and not name.startswith("f") else []
    try:
        with deadline():
            function(*positional, source=folder, **arguments)
    except BaseException as exc:
        assert _documented(exc), f"{name}({positional}, {arguments}) raised {type(exc).__name__}: {exc}"
