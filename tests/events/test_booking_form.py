"""The booking form as a user meets it: its inputs, labels and descriptions connected (for
screen readers), ISO dates and times as the browser's date and time inputs send them, and the
durations in the page's language."""

from __future__ import annotations

import uuid
from datetime import date, time
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events.forms import BookingForm, FindSlotForm
from occupants.models import Structure
from sites.models import Site
from tests.events.factories import BookingFactory, local_slot
from tests.events.test_views_booking import form_data

HOSTILE = '<script>alert("x")</script> & l\'été'


def booking_form(data=None, **kwargs) -> BookingForm:
    return BookingForm(
        data,
        site=Site(pk=1, name="Site A"),
        structures=Structure.objects.none(),
        step=30,
        min_minutes=30,
        max_minutes=240,
        capacity=12,
        **kwargs,
    )


def test_duration_choices_follow_the_language():
    with translation.override("fr"):
        assert booking_form().duration_choices()[-2:] == [(210, "3 h 30"), (240, "4 heures")]
    with translation.override("en"):
        assert booking_form().duration_choices()[-1] == (240, "4 hours")


def test_date_and_time_inputs_show_iso_values_in_every_language():
    initial = {"day": timezone.localdate(), "start_time": time(9, 30), "request_key": uuid.uuid4()}
    for language in ("fr", "en"):
        with translation.override(language):
            form = booking_form(initial=initial)
            day = str(form["day"])
            assert 'type="date"' in day
            assert f'value="{initial["day"].isoformat()}"' in day
            assert 'type="time"' in str(form["start_time"])
            assert 'value="09:30"' in str(form["start_time"])
            assert 'step="1800"' in str(form["start_time"])


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("day", "2026-12-03", "ok"),
        ("day", "2026-02-30", "error"),
        ("day", "demain", "error"),
        ("start_time", "10:00", "ok"),
        ("start_time", "10:00:00", "ok"),
        ("start_time", "24:00", "error"),
        ("start_time", "10h00", "error"),
    ],
)
def test_find_slot_form_reads_what_date_and_time_inputs_send(language, field, value, expected):
    with translation.override(language):
        form = FindSlotForm({field: value}, sites=Site.objects.none())
        form.is_valid()
        assert (field in form.errors) == (expected == "error"), form.errors.get(field)


# --- The booking page through the view ---------------------------------------------------------


class _Ids(HTMLParser):
    """Ids, label targets, aria-describedby references and form controls of a page."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.described_by: list[str] = []
        self.controls: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and "for" in attrs:
            self.label_for.append(attrs["for"])
        self.described_by += (attrs.get("aria-describedby") or "").split()
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls[attrs.get("name")] = attrs


def _check_connections(html: str) -> _Ids:
    page = _Ids()
    page.feed(html)
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert set(page.label_for) <= set(page.ids)
    assert set(page.described_by) <= set(page.ids)
    for name, attrs in page.controls.items():
        if name in BookingForm.base_fields:
            assert attrs["id"] == f"id_{name}" and attrs["id"] in page.label_for
    return page


def test_booking_page_and_refused_posts_keep_labels_and_descriptions_connected(
    client,
    booking_world,
):
    w = booking_world
    start, end = local_slot(2, 14)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    client.force_login(w.bob)
    url = reverse("events:book", args=[w.salle_jaune.pk])
    data = form_data(w, start, start_time="14:30", purpose=HOSTILE)
    responses = {
        "get": client.get(url),
        "taken": client.post(url, data),
        "field errors": client.post(url, data | {"people": 99, "start_time": "14:10"}),
    }
    for case, response in responses.items():
        assert response.status_code == 200, case
        assert "events/book.html" in {template.name for template in response.templates}
        html = response.content.decode()
        page = _check_connections(html)
        assert page.controls["purpose"]["aria-describedby"].startswith("id_purpose_helptext")
        assert '<input type="hidden" name="request_key" value="' in html
        assert HOSTILE not in html
    assert "déjà réservé" in responses["taken"].content.decode()
    page = _check_connections(responses["field errors"].content.decode())
    for name in ("people", "start_time"):
        assert page.controls[name]["aria-invalid"] == "true"
        assert f"id_{name}_error" in page.controls[name]["aria-describedby"].split()
    assert "aria-invalid" not in page.controls["purpose"]


def test_manager_date_and_time_inputs_show_iso_values_on_french_pages(cast):
    """type=date and type=time inputs read ISO values only; the French formats (04/12/2026,
    09:00:00) would show an empty field."""
    from events.exports import ExportFilterForm
    from events.manager_views import OutsideBookingForm

    with translation.override("fr"):
        export = ExportFilterForm(user=cast.alice, initial={"start": date(2026, 12, 4)})
        outside = OutsideBookingForm(
            initial={"day": date(2026, 12, 4), "start": time(9, 30)}, user=cast.alice
        )
        assert 'value="2026-12-04"' in str(export["start"])
        assert 'value="2026-12-04"' in str(outside["day"])
        assert 'value="09:30"' in str(outside["start"])
