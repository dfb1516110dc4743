"""makemessages that also extracts ``_t(...)`` and writes a catalogue that merges well.

Services import ``gettext as _t`` beside ``gettext_lazy as _``, and xgettext knows only the
standard names. The catalogue is sorted by msgid (and written without locations or wrapping, see
the Makefile), so two branches that add messages touch different lines, and scripts/po_merge.py
merges what is left entry by entry.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_t"]
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--sort-output"]
