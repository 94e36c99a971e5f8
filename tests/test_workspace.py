import pytest

from core.errors import ValidationError
from core.workspace import resolve_identity


def test_without_sign_in_everyone_shares_the_local_workspace(settings_env):
    settings_env(DEFAULT_WORKSPACE="local")
    ident = resolve_identity(None)
    assert (ident.workspace, ident.user, ident.signed_in) == ("local", "local", False)


def test_signed_in_users_are_mapped_exactly_then_by_domain(settings_env):
    settings_env(WORKSPACE_MAP="boss@acme.com=hq, *@acme.com=acme ,x@beta.io=beta")
    assert resolve_identity("Boss@Acme.com").workspace == "hq"
    assert resolve_identity("ann@acme.com").workspace == "acme"
    assert resolve_identity("x@beta.io").workspace == "beta"


def test_an_unmapped_user_gets_no_workspace(settings_env):
    settings_env(WORKSPACE_MAP="*@acme.com=acme")
    with pytest.raises(ValidationError, match="has no workspace"):
        resolve_identity("eve@evil.com")
