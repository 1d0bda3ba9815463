from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import Event
from impact.models import ImpactReport
from occupants.models import Structure
from sites.models import Site


class StaticSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["home", "sites:directory", "structures:directory", "agenda:index", "accessibility"]

    def location(self, item: str) -> str:
        return reverse(item)


class SiteSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Site.objects.published().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj: Site):
        return obj.updated_at


class StructureSitemap(Sitemap):
    """Structures with a public profile: the only ones that have a public page."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Structure.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, obj: Structure):
        return obj.updated_at


class EventSitemap(Sitemap):
    """The events of the public agenda (published, public, on a published site), past ones
    included: their pages stay."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Event.objects.published_public().only("slug", "updated_at").order_by("pk")

    def location(self, obj: Event) -> str:
        return reverse("agenda:event", kwargs={"slug": obj.slug})

    def lastmod(self, obj: Event):
        return obj.updated_at


class ImpactReportSitemap(Sitemap):
    """The published reports of published sites: they never change once published."""

    changefreq = "yearly"
    limit = 5000

    def items(self):
        return (
            ImpactReport.objects.published()
            .select_related("site")
            .only("slug", "published_at", "site__slug")
            .order_by("pk")
        )

    def lastmod(self, obj: ImpactReport):
        return obj.published_at
