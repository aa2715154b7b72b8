"""`manage.py check --deploy` under production settings lists only what the
README explains (HSTS preload, which a site opts into deliberately)."""

import os
import re
import secrets
import subprocess
import sys

from tests.conftest import REPO

PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "timeline.example.org",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
}


def test_deploy_check_under_production_settings_lists_only_hsts_preload():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert re.findall(r"\((\S+?\.[WE]\d+)\)", output) == ["security.W021"], output


def test_debug_is_off_unless_asked_for():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False", result.stderr
