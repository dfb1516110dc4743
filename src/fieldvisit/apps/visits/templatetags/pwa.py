"""``{% pwa_scripts %}``: the phone app's scripts and the words they show, in the page's language.

The scripts carry no text of their own: every word they show comes from here, through gettext,
as a JSON block (not executed, so a strict Content-Security-Policy allows it). Placeholders keep
Python's ``%(name)s`` form and are filled in by the scripts.
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _t

register = template.Library()


def pwa_text() -> dict[str, str]:
    return {
        # The route saved on the phone (app.js).
        "saving": _t("Saving today's route on this phone…"),
        "saved": _t(
            "Saved on this phone for use without a signal: the route and %(n)s stops (%(time)s)."
        ),
        "save_failed": _t("The route could not be saved on this phone; try again with a signal."),
        # What waits on the phone (app.js, outbox.js).
        "summary": _t("%(waiting)s waiting to be sent · %(sent)s sent · %(other)s other"),
        "stop": _t("Stop %(order)s"),
        "check_in": _t("Check-in"),
        "report": _t("Report"),
        "made_at": _t("made %(time)s"),
        "sent_at": _t("sent %(time)s"),
        "state_waiting": _t("Waiting for a connection"),
        "state_sent": _t("Sent"),
        "state_kept": _t("Kept for the manager"),
        "state_failed": _t("Not accepted"),
        "auth": _t("Log in again to send it."),
        "server": _t("The server did not answer; it will be tried again."),
        "open_report": _t("Open the report to correct it"),
        "logout_waiting": _t(
            "%(n)s submissions are not sent yet. They stay on this phone and are sent when you "
            "log in again. Log out now?"
        ),
        # Check-in (visit.js). The first three are the server's own messages.
        "far": _t("You are %(distance)s m from the address (more than %(limit)s m)."),
        "vague": _t(
            "Your position is only accurate to %(accuracy)s m (at most %(limit)s m counts)."
        ),
        "no_position": _t("Your phone gave no position. Say why you are checking in without one."),
        "give_reason": _t("Give a reason to check in here."),
        "locating": _t("Finding your position…"),
        "checking_in": _t("Checking in…"),
        "checked_in_offline": _t(
            "Checked in on this phone at %(time)s; it will be sent when the connection returns."
        ),
        "report_waiting": _t("The report is on this phone, waiting to be sent."),
        # The report (report.js).
        "queued": _t(
            "No connection: the report is saved on this phone and will be sent when the "
            "connection returns."
        ),
        "sending": _t("Sending…"),
        "sent": _t("Report submitted."),
        "fix": _t("Please correct the fields marked below."),
        "restored": _t("Your unsent draft was restored."),
    }


@register.simple_tag
def pwa_scripts() -> SafeString:
    """The words, the outbox and the app script: included on every page of a signed-in user."""
    return format_html(
        '{}<script src="{}"></script><script src="{}"></script>',
        json_script(pwa_text(), "pwa-text"),
        static("fieldvisit/pwa/outbox.js"),
        static("fieldvisit/pwa/app.js"),
    )
