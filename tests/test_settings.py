"""Environment-driven settings: the cache URL and the trusted proxy count."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import cache_from_url, env_int

PREFIX = "django.core.cache.backends."


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "db://",
            {"BACKEND": PREFIX + "db.DatabaseCache", "LOCATION": "timeline_cache"},
        ),
        (
            "db://api_cache?max_entries=5000&cull_frequency=4&timeout=60",
            {
                "BACKEND": PREFIX + "db.DatabaseCache",
                "LOCATION": "api_cache",
                "OPTIONS": {"max_entries": 5000, "cull_frequency": 4},
                "TIMEOUT": 60,
            },
        ),
        ("locmem://", {"BACKEND": PREFIX + "locmem.LocMemCache", "LOCATION": ""}),
        (
            "file:///var/tmp/timeline",
            {
                "BACKEND": PREFIX + "filebased.FileBasedCache",
                "LOCATION": "/var/tmp/timeline",
            },
        ),
        (
            "redis://10.0.0.5:6379/1",
            {
                "BACKEND": PREFIX + "redis.RedisCache",
                "LOCATION": "redis://10.0.0.5:6379/1",
            },
        ),
        (
            "memcached://10.0.0.6:11211,10.0.0.7:11211",
            {
                "BACKEND": PREFIX + "memcached.PyMemcacheCache",
                "LOCATION": ["10.0.0.6:11211", "10.0.0.7:11211"],
            },
        ),
    ],
    ids=["db-default", "db-options", "locmem", "file", "redis", "memcached"],
)
def test_cache_url_gives_the_caches_entry(url, expected):
    assert cache_from_url(url) == expected


@pytest.mark.parametrize("url", ["bogus://", "db://t?color=red", "redis"])
def test_a_bad_cache_url_is_refused_at_startup(url):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CACHE_URL"):
        cache_from_url(url)


@pytest.mark.parametrize("raw", ["-1", "one", "1.5"])
def test_a_bad_proxy_count_is_refused_at_startup(monkeypatch, raw):
    monkeypatch.setenv("TIMELINE_TRUSTED_PROXIES", raw)
    with pytest.raises(ImproperlyConfigured, match="TIMELINE_TRUSTED_PROXIES"):
        env_int("TIMELINE_TRUSTED_PROXIES", 0)
