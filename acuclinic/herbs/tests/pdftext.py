"""Just enough PDF reading to test what fpdf2 writes: the text shown on the pages, decoded
through each font's ToUnicode map (embedded TrueType fonts write glyph ids, not letters), or
as Latin-1 for the core fonts. Not a general PDF parser: objects and streams as fpdf2 lays
them out (no object streams, Flate or no filter)."""

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)\r?\nendstream$", re.S)


def _objects(data: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    found = {}
    for match in OBJECT.finditer(data):
        body = match.group(2)
        stream = STREAM.match(body)
        if stream is None:
            found[int(match.group(1))] = (body, None)
            continue
        head, raw = stream.group(1), stream.group(2)
        content = zlib.decompress(raw) if b"/FlateDecode" in head else raw
        found[int(match.group(1))] = (head, content)
    return found


def _cmap(text: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block
        ):
            start = int(dst, 16)
            for n, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + n)
    return mapping


def _literal(raw: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == 0x5C:  # backslash
            nxt = raw[i + 1 : i + 2]
            escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
            if nxt in escapes:
                out += escapes[nxt]
                i += 2
            elif nxt.isdigit():
                octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4]).group(0)  # type: ignore[union-attr]
                out.append(int(octal, 8) & 0xFF)
                i += 1 + len(octal)
            else:
                out += nxt
                i += 2
        else:
            out.append(ch)
            i += 1
    return bytes(out)


TOKENS = re.compile(
    rb"/(\w+)\s+[\d.]+\s+Tf|\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>|\bT[Jj*]\b|\bET\b|\b[qQ]\b",
    re.S,
)


def text(data: bytes) -> str:
    """The text of every page, in drawing order, one string per text object on a line."""
    objects = _objects(data)
    fonts: dict[str, dict[int, str] | None] = {}
    for head, _content in objects.values():
        for name, number in re.findall(rb"/(F\d+)\s+(\d+) 0 R", head):
            font_head = objects.get(int(number), (b"", None))[0]
            unicode_ref = re.search(rb"/ToUnicode\s+(\d+) 0 R", font_head)
            cmap = None
            if unicode_ref:
                cmap = _cmap(objects[int(unicode_ref.group(1))][1] or b"")
            fonts[name.decode()] = cmap
    lines = []
    for head, content in objects.values():
        if content is None or b"BT" not in content or b"/Type" in head:
            continue
        current: dict[int, str] | None = None
        saved: list[dict[int, str] | None] = []  # q / Q save and restore the font too
        pieces: list[str] = []
        for token in TOKENS.finditer(content):
            value = token.group(0)
            if token.group(1):
                current = fonts.get(token.group(1).decode())
            elif value.startswith(b"("):
                pieces.append(_decode(_literal(value[1:-1]), current))
            elif value.startswith(b"<"):
                pieces.append(_decode(bytes.fromhex(value[1:-1].decode()), current))
            elif value == b"q":
                saved.append(current)
            elif value == b"Q":
                current = saved.pop() if saved else None
            elif value == b"ET":
                lines.append("".join(pieces))
                pieces = []
    return "\n".join(line for line in lines if line)


def _decode(raw: bytes, cmap: dict[int, str] | None) -> str:
    if cmap is None:
        return raw.decode("latin-1")
    codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]
    return "".join(cmap.get(code, "\ufffd") for code in codes)
