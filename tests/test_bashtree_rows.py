"""bashtree.Source.row: the line of a byte offset, for every command of a block. It used
to count newlines from the block's start on each call, which made a 1 MB block take 15 s."""

from __future__ import annotations

from runbookc.bashtree import Source


class _Scanned(bytes):
    """Bytes that add up how many bytes `count` and `find` read."""

    read = 0

    def count(self, sub, start=0, end=None):  # type: ignore[override]
        end = len(self) if end is None else end
        _Scanned.read += max(0, end - start)
        return super().count(sub, start, end)

    def find(self, sub, start=0, end=None):  # type: ignore[override]
        found = super().find(sub, start, end)
        _Scanned.read += (len(self) if found < 0 else found + len(sub)) - start
        return found


def test_rows_of_every_line_read_the_block_about_once() -> None:
    text = "".join(f"kubectl get pod p{n} | grep -c é\n" for n in range(5000))
    source = Source(text)
    source.original = _Scanned(source.original)
    starts = [0]
    starts += [at + 1 for at, byte in enumerate(source.original) if byte == 0x0A][:-1]
    _Scanned.read = 0

    rows = [source.row(start) for start in starts]

    assert rows == list(range(5000))
    assert source.row(starts[7] + 3) == 7  # an offset inside a line
    assert source.row(len(source.original)) == 5000  # the end, after the last newline
    assert _Scanned.read <= 2 * len(source.original)
