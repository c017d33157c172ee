"""The programme the public pages show (see pagecache/content.py).

Places taken by sign-ups are not content: a sign-up leaves the cached pages as they are, and a
page that shows places left says for how long it may be kept (Cache-Control: s-maxage).
"""

from pagecache import content
from sessions.models import Material, RecapMaterial, Session, SessionSpeaker

content.register(Session, SessionSpeaker, Material, RecapMaterial)
