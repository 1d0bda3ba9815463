"""The cells of the booking grids, written in Python.

A week grid has a few hundred cells: through an `{% include %}` each cost a template render
with its translate and with nodes, most of the page's time. This tag writes the same markup,
escaped, with its fixed labels translated once per page instead of once per cell.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from events.availability import BOOKED, FREE
from events.models import Booking

register = template.Library()

PENDING = Booking.Status.PENDING.value


def _labels() -> dict[str, str]:
    return {
        "closed": escape(gettext("Fermé")),
        "free": escape(gettext("Libre")),
        "you": escape(gettext("Vous")),
        "booked": escape(gettext("Réservé")),
        "pending": escape(gettext("en attente")),
    }


def _cell(slot, labels: dict[str, str]) -> str:
    if not slot:
        return f'<td class="slot slot-closed">{labels["closed"]}</td>'
    state = slot.state
    if state == FREE:
        if not slot.selectable:
            return f'<td class="slot slot-free">{labels["free"]}</td>'
        url = escape(slot.book_url)
        label = slot.book_label
        return (
            f'<td class="slot slot-free"><a href="{url}" hx-get="{url}"'
            ' hx-target="#booking-panel" hx-swap="innerHTML" data-slot-link>'
            f'{labels["free"]}<span class="visually-hidden"> — {escape(label)}</span></a></td>'
        )
    if state == BOOKED:
        booking = slot.booking
        if not slot.first:
            return ""  # under the rowspan of the booking's first cell
        mine = getattr(booking, "mine", False)
        css = "slot slot-booked slot-mine" if mine else "slot slot-booked"
        rows = f' rowspan="{slot.rows}"' if slot.rows > 1 else ""
        holder = escape(booking.holder_name) if booking.holder_name else labels["booked"]
        you = f"{labels['you']} · " if mine else ""
        html = (
            f'<td class="{css}"{rows}><span class="slot-who">{you}{holder}</span>'
            f' <span class="slot-when">{slot.hours}</span>'
        )
        purpose = getattr(booking, "visible_purpose", "")
        if purpose:
            html += f' <span class="slot-purpose">{escape(purpose)}</span>'
        if booking.status == PENDING:
            html += f' <span class="slot-pending">({labels["pending"]})</span>'
        return html + "</td>"
    return f'<td class="slot slot-{escape(state)}">{escape(str(slot.label))}</td>'


@register.simple_tag(takes_context=True)
def slot_row(context, slots) -> SafeString:
    """Every cell of one grid row, each value escaped."""
    labels = context.render_context.get("slot_labels")
    if labels is None:
        labels = context.render_context["slot_labels"] = _labels()
    return mark_safe("".join(_cell(slot, labels) for slot in slots))
