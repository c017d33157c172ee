from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PageCacheConfig(AppConfig):
    name = "pagecache"

    def ready(self):
        from pagecache import versions

        # Each app's pagecache.py registers its content models (see pagecache/content.py).
        autodiscover_modules("pagecache")
        versions.connect_signals()
