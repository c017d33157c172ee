"""What a view tells the page cache about itself."""

import functools

ATTRIBUTE = "page_cache_query_params"


def query_params(*names: str):
    """Name the query parameters a public view reads; the page cache keeps one page per value.

    Any other parameter (`?utm_source=…`, `?junk=1`) is dropped from the request before the view
    sees it, and the visit is served the page without it: a link with tracking parameters makes
    no new cache entry, and a view cannot read a parameter it did not name. For a class-based
    view, decorate the class; for a function view, the function.
    """

    def decorate(view):
        if isinstance(view, type):
            setattr(view, ATTRIBUTE, frozenset(names))
            return view

        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, **kwargs)

        setattr(wrapper, ATTRIBUTE, frozenset(names))
        return wrapper

    return decorate


def query_params_of(view) -> frozenset[str]:
    """The query parameters a resolved view function (or its class) named; none by default."""
    names = getattr(view, ATTRIBUTE, None)
    if names is None:
        names = getattr(getattr(view, "view_class", None), ATTRIBUTE, frozenset())
    return names
