"""Documents a council sends with its answer to a request: what is taken, judged by content.

A link officer answering a request for information or evidence attaches what the council
holds: letters and reports (PDF, Word, OpenDocument), spreadsheets, slides, photographs and
scans. Each is judged by its first bytes, not by its name or the type the browser claims
(a renamed program is refused whatever it is called), and its name must agree with what it
is. Macro-enabled Office files and archives are refused: staff open these documents.

Limits, said on the form and in every refusal: 10 MiB a document, 10 documents a request.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_REQUEST = 10
NAME_LIMIT = 200  # characters of a document's name kept


@dataclass(frozen=True)
class Kind:
    words: str  # "a PDF", as refusals say it
    mime: str  # served as this type, whatever the browser said when it was sent
    extensions: tuple[str, ...]


PDF = Kind("a PDF", "application/pdf", (".pdf",))
DOCX = Kind("a Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = Kind("an Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = Kind("a PowerPoint presentation",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
OFFICE_97 = Kind("an Office 97-2003 document", "application/x-ole-storage", (".doc", ".xls", ".ppt"))
ODT = Kind("an OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",))
ODS = Kind("an OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODP = Kind("an OpenDocument presentation", "application/vnd.oasis.opendocument.presentation", (".odp",))
JPEG = Kind("a JPEG image", "image/jpeg", (".jpg", ".jpeg"))
PNG = Kind("a PNG image", "image/png", (".png",))
GIF = Kind("a GIF image", "image/gif", (".gif",))
TIFF = Kind("a TIFF image", "image/tiff", (".tif", ".tiff"))
WEBP = Kind("a WebP image", "image/webp", (".webp",))
HEIC = Kind("a HEIC image", "image/heic", (".heic", ".heif"))
KINDS = (PDF, DOCX, XLSX, PPTX, OFFICE_97, ODT, ODS, ODP, JPEG, PNG, GIF, TIFF, WEBP, HEIC)
MIME_TYPES = {k.mime: k for k in KINDS}

# Said on the form, and in the refusal of a type not taken.
TYPES_IN_WORDS = ("PDF, Word (.doc, .docx), Excel (.xls, .xlsx), PowerPoint (.ppt, .pptx), "
                  "OpenDocument (.odt, .ods, .odp), and images (.jpg, .png, .gif, .tif, .webp, .heic)")
LIMITS_IN_WORDS = (f"Up to {MAX_PER_REQUEST} documents for a request, each at most "
                   f"{MAX_BYTES // (1024 * 1024)} MB: {TYPES_IN_WORDS}.")
# For the file input's `accept`: a hint to the browser's picker; the content decides.
ACCEPT = ",".join(e for k in KINDS for e in k.extensions)

_OOXML = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF = {ODT.mime: ODT, ODS.mime: ODS, ODP.mime: ODP}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class DocumentRefused(ValueError):
    """A document not taken: `status` 413 when too big, else 422; the message says why and
    what is taken."""

    def __init__(self, filename: str, problem: str, status: int = 422) -> None:
        super().__init__(f"{filename}: {problem}")
        self.filename, self.problem, self.status = filename, problem, status


def clean_name(raw: str | None) -> str:
    """The name a document is shown and downloaded by: no folders (a browser may send
    C:\\fakepath\\...), no control characters, at most NAME_LIMIT characters."""
    name = _CONTROL.sub("", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_LIMIT - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:NAME_LIMIT]
    return name or "document"


def sniff(data: bytes) -> Kind | None:
    """What the bytes are, from their first bytes (and, for a zip, the parts it names)."""
    head = data[:16]
    if b"%PDF-" in data[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"heif", b"mif1", b"msf1"):
        return HEIC
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OFFICE_97
    if head.startswith(b"PK\x03\x04"):
        return _zipped(data)
    return None


class _MacroEnabled(Exception):
    pass


def _zipped(data: bytes) -> Kind | None:
    """An Office Open XML or OpenDocument file is a zip; which one its parts say. Only the
    names and the tiny `mimetype` part are read, so a zip bomb is never inflated."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size <= 1024 * 1024 and b"macroEnabled" in archive.read(info):
                    raise _MacroEnabled
                return next((kind for prefix, kind in _OOXML.items() if any(n.startswith(prefix) for n in names)),
                            None)
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                return _ODF.get(archive.read("mimetype").decode("ascii", "replace").strip())
    except zipfile.BadZipFile:
        return None
    return None


def check(filename: str, data: bytes) -> Kind:
    """The document's kind if it is taken; else DocumentRefused saying why (413 too big)."""
    if len(data) > MAX_BYTES:
        raise DocumentRefused(filename, f"is larger than {MAX_BYTES // (1024 * 1024)} MB: send it in parts, "
                                        "or a smaller scan", status=413)
    if not data:
        raise DocumentRefused(filename, "is empty")
    try:
        kind = sniff(data)
    except _MacroEnabled:
        raise DocumentRefused(filename, "is a macro-enabled Office file, which is not taken: save it as "
                                        ".docx, .xlsx or .pptx, or as a PDF") from None
    if kind is None:
        raise DocumentRefused(filename, f"is not a type that is taken (judged by its content, not its name). "
                                        f"Send {TYPES_IN_WORDS}")
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in kind.extensions:
        said = f"its name ends {extension}" if extension else "its name has no extension"
        raise DocumentRefused(filename, f"is {kind.words} but {said}: name it {kind.extensions[0]} and send "
                                        "it again")
    return kind


class DocumentsRefused(ValueError):
    """Some of the documents sent are not taken (none is stored): each with its reason; the
    status is 413 when one is too big, else 422."""

    def __init__(self, problems: list[DocumentRefused]) -> None:
        self.problems = problems
        self.status = 413 if any(p.status == 413 for p in problems) else 422
        super().__init__("; ".join(str(p) for p in problems))


def check_all(files: list[tuple[str, bytes]], held: int = 0) -> list[tuple[str, Kind, bytes]]:
    """Every document checked, and their number with the `held` ones the request has already;
    all taken, or DocumentsRefused naming each one that is not."""
    problems: list[DocumentRefused] = []
    taken: list[tuple[str, Kind, bytes]] = []
    if held + len(files) > MAX_PER_REQUEST:
        room = max(MAX_PER_REQUEST - held, 0)
        problems.append(DocumentRefused(
            f"{len(files)} documents", f"at most {MAX_PER_REQUEST} documents a request"
            + (f": it has {held} already, so {room} more" if held else "")))
    for filename, data in files:
        try:
            taken.append((filename, check(filename, data), data))
        except DocumentRefused as refused:
            problems.append(refused)
    if problems:
        raise DocumentsRefused(problems)
    return taken
