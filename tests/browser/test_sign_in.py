"""OIDC sign-in in a real browser: ``st.login`` against a local OpenID Connect provider
(tests/fakes/oidc_provider.py), users mapped to workspaces by ``WORKSPACE_MAP``.

A signed-in user sees only their workspace's batches (not even another workspace's batch
by its URL); a user with no mapping is refused with the reason; signing out asks again.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.browser.harness import ROOT, dashboard, free_port, wait_ready

WORKSPACE_MAP = "alice@acme.example=acme,*@beta.example=beta"


@pytest.fixture(scope="module")
def provider():
    from tests.fakes.oidc_provider import FakeOIDCProvider

    with FakeOIDCProvider() as p:
        yield p


def seed(db_url: str, workspace: str, user: str, url: str) -> str:
    """A batch stored by another process, as a colleague's would be; returns its id."""
    code = ("from db.migrate import upgrade; upgrade(); "
            "from core import dispatch; from core.batches import create_batch; "
            "dispatch.register(lambda kind, args: None); "
            f"print(create_batch({workspace!r}, {user!r}, [{{'url': {url!r}, 'batch_size': 1}}]).id)")
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def signed_app(provider, tmp_path_factory):
    work = tmp_path_factory.mktemp("sign-in")
    port = free_port()
    secrets = work / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{"x" * 40}"\n'
        f'client_id = "{provider.client_id}"\n'
        f'client_secret = "{provider.client_secret}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n')
    with dashboard({"WORKSPACE_MAP": WORKSPACE_MAP}, workdir=work, port=port,
                   extra_args=["--secrets.files", str(secrets)]) as base:
        db_url = f"sqlite:///{work / 'app.db'}"
        ids = {"acme": seed(db_url, "acme", "alice@acme.example", "https://shop.example.com/p/acme"),
               "beta": seed(db_url, "beta", "bob@beta.example", "https://shop.example.com/p/beta")}
        yield base, ids


def sign_in(page, base: str) -> None:
    page.goto(base)
    page.get_by_text("Sign in to see your workspace's batches.").wait_for(timeout=60_000)
    page.get_by_role("button", name="Sign in").click()  # → provider → /oauth2callback → app
    page.wait_for_url(f"{base}/**", timeout=30_000)
    wait_ready(page, 60_000)


def test_signed_in_users_see_only_their_workspace_and_unmapped_users_are_refused(
        browser, provider, signed_app):
    base, ids = signed_app
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    provider.email = "alice@acme.example"
    sign_in(page, base)
    page.get_by_text("Workspace acme · alice@acme.example").wait_for(timeout=30_000)
    assert provider.token_requests == 1

    page.goto(f"{base}/batches")
    wait_ready(page, 30_000)
    page.locator(f"[class*='st-key-batch_{ids['acme']}']").wait_for(timeout=30_000)
    assert page.locator(f"[class*='st-key-batch_{ids['beta']}']").count() == 0
    # another workspace's batch, even by its URL
    page.goto(f"{base}/previews?batch={ids['beta']}")
    page.get_by_text("does not exist in your workspace").wait_for(timeout=30_000)

    # signing out asks again; someone nobody mapped is refused with the reason
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Sign in to see your workspace's batches.").wait_for(timeout=30_000)
    provider.email = "mallory@nowhere.example"
    sign_in(page, base)
    page.get_by_text("mallory@nowhere.example has no workspace yet").wait_for(timeout=30_000)
    assert page.locator("[class*='st-key-batch_']").count() == 0

    # a wildcard mapping: everyone at beta.example works in beta
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Sign in to see your workspace's batches.").wait_for(timeout=30_000)
    provider.email = "bob@beta.example"
    sign_in(page, base)
    page.get_by_text("Workspace beta · bob@beta.example").wait_for(timeout=30_000)
    page.goto(f"{base}/batches")
    page.locator(f"[class*='st-key-batch_{ids['beta']}']").wait_for(timeout=30_000)
    assert page.locator(f"[class*='st-key-batch_{ids['acme']}']").count() == 0
    page.close()
