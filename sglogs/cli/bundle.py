"""The ``sglogs bundle`` and ``sglogs verify`` commands: argument parsing and printing only (see ``sglogs.bundle``).

``cli.py`` calls ``register(app)`` once, after ``user_errors`` and the consoles are defined (at its end).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ..core.formatting import count, long_datetime
from ..errors import ExitCode
from .console import err, file_progress, out, user_errors
from .options import OutboxOption, outbox_settings, parse_date


def register(app: typer.Typer) -> None:
    """Add ``bundle`` and ``verify`` to the ``sglogs`` Typer app.

    Example:
        >>> register(app)  # doctest: +SKIP
    """

    @app.command()
    @user_errors
    def bundle(
        out_file: Annotated[Path, typer.Option("--out", metavar="FILE.zip",
                                               help="The bundle to write, e.g. audit-2026.zip.")],
        setting: Annotated[str | None, typer.Option(
            "--setting", metavar="NAME", help="Everyone whose log names this setting (letter case and spaces "
            "ignored).")] = None,
        staff: Annotated[list[str] | None, typer.Option(
            "--staff", metavar="ID", help="A staff id (exact); repeat the flag or separate ids with commas.")] = None,
        everyone: Annotated[bool, typer.Option("--all", help="Everyone with a reviewed log.")] = False,
        date_from: Annotated[str | None, typer.Option(
            "--from", metavar="DATE", help="Only logs whose period reaches this date or later, e.g. 01/01/2026.")
        ] = None,
        date_to: Annotated[str | None, typer.Option(
            "--to", metavar="DATE", help="Only logs whose period starts on or before this date.")] = None,
        sign: Annotated[Path | None, typer.Option(
            "--sign", metavar="KEY.pem", help="Sign the bundle with the organisation's private key (made by "
            "'sglogs keys new').")] = None,
        roster: Annotated[Path | None, typer.Option(
            "--roster", metavar="FILE", help="The staff roster: logs without a staff id are matched to the person "
            "their cover names, as the register does.")] = None,
        outbox: OutboxOption = None,
    ) -> None:
        """Bundle the evidence of a setting, named staff or everyone: logs, reviews, register extract, index.

        Example: sglogs bundle --setting "Sunflower Nursery" --from 01/01/2026 --to 31/12/2026 --out audit.zip
        """
        from ..bundle import BundleOptions, build_bundle, bundle_scope
        ids = [part.strip() for value in staff or () for part in value.split(",") if part.strip()]
        scope = bundle_scope(setting=setting, staff_ids=ids, everyone=everyone,
                             date_from=parse_date(date_from, "--from"), date_to=parse_date(date_to, "--to"))
        with file_progress("Bundling") as on_progress:
            report = build_bundle(BundleOptions(scope=scope, out=out_file, sign=sign, roster=roster),
                                  outbox_settings(outbox),
                                  on_progress=on_progress)
        out.print(str(report.out))
        out.print(f"SHA-256 {report.manifest_sha256}")  # the fingerprint, for scripts that send it on
        for gone in report.missing:
            err.print(f"Missing: {gone.staff_id or '(no staff id)'} {gone.item} ({gone.file}): {gone.reason}.")
        if report.unmatched_staff:
            err.print(f"No reviewed log in scope for: {', '.join(report.unmatched_staff)}.")
        err.print(f"{count(report.people, 'person', 'people')}, {count(report.logs, 'log')}, "
                  f"{count(report.files, 'file')} "
                  f"({report.bytes / 1024 / 1024:.1f} MB), {len(report.missing)} missing. Send this fingerprint "
                  f"separately so the recipient can trust manifest.json: SHA-256 {report.manifest_sha256}"
                  + ("; signed with the organisation key (manifest.sig)." if report.signed else ""))

    @app.command()
    @user_errors
    def verify(
        path: Annotated[Path, typer.Argument(metavar="FILE.zip", help="An evidence bundle made by 'sglogs bundle'.")],
        key: Annotated[Path | None, typer.Option(
            "--key", metavar="PUBLIC.pem", help="The sender's public key: the bundle must carry its signature.")
        ] = None,
        expect: Annotated[str | None, typer.Option(
            "--expect", metavar="SHA256", help="The manifest fingerprint the sender gave you apart from the bundle.")
        ] = None,
    ) -> None:
        """Re-hash every file of a bundle; name any file changed, added or removed (exit 1 when any is).

        Example: sglogs verify audit-2026.zip --key sglogs-signing-key.public.pem
        """
        from ..bundle import verify_bundle

        with file_progress("Verifying") as on_progress:
            report = verify_bundle(path, on_progress=on_progress, key=key, expect=expect)
        for label, paths in (("changed", report.changed), ("added", report.added), ("removed", report.removed)):
            for member in paths:
                note = " (cannot be unzipped)" if member in report.damaged else ""
                out.print(f"{label}: {member}{note}")
        for member, why in report.refused:
            out.print(f"refused: {member} ({why})")
        err.print(f"Bundle made {_made(report.created)} by sglogs {report.sglogs_version or '?'} for {report.scope}; "
                  f"manifest SHA-256 {report.manifest_sha256}.")
        if not report.authentic:
            why = {"absent": "it carries no signature (manifest.sig)", "invalid": "its signature is not that key's "
                   "signature of this manifest"}.get(report.signature, "its manifest fingerprint is not the one given")
            err.print(f"{path.name} is not authentic: {why}; do not rely on it, ask the sender for a new copy.")
            raise typer.Exit(int(ExitCode.FINDINGS))
        if report.signature == "valid":
            err.print("Signature: valid, made with the key given.")
        elif report.signature == "unchecked":
            err.print("This bundle is signed; give the sender's public key with --key to check who made it.")
        if report.fingerprint_ok:
            err.print("Fingerprint: the manifest is the one the sender described.")
        if report.intact:
            out.print(f"OK: all {count(len(report.ok), 'file')} match the manifest.")
            if report.missing:
                what = "1 item was" if report.missing == 1 else f"{report.missing} items were"
                err.print(f"{what} already missing when the bundle was made (see index.html).")
            return
        err.print(f"{path.name} does not match its manifest: {len(report.changed)} changed, {len(report.added)} "
                  f"added, {len(report.removed)} removed, {len(report.refused)} refused; do not rely on those files, "
                  "ask the sender for a new copy.")
        raise typer.Exit(int(ExitCode.FINDINGS))

    keys = typer.Typer(help="Organisation signing keys for evidence bundles.", no_args_is_help=True)
    app.add_typer(keys, name="keys")

    @keys.command("new")
    @user_errors
    def keys_new(
        folder: Annotated[Path, typer.Option("--out", metavar="DIR", help="Where to write the pair.")] = Path("."),
    ) -> None:
        """Make the organisation's Ed25519 key pair (private key 0600; an existing key is never overwritten).

        Example: sglogs keys new --out /srv/sglogs/keys
        """
        from ..bundle.sign import new_key_pair

        pair = new_key_pair(folder)
        out.print(str(pair.private))
        out.print(str(pair.public))
        err.print(f"Keep {pair.private.name} private (sign with: sglogs bundle --sign {pair.private}); publish "
                  f"{pair.public.name} to auditors. Public key SHA-256 {pair.fingerprint}.")


def _made(created: str) -> str:
    """The manifest's creation time as people read it ("6 December 2026 at 19:05"); as written if it is not one."""
    try:
        return long_datetime(dt.datetime.fromisoformat(created))
    except ValueError:
        return created or "at an unknown time"
