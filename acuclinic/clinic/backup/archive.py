"""The archive inside the encrypted container: a tar stream (PAX) of

    database/db.sqlite3 | database/db.pgdump   the database snapshot
    media/...       MEDIA_ROOT (public images and other uploads)
    private/...     the private patient documents (patients/storage.py)
    manifest.json   last: what the backup holds, with a sha256 per member

Written and read as a stream, a bounded buffer at a time, never a whole file in memory. Reading
trusts nothing in the archive: a member's name must be a plain relative path under one of the
three sections (no "..", no absolute path, no link, device or other special entry), and every
member must be the one the manifest lists, with its size and hash.
"""

import hashlib
import json
import os
import stat
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from .container import BackupError, DamagedError

MANIFEST_NAME = "manifest.json"
SECTIONS = ("database", "media", "private")
FILE_SECTIONS = ("media", "private")
COPY_BUFFER = 256 * 1024
MAX_MANIFEST_BYTES = 256 << 20


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "sha256": self.sha256}


def check_member_name(name: str) -> PurePosixPath:
    """The member's path if it is a plain relative path inside a section, else DamagedError."""
    bad = DamagedError(f"This backup holds an entry with a name not allowed: {name!r}.")
    if not name or "\x00" in name or name.startswith("/"):
        raise bad
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise bad
    if name != MANIFEST_NAME and (parts[0] not in SECTIONS or len(parts) < 2):
        raise bad
    return PurePosixPath(name)


# --- writing ----------------------------------------------------------------------------


class _HashingReader:
    """Reads at most `size` bytes from `source`, hashing them on the way."""

    def __init__(self, source: BinaryIO, size: int) -> None:
        self._source = source
        self._left = size
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self._left if n < 0 else min(n, self._left)
        data = self._source.read(n)
        self._left -= len(data)
        self.digest.update(data)
        return data


@dataclass
class ArchiveWriter:
    """Adds files to a tar stream written to `out` (the encrypting writer)."""

    out: BinaryIO
    members: list[Member] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._tar = tarfile.open(  # noqa: SIM115 (closed in close())
            fileobj=self.out, mode="w|", format=tarfile.PAX_FORMAT
        )
        self._names: set[str] = set()

    def _info(self, name: str, size: int, mtime: float) -> tarfile.TarInfo:
        check_member_name(name)
        if name in self._names:
            raise BackupError(f"Two files would be stored as {name!r}.")
        self._names.add(name)
        info = tarfile.TarInfo(name)
        info.size = size
        info.mtime = int(mtime)
        info.mode = 0o600
        return info

    def add_file(self, name: str, path: Path) -> bool:
        """Store one regular file; False (and noted in `skipped`) if it went away meanwhile or
        is not a regular file. The size is taken when the file is opened: a file that grows
        afterwards is stored as it was then (uploads are written before their row is saved,
        and the database is copied first, so every file the database names is complete)."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            self.skipped.append(f"{name} (removed during the backup)")
            return False
        except OSError:  # a symbolic link put in its place: ELOOP
            self.skipped.append(f"{name} (not a regular file)")
            return False
        with os.fdopen(fd, "rb", buffering=0) as source:
            st = os.fstat(source.fileno())
            if not stat.S_ISREG(st.st_mode):
                self.skipped.append(f"{name} (not a regular file)")
                return False
            info = self._info(name, st.st_size, st.st_mtime)
            reader = _HashingReader(source, st.st_size)
            try:
                self._tar.addfile(info, reader)  # type: ignore[arg-type]
            except OSError as error:
                if error.errno is not None:  # writing the backup failed (a full disk, say)
                    raise
                raise BackupError(f"{name} shrank while it was being copied ({error}).") from None
        self.members.append(Member(name, st.st_size, reader.digest.hexdigest()))
        return True

    def add_tree(self, section: str, root: Path, exclude: Path | None = None) -> tuple[int, int]:
        """Every regular file under `root`, as section/relative/path, in a stable order, but
        none under `exclude` (the backups' own folder). Symbolic links are not followed (they
        are noted in `skipped`). (files, bytes)"""
        count = total = 0
        for path in _walk(root, exclude):
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                self.skipped.append(f"{section}/{rel} (a symbolic link, not followed)")
                continue
            if self.add_file(f"{section}/{rel}", path):
                count += 1
                total += self.members[-1].size
        return count, total

    def close(self, manifest: dict[str, Any]) -> bytes:
        """Write the manifest (with the member list) last and end the tar stream."""
        manifest = {**manifest, "members": [m.as_dict() for m in self.members]}
        data = json.dumps(manifest, indent=1, sort_keys=True).encode()
        info = self._info(MANIFEST_NAME, len(data), time.time())
        self._tar.addfile(info, _BytesReader(data))  # type: ignore[arg-type]
        self._tar.close()
        return data


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self._view = memoryview(data)

    def read(self, n: int = -1) -> bytes:
        n = len(self._view) if n < 0 else n
        part, self._view = self._view[:n], self._view[n:]
        return bytes(part)


def _walk(root: Path, exclude: Path | None = None) -> Iterator[Path]:
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if exclude is not None:
            dirnames[:] = [d for d in dirnames if (here / d).absolute() != exclude.absolute()]
        dirnames.sort()
        for dirname in list(dirnames):
            if (here / dirname).is_symlink():
                yield here / dirname  # reported as skipped; os.walk does not enter it
        for filename in sorted(filenames):
            yield here / filename


# --- reading ----------------------------------------------------------------------------


@dataclass
class Unpacked:
    manifest: dict[str, Any]
    members: dict[str, Member]  # as found in the archive
    staging: Path | None


def unpack(source: BinaryIO, staging: Path | None) -> Unpacked:
    """Read the whole tar stream from `source` (the decrypting reader), writing members under
    `staging` (or only hashing them, for a check), and return the manifest and what was found.
    Raises DamagedError for anything unexpected; checks against the manifest come after, in
    `verify`."""
    found: dict[str, Member] = {}
    manifest_data: bytes | None = None
    try:
        with tarfile.open(fileobj=source, mode="r|") as tar:  # type: ignore[call-overload]
            for info in tar:
                path = check_member_name(info.name)
                if info.isdir():
                    continue
                if not info.isreg():
                    raise DamagedError(
                        f"This backup holds an entry that is not a plain file: {info.name!r}."
                    )
                if info.name in found or (info.name == MANIFEST_NAME and manifest_data):
                    raise DamagedError(f"This backup holds {info.name!r} twice.")
                extracted = tar.extractfile(info)
                assert extracted is not None
                if info.name == MANIFEST_NAME:
                    if info.size > MAX_MANIFEST_BYTES:
                        raise DamagedError("This backup's manifest is impossibly large.")
                    manifest_data = extracted.read()
                    continue
                found[info.name] = _copy_member(extracted, info, path, staging)
    except tarfile.TarError as error:
        raise DamagedError(f"This backup's archive is damaged ({error}).") from None
    if manifest_data is None:
        raise DamagedError("This backup has no manifest (it is incomplete).")
    try:
        manifest = json.loads(manifest_data)
    except ValueError:
        raise DamagedError("This backup's manifest is not readable.") from None
    if not isinstance(manifest, dict):
        raise DamagedError("This backup's manifest is not readable.")
    return Unpacked(manifest, found, staging)


def _copy_member(
    extracted: BinaryIO, info: tarfile.TarInfo, path: PurePosixPath, staging: Path | None
) -> Member:
    digest = hashlib.sha256()
    size = 0
    out = None
    if staging is not None:
        target = staging.joinpath(*path.parts)
        # The name was checked to be plain and relative; this is a second lock on the door.
        if not target.resolve().is_relative_to(staging.resolve()):
            raise DamagedError(f"This backup holds an entry outside its folders: {info.name!r}.")
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        out = os.fdopen(fd, "wb")
    try:
        while data := extracted.read(COPY_BUFFER):
            digest.update(data)
            size += len(data)
            if out is not None:
                out.write(data)
    finally:
        if out is not None:
            out.close()
    return Member(info.name, size, digest.hexdigest())


def verify(unpacked: Unpacked) -> None:
    """Every member is the one the manifest lists (name, size, sha256), and nothing more."""
    listed = unpacked.manifest.get("members")
    if not isinstance(listed, list):
        raise DamagedError("This backup's manifest lists no members.")
    expected: dict[str, Member] = {}
    try:
        for item in listed:
            expected[item["name"]] = Member(item["name"], int(item["size"]), item["sha256"])
    except (TypeError, KeyError, ValueError):
        raise DamagedError("This backup's manifest is not readable.") from None
    missing = sorted(set(expected) - set(unpacked.members))
    extra = sorted(set(unpacked.members) - set(expected))
    if missing or extra:
        raise DamagedError(
            "This backup does not hold what its manifest lists"
            + (f"; missing: {', '.join(missing[:5])}" if missing else "")
            + (f"; not listed: {', '.join(extra[:5])}" if extra else "")
            + "."
        )
    wrong = [name for name, member in expected.items() if unpacked.members[name] != member]
    if wrong:
        raise DamagedError(f"These files in the backup do not match their hash: {wrong[:5]}.")
