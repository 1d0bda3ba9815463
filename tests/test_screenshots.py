"""manage.py screenshots: the pages it captures (the capture itself needs a server and Chromium,
and is run by `make screenshots`, not by the suite)."""

import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from accounts.models import User
from demo import data
from demo.management.commands.screenshots import WIDTHS, pages, shrink_png


@pytest.mark.django_db
def test_each_page_to_capture_answers_to_the_account_it_logs_in():
    call_command("seed_demo", "--no-photos", stdout=StringIO())
    out = StringIO()
    call_command("screenshots", "--list", stdout=out)
    shots = json.loads(out.getvalue())
    assert [shot["name"] for shot in shots] == [
        "home",
        "directory",
        "site",
        "booking-grid",
        "manager-statistics",
    ]
    for shot in shots:
        client = Client()
        if shot["login"]:
            client.force_login(User.objects.get(email=data.demo_email(shot["login"])))
        assert client.get(shot["path"]).status_code == 200, shot
    assert sorted(WIDTHS) == [375, 1280]


@pytest.mark.django_db
def test_without_the_demo_the_page_list_says_to_seed_it():
    with pytest.raises(CommandError, match="seed_demo"):
        pages()


def test_a_capture_is_shrunk_to_a_palette_png_of_the_same_size():
    image = Image.new("RGB", (375, 200), "white")
    image.paste((11, 94, 76), (20, 20, 200, 60))
    raw = BytesIO()
    image.save(raw, "PNG")
    shrunk = Image.open(BytesIO(shrink_png(raw.getvalue())))
    assert shrunk.format == "PNG"
    assert shrunk.size == (375, 200)
    assert shrunk.mode == "P"
    assert shrunk.convert("RGB").getpixel((30, 30)) == (11, 94, 76)
