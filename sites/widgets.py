"""Form widgets for public filter forms, and the Python renderings that stand in for Django's
form templates on hot pages (the template engine costs close to a millisecond per field)."""

from __future__ import annotations

from html import escape

from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.formats import localize
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime

# Django's input widget templates that are nothing but {% include "…/input.html" %}.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        *("input", "text", "number", "hidden", "date", "time", "datetime"),
        *("email", "url", "password", "search", "tel", "color"),
    )
)


def uses_django_templates(renderer) -> bool:
    """Whether `renderer` (None: the default one) renders Django's own form templates, which the
    Python renderings here reproduce. Any other renderer (a subclass, Jinja2, the project's
    templates) gets its templates rendered as usual."""
    return type(renderer or get_default_renderer()) is DjangoTemplates


def var(value) -> str:
    """What `{{ value }}` prints in an autoescaping template: localized unless a string,
    escaped unless safe (conditional_escape; `'` gives `&#x27;` as with html.escape)."""
    if not isinstance(value, str):
        value = str(localize(template_localtime(value)))
    return value.__html__() if hasattr(value, "__html__") else escape(value)


def attr_value(value) -> str:
    """What `{{ value|stringformat:'s' }}` prints in attrs.html: a safe value stays unescaped."""
    try:
        text = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (TypeError, ValueError):
        text = ""
    return text if isinstance(value, SafeData) else escape(text)


def attrs_html(attrs: dict) -> str:
    """The same attributes as django/forms/widgets/attrs.html (False skipped, True bare)."""
    return "".join(
        f" {var(name)}" if value is True else f' {var(name)}="{attr_value(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastCopy:
    """copy.copy() of a plain object without the __reduce_ex__ round trip: a form deep-copies
    every field and widget of its class at each instantiation (BaseForm.__init__), through
    their __deepcopy__, which start with copy.copy(self). The result is the same: a new
    instance of the class sharing the original's attribute values."""

    def __copy__(self):
        obj = self.__class__.__new__(self.__class__)
        obj.__dict__.update(self.__dict__)
        return obj


class FastInputMixin(FastCopy):
    """Renders an <input> in Python, exactly as django/forms/widgets/input.html does, from the
    widget's own get_context() (so format_value, build_attrs and input_type all apply). Mixed
    before any forms.Input subclass whose template merely includes input.html; with another
    template or renderer, the template renders."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if self.template_name not in _INPUT_TEMPLATES or not uses_django_templates(renderer):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        value = "" if value is None else f' value="{attr_value(value)}"'
        html = f'<input type="{var(widget["type"])}" name="{var(widget["name"])}"{value}'
        return mark_safe(f"{html}{attrs_html(widget['attrs'])}>")  # every part above is escaped


class FastTextInput(FastInputMixin, forms.TextInput):
    pass


class FastNumberInput(FastInputMixin, forms.NumberInput):
    pass


class FastHiddenInput(FastInputMixin, forms.HiddenInput):
    pass


class FastSelect(FastCopy, forms.Select):
    """A single Select rendered in Python: the HTML of Django's templates (but blank lines),
    without one template include per option — a list of a thousand sites took tens of
    milliseconds to render. Labels and values are escaped like the templates do."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if not uses_django_templates(renderer):
            return super().render(name, value, attrs, renderer)
        values = self.format_value(value)
        attrs = self.build_attrs(self.attrs, attrs)
        parts = [f'<select name="{escape(str(name))}"{attrs_html(attrs)}>']
        has_selected = False

        def option(option_value, label) -> str:
            nonlocal has_selected
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in values
            has_selected = has_selected or selected
            return (
                f'\n  <option value="{escape(option_value)}"{" selected" if selected else ""}>'
                f"{escape(str(label))}</option>"
            )

        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                parts.append(f'\n  <optgroup label="{escape(str(group_value))}">')
                parts.extend(option(sub_value, sub_label) for sub_value, sub_label in group_label)
                parts.append("\n  </optgroup>")
            else:
                parts.append(option(group_value, group_label))
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every name, value and label above is escaped
