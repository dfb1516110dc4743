"""makemessages that also extracts ``_t(...)``: services import ``gettext as _t`` beside
``gettext_lazy as _``, and xgettext knows only the standard names."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_t"]
