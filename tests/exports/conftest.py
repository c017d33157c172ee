import pytest

from tests.public.conftest import PAGE_CACHE


@pytest.fixture(autouse=True)
def _exports_without_page_cache(settings):
    """These tests are about what the exports render and query; the page cache has its own tests
    (a save reaches the page cache only when its transaction commits, which these tests' never do)."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != PAGE_CACHE]
