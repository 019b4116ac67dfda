"""Command line: ``cchcgen build | check | serve | new | import | init``; the only module
that prints.

Exit codes: 0 success, 1 content or build error, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, cache, lock, messages, parallel, quick
from .cache import BuildCache
from .errors import CchcError, Diagnostic, os_failure
from .messages import N_, _
from .options import BuildOptions, BuildResult, StrictError
from .output import check_output_dir
from .urls import BaseUrl, UnsafePath

if TYPE_CHECKING:
    from .config import SiteConfig
    from .importer import ImportFailed

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

INIT_QUESTIONS = {
    "agency": N_("the agency: Ủy ban nhân dân xã Thanh Định"),
    "locality": N_("the locality: xã Thanh Định, huyện Định Hóa, tỉnh Thái Nguyên"),
    "base-url": N_("where the column is published: https://thanhdinh.gov.vn/cai-cach-hanh-chinh/"),
    "phone": N_("the hotline for feedback: 0208 3000 001"),
    "parent": N_("the superior agency (optional): Ủy ban nhân dân huyện Định Hóa"),
    "address": N_("the one-stop desk's address (optional; default: the locality)"),
    "email": N_("the agency's email (optional; default: vanphong@<host>)"),
}
INIT_REQUIRED = ("agency", "locality", "base-url", "phone")


class _NewKinds:
    """``cchcgen new``'s choices, asked of the content types only when ``new`` runs: the
    other commands need not import them all (a no-change build answers in ~0.3 s)."""

    def __contains__(self, kind: object) -> bool:
        return kind in self._kinds()

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds())

    @staticmethod
    def _kinds() -> tuple[str, ...]:
        from .scaffold import new_kinds

        return new_kinds()


def _site_config(source: Path, base_url: str | None = None) -> SiteConfig:
    """site.yaml, read and checked (imported here: a build that the quick check answers
    reads no YAML)."""
    from .config import load_config

    return load_config(source, base_url)


def _base_url(value: str) -> str:
    try:
        BaseUrl.parse(value)
    except UnsafePath as exc:
        raise argparse.ArgumentTypeError(f"{exc} ({exc.hint})" if exc.hint else str(exc)) from None
    return value


ARGPARSE = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)
"""What argparse itself says (usage, errors), so that it speaks the editor's language too:
argparse looks these up through its module's ``_``, which :func:`_language` points at ours."""


def _language(argv: Sequence[str] | None) -> str:
    """The messages' language, chosen before the command line is parsed, so that its
    help and its errors are in that language too (``--lang``, else the site's, ...)."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang")
    early.add_argument("--source", "-s", type=Path, default=Path("."))
    known, _rest = early.parse_known_args(argv)
    argparse._ = _  # type: ignore[attr-defined]  # argparse's own messages, see ARGPARSE
    return messages.choose(known.lang if known.lang in messages.AVAILABLE else None, known.source)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--source",
        "-s",
        type=Path,
        default=Path("."),
        help=_("the site folder, holding site.yaml (default: .)"),
    )
    builds = argparse.ArgumentParser(add_help=False, parents=[common])
    builds.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        help=_("output folder (default: public inside the site folder)"),
    )
    builds.add_argument(
        "--base-url", "-b", type=_base_url, default=None, help=_("override base_url from site.yaml")
    )
    builds.add_argument("--drafts", "-D", action="store_true", help=_("include drafts"))
    builds.add_argument(
        "--future", "-F", action="store_true", help=_("include posts dated in the future")
    )
    builds.add_argument("--strict", action="store_true", help=_("treat warnings as errors"))
    builds.add_argument(
        "--no-wait",
        action="store_true",
        help=_("fail at once when another build of the same output is running"),
    )

    parser = argparse.ArgumentParser(
        prog="cchcgen",
        description=_("Build the administrative-reform (CCHC) column of a Vietnamese portal."),
    )
    parser.add_argument("--version", action="version", version=f"cchcgen {__version__}")
    parser.add_argument(
        "--lang",
        choices=messages.AVAILABLE,
        default=None,
        help=_("language of the messages (default: the site's language, else LANG, else vi)"),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    build = commands.add_parser(
        "build", parents=[builds], help=_("build the site into the output folder")
    )
    build.add_argument(
        "--full",
        action="store_true",
        help=_("ignore the cache of the last build and make every file again"),
    )
    commands.add_parser("check", parents=[builds], help=_("validate everything, write nothing"))
    serve = commands.add_parser(
        "serve", parents=[builds], help=_("build, serve on 127.0.0.1 and rebuild on changes")
    )
    serve.add_argument("--port", "-p", type=int, default=8000, help=_("port (default: 8000)"))
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDRESS",
        help=_(
            "address to listen on (default: 127.0.0.1, this computer only; 0.0.0.0 lets "
            "phones and computers of the office network open the preview)"
        ),
    )
    serve.add_argument(
        "--poll", action="store_true", help=_("poll for changes (network drives, containers)")
    )
    init = commands.add_parser(
        "init", help=_("create a new site for an agency (asks what it needs to know)")
    )
    init.add_argument("folder", type=Path, help=_("a new or empty folder"))
    for flag, text in INIT_QUESTIONS.items():
        init.add_argument(f"--{flag}", default=None, help=_(text))
    init.add_argument(
        "--install-from",
        default="",
        metavar="PATH_OR_URL",
        help=_(
            "where the site's pipelines install cchcgen: a wheel (copied into vendor/), "
            "a git+https:// address or a requirement (default: cchcgen=={version})"
        ).format(version=__version__),
    )
    schema = commands.add_parser(
        "schema",
        parents=[common],
        help=_("write JSON Schemas of the site's files, for completion in text editors"),
    )
    schema.add_argument(
        "--output",
        "-o",
        type=Path,
        default=None,
        help=_("folder for the schemas (default: .cchcgen/schemas in the site folder)"),
    )
    schema.add_argument(
        "--vscode",
        action="store_true",
        help=_("also point VS Code's YAML extension at them (.vscode/settings.json)"),
    )
    commands.add_parser(
        "admin",
        parents=[common],
        help=_(
            "write the browser admin (admin/index.html and admin/config.yml) from this "
            "version's content types; its backend block is kept"
        ),
    )
    new = commands.add_parser("new", parents=[common], help=_("create a post or page"))
    # set after add_argument, which would list the choices (and import every type) at once
    new.add_argument("kind").choices = _NewKinds()
    new.add_argument("title", help=_("the title, in quotes"))
    imports = commands.add_parser(
        "import",
        parents=[common],
        help=_(
            "create or fill procedure files from a spreadsheet (.xlsx or .csv), or publish "
            "a signed Word document (.docx)"
        ),
        description=_(
            "The Quyết định công bố of a row is the one its 'Quyết định công bố' cell names "
            "(a blank cell repeats the one above), else --decision and --date, else the "
            "annex title above the table ('Ban hành kèm theo Quyết định số ... ngày ... "
            "của ...')."
        ),
    )
    imports.add_argument("kind", choices=("procedures", "document"))
    imports.add_argument(
        "file",
        type=Path,
        help=_("procedures: the list annexed to a Quyết định công bố; document: the .docx"),
    )
    imports.add_argument(
        "--decision",
        help=_(
            'Quyết định công bố for rows without one, e.g. "2215/QĐ-UBND"; '
            "it overrides the annex title"
        ),
    )
    imports.add_argument(
        "--date",
        type=_date,
        help=_(
            "its date, e.g. 15/03/2024 (a cell in the file overrides it; "
            "it overrides the annex title)"
        ),
    )
    imports.add_argument(
        "--overwrite",
        action="store_true",
        help=_("replace values that differ from the spreadsheet (they are kept by default)"),
    )
    imports.add_argument("--dry-run", action="store_true", help=_("report only, write nothing"))
    imports.add_argument(
        "--pdf", type=Path, help=_("document: the scan of the signed copy, published beside it")
    )
    imports.add_argument(
        "--section",
        action="append",
        default=[],
        metavar="TAG",
        help=_("document: a tag to list it under (its folder is always content/plans/<year>/)"),
    )
    imports.add_argument(
        "--accept-changes",
        action="store_true",
        help=_("document: accept its tracked changes and leave out its comments"),
    )
    return parser


def _date(value: str) -> dt.date:
    from .dates import DateParseError
    from .importer import read_date

    try:
        return read_date(value)
    except DateParseError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; {exc.hint}") from None


def build_now() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH pins "now" for reproducible builds."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        message = _("cchcgen: SOURCE_DATE_EPOCH must be a number of seconds, got {value}")
        print(message.format(value=repr(value)), file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def _as_failure(exc: CchcError | OSError, args: argparse.Namespace) -> CchcError:
    """An operating-system error no stage turned into a diagnostic becomes one."""
    if isinstance(exc, CchcError):
        return exc
    return CchcError([os_failure(_shown_path(exc.filename, args), exc)])


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for item in diagnostics:
        print(item, file=sys.stderr)


def _print_cache_warnings(memory: BuildCache) -> None:
    """A damaged build cache, found while building: said once."""
    _print_diagnostics(memory.warnings)
    memory.warnings.clear()


def _print_failure(exc: CchcError) -> None:
    _print_diagnostics(exc.diagnostics)
    errors = len(exc.errors)
    warnings = len(exc.diagnostics) - errors
    if isinstance(exc, StrictError):
        message = _("Build failed: {warnings} warning(s), which --strict treats as errors.")
        print(message.format(warnings=warnings), file=sys.stderr)
    else:
        message = _("Build failed: {errors} error(s), {warnings} warning(s).")
        print(message.format(errors=errors, warnings=warnings), file=sys.stderr)


def _output(args: argparse.Namespace) -> Path:
    return args.output if args.output is not None else args.source / "public"


def _shown_path(name: object, args: argparse.Namespace) -> str:
    """A path from the operating system as the editor knows it: inside the site, relative
    to the site folder; else as given. Without one, the site folder."""
    source = getattr(args, "source", None) or Path(".")
    if not isinstance(name, (str, bytes)) or not name:
        return str(source)
    path = Path(os.fsdecode(name))
    try:
        return path.absolute().relative_to(source.absolute()).as_posix()
    except ValueError:
        return str(path)


def _options(
    args: argparse.Namespace, write: bool, cache: BuildCache | None = None, jobs: int = 1
) -> BuildOptions:
    source = args.source
    output = _output(args)
    return BuildOptions(
        source=source,
        output=output,
        base_url=args.base_url,
        drafts=args.drafts,
        future=args.future,
        strict=args.strict,
        now=build_now(),
        write=write,
        cache=cache,
        jobs=jobs,
        progress=_progress_build if sys.stderr.isatty() else None,
        wait=not args.no_wait,
        on_wait=_waiting,
    )


def _waiting(pid: int | None) -> None:
    if pid:
        message = _("Another build of this site is running (pid {pid}); waiting for it to finish…")
    else:
        message = _("Another build of this site is running; waiting for it to finish…")
    print(message.format(pid=pid), file=sys.stderr, flush=True)


def _progress_build(stage: str, done: int, total: int) -> None:
    """ "Reading: 1200 of 7400 files" on one terminal line (only on a terminal, not in CI)."""
    message = _PROGRESS.get(stage, "{stage}: {done} of {total} files")
    end = "\r\033[K" if done == total else ""
    line = _(message).format(stage=stage, done=done, total=total)
    print(f"\r{line}{end}", end="", file=sys.stderr, flush=True)


_PROGRESS = {
    "read": N_("Reading: {done} of {total} files"),
    "render": N_("Rendering: {done} of {total} files"),
}


def _unchanged(
    options: BuildOptions, checking: bool
) -> tuple[BuildResult | None, tuple[bytes, int]]:
    """The quick check (when ``checking``), before site.yaml and the cache are read and
    the modules of a real build are imported (see quick.py), and the inputs' signature
    it took (the build starts from it)."""
    started = time.perf_counter()
    if not checking:
        return None, quick.signature(options)
    with quick.SavedCheck(options) as saved:
        signed = quick.signature(options)
        found = saved.answer(signed, options.now or dt.datetime.now(dt.UTC))
    if found is None:
        return None, signed
    return replace(found, files=0, bytes=0, seconds=time.perf_counter() - started), signed


def _report(result: BuildResult, args: argparse.Namespace, verb: str) -> None:
    _print_diagnostics(result.warnings)
    for note in result.notes:
        print(_("note: {note}").format(note=note), file=sys.stderr)
    line = _(_SUMMARIES[verb]).format(
        pages=result.pages, files=result.files, seconds=result.seconds, output=_output(args)
    )
    if result.search is not None:
        line += _("; search index: {parts} part(s) made again, {seconds:.2f} s").format(
            parts=result.search.parts, seconds=result.search.seconds
        )
    if result.qr is not None:
        line += _("; QR codes: {drawn} drawn, {encoded} encoded, {seconds:.2f} s").format(
            drawn=result.qr.drawn, encoded=result.qr.encoded, seconds=result.qr.seconds
        )
    if result.warnings:
        line += _(" ({count} warning(s))").format(count=len(result.warnings))
    print(line)


_SUMMARIES = {
    "Built": N_("Built {pages} pages, {files} files in {seconds:.2f} s → {output}"),
    "Rebuilt": N_("Rebuilt {pages} pages, {files} files in {seconds:.2f} s → {output}"),
    "Checked": N_("Checked {pages} pages, {files} files in {seconds:.2f} s"),
    "Shown": N_("Shown from memory: {files} files in {seconds:.2f} s → {output}"),
}


def _serving(url: str | None, port: int, base_path: str) -> None:
    """The line that tells the editor which address to open."""
    if url is None:
        url = f"http://<this computer's address>:{port}{base_path}"
        message = _(
            "Serving on every address of this computer, port {port}; its address on the "
            "network could not be found: open {url} (Ctrl-C to stop)."
        )
        print(message.format(port=port, url=url))
        return
    print(
        _(
            "Serving on {url} (Ctrl-C to stop). Pages rebuild as you save; the search "
            "index is made again by the next start or `cchcgen build`."
        ).format(url=url)
    )


def _ignore(_outputs: Collection[str]) -> None:
    """No one to tell of pages written before a build ends (the build at start)."""


def _serve(args: argparse.Namespace) -> int:
    from .preview import Preview
    from .serve import CannotListen, serve

    memory = cache.load(args.source)
    saved = cache.stamp(args.source)
    first = True
    shown: Preview | None = None
    listening = announced = False

    def announce() -> None:
        """Say once, after the address, when a save starts being shown from memory."""
        nonlocal announced
        if listening and shown is not None and not announced:
            announced = True
            print(_("Ready: a saved post is shown in a moment."), flush=True)

    def rebuild(
        paths: frozenset[Path] | None = None, written: Callable[[Collection[str]], None] = _ignore
    ) -> list[str]:
        """Build; return the errors as the browser shows them (none on success).

        A save of one file whose text alone changed is shown from memory
        (:mod:`cchcgen.preview`), which tells ``written`` of the edited item's own pages
        as soon as they are written; anything else is built as ``cchcgen build`` does.
        Only the first build forks workers: later ones run while the server's threads do.
        Each holds the build lock; when another build ran meanwhile (its cache was saved),
        its cache replaces ours, search index included."""
        nonlocal first, memory, saved, shown
        options = _options(args, True, memory, parallel.cpu_count() if first else 1)
        options = replace(options, refresh_search=first, quick_check=first, in_place=not first)
        verb, first = ("Built" if first else "Rebuilt"), False

        def keep(built: Any) -> None:
            nonlocal shown
            shown = Preview(built, options)

        try:
            from .build import build_site

            with lock.hold(options.output, on_wait=_waiting):
                if cache.stamp(args.source) != saved:
                    memory = cache.load(args.source)
                    saved = cache.stamp(args.source)
                    options = replace(options, cache=memory)
                    shown = None
                now = options.now or dt.datetime.now(dt.UTC)
                result = shown.edit(paths, now, written) if shown is not None and paths else None
                if result is not None:
                    verb = "Shown"
                else:
                    shown = None
                    Preview.release()
                    result = build_site(replace(options, keep=keep))
            _print_cache_warnings(memory)
            _report(result, args, verb)
            announce()
            return []
        except (CchcError, OSError) as exc:
            failure = _as_failure(exc, args)
            _print_failure(failure)
            print(_("The server keeps showing the last good build."), file=sys.stderr)
            return [str(d) for d in failure.diagnostics]

    first_errors = rebuild()
    config = _site_config(args.source, args.base_url)
    output = _output(args)

    def on_ready(url: str | None) -> None:
        nonlocal listening
        _serving(url, args.port, config.base.path)
        listening = True
        announce()

    try:
        serve(
            args.source,
            output.resolve(),
            config.base.path,
            args.port,
            rebuild,
            poll=args.poll,
            on_ready=on_ready,
            first_errors=first_errors,
            report=lambda line: print(f"serve: {line}", file=sys.stderr, flush=True),
            host=args.host,
            rebuild_at_start=shown is None and not first_errors,
        )
    except CannotListen as exc:
        print(_("cchcgen serve: error: {message}").format(message=exc), file=sys.stderr)
        hint = _("give --host an address of this computer (127.0.0.1, or 0.0.0.0 for "
                 "every address) and a --port no other program uses")  # fmt: skip
        print("  " + _("hint") + f": {hint}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        with lock.hold(output):  # unless another build saved a newer cache meanwhile
            if cache.stamp(args.source) == saved:
                cache.save(args.source, memory)
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from .starter import Answers, create_site, site_email

    values = {flag: getattr(args, flag.replace("-", "_")) for flag in INIT_QUESTIONS}
    missing = [flag for flag in INIT_REQUIRED if not values[flag]]
    if missing and not sys.stdin.isatty():
        options = " ".join(f"--{flag} ..." for flag in missing)
        message = _("cchcgen init: give {options} (or run it in a terminal to be asked)")
        print(message.format(options=options), file=sys.stderr)
        return EXIT_USAGE
    for flag in INIT_QUESTIONS:
        while not values[flag] and flag in missing:
            values[flag] = input(f"{_(INIT_QUESTIONS[flag])}\n> ").strip()
    now = build_now() or dt.datetime.now(dt.UTC)
    answers = Answers(
        agency=values["agency"] or "",
        locality=values["locality"] or "",
        base_url=values["base-url"] or "",
        parent=values["parent"] or "",
        address=values["address"] or "",
        phone=values["phone"] or "",
        email=values["email"] or "",
        install_from=args.install_from,
    )
    today = now.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    written = create_site(args.folder, answers, today)
    print(_("Created {count} files in {folder}:").format(count=len(written), folder=args.folder))
    for rel in written:
        print(f"  {rel}")
    from .repo import BRANCH, start_repository

    trouble = start_repository(args.folder, answers.agency, site_email(answers))
    if trouble:
        print(_("note: {note}").format(note=trouble), file=sys.stderr)
    else:
        message = _(
            "Started a git repository on branch {branch} with these files as its first commit."
        )
        print(message.format(branch=BRANCH))
    print(
        _("Next: cd {folder} && cchcgen serve   (then read README.md)").format(folder=args.folder)
    )
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .editorschema import DIRNAME, write_editor_files

    folder = args.output or args.source / DIRNAME
    for path in write_editor_files(args.source, folder, vscode=args.vscode):
        print(_("Wrote {path}").format(path=path))
    return EXIT_OK


def _admin(args: argparse.Namespace) -> int:
    from .adminconfig import write_admin

    config = _site_config(args.source)
    for path in write_admin(args.source, config.base_url, config.language):
        print(_("Wrote {path}").format(path=path))
    print(
        _(
            "Edit in the browser: run `cchcgen serve` and open {url}; to publish the admin, "
            "set admin: true in site.yaml (README.md explains both)"
        ).format(url="…" + config.base.path + "quan-tri/")
    )
    return EXIT_OK


def _import_document(args: argparse.Namespace) -> int:
    from .docimport import DocumentOptions, import_document
    from .importer import ImportFailed

    options = DocumentOptions(
        site=args.source,
        file=args.file,
        pdf=args.pdf,
        tags=tuple(args.section),
        accept_changes=args.accept_changes,
        overwrite=args.overwrite,
        dry_run=args.dry_run,
    )
    try:
        report = import_document(options)
    except ImportFailed as exc:
        _print_import_failure(exc)
        return EXIT_ERROR
    for note in report.notes:
        print(_("{file}: warning: {note}").format(file=args.file, note=note), file=sys.stderr)
    if report.written:
        print(_("Created {path}").format(path=report.file))
        if report.attachment:
            print(_("Created {path}").format(path=Path(report.file).with_name(report.attachment)))
    else:
        print(_("Would create {path}:").format(path=report.file))
        print(report.preview())
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from .importer import ImportFailed, ImportOptions, import_procedures

    if args.kind == "document":
        return _import_document(args)
    config = _site_config(args.source)
    now = build_now() or dt.datetime.now(dt.UTC)
    options = ImportOptions(
        site=args.source,
        file=args.file,
        today=now.astimezone(config.timezone).date(),
        decision=args.decision,
        decision_date=args.date,
        overwrite=args.overwrite,
        dry_run=args.dry_run,
    )
    progress = _progress_line if sys.stderr.isatty() else None
    try:
        report = import_procedures(options, progress)
    except ImportFailed as exc:
        _print_import_failure(exc)
        return EXIT_ERROR
    finally:
        if progress is not None:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
    for line in report.lines():
        print(line)
    print(report.summary())
    failure = report.failure()
    if failure is not None:
        _print_import_failure(failure)
        return EXIT_ERROR
    return EXIT_OK


def _print_import_failure(exc: ImportFailed) -> None:
    print(Diagnostic(exc.path, exc.row, None, exc.message, exc.hint), file=sys.stderr)


def _progress_line(done: int, total: int) -> None:
    """Show "row 120 of 800" on one terminal line, redrawn every 1 % of the rows."""
    if done == total or done % max(1, total // 100) == 0:
        line = _("Importing: row {done} of {total}").format(done=done, total=total)
        print(f"\r{line}", end="", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    messages.use(_language(argv))
    args = _parser().parse_args(argv)
    try:
        if args.command == "new":
            from .scaffold import new_content

            now = build_now() or dt.datetime.now(dt.UTC)
            config = _site_config(args.source)
            created = new_content(
                args.source, args.kind, args.title, now.astimezone(config.timezone), config.agency
            )
            print(_("Created {path}").format(path=created.rel))
            return EXIT_OK
        if args.command == "init":
            return _init(args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "import":
            return _import(args)
        if args.command == "schema":
            return _schema(args)
        if args.command == "admin":
            return _admin(args)
        if args.command == "check":
            from .build import build_site

            _report(build_site(_options(args, False, jobs=parallel.cpu_count())), args, "Checked")
            return EXIT_OK
        options = _options(args, True, None, parallel.cpu_count())
        check_output_dir(options.output, options.source)
        # one build of an output at a time, from reading the cache to saving it
        with lock.hold(options.output, options.wait, options.on_wait):
            result, signed = _unchanged(options, not args.full)
            if result is None:  # something changed: load the whole pipeline
                from .build import build_site

                memory = BuildCache() if args.full else cache.load(args.source)
                options = replace(options, cache=memory, signature=signed)
                result = build_site(options)
                cache.save(args.source, memory, fork=True)  # (a quick answer: no save)
                _print_cache_warnings(memory)
        _report(result, args, "Built")
        return EXIT_OK
    except (CchcError, OSError) as exc:
        failure = _as_failure(exc, args)
        _print_failure(failure)
        return failure.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception:
        traceback.print_exc()
        print(
            _("This is a bug in cchcgen, not in your site; please report it with the lines above."),
            file=sys.stderr,
        )
        return EXIT_ERROR
