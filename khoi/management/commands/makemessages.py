"""``makemessages`` that also reads ``_lazy(...)``: modules import ``gettext_lazy as _lazy``
(list columns, filters, page titles), which plain xgettext does not see — a plain run with
``--no-obsolete`` would drop their translations."""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
