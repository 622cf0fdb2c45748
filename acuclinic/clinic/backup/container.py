"""The encrypted container around a backup: a short header, then the archive in chunks, each
sealed with AES-256-GCM. Pure and streaming: bytes in, bytes out, one chunk in memory at a time.

    header  magic "ACUBAK\\r\\n" (8) | version (1) | chunk size (4, big-endian) | key id (8)
            | salt (32)
    chunks  ciphertext of each chunk of plaintext, followed by its 16-byte tag

The clinic's key (32 random bytes, kept in a file as URL-safe base64) never encrypts directly:
each file gets its own AES key, HKDF-SHA256(key, salt), from a fresh random salt, so chunk
nonces can simply count. This is the STREAM construction (Hoang, Reyhanitabar, Rogaway and
Vizár, 2015): the nonce is the chunk's index and a flag that marks the last chunk, and the whole
header is the associated data of every chunk. So a changed byte anywhere, chunks swapped,
dropped, or cut off at any point, or data added after the end, all fail authentication; nothing
read before such a failure may be trusted as the whole. Every plaintext chunk but the last is
exactly the chunk size; the last is shorter (perhaps empty), so a full file always ends in a
chunk flagged as last.

The key id (from HMAC-SHA256 of the key) tells "wrong key" apart from "damaged file"; it says
nothing about the key.
"""

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"ACUBAK\r\n"
VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 32
KEY_ID_BYTES = 8
TAG_BYTES = 16
CHUNK_SIZE = 1 << 20  # 1 MiB
_HEADER = struct.Struct(f">{len(MAGIC)}sBI{KEY_ID_BYTES}s{SALT_BYTES}s")
HEADER_SIZE = _HEADER.size
_MAX_CHUNK_SIZE = 64 << 20


class BackupError(Exception):
    """A backup that cannot be made or read, with a message for the person at the terminal."""


class BackupKeyError(BackupError):
    """No key, an unreadable key, or the wrong key."""


class DamagedError(BackupError):
    """The file was changed, cut short or is not a backup at all."""


# --- keys -------------------------------------------------------------------------------


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_key(text: str) -> bytes:
    """The key from a key file's text: URL-safe (or standard) base64 of 32 bytes; blank lines
    and lines starting with # are ignored."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line and not line.startswith("#")]
    if len(lines) != 1:
        raise BackupKeyError("The key file must hold one key (one line of base64).")
    value = lines[0].replace("+", "-").replace("/", "_")
    try:
        key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise BackupKeyError("The key file does not hold base64 text.") from None
    if len(key) != KEY_BYTES:
        raise BackupKeyError(f"The key must be {KEY_BYTES} bytes; this one is {len(key)}.")
    return key


def key_id(key: bytes) -> bytes:
    return hmac.new(key, b"acuclinic backup key id", hashlib.sha256).digest()[:KEY_ID_BYTES]


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=salt, info=b"acuclinic backup v1 chunks"
    ).derive(key)
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


# --- writing ----------------------------------------------------------------------------


class EncryptingWriter:
    """A write-only file object: what is written goes out encrypted to `out`. `close()` seals
    the last chunk (and does not close `out`); without it the file is incomplete and reads as
    damaged, which is what an interrupted backup should be."""

    def __init__(self, out: BinaryIO, key: bytes, chunk_size: int = CHUNK_SIZE) -> None:
        if len(key) != KEY_BYTES:
            raise BackupKeyError(f"The key must be {KEY_BYTES} bytes.")
        self._out = out
        self._chunk_size = chunk_size
        salt = os.urandom(SALT_BYTES)
        self._header = _HEADER.pack(MAGIC, VERSION, chunk_size, key_id(key), salt)
        self._aead = _file_key(key, salt)
        self._buffer = bytearray()
        self._index = 0
        self._closed = False
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._closed:
            raise ValueError("write to a closed backup")
        view = memoryview(data).cast("B")
        written = len(view)
        while view:
            # A full chunk is sealed only once more data comes: what is held at close() is
            # the last chunk. So at most one chunk is ever held here.
            if len(self._buffer) == self._chunk_size:
                self._seal(last=False)
            take = self._chunk_size - len(self._buffer)
            self._buffer += view[:take]
            view = view[take:]
        return written

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        if not self._closed:
            self._seal(last=True)
            self._closed = True
            self._out.flush()

    def _seal(self, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, last), self._buffer, self._header)
        self._buffer = bytearray()
        self._out.write(sealed)
        self._index += 1


# --- reading ----------------------------------------------------------------------------


def read_header(source: BinaryIO, key: bytes) -> tuple[bytes, int, bytes]:
    """(header, chunk size, salt), or a clear error for a file that is not one of ours or was
    made with another key."""
    header = source.read(HEADER_SIZE)
    if len(header) < len(MAGIC) or not header.startswith(MAGIC):
        raise DamagedError("This is not an acuclinic backup (its first bytes are not ours).")
    if len(header) < HEADER_SIZE:
        raise DamagedError("This backup is cut short: it ends inside its header.")
    _magic, version, chunk_size, found_key_id, salt = _HEADER.unpack(header)
    if version != VERSION:
        raise DamagedError(
            f"This backup is in container version {version}; this acuclinic reads version "
            f"{VERSION}. Restore it with the acuclinic version that made it, or a newer one."
        )
    if not 0 < chunk_size <= _MAX_CHUNK_SIZE:
        raise DamagedError("This backup's header is damaged (impossible chunk size).")
    if not hmac.compare_digest(found_key_id, key_id(key)):
        raise BackupKeyError(
            "This backup was encrypted with another key (its key id is "
            f"{found_key_id.hex()}; the key given has id {key_id(key).hex()})."
        )
    return header, chunk_size, salt


class DecryptingReader:
    """A read-only file object over an encrypted backup. Every chunk is authenticated before
    any of its bytes are returned; a read that reaches the end only succeeds when the last chunk
    is there and genuine. Errors are DamagedError."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._source = source
        self._header, self._chunk_size, salt = read_header(source, key)
        self._aead = _file_key(key, salt)
        self._block = self._chunk_size + TAG_BYTES
        self._index = 0
        self._pending = b""  # one byte read ahead, to know whether a block is the last
        self._plain = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = []
            while chunk := self.read(self._chunk_size):
                parts.append(chunk)
            return b"".join(parts)
        while not self._plain and not self._done:
            self._next_chunk()
        data = bytes(self._plain[:size])
        self._plain = self._plain[size:]
        if not self._plain:
            self._plain = memoryview(b"")  # let the chunk go before the next is read
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    @property
    def finished(self) -> bool:
        """True once the last chunk has been read and authenticated."""
        return self._done and not self._plain

    def read_to_end(self) -> None:
        """Read (and authenticate) whatever is left, discarding it."""
        while self.read(self._chunk_size):
            pass

    def _next_chunk(self) -> None:
        block = bytearray(self._block)
        held = len(self._pending)
        block[:held] = self._pending
        with memoryview(block) as view:
            filled = held + _read_into(self._source, view[held:])
        del block[filled:]
        self._pending = self._source.read(1)
        last = not self._pending
        if last and len(block) < TAG_BYTES:
            raise DamagedError("This backup is cut short or damaged: its end is missing.")
        if not last and len(block) != self._block:
            raise DamagedError("This backup is damaged (a chunk has the wrong length).")
        try:
            plain = self._aead.decrypt(_nonce(self._index, last), block, self._header)
        except InvalidTag:
            if last:
                raise DamagedError(
                    "This backup is cut short or damaged: the last part does not check out "
                    f"(at chunk {self._index}). Nothing was restored from it."
                ) from None
            raise DamagedError(
                f"This backup is damaged: chunk {self._index} does not check out (changed "
                "bytes, or chunks moved). Nothing was restored from it."
            ) from None
        if not last and len(plain) != self._chunk_size:
            raise DamagedError("This backup is damaged (a chunk has the wrong length).")
        self._index += 1
        self._plain = memoryview(plain)
        self._done = last


def _read_into(source: BinaryIO, buffer: memoryview) -> int:
    """Fill `buffer` from `source` as far as it goes; how many bytes were read."""
    filled = 0
    while filled < len(buffer):
        count = source.readinto(buffer[filled:])  # type: ignore[attr-defined]
        if not count:
            break
        filled += count
    return filled
