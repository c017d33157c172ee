"""The speakers the public pages show (see pagecache/content.py)."""

from pagecache import content
from speakers.models import Speaker

content.register(Speaker)
