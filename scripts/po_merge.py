"""A git merge driver for gettext catalogues: merges entry by entry, never line by line.

Two branches that each add messages (and each re-run ``make messages``, which rewrites the header's
date) conflict on every merge when git compares lines. Entries are keyed by (msgctxt, msgid): an
entry added on one side is added, one removed on one side (its source string is gone) is removed,
a translation changed on one side wins over the unchanged one. Where both sides changed the same
entry differently, ours is kept and the entry is reported on stderr (and marked fuzzy, so the
translation test fails until somebody reads it).

Set up once per clone (the Makefile's ``git-setup`` does it):

    git config merge.po.name "gettext catalogue merge"
    git config merge.po.driver "$PWD/.venv/bin/python $PWD/scripts/po_merge.py %O %A %B"

with ``*.po merge=po`` in ``.gitattributes``. Output is sorted by msgid, as ``make messages``
writes it.
"""

from __future__ import annotations

import sys

import polib

Key = tuple[str | None, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def _signature(entry: polib.POEntry | None) -> tuple[object, ...] | None:
    if entry is None:
        return None
    return (
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        entry.msgid_plural,
        tuple(sorted(entry.flags)),
    )


def merge(base: polib.POFile, ours: polib.POFile, theirs: polib.POFile) -> tuple[polib.POFile, int]:
    base_entries = {_key(e): e for e in base if not e.obsolete}
    our_entries = {_key(e): e for e in ours if not e.obsolete}
    their_entries = {_key(e): e for e in theirs if not e.obsolete}
    merged: dict[Key, polib.POEntry] = {}
    clashes = 0
    for key in our_entries.keys() | their_entries.keys():
        old = base_entries.get(key)
        mine, other = our_entries.get(key), their_entries.get(key)
        if mine is None or other is None:
            present = mine or other
            # Present on one side only: an addition (not in base) stays; a deletion wins.
            if old is None:
                merged[key] = present
            continue
        if _signature(mine) == _signature(other) or _signature(other) == _signature(old):
            merged[key] = mine
        elif _signature(mine) == _signature(old):
            merged[key] = other
        else:
            clashes += 1
            sys.stderr.write(f"po merge: both sides changed {key[1]!r}; kept ours, marked fuzzy\n")
            if "fuzzy" not in mine.flags:
                mine.flags.append("fuzzy")
            merged[key] = mine
    result = polib.POFile(wrapwidth=0)  # make messages writes with --no-wrap
    result.header = ours.header
    result.metadata = ours.metadata
    result.metadata_is_fuzzy = ours.metadata_is_fuzzy
    for key in sorted(merged, key=lambda k: (k[1], k[0] or "")):
        entry = merged[key]
        entry.occurrences = []  # the catalogue is written without locations (make messages)
        result.append(entry)
    return result, clashes


def main(argv: list[str]) -> int:
    base_path, ours_path, theirs_path = argv[1:4]
    base, ours, theirs = (polib.pofile(p, wrapwidth=0) for p in (base_path, ours_path, theirs_path))
    result, clashes = merge(base, ours, theirs)
    result.save(ours_path)
    return 1 if clashes else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
