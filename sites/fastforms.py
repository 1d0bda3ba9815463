"""A BoundField whose as_field_group() renders in Python what django/forms/field.html renders
(label or legend, help text, errors, widget), byte for byte: a page of ten fields spent most of
its CPU in the form templates. Forms opt in with `bound_field_class = FastBoundField`."""

from __future__ import annotations

from django.forms.boundfield import BoundField
from django.forms.utils import ErrorList
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sites.widgets import attrs_html, uses_django_templates, var

FIELD_TEMPLATE = "django/forms/field.html"
LABEL_TEMPLATE = "django/forms/label.html"


def error_list(errors: ErrorList) -> str:
    """django/forms/errors/list/ul.html for a plain ErrorList; any other through its template."""
    if type(errors) is not ErrorList or not uses_django_templates(errors.renderer):
        return str(errors)
    if not errors:
        return ""
    field_id = f' id="{var(errors.field_id)}_error"' if errors.field_id else ""
    items = "".join(f"<li>{var(error)}</li>" for error in errors)
    return f'<ul class="{var(errors.error_class)}"{field_id}>{items}</ul>'


def _text(value):
    """A lazy translation made a string once, rather than at each use (as Django does)."""
    return str(value) if isinstance(value, Promise) else value


class FastBoundField(BoundField):
    """The field group without templates when the form renders Django's own templates;
    otherwise (another renderer, template or label template) Django's as_field_group()."""

    def as_field_group(self) -> SafeString:
        form = self.form
        if (
            self.template_name != FIELD_TEMPLATE
            or form.template_name_label != LABEL_TEMPLATE
            or not uses_django_templates(self.renderer)
        ):
            return super().as_field_group()
        # The lines of field.html, blank ones included; the renderer strips the whole.
        if self.use_fieldset:
            describedby = self.aria_describedby
            describedby = f' aria-describedby="{var(describedby)}"' if describedby else ""
            head = f"<fieldset{describedby}>\n  {self._label_html('legend') if self.label else ''}"
            tail = "</fieldset>"
        else:
            head = self._label_html("label") if self.label else ""
            tail = ""
        help_html = ""
        if help_text := str(self.help_text):  # {{ field.help_text|safe }}
            help_id = f' id="{var(self.auto_id)}_helptext"' if self.auto_id else ""
            help_html = f'<div class="helptext"{help_id}>{help_text}</div>'
        # str(self) is what {{ field }} prints: the widget (through its own render()).
        html = f"\n  {head}\n\n{help_html}\n{error_list(self.errors)}\n{self}{tail}\n"
        return mark_safe(html.strip())  # labels, ids and errors are escaped; help text is safe

    def _label_html(self, tag: str) -> str:
        """label_tag() / legend_tag() with their defaults, as django/forms/label.html prints it."""
        field, form, contents = self.field, self.form, _text(self.label)
        suffix = field.label_suffix if field.label_suffix is not None else form.label_suffix
        suffix = _text(suffix)
        # Only add the suffix if the label does not end in punctuation (as label_tag(); the
        # msgid is Django's, kept as is in our catalogue).
        if suffix and contents and contents[-1] not in gettext(":?.!"):
            contents = format_html("{}{}", contents, suffix)
        widget = field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return var(contents).strip()  # the label template's output is stripped
        attrs = {}
        id_for_label = widget.id_for_label(id_)
        if id_for_label and tag != "legend":
            attrs["for"] = id_for_label
        if field.required and hasattr(form, "required_css_class"):
            attrs["class"] = form.required_css_class
        return f"<{tag}{attrs_html(attrs)}>{var(contents)}</{tag}>"
