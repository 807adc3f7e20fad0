"""The digital signature of a PDF letter (PAdES, pyHanko), made after the PDF/A file.

The certificate is a PKCS#12 file named in atip.toml (`[signatory] certificate`); its password
comes from the environment only (ATIP_SIGNING_PASSWORD), never from a file. pyHanko is imported
only when a letter is signed.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from atip.errors import InputError
from atip.i18n import _

PASSWORD_VARIABLE = "ATIP_SIGNING_PASSWORD"
FIELD_NAME = "Signature"


def load_signer(certificate: str) -> Any:
    """The signer of this PKCS#12 file; InputError (one line) if it cannot be opened."""
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None:
        raise InputError(
            _("{setting} is set but {variable} is not: give the certificate's password").format(
                setting="[signatory] certificate", variable=PASSWORD_VARIABLE
            )
        )
    path = Path(certificate)
    try:
        stamp = path.stat()
    except OSError as exc:
        raise InputError(
            _("cannot read the certificate {path}: {reason}").format(path=path, reason=exc.strerror)
        ) from None
    return _signer(str(path), stamp.st_mtime_ns, stamp.st_size, password)


@lru_cache(maxsize=4)
def _signer(path: str, mtime_ns: int, size: int, password: str) -> Any:
    import logging

    from pyhanko.sign import signers

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its own lines would say it twice
    try:
        signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode("utf-8"))
    except Exception:  # pyHanko raises many kinds; each means the same to the clerk
        signer = None
    if signer is None:
        raise InputError(
            _(
                "cannot open the certificate {path}: wrong password ({variable}) or not a "
                "PKCS#12 file"
            ).format(path=path, variable=PASSWORD_VARIABLE)
        )
    return signer


def sign_pdf(data: bytes, certificate: str, *, name: str = "", location: str = "") -> bytes:
    """The PDF signed (PAdES baseline B), the signature covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = load_signer(certificate)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=name or None,
        location=location or None,
    )
    out = signers.PdfSigner(metadata, signer=signer).sign_pdf(writer)
    return bytes(out.getbuffer())
