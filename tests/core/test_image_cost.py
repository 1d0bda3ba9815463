"""What one accepted upload may cost: at most about 100 MB of memory (and a second of CPU).

Each image goes through validation and re-encoding in a fresh Python process, whose peak
resident memory is read before and after: the growth is what one upload adds to a worker. The
peak is the kernel's VmHWM, as getrusage's ru_maxrss is, but of this process alone: ru_maxrss
starts a child at its parent's size (here pytest's, after it drew the test image). The images
are made at test time, with noise and gradients so that they compress like photos, each at the
largest size its format accepts.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads the peak memory from Linux's /proc"
)

MAX_GROWTH_MB = 100
# Loose on purpose: CI shares two cores. The bound that matters is the memory one.
MAX_CPU_SECONDS = 3

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, os, resource, sys
import django

def peak_mb():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


django.setup()
from django.core.exceptions import ValidationError
from core.images import reencode_image

data = open(sys.argv[1], "rb").read()
before, peak_before = resource.getrusage(resource.RUSAGE_SELF), peak_mb()
try:
    reencode_image(data, os.path.basename(sys.argv[1]))
    outcome = "accepted"
except ValidationError as error:
    outcome = " ".join(error.messages)
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "outcome": outcome,
    "growth_mb": peak_mb() - peak_before,
    "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
}))
"""


def photo_like(size: tuple[int, int], mode: str = "RGB") -> Image.Image:
    """Gradients and grain: compresses like a photo, not like a flat colour."""
    width, height = size
    grain = Image.effect_noise(size, 5)
    blotches = Image.effect_noise((width // 4, height // 4), 40).resize(size)
    linear = Image.linear_gradient("L").resize(size)
    radial = Image.radial_gradient("L").resize(size)
    bands = [
        Image.blend(blotches, linear, 0.5),
        Image.blend(grain, radial, 0.4),
        Image.blend(blotches, grain, 0.5),
    ]
    if mode == "RGBA":
        bands.append(linear)
    return (
        Image.merge(mode, bands)
        if mode in ("RGB", "RGBA")
        else Image.merge("RGB", bands).convert(mode)
    )


def cost(path: Path) -> dict:
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test"}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


# name, how to make it, whether it is accepted
CASES = {
    # A 48 MP phone photo at a camera's quality: decoded at 1/4 scale.
    "jpeg-48mp.jpg": (lambda: photo_like((8000, 6000)), {"quality": 92}, True),
    # Just under twice the stored side, square: the largest decode that still needs resizing.
    "jpeg-3071.jpg": (lambda: photo_like((3071, 3071)), {"quality": 70}, True),
    "progressive-cmyk-6mp.jpg": (
        lambda: photo_like((3000, 2000), "CMYK"),
        {"quality": 70, "progressive": True},
        True,
    ),
    "png-rgba-6mp.png": (lambda: Image.new("RGBA", (3000, 2000), (10, 20, 30, 100)), {}, True),
    "webp-rgba-3mp.webp": (
        lambda: Image.new("RGBA", (1732, 1732), (10, 20, 30, 100)),
        {"lossless": True},
        True,
    ),
    "webp-photo-3mp.webp": (lambda: photo_like((2121, 1414)), {"quality": 80}, True),
    # The reported one: 155 KB, 40 MP, took 4.3 s and 400 MB.
    "png-6320.png": (lambda: Image.new("RGB", (6320, 6320), (90, 120, 200)), {}, False),
}


@pytest.mark.parametrize("name", CASES)
def test_one_upload_costs_at_most_100_mb_of_memory(tmp_path, name):
    make, options, accepted = CASES[name]
    path = tmp_path / name
    make().save(path, **options)
    assert path.stat().st_size < settings.IMAGE_MAX_BYTES  # what the upload limit lets through

    measured = cost(path)

    assert measured["growth_mb"] <= MAX_GROWTH_MB, measured
    assert measured["cpu"] <= MAX_CPU_SECONDS, measured
    assert (measured["outcome"] == "accepted") is accepted, measured["outcome"]
