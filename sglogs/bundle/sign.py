"""Organisation signatures on bundles (Ed25519); the one module that imports ``cryptography``.

A signature proves who made a bundle: the manifest alone proves only that nothing changed since it was written,
and someone who edits a file and the manifest together is caught only by a key or a fingerprint sent apart.
What is signed is a short statement naming the SHA-256 of the exact ``manifest.json`` bytes (Ed25519 needs the
whole message in memory, and a manifest may be tens of MB); it is stored as ``manifest.sig``, a small JSON file
beside the manifest and, like it, not listed in it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import UsageError

SIGNATURE_NAME: Final = "manifest.sig"
SIGNATURE_FORMAT: Final = "sglogs-bundle-signature/1"
PRIVATE_KEY_NAME: Final = "sglogs-signing-key.pem"
PUBLIC_KEY_NAME: Final = "sglogs-signing-key.public.pem"
_MAX_KEY_BYTES = 64 * 1024  # a PEM key is a few hundred bytes; anything bigger is not one
MAX_SIGNATURE_BYTES: Final = 64 * 1024


@dataclass(frozen=True)
class KeyPair:
    """Where ``new_key_pair`` wrote the two halves, and the public key's fingerprint.

    Example:
        >>> pair = new_key_pair(Path("keys"))  # doctest: +SKIP
        >>> pair.private.name, pair.public.name  # doctest: +SKIP
        ('sglogs-signing-key.pem', 'sglogs-signing-key.public.pem')
    """

    private: Path
    public: Path
    fingerprint: str


def _statement(manifest_sha256: str) -> bytes:
    # a fixed prefix: a signature made for a bundle cannot be replayed as a signature of anything else
    return f"{SIGNATURE_FORMAT}\nmanifest.json sha256 {manifest_sha256}\n".encode()


def _public_fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _write_new(path: Path, data: bytes, mode: int) -> None:
    # O_EXCL: an existing key is never overwritten (a lost private key cannot be made again); O_NOFOLLOW: no link
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except FileExistsError:
        raise UsageError(f"{path} already exists and is never overwritten; choose another --out folder or move "
                         "the old key away first.") from None
    except OSError as exc:
        raise UsageError(f"{path} cannot be written ({exc.strerror}); choose another --out folder.") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, mode)  # the umask may have taken bits away from the public key; never adds any to the private


def new_key_pair(folder: Path) -> KeyPair:
    """Make an Ed25519 key pair in ``folder``: the private key 0600, the public key 0644; never overwrites.

    Raises:
        UsageError: (exit 2) a key file already exists there, or the folder cannot be written.

    Example:
        >>> new_key_pair(Path("keys")).private.stat().st_mode & 0o777 == 0o600  # doctest: +SKIP
        True
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    private, public = folder / PRIVATE_KEY_NAME, folder / PUBLIC_KEY_NAME
    for path in (private, public):
        if path.exists() or path.is_symlink():
            raise UsageError(f"{path} already exists and is never overwritten; choose another --out folder or "
                             "move the old key away first.")
    key = Ed25519PrivateKey.generate()
    _write_new(private, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()), 0o600)
    _write_new(public, key.public_key().public_bytes(serialization.Encoding.PEM,
                                                     serialization.PublicFormat.SubjectPublicKeyInfo), 0o644)
    return KeyPair(private=private, public=public, fingerprint=_public_fingerprint(key.public_key()))


def _read_key_file(path: Path, flag: str) -> bytes:
    try:
        if path.stat().st_size > _MAX_KEY_BYTES:
            raise UsageError(f"{flag} {path} is too big to be a key; give the .pem file made by 'sglogs keys new'.")
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{flag} {path} cannot be read ({exc.strerror}); give the .pem file made by "
                         "'sglogs keys new'.") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read the organisation's private key for ``bundle --sign``.

    Raises:
        UsageError: (exit 2) the file cannot be read or is not an Ed25519 private key in PEM.

    Example:
        >>> load_private_key(Path("keys/sglogs-signing-key.pem"))  # doctest: +SKIP
        <cryptography.hazmat.bindings._rust.openssl.ed25519.Ed25519PrivateKey object at ...>
    """
    data = _read_key_file(path, "--sign")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"--sign {path} is not an unencrypted Ed25519 private key; give the "
                         f"{PRIVATE_KEY_NAME} made by 'sglogs keys new'.")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """Read the public key an auditor was given, for ``verify --key``.

    Raises:
        UsageError: (exit 2) the file cannot be read or is not an Ed25519 public key in PEM.

    Example:
        >>> load_public_key(Path("sglogs-signing-key.public.pem"))  # doctest: +SKIP
        <cryptography.hazmat.bindings._rust.openssl.ed25519.Ed25519PublicKey object at ...>
    """
    data = _read_key_file(path, "--key")
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"--key {path} is not an Ed25519 public key; give the {PUBLIC_KEY_NAME} the bundle's "
                         "sender published.")
    return key


def signature_bytes(key: Ed25519PrivateKey, manifest_sha256: str) -> bytes:
    """The content of ``manifest.sig`` for a manifest with this SHA-256.

    Example:
        >>> json.loads(signature_bytes(key, "ab" * 32))["algorithm"]  # doctest: +SKIP
        'Ed25519'
    """
    signature = key.sign(_statement(manifest_sha256))
    return (json.dumps({
        "format": SIGNATURE_FORMAT, "algorithm": "Ed25519", "manifest_sha256": manifest_sha256,
        "public_key_sha256": _public_fingerprint(key.public_key()),
        "signature": base64.b64encode(signature).decode("ascii"),
    }, indent=2) + "\n").encode()


def signature_valid(data: bytes, key: Ed25519PublicKey, manifest_sha256: str) -> bool:
    """Whether ``manifest.sig`` (its bytes) is this key's signature of a manifest with this SHA-256.

    Example:
        >>> signature_valid(signature_bytes(key, sha), key.public_key(), sha)  # doctest: +SKIP
        True
    """
    try:
        raw = json.loads(data)
        signature = base64.b64decode(raw["signature"], validate=True)
        key.verify(signature, _statement(manifest_sha256))
    except (ValueError, TypeError, KeyError, binascii.Error, InvalidSignature):
        return False
    return True
