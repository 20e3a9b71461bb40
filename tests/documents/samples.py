"""Small real documents of each kind, made here (nothing downloaded), and some that are not."""

from __future__ import annotations

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" + bytes(32)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(64) + b"\xff\xd9"
PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(64)  # a Windows program


def office(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


DOCX = office({"[Content_Types].xml": '<Types><Default Extension="xml" ContentType='
                                      '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
               "word/document.xml": "<w:document/>"})
DOCM = office({"[Content_Types].xml": '<Types><Override ContentType='
                                      '"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
               "word/document.xml": "<w:document/>", "word/vbaProject.bin": "macro"})
ODT = office({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document/>"})
ZIP = office({"evidence/letter.txt": "a plain zip of files"})
