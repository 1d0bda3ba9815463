"""The Python renderings of sites.widgets and sites.fastforms print what Django's form templates
print. The reference is the same form given `ReferenceRenderer`: a subclass of Django's renderer
with the same templates, for which every Python rendering steps aside.

Comparisons are exact (byte for byte, blank lines included), except for the fields whose widget is
a Select: there FastSelect leaves out the blank lines of django/forms/widgets/select.html, so both
sides lose their blank lines (`without_blank_lines`, as in tests/sites/test_widgets.py), and the
field group around the very same FastSelect is also compared exactly with django/forms/field.html.
"""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from events import forms as event_forms
from events.forms import BookingForm, FindSlotForm
from occupants.models import Structure
from sites.fastforms import FastBoundField
from sites.models import Site
from sites.widgets import FastHiddenInput, FastInputMixin, FastNumberInput, FastTextInput
from tests.events.factories import BookingFactory, local_slot
from tests.events.test_views_booking import form_data
from tests.factories import SiteFactory

HOSTILE = '<script>alert("x")</script> & l\'été'
REQUEST_KEY = uuid.UUID("12345678-1234-5678-1234-567812345678")


class ReferenceRenderer(DjangoTemplates):
    """Django's templates, under a name that makes the Python renderings step aside."""


def without_blank_lines(html) -> str:
    return re.sub(r"\n\s*\n", "\n", str(html))


@contextmanager
def templates_rendered():
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)


# --- Input widgets --------------------------------------------------------------------------

VALUES = [
    None,
    "",
    HOSTILE,
    "a\"b'c&d<e>",
    mark_safe("<b>déjà sûr</b>"),
    gettext_lazy("Date"),
    0,
    12,
    1.5,
    Decimal("1234.50"),
    date(2026, 3, 9),
    time(9, 30),
    datetime(2026, 3, 9, 9, 30),
]
ATTRS = {
    "id": 'id_<x>"',
    "data-x": "q\"'&<",
    "required": True,
    "disabled": False,
    "step": 1800,
    "data-none": None,
    "data-safe": mark_safe("<i>"),
    "data-tuple": (1, "<2>"),
    "placeholder": gettext_lazy("Date"),
    "aria-describedby": "id_x_helptext id_x_error",
}
WIDGETS = [
    (lambda a: FastTextInput(a), lambda a: forms.TextInput(a)),
    (lambda a: FastNumberInput(a), lambda a: forms.NumberInput(a)),
    (lambda a: FastHiddenInput(a), lambda a: forms.HiddenInput(a)),
    (
        lambda a: event_forms.DateInput(a),
        lambda a: forms.DateInput({**(a or {}), "type": "date"}, format="%Y-%m-%d"),
    ),
    (
        lambda a: event_forms.TimeInput(a),
        lambda a: forms.TimeInput({**(a or {}), "type": "time"}, format="%H:%M"),
    ),
    (lambda a: FastTextInput({**(a or {}), "type": "email"}), lambda a: forms.EmailInput(a)),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("localized", [False, True])
@pytest.mark.parametrize("widgets", WIDGETS)
def test_fast_inputs_render_like_django_input_template(widgets, localized, language):
    fast_widget, django_widget = widgets
    with translation.override(language):
        for own_attrs in (None, {"maxlength": 200, "class": "a&b"}):
            for value in VALUES:
                for attrs in (None, ATTRS):
                    fast, reference = fast_widget(own_attrs), django_widget(own_attrs)
                    fast.is_localized = reference.is_localized = localized
                    expected = reference.render("f<", value, attrs)
                    with templates_rendered() as used:
                        html = fast.render("f<", value, attrs)
                    assert html == expected, (value, attrs)
                    assert used == []


def test_fast_input_escapes_like_django():
    html = FastTextInput({"data-q": "'\"&"}).render("purpose", HOSTILE)
    assert html == (
        '<input type="text" name="purpose" value="&lt;script&gt;alert(&quot;x&quot;)'
        '&lt;/script&gt; &amp; l&#x27;été" data-q="&#x27;&quot;&amp;">'
    )


def test_fast_input_steps_aside_for_another_renderer_or_template():
    with templates_rendered() as used:
        FastTextInput().render("x", "y", renderer=ReferenceRenderer())
    assert used[:2] == ["django/forms/widgets/text.html", "django/forms/widgets/input.html"]

    class OwnTemplate(FastTextInput):
        template_name = "django/forms/widgets/textarea.html"

    with templates_rendered() as used:
        html = OwnTemplate().render("x", "y")
    assert used[0] == "django/forms/widgets/textarea.html" and "<textarea" in html


# --- Field groups of the booking forms --------------------------------------------------------


def _day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


BOOKING_VALID = {
    "structure": "1",
    "day": str(_day(10)),
    "start_time": "09:30",
    "duration": "90",
    "purpose": HOSTILE,
    "people": "4",
    "repeat": "weekly",
    "interval": "2",
    "until": str(_day(60)),
    "count": "",
    "request_key": str(REQUEST_KEY),
}
BOOKING_INVALID = {
    "structure": "99",
    "day": "pas une date",
    "start_time": "25:00",
    "duration": "<b>",
    "purpose": HOSTILE * 10,
    "people": "0",
    "repeat": "<yearly>",
    "interval": "13",
    "until": "x'\"",
    "count": "60",
    "request_key": "<pas-un-uuid>",
}
FIND_VALID = {
    "site": "",
    "day": str(_day(3)),
    "start_time": "14:15",
    "duration": "90",
    "people": "3",
}
FIND_INVALID = {"site": "0", "day": HOSTILE, "start_time": "9h", "duration": "99", "people": "-1"}

# State name → (data or None, initial, form kwargs, what to do to the form before rendering).
STATES = {
    "unbound with initial": (None, True, {}, None),
    "unbound without initial": (None, False, {}, None),
    "bound valid": ("valid", False, {}, None),
    "bound empty": ("empty", False, {}, None),
    "bound with field errors": ("invalid", False, {}, None),
    "with added and non-field errors": ("valid", False, {}, "add_errors"),
    "with hostile labels and help texts": ("invalid", False, {}, "hostile_labels"),
    "with required css class": ("invalid", True, {}, "required_class"),
    "with label suffix and prefix": ("invalid", False, {"label_suffix": " →", "prefix": "b"}, None),
    "without auto id": ("invalid", False, {"auto_id": False}, None),
    "with hostile labels, without auto id": (
        "invalid",
        False,
        {"auto_id": False},
        "hostile_labels",
    ),
    "with auto id format": (None, True, {"auto_id": "f_%s_x"}, None),
    "without required attribute": (None, True, {"use_required_attribute": False}, None),
}
SELECTS = {"structure", "duration", "repeat", "site"}


def _alter(form, how):
    if how == "add_errors":
        form.is_valid()
        for name in form.fields:
            form.add_error(name, f"« {name} » {HOSTILE}")
        form.add_error(None, HOSTILE)
    elif how == "hostile_labels":
        for index, field in enumerate(form.fields.values()):
            field.label = f"{HOSTILE} {'?' if index % 2 else ''}"  # some end in punctuation
            field.help_text = f"<em>{HOSTILE}</em>"  # help texts are HTML by design
            field.label_suffix = ["", None, "&:"][index % 3]
    elif how == "required_class":
        form.required_css_class = "requis <&>"


def booking_form(state: str, renderer=None) -> BookingForm:
    data, initial, kwargs, how = STATES[state]
    data = {"valid": BOOKING_VALID, "invalid": BOOKING_INVALID, "empty": {}}.get(data, data)
    structures = [Structure(pk=1, name=HOSTILE), Structure(pk=2, name="Collectif Vert")]
    if initial:
        kwargs = kwargs | {
            "initial": {
                "structure": structures[1],
                "day": _day(2),
                "start_time": time(14, 30),
                "duration": 120,
                "purpose": HOSTILE,
                "people": 1,
                "request_key": REQUEST_KEY,
            }
        }
    elif data is None:
        kwargs = kwargs | {"initial": {"request_key": REQUEST_KEY}}
    form = BookingForm(
        data,
        site=Site(pk=1, name="Site A"),
        structures=structures,
        step=30,
        min_minutes=30,
        max_minutes=240,
        capacity=12,
        renderer=renderer,
        **kwargs,
    )
    _alter(form, how)
    return form


def find_form(state: str, renderer=None) -> FindSlotForm:
    data, initial, kwargs, how = STATES[state]
    data = {"valid": FIND_VALID, "invalid": FIND_INVALID, "empty": {}}.get(data, data)
    sites = Site.objects.order_by("name")
    if data:
        data = data | {"site": data["site"] or str(sites[0].pk)}
    if initial:
        kwargs = kwargs | {"initial": {"site": sites[1], "day": _day(1), "duration": 180}}
    form = FindSlotForm(data, sites=sites, renderer=renderer, **kwargs)
    _alter(form, how)
    return form


def assert_renders_like_django(make_form, state, language, name):
    with translation.override(language):
        fast_form, reference_form = make_form(state), make_form(state, ReferenceRenderer())
        assert type(fast_form[name]) is FastBoundField
        with templates_rendered() as used:
            html = fast_form[name].as_field_group()
        assert used == []  # no template at all, FastSelect's options included
        # django/forms/field.html around the same widgets.
        assert html == BoundField.as_field_group(fast_form[name])
        # Django's templates all the way down.
        expected = BoundField.as_field_group(reference_form[name])
        if name in SELECTS:
            assert without_blank_lines(html) == without_blank_lines(expected)
        else:
            assert html == expected
        # Escaped wherever it went, but in help texts (HTML by design, as Django prints them).
        assert HOSTILE not in html.replace(f"<em>{HOSTILE}</em>", "")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(BookingForm.base_fields))
def test_booking_form_field_group_renders_like_django(name, state, language):
    assert_renders_like_django(booking_form, state, language, name)


@pytest.fixture
def hostile_sites(db):
    return [SiteFactory(name=f"A {HOSTILE}"), SiteFactory(name="B 'quai' & \"cour\"")]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(FindSlotForm.base_fields))
def test_find_slot_form_field_group_renders_like_django(hostile_sites, name, state, language):
    assert_renders_like_django(find_form, state, language, name)


def test_the_states_show_what_they_claim():
    """The comparisons above cover errors, help texts, aria attributes and escaping."""
    with translation.override("fr"):
        html = booking_form("with added and non-field errors")["purpose"].as_field_group()
        assert '<label for="id_purpose">Objet de la réservation\xa0:</label>' in html
        assert '<div class="helptext" id="id_purpose_helptext">' in html
        assert '<ul class="errorlist" id="id_purpose_error"><li>« purpose » &lt;script&gt;' in html
        assert 'aria-invalid="true" aria-describedby="id_purpose_helptext id_purpose_error"' in html
        assert 'value="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; l&#x27;été"' in html
        html = booking_form("with hostile labels and help texts")["day"].as_field_group()
        assert f"<em>{HOSTILE}</em>" in html  # help text: HTML, as Django prints it
        html = booking_form("without auto id")["people"].as_field_group()
        assert "<label" not in html and " id=" not in html and 'class="errorlist"' in html
    with translation.override("en"):
        html = booking_form("with required css class")["day"].as_field_group()
        assert '<label for="id_day" class="requis &lt;&amp;&gt;">Date:</label>' in html


class GroupedTextInput(FastTextInput):
    use_fieldset = True  # a legend, which points at nothing, rather than a label


class FieldsetForm(forms.Form):
    bound_field_class = FastBoundField

    scope = forms.ChoiceField(
        label=HOSTILE,
        choices=[("one", "Une <seule>"), ("rest", "Toutes")],
        widget=forms.RadioSelect,
        help_text="Aide",
    )
    days = forms.MultipleChoiceField(
        label="Jours", choices=[("1", "lundi")], widget=forms.CheckboxSelectMultiple
    )
    photo = forms.FileField(label="Photo", required=False, help_text="JPEG")
    notes = forms.CharField(label="Notes", template_name="django/forms/p.html", required=False)
    code = forms.CharField(label="Code ?", widget=GroupedTextInput, help_text="<b>4</b> chiffres")


@pytest.mark.parametrize("data", [None, {}, {"scope": "<x>", "days": ["1"], "code": "'1'"}])
@pytest.mark.parametrize("auto_id", ["id_%s", False])
@pytest.mark.parametrize("name", list(FieldsetForm.base_fields))
def test_fieldset_widgets_and_other_templates_render_like_django(name, auto_id, data):
    """Widgets with a legend (use_fieldset) get the <fieldset> variant; widgets without a Python
    rendering, and fields with their own template, go through Django's templates."""
    html = FieldsetForm(data, auto_id=auto_id)[name].as_field_group()
    reference = FieldsetForm(data, auto_id=auto_id, renderer=ReferenceRenderer())
    assert html == BoundField.as_field_group(reference[name])
    if name in ("scope", "days", "code"):
        assert html.startswith("<fieldset") and html.endswith("</fieldset>")


def test_every_input_of_the_booking_forms_renders_in_python():
    for form_class in (BookingForm, FindSlotForm):
        for name, field in form_class.base_fields.items():
            if name not in SELECTS:
                assert isinstance(field.widget, FastInputMixin), name


def test_duration_choices_follow_the_language():
    with translation.override("fr"):
        form = booking_form("unbound with initial")
        assert form.duration_choices()[-2:] == [(210, "3 h 30"), (240, "4 heures")]
    with translation.override("en"):
        assert booking_form("unbound with initial").duration_choices()[-1] == (240, "4 hours")


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
        used = {template.name for template in response.templates}
        assert "events/book.html" in used
        assert not {name for name in used if name.startswith("django/forms/")}, case
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
    # The refused page prints the same field groups as django/forms/field.html would.
    form = responses["field errors"].context["form"]
    for name in form.fields:
        assert form[name].as_field_group() == BoundField.as_field_group(form[name])


# --- ISO-first date and time fields ----------------------------------------------------------

DATE_INPUTS = [
    *("2026-12-03", " 2026-12-03 ", "2026-1-3", "2026-02-30", "2026-13-01", "0000-01-01"),
    *("03/12/2026", "12/03/2026", "3/12/26", "03.12.2026", "20261203", "2026-W49-4"),
    *("", "   ", "demain", "2026-12-03T10:00", "9999-12-31", "١٢٣٤-١٢-٠٣"),
]
TIME_INPUTS = [
    *("10:00", "09:30", "9:30", "10:00:00", "10:00:59", "10:00:60", "24:00", "23:59"),
    *("10:00:00.5", "10h00", "1000", "", " 10:00 ", "10:00+01:00", "T10:00", "١٠:٠٠"),
]


def _outcome(field, value):
    try:
        return ("ok", field.clean(value))
    except forms.ValidationError as error:
        return ("error", error.messages)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    ("fast", "django_field", "inputs"),
    [
        (event_forms.IsoDateField, forms.DateField, DATE_INPUTS),
        (event_forms.IsoTimeField, forms.TimeField, TIME_INPUTS),
    ],
)
def test_iso_first_fields_accept_and_refuse_what_djangos_do(language, fast, django_field, inputs):
    with translation.override(language):
        for required in (True, False):
            for value in inputs:
                expected = _outcome(django_field(required=required), value)
                assert _outcome(fast(required=required), value) == expected, value
