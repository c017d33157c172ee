"""The models of the event domain that the public pages show (see pagecache/content.py)."""

from g40events.models import Event, Organisation, Pillar, Recap, ThemeGroup
from pagecache import content

# Event and Recap also end the cached pages' time window: their QuerySets' next_change().
content.register(Organisation, Pillar, ThemeGroup, Event, Recap)
