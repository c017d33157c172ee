"""The public page cache: whole public pages from Django's cache, emptied when content changes.

A concern with a life of its own, in an app of its own (as django.contrib.redirects keeps its
middleware): the middleware (`middleware.py`), the content version that a save bumps
(`versions.py`), and the registry of content models (`content.py`) that every app fills from a
`pagecache.py` module of its own, the way apps declare their `admin.py` or sitemaps.
"""
