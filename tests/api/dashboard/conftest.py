from tests.api.spend_cards.conftest import org  # noqa: F401 (the shared organisation fixture)
