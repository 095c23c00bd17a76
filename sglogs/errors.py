"""One exception root for sglogs, each error carrying a user-facing sentence and an exit code.

The library raises these; only ``sglogs.cli`` turns them into exit codes, in one place.
The exit-code table is a stable interface (documented in README.md):

====  =====================================================
0     ok
1     findings (a check blocks sign-off, or roster rows were rejected)
2     usage (a wrong option or argument) or set-up (a frameworks_dir/templates_dir, template, framework
      file or journal location that cannot be used)
3     unreadable or unsafe input
4     configuration (a setting's value) or a damaged journal
====  =====================================================
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of the ``sglogs`` command.

    Example:
        >>> int(ExitCode.UNREADABLE_INPUT)
        3
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    UNREADABLE_INPUT = 3
    CONFIGURATION = 4


class SglogsError(Exception):
    """Root of every error sglogs raises on purpose.

    ``message`` is one plain sentence that says what is wrong and what to do next.

    Example:
        >>> str(SglogsError("The roster is empty; add one row per member of staff."))
        'The roster is empty; add one row per member of staff.'
    """

    exit_code: ExitCode = ExitCode.CONFIGURATION

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(SglogsError):
    """A command was called with options that do not fit together.

    Example:
        >>> UsageError("Choose docx, xlsx or both with --format.").exit_code
        <ExitCode.USAGE: 2>
    """

    exit_code = ExitCode.USAGE


class KeyingError(UsageError):
    """A keying sheet cannot be made for what was asked (a person who is not the log's, a framework not installed).

    Example:
        >>> KeyingError("Staff S2 is not the log's (S1); check --staff.").exit_code
        <ExitCode.USAGE: 2>
    """


class InputError(SglogsError):
    """A file given to sglogs cannot be read safely (wrong type, empty, encrypted, too large, damaged).

    Example:
        >>> InputError("The file is empty.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """

    exit_code = ExitCode.UNREADABLE_INPUT


class RosterError(InputError):
    """A roster as a whole cannot be used (not a row-level problem: those are reported per row).

    Example:
        >>> RosterError("The roster has no 'Name' column; add one.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class ConfigError(SglogsError):
    """A value in sglogs.toml or an environment variable is wrong, or the journal is damaged.

    Example:
        >>> ConfigError("templates/log.docx is missing; restore it from git.").exit_code
        <ExitCode.CONFIGURATION: 4>
    """

    exit_code = ExitCode.CONFIGURATION


class SetupError(ConfigError):
    """The installation's own files are wrong: a ``frameworks_dir``/``templates_dir`` that does not exist, a
    template or framework file that cannot be used, a journal that cannot be written. Exit 2, like a usage
    mistake: the person who set sglogs up can fix it by following the sentence (issue 12).

    Example:
        >>> SetupError("The folder frameworks named by frameworks_dir does not exist; create it.").exit_code
        <ExitCode.USAGE: 2>
    """

    exit_code = ExitCode.USAGE


class FrameworkError(SetupError):
    """A framework file is missing or invalid; the message names the file, the line and the field.

    Example:
        >>> FrameworkError("frameworks/x.yaml, line 4, field 'levels': required.").exit_code
        <ExitCode.USAGE: 2>
    """


class TemplateError(SetupError):
    """A template cannot be prepared (not a docx/xlsx, bad placeholder, missing part).

    Example:
        >>> TemplateError("templates/log.xlsx has no 'Cover' sheet.").exit_code
        <ExitCode.USAGE: 2>
    """


class UnsafeOutputError(InputError):
    """An output folder or file is a link, or leads outside the folder sglogs was told to write into (the
    service files the input in `rejected/` with this reason and carries on).

    Example:
        >>> UnsafeOutputError("outbox/reviews is a link; replace it with a folder.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """

    exit_code = ExitCode.UNREADABLE_INPUT


# ------------------------------------------------------------------------------------ files that cannot be read


class MissingFileError(InputError):
    """The path names no file (it was moved, deleted or mistyped).

    Example:
        >>> MissingFileError("log.docx does not exist; check the name.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class NotRegularFileError(InputError):
    """The path names a folder, device, pipe or socket rather than a file.

    Example:
        >>> NotRegularFileError("inbox is a folder, not a log file; give the file.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class UnreadableFileError(InputError):
    """The operating system refused to open or read the file (permissions, I/O error).

    Example:
        >>> UnreadableFileError("log.docx cannot be opened (permission denied); check it.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class EmptyFileError(InputError):
    """The file has no bytes (often a copy that has not finished).

    Example:
        >>> EmptyFileError("log.docx is empty (0 bytes); send it again.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class FileTooLargeError(InputError):
    """The file is larger than ``ReadSettings.max_file_mb``.

    Example:
        >>> FileTooLargeError("log.pdf is 80.0 MB, more than sglogs reads (50 MB); shrink it.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class LegacyOfficeError(InputError):
    """An old binary Office file (Word or Excel 97-2003) that must be saved as .docx or .xlsx first.

    Example:
        >>> LegacyOfficeError("log.doc is an old Word file; save it as .docx.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class UnsupportedFormatError(InputError):
    """A file that is not a Word, Excel or PDF log (OpenDocument, PowerPoint, a plain zip, an image, text ...).

    Example:
        >>> UnsupportedFormatError("photo.jpg is an image, not a log; send the log.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class NoTextLayerError(InputError):
    """A PDF whose pages hold no characters, so there is nothing to read.

    Example:
        >>> NoTextLayerError("log.pdf has no text layer; send the original.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class ScannedPdfError(NoTextLayerError):
    """A PDF of scanned pages: images and no characters.

    Example:
        >>> issubclass(ScannedPdfError, NoTextLayerError)
        True
    """


class PaperSupportMissingError(InputError):
    """A scan or photo arrived but the optional libraries that read paper logs (zxing-cpp, Pillow) are missing.

    Example:
        >>> PaperSupportMissingError("scan.pdf is a scan; pip install 'sglogs[paper]'.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class ImageTooLargeError(InputError):
    """A scan or photo with more pixels than ``read.max_image_megapixels`` (or a decompression bomb).

    Example:
        >>> ImageTooLargeError("photo.png is 900 megapixels; send a smaller photo.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class NoPageCodeError(InputError):
    """A scan or photo on which no page's sglogs QR code could be read, so it is no one's log that sglogs knows.

    Example:
        >>> NoPageCodeError("photo.jpg has no readable code; photograph the whole page.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class TooManyPagesError(InputError):
    """A PDF with more pages than ``ReadSettings.max_pdf_pages``.

    Example:
        >>> TooManyPagesError("log.pdf has more than 200 pages; send the log alone.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class DamagedFileError(InputError):
    """A file is truncated or corrupt (a zip that cannot be unzipped, XML that is not well-formed, a broken PDF).

    Example:
        >>> DamagedFileError("log.docx is damaged; open it in Word and save it again.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class UnsafeFileError(InputError):
    """A file is built to harm a reader (zip bomb, DOCTYPE, path traversal) or carries structures Office never writes.

    Example:
        >>> UnsafeFileError("log.docx would unpack to 900 MB; ask for it again.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class EncryptedFileError(InputError):
    """A file needs a password (or another key) before it can be read.

    Example:
        >>> EncryptedFileError("log.xlsx is protected with a password; remove it.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class NotALogError(InputError):
    """A readable document that is not a competency log (meeting minutes, a roster, a budget): exit code 3.

    Example:
        >>> NotALogError("minutes.docx is not a competency log.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """


class ReadTimeLimitError(InputError):
    """Reading or reviewing one file took longer than ``read.time_limit_seconds``; the process doing it was ended
    (a valid file can be made to keep a reader busy for minutes): exit code 3.

    Example:
        >>> ReadTimeLimitError("slow.pdf took more than 120 s to read.").exit_code
        <ExitCode.UNREADABLE_INPUT: 3>
    """
