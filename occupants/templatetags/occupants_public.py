from django import template

from occupants.selectors import site_occupant_picture
from sites.models import Site

register = template.Library()


@register.inclusion_tag("occupants/public/site_occupants.html")
def site_occupants(site: Site) -> dict:
    """The site page's occupant picture: figures, sector chart and public structures."""
    return {"site": site, "picture": site_occupant_picture(site)}
