"""Default deny: every URL is either declared public or redirects an anonymous visitor to a login page."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from config.urls import PUBLIC_URL_NAMES

SAMPLE_ARGUMENTS = {
    "app_label": "accounts",
    "model_name": "user",
    "object_id": "1",
    "content_type_id": "1",
    "pk": "1",
    "volet": "2",
}


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or '<sans nom>'}", pattern


# The admin's unnamed catch-all and redirect patterns cannot be reversed; the admin guards them itself.
ALL_PATTERNS = [(name, p) for name, p in walk(get_resolver().url_patterns) if name != "admin:<sans nom>"]


def concrete_url(name, pattern):
    regex = pattern.pattern.regex
    if regex.groups and not regex.groupindex:
        return reverse(name, args=["1"] * regex.groups)
    return reverse(name, kwargs={key: sample(key) for key in regex.groupindex})


def sample(key: str) -> str:
    if key in SAMPLE_ARGUMENTS:
        return SAMPLE_ARGUMENTS[key]
    return "1" if key.endswith(("pk", "_id")) else "01D"


def test_every_url_has_a_name():
    assert [str(p.pattern) for name, p in ALL_PATTERNS if name.endswith("<sans nom>")] == []


def test_public_views_are_exactly_the_declared_ones():
    public = {name for name, p in ALL_PATTERNS if getattr(p.callback, "login_required", True) is False}
    # Django's admin and the API mark their views public and guard them themselves (checked below).
    public -= {name for name in public if name.startswith(("admin:", "api:")) and name not in PUBLIC_URL_NAMES}
    assert public == PUBLIC_URL_NAMES


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), ALL_PATTERNS, ids=[name for name, _ in ALL_PATTERNS])
def test_anonymous_request_is_sent_to_a_login_unless_public(client, name, pattern):
    url = concrete_url(name, pattern)
    response = client.get(url)
    if name in PUBLIC_URL_NAMES:
        assert response.status_code in (200, 302, 404, 405), url  # 404: a shared link with a bad token
        if response.status_code == 302:
            # A public view may redirect, but not as the default-deny middleware does.
            assert "?next=" not in response["Location"], url
        return
    if name.startswith("api:"):
        # 405: a POST-only operation asked with GET; 404: the API's root, which lists nothing.
        assert response.status_code in (401, 404, 405), url
        assert client.post(url).status_code in (401, 404, 405), url
        return
    assert response.status_code == 302, url
    logins = {f"/compte/connexion/?next={url}"}
    if name.startswith("admin:"):
        logins.add(f"/admin/login/?next={url}")
    assert response["Location"] in logins, url
