"""A report's downloads, mounted at lieux/<site_slug>/impact/<report_slug>/telecharger/."""

from django.urls import path

from impact import download_views

app_name = "impact_downloads"

urlpatterns = [
    path("pdf/", download_views.pdf_file, name="pdf"),
    path("csv/", download_views.csv_file, name="csv"),
    path("xlsx/", download_views.xlsx_file, name="xlsx"),
    path("json/", download_views.json_file, name="json"),
]
