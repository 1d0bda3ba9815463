"""Who gets what: every URL pattern of the project × every role, in one explicit table.

In the manner of pretix's permission tests. The URL patterns come from the URLconf (the admin's
included: changelists, change, add, delete and history pages, exports, autocomplete, custom
views), so a new URL without a row here fails test_every_url_pattern_has_a_row, which names it.
Each row says what each role gets for the object of tenant 1 (tests/world.py): site 1 and what
belongs to it, structure A, the candidate's application, the booking of structure A. The same
object seen from tenant 2 (occupant_b, manager_2) is a 404, or in the admin the admin's own
"does not exist" redirect to its index (GONE); the admin's pages send anyone without staff
access to the admin's login (ADMIN).

What the columns should be comes from the README's "Roles" table:
- visitor: public pages only; the rest sends to the login (LOGIN);
- candidate: their own application and its documents; no admin;
- occupant_a / occupant_b: their structure, its members and bookings, the booking pages of the
  site they occupy; no admin;
- manager_1 / manager_2: the admin and the booking management of their own site;
- operator_staff (operator 1's team): as manager_1 for every site of operator 1, plus operator 1
  itself (read-only) in the admin;
- admin: everything, except what nobody may do (adding or deleting a booking in the admin,
  adding a login attempt).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.world import ROLES, build_world, route_url, walk_urlconf

LOGIN = "302 to the login"
ADMIN = "302 to the admin's login"
GONE = "302 to the admin's index"  # the admin's answer for an object out of one's scope
MOVED = "302 elsewhere"

# Tried with a POST (they answer 405 to a GET); the others with a GET.
POSTED = {
    "accounts:logout",
    "accounts:email_verification_resend",
    "occupants:member_remove",
    "calls:document_upload",
    "calls:document_delete",
    "calls:submit",
    "calls:withdraw",
    "events:cancel",
    "events:manager_approve",
    "events:manager_refuse",
    "events:feed_reset",
    "events:manager_event_publish",
    "events:manager_event_refuse",
    "events:my_event_submit",
    "events:my_event_cancel",
    "events:my_event_timing_remove",
    "impact_reports:publish",
    "impact_manager:observation_validate",
    "impact_manager:observation_publish",
    "impact_manager:observation_unpublish",
    "impact_manager:observation_delete",
    "inventory:convert",
    "path:stage_move",
    "path:step_move",
}

# The query string a URL is tried with.
QUERIES = {"admin:autocomplete": "app_label=sites&model_name=space&field_name=site&term=Lieu"}

# fmt: off
# (URL pattern, object of tenant 1): what each role gets, in the order of
#  visitor, candidate, occupant_a, occupant_b, manager_1, manager_2, operator_staff, admin
EXPECTED = {
    ("home", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("sites:directory", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("sites:geojson", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("sites:detail", "site_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    # The vacant-space inventory: the people of the building's owner and operator and the
    # managers of the operator's sites (owner staff: tests/sites/test_inventory.py); 404 to
    # anyone else, even for its list.
    ("inventory:list", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("inventory:geojson", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("inventory:export", "csv"): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("inventory:create", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("inventory:detail", "vacant_building"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:edit", "vacant_building"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:photo_add", "vacant_building"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:document_add", "vacant_building"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:convert", "vacant_building"): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("inventory:photo", "vacant_photo"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:photo_thumbnail", "vacant_photo"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:document", "vacant_document"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("occupants:detail", "structure_a"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("occupants:edit", "structure_a"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("occupants:members", "structure_a"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("occupants:member_remove", "extra_member_a"): (LOGIN, 404, MOVED, 404, 404, 404, 404, 404),
    ("occupants:agreement", "occupancy_a"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("occupants:invitation_accept", None): (410, 410, 410, 410, 410, 410, 410, 410),
    ("occupants:invitation", "invitation_token"):
        (MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("accounts:login", None): (200, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("accounts:logout", None): (MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("accounts:password_reset", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_reset_done", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_reset_confirm", "reset_token"):
        (MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("accounts:password_reset_complete", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:email_verify", "verify_token"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:email_verification_resend", None):
        (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("accounts:dashboard", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    # Mon compte: one's own name, language and password; nothing of anyone else's.
    ("accounts:settings", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:password_change", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    # Supprimer mon compte: one's own only; the page says why an administrator or a last
    # responsable may not (tests/occupants/test_account_erase.py).
    ("accounts:erase", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("structures:directory", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("structures:detail", "structure_a"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("calls:list", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("calls:signup", None): (200, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("calls:signup_done", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("calls:mine", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("calls:application", "application"): (LOGIN, 200, 404, 404, 404, 404, 404, 404),
    ("calls:document_upload", "application"): (LOGIN, MOVED, 404, 404, 404, 404, 404, 404),
    ("calls:document_download", "document"): (LOGIN, 200, 404, 404, 404, 404, 404, 404),
    ("calls:document_delete", "document"): (LOGIN, MOVED, 404, 404, 404, 404, 404, 404),
    ("calls:submit", "application"): (LOGIN, MOVED, 404, 404, 404, 404, 404, 404),
    ("calls:withdraw", "application"): (LOGIN, MOVED, 404, 404, 404, 404, 404, 404),
    ("calls:detail", "call"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("calls:apply", "call"): (LOGIN, MOVED, 200, 200, 200, 200, 200, 200),
    ("events:index", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("events:site_day", "site_1"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("events:space_week", "room_1"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("events:book", "room_1"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("events:find", None): (LOGIN, 404, 200, 200, 200, 200, 200, 200),
    ("events:mine", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("events:structure_bookings", "structure_a"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:detail", "booking"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("events:cancel", "booking"): (LOGIN, 404, MOVED, 404, MOVED, 404, MOVED, MOVED),
    ("events:ics", "booking"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("events:manager_index", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("events:manager_queue", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("events:manager_approve", "booking"): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("events:manager_refuse", "booking"): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("events:manager_outside", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("events:manager_export", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("events:manager_calendar", "site_1"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:manager_statistics", "site_1"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:manager_agenda", "site_1"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:manager_event_queue", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("events:manager_event_publish", "proposed"): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("events:manager_event_refuse", "proposed"): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    # The occupants' event pages: structure A's members only (managers have their own pages).
    ("events:my_events", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("events:my_event_new", None): (LOGIN, 404, 200, 200, 404, 404, 404, 404),
    ("events:my_event", "proposed"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:my_event_edit", "proposed"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:my_event_timing_add", "proposed"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:my_event_submit", "proposed"): (LOGIN, 404, MOVED, 404, 404, 404, 404, 404),
    ("events:my_event_cancel", "proposed"): (LOGIN, 404, MOVED, 404, 404, 404, 404, 404),
    ("events:my_event_timing_move", "proposed_on"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:my_event_timing_remove", "proposed_on"): (LOGIN, 404, MOVED, 404, 404, 404, 404, 404),
    ("events:feeds", None): (LOGIN, 200, 200, 200, 200, 200, 200, 200),
    ("events:feed_reset", None): (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("events:feed_space", "room_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("events:feed_private", "feed_token"): (200, 200, 200, 200, 200, 200, 200, 200),
    # The agenda's feeds are public: a site's for anyone while the site is published; an
    # event's only once it is public and published (the world's event is a draft: 404 to all).
    ("agenda_feeds:agenda", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("agenda_feeds:site", "site_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("agenda_feeds:openagenda", "site_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("agenda_feeds:event", "event"): (404, 404, 404, 404, 404, 404, 404, 404),
    # The world's event is a draft of structure A with no date: its registration page says
    # that registration is closed, to whoever may open it (Event.objects.visible_to).
    ("agenda_registrations:register", "event"): (404, 404, 200, 404, 200, 404, 200, 200),
    # The cancel link works for whoever holds its secret token.
    ("agenda_registrations:cancel", "registration_token"):
        (200, 200, 200, 200, 200, 200, 200, 200),
    ("agenda_registrations:registrants", "event"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("agenda_registrations:attendance", "event"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("agenda:index", None): (200, 200, 200, 200, 200, 200, 200, 200),
    # The world's event is a draft of structure A on site 1: its organisers and the site's
    # managers open it, nobody else.
    ("agenda:event", "event"): (404, 404, 200, 404, 200, 404, 200, 200),
    ("admin:index", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:login", None): (200, 200, 200, 200, GONE, GONE, GONE, GONE),
    ("admin:logout", None): (GONE, GONE, GONE, GONE, 405, 405, 405, 405),
    ("admin:password_change", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:password_change_done", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:autocomplete", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:jsi18n", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:view_on_site", "structure_a"): (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, 404, MOVED, MOVED),
    ("admin:auth_group_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:auth_group_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:auth_group_history", "group"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:auth_group_delete", "group"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:auth_group_change", "group"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    # A report's downloads: a published report to anyone, a draft to its site's managers only
    # (ImpactReport.objects.visible_to).
    ("impact_downloads:pdf", "report"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact_downloads:pdf", "draft_report"): (404, 404, 404, 404, 200, 404, 200, 200),
    ("impact_downloads:csv", "report"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact_downloads:csv", "draft_report"): (404, 404, 404, 404, 200, 404, 200, 200),
    ("impact_downloads:xlsx", "report"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact_downloads:xlsx", "draft_report"): (404, 404, 404, 404, 200, 404, 200, 200),
    ("impact_downloads:json", "report"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact_downloads:json", "draft_report"): (404, 404, 404, 404, 200, 404, 200, 200),
    ("admin/auth/group/<path:object_id>/", "group"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:axes_accessattempt_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accessattempt_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:axes_accessattempt_history", "attempt"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accessattempt_delete", "attempt"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accessattempt_change", "attempt"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin/axes/accessattempt/<path:object_id>/", "attempt"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:axes_accesslog_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accesslog_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:axes_accesslog_history", "access_log"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accesslog_delete", "access_log"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accesslog_change", "access_log"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin/axes/accesslog/<path:object_id>/", "access_log"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:axes_accessfailurelog_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accessfailurelog_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:axes_accessfailurelog_history", "failure_log"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accessfailurelog_delete", "failure_log"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:axes_accessfailurelog_change", "failure_log"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin/axes/accessfailurelog/<path:object_id>/", "failure_log"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:auth_user_password_change", "user"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_user_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_user_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_user_history", "user"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_user_delete", "user"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_user_change", "user"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin/accounts/user/<path:object_id>/", "user"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:accounts_organisation_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin:accounts_organisation_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_organisation_history", "operator_1"):
        (ADMIN, ADMIN, ADMIN, ADMIN, GONE, GONE, 200, 200),
    ("admin:accounts_organisation_delete", "operator_1"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:accounts_organisation_change", "operator_1"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin/accounts/organisation/<path:object_id>/", "operator_1"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_site_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_site_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin:sites_site_history", "site_1"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_site_delete", "site_1"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_site_change", "site_1"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/site/<path:object_id>/", "site_1"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_space_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_space_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_space_history", "room_1"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_space_delete", "room_1"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_space_change", "room_1"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/space/<path:object_id>/", "room_1"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_funding_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_funding_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_funding_history", "funding"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_funding_delete", "funding"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_funding_change", "funding"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/funding/<path:object_id>/", "funding"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_vacantbuilding_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_vacantbuilding_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_vacantbuilding_history", "vacant_building"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_vacantbuilding_delete", "vacant_building"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_vacantbuilding_change", "vacant_building"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/vacantbuilding/<path:object_id>/", "vacant_building"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_equipment_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_equipment_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_equipment_history", "equipment"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_equipment_delete", "equipment"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_equipment_change", "equipment"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin/sites/equipment/<path:object_id>/", "equipment"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_documenttype_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_documenttype_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_documenttype_history", "document_type"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_documenttype_delete", "document_type"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:occupants_documenttype_change", "document_type"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin/occupants/documenttype/<path:object_id>/", "document_type"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_call_csv", "call"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 404, 200, 200),
    ("admin:occupants_call_zip", "call"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 404, 200, 200),
    ("admin:occupants_call_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_call_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_call_history", "call"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_call_delete", "call"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_call_change", "call"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/occupants/call/<path:object_id>/", "call"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_application_accept", "application"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 404, 200, 200),
    ("admin:occupants_application_document", "document"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 404, 200, 200),
    ("admin:occupants_application_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_application_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:occupants_application_history", "application"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_application_delete", "application"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:occupants_application_change", "application"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/occupants/application/<path:object_id>/", "application"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_structure_export", "csv"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_structure_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_structure_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_structure_history", "structure_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_structure_delete", "structure_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:occupants_structure_change", "structure_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/occupants/structure/<path:object_id>/", "structure_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_occupancy_export", "xlsx"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_occupancy_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_occupancy_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_occupancy_history", "occupancy_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_occupancy_delete", "occupancy_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_occupancy_change", "occupancy_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/occupants/occupancy/<path:object_id>/", "occupancy_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_structuremember_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_structuremember_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:occupants_structuremember_history", "member_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_structuremember_delete", "member_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_structuremember_change", "member_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/occupants/structuremember/<path:object_id>/", "member_a"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_invitation_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_invitation_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_invitation_history", "invitation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_invitation_delete", "invitation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:occupants_invitation_change", "invitation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/occupants/invitation/<path:object_id>/", "invitation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:occupants_sector_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_sector_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_sector_history", "sector"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:occupants_sector_delete", "sector"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:occupants_sector_change", "sector"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin/occupants/sector/<path:object_id>/", "sector"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:events_bookingrules_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_bookingrules_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_bookingrules_history", "rules"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_bookingrules_delete", "rules"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_bookingrules_change", "rules"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/bookingrules/<path:object_id>/", "rules"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:events_openinghours_bulk", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_openinghours_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_openinghours_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_openinghours_history", "hours"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_openinghours_delete", "hours"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_openinghours_change", "hours"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/openinghours/<path:object_id>/", "hours"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:events_closedperiod_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_closedperiod_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_closedperiod_history", "closed"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_closedperiod_delete", "closed"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_closedperiod_change", "closed"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/closedperiod/<path:object_id>/", "closed"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:events_booking_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_booking_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_booking_history", "booking"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_booking_delete", "booking"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_booking_change", "booking"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/booking/<path:object_id>/", "booking"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    # Events: read and changed by the site's managers; created, dated and moderated through
    # events.agenda.services, never added nor deleted here.
    ("admin:events_event_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_event_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_event_history", "event"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_event_delete", "event"): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_event_change", "event"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/event/<path:object_id>/", "event"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    # Registrations and attendance: read only, for the event's site's managers.
    ("admin:events_registration_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_registration_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_registration_history", "registration"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_registration_delete", "registration"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_registration_change", "registration"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/registration/<path:object_id>/", "registration"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:events_attendance_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:events_attendance_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_attendance_history", "attendance"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:events_attendance_delete", "attendance"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:events_attendance_change", "attendance"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/events/attendance/<path:object_id>/", "attendance"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    # Impact: the managers' pages of site 1 (operator staff of operator 1 too); the public
    # questionnaire of site 1 is open to everyone. The world's observation is a draft.
    ("impact_manager:index", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("impact_manager:observations", "site_1"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_manager:observation_create", "site_1"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_manager:questionnaire", "site_1"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_manager:observation_edit", "observation"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_manager:observation_evidence", "observation"):
        (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_manager:observation_validate", "observation"):
        (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("impact_manager:observation_publish", "observation"):
        (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("impact_manager:observation_unpublish", "observation"):
        (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("impact_manager:observation_delete", "observation"):
        (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("impact_questionnaire:answer", "site_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact_questionnaire:thanks", "site_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("admin:impact_observation_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_observation_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_observation_history", "observation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_observation_delete", "observation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_observation_change", "observation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/impact/observation/<path:object_id>/", "observation"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:impact_questionnaire_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_questionnaire_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_questionnaire_history", "questionnaire"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_questionnaire_delete", "questionnaire"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_questionnaire_change", "questionnaire"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/impact/questionnaire/<path:object_id>/", "questionnaire"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:impact_impactreport_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_impactreport_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_impactreport_history", "draft_report"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_impactreport_delete", "draft_report"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_impactreport_change", "draft_report"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/impact/impactreport/<path:object_id>/", "draft_report"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    # Questionnaire answers: read and deleted, never added nor changed in the admin.
    ("admin:impact_questionnaireresponse_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:impact_questionnaireresponse_add", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:impact_questionnaireresponse_history", "questionnaire_response"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_questionnaireresponse_delete", "questionnaire_response"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:impact_questionnaireresponse_change", "questionnaire_response"):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/impact/questionnaireresponse/<path:object_id>/", "questionnaire_response"):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    # The project path: managers and operator staff of the site; another site is a 404.
    # The owners' and funders' view: their staff only (FOLLOWERS below); managers manage
    # through their own pages, no one else follows a site here.
    ("owner:index", None): (LOGIN, 404, 404, 404, 404, 404, 404, 200),
    ("owner:site", "site_1"): (LOGIN, 404, 404, 404, 404, 404, 404, 200),
    ("path:portfolio", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("path:timeline", 'site_1'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:history", 'site_1'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:status", 'site_1'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:apply_template", 'site_1'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:stage_add", 'site_1'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:stage_edit", 'path_stage'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:stage_delete", 'path_stage'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:step_add", 'path_stage'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:stage_move", 'path_stage'): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    ("path:step_edit", 'path_step'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:step_delete", 'path_step'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:step_document", 'path_step'): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("path:step_move", 'path_step'): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    # Path templates: read by the managers of the operator's sites, written by its staff.
    ("admin:sites_pathtemplate_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_pathtemplate_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin:sites_pathtemplate_history", 'path_template'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_pathtemplate_delete", 'path_template'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin:sites_pathtemplate_change", 'path_template'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/pathtemplate/<path:object_id>/", 'path_template'):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_templatestage_changelist", None):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_templatestage_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin:sites_templatestage_history", 'template_stage'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_templatestage_delete", 'template_stage'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 200, 200),
    ("admin:sites_templatestage_change", 'template_stage'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/templatestage/<path:object_id>/", 'template_stage'):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    # A path's steps and history: read here, written on the path pages (which log).
    ("admin:sites_step_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_step_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:sites_step_history", 'path_step'): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_step_delete", 'path_step'): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_step_change", 'path_step'): (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/step/<path:object_id>/", 'path_step'):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:sites_pathchange_changelist", None): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin:sites_pathchange_add", None): (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 403),
    ("admin:sites_pathchange_history", 'path_change'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin:sites_pathchange_delete", 'path_change'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 403, 403, 403, 200),
    ("admin:sites_pathchange_change", 'path_change'):
        (ADMIN, ADMIN, ADMIN, ADMIN, 200, GONE, 200, 200),
    ("admin/sites/pathchange/<path:object_id>/", 'path_change'):
        (ADMIN, ADMIN, ADMIN, ADMIN, MOVED, MOVED, MOVED, MOVED),
    ("admin:app_list", "occupants"): (ADMIN, ADMIN, ADMIN, ADMIN, 200, 200, 200, 200),
    ("admin/(?P<url>.*)$", "nowhere/"): (ADMIN, ADMIN, ADMIN, ADMIN, 404, 404, 404, 404),
    ("choose_language", "en"): (MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("accessibility", None): (200, 200, 200, 200, 200, 200, 200, 200),
    # The style guide: staff only, a 404 for everyone else.
    ("style_guide", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("sitemap", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("robots", None): (200, 200, 200, 200, 200, 200, 200, 200),
    ("healthz", None): (200, 200, 200, 200, 200, 200, 200, 200),
    # Impact reports: a published one is public (its site's list, its page, its operator's
    # portfolio); a draft's page opens to the site's managers only (their preview).
    ("impact:list", "report"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact:report", "report"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("impact:report", "draft_report"): (404, 404, 404, 404, 200, 404, 200, 200),
    ("impact:portfolio", "operator_1"): (200, 200, 200, 200, 200, 200, 200, 200),
    # The managers' report pages: the site's managers and its operator's staff.
    ("impact_reports:list", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("impact_reports:create", None): (LOGIN, 404, 404, 404, 200, 200, 200, 200),
    ("impact_reports:edit", "draft_report"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_reports:figures", "draft_report"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_reports:preview", "draft_report"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("impact_reports:publish", "draft_report"):
        (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
    # A published report is never edited: its pages send back to it.
    ("impact_reports:edit", "report"): (LOGIN, 404, 404, 404, MOVED, 404, MOVED, MOVED),
}
# fmt: on

# Rows where the code does not do yet what it should: (URL pattern, role) -> reason.
# (key, role) -> why the answer is not yet what the roles table says: a strict xfail, so that
# fixing the hole fails the test until its row here is removed. Empty: no known hole.
KNOWN_HOLES: dict[tuple[str, str], str] = {}


ROUTES = {route.key: route for route in walk_urlconf()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def outcome(response) -> int | str:
    if response.status_code != 302:
        return response.status_code
    location = response["Location"]
    if location.startswith(reverse("accounts:login")):
        return LOGIN
    if location.startswith(reverse("admin:login")):
        return ADMIN
    if location == reverse("admin:index"):
        return GONE
    return MOVED


def cases():
    for (key, target), answers in EXPECTED.items():
        for role, expected in zip(ROLES, answers, strict=True):
            hole = KNOWN_HOLES.get((key, role))
            marks = [pytest.mark.xfail(strict=True, reason=hole)] if hole else []
            yield pytest.param(key, target, role, expected, id=f"{key}-{role}", marks=marks)


@pytest.mark.parametrize(("key", "target", "role", "expected"), list(cases()))
def test_each_role_gets_what_the_roles_table_says(world, db, key, target, role, expected):
    route = ROUTES.get(key)
    assert route is not None, f"{key} is no longer a URL pattern: remove its row from EXPECTED"
    url = route_url(route, target, world)
    if key in QUERIES:
        url += "?" + QUERIES[key]
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    method = "post" if key in POSTED else "get"
    response = getattr(client, method)(url)
    assert outcome(response) == expected, f"{role} {method.upper()} {url}"


# The POSTED URLs that are also a confirmation step: a GET shows what the POST will do
# (nothing changes), for whom the POST is allowed; a step no longer possible sends back
# (the world's application is submitted: submitting it again sends back, withdrawing asks).
# fmt: off
CONFIRMATION_STEPS = {
    ("events:cancel", "booking"): (LOGIN, 404, 200, 404, 200, 404, 200, 200),
    ("calls:submit", "application"): (LOGIN, MOVED, 404, 404, 404, 404, 404, 404),
    ("calls:withdraw", "application"): (LOGIN, 200, 404, 404, 404, 404, 404, 404),
    ("occupants:member_remove", "extra_member_a"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    # The world's application is submitted: its documents can no longer be removed.
    ("calls:document_delete", "document"): (LOGIN, MOVED, 404, 404, 404, 404, 404, 404),
    ("events:manager_approve", "booking"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:manager_refuse", "booking"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:manager_event_publish", "proposed"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:manager_event_refuse", "proposed"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("events:my_event_submit", "proposed"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:my_event_cancel", "proposed"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("events:my_event_timing_remove", "proposed_on"): (LOGIN, 404, 200, 404, 404, 404, 404, 404),
    ("impact_manager:observation_delete", "observation"):
        (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    ("inventory:convert", "vacant_building"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
    # Without ?kind= the request is not understood: back to the feeds page.
    ("events:feed_reset", None): (LOGIN, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED, MOVED),
    ("impact_reports:publish", "draft_report"): (LOGIN, 404, 404, 404, 200, 404, 200, 200),
}
# fmt: on


@pytest.mark.parametrize(
    ("key", "target", "role", "expected"),
    [
        pytest.param(key, target, role, expected, id=f"{key}-{role}")
        for (key, target), answers in CONFIRMATION_STEPS.items()
        for role, expected in zip(ROLES, answers, strict=True)
    ],
)
def test_each_role_gets_the_confirmation_step_the_table_says(
    world, db, key, target, role, expected
):
    assert key in POSTED
    url = route_url(ROUTES[key], target, world)
    client = Client()
    if world.users[role] is not None:
        client.force_login(world.users[role])
    assert outcome(client.get(url)) == expected, f"{role} GET {url}"


# The staff of site 1's owner and of site 1's funder (tests/world.py), outside the columns of
# EXPECTED: what they get on the owners' view and, to show the view gives them nothing more, on
# site 1's managers' pages.
# fmt: off
FOLLOWERS = {
    ("owner:index", None): (200, 200),
    ("owner:site", "site_1"): (200, 200),
    ("owner:site", "site_2"): (404, 404),
    ("path:portfolio", None): (404, 404),
    ("path:timeline", "site_1"): (404, 404),
    ("path:step_document", "path_step"): (404, 404),
    ("events:manager_index", None): (404, 404),
    ("impact_reports:list", None): (404, 404),
    ("impact_reports:edit", "draft_report"): (404, 404),
    ("occupants:agreement", "occupancy_a"): (404, 404),
    ("occupants:detail", "structure_a"): (404, 404),
}
# fmt: on


@pytest.mark.parametrize(
    ("key", "target", "role", "expected"),
    [
        pytest.param(key, target, role, expected, id=f"{key}-{target}-{role}")
        for (key, target), answers in FOLLOWERS.items()
        for role, expected in zip(("owner_staff", "funder_staff"), answers, strict=True)
    ],
)
def test_owner_and_funder_staff_follow_only_their_sites(world, db, key, target, role, expected):
    client = Client()
    client.force_login(world.users[role])
    url = route_url(ROUTES[key], target, world)
    assert outcome(client.get(url)) == expected, f"{role} GET {url}"


def test_every_url_pattern_has_a_row():
    rows = {key for key, _target in EXPECTED}
    missing = [key for key in ROUTES if key not in rows]
    assert not missing, "URL patterns without a row in EXPECTED: " + ", ".join(missing)


def test_autocomplete_offers_only_the_sites_one_manages(world, db):
    url = reverse("admin:autocomplete") + "?" + QUERIES["admin:autocomplete"]
    offered = {}
    for role in ("manager_1", "manager_2", "operator_staff", "admin"):
        client = Client()
        client.force_login(world.users[role])
        offered[role] = {item["text"] for item in client.get(url).json()["results"]}
    assert offered == {
        "manager_1": {"Lieu Un"},
        "manager_2": {"Lieu Deux"},
        "operator_staff": {"Lieu Un"},
        "admin": {"Lieu Un", "Lieu Deux"},
    }
