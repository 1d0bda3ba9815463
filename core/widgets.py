"""Form widgets shared by the apps."""

from django import forms


class ListSelect(forms.Select):
    """A <select> whose options are written in the widget's own template loop.

    Django's select template includes one template per option (and one more for its
    attributes): a list of 101 départements costs over 200 template includes on every directory
    page. This template writes the same <option> tags inline; it supports what a select of
    plain choices with string values uses (optgroups and `selected`), not per-option
    attributes.
    """

    template_name = "core/widgets/list_select.html"
