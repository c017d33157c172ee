import pytest

PAGE_CACHE = "pagecache.middleware.PublicPageCacheMiddleware"


@pytest.fixture(autouse=True)
def _views_without_page_cache(settings):
    """These tests are about what the views render and query; the page cache has its own tests."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != PAGE_CACHE]
