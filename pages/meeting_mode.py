"""例会模式: what the frame runs at every view's address when the URL says `mode=meeting`
(dashboard/navigation.py); the slides of the current filters, full screen."""

from dashboard import state
from pages import meeting

meeting.render(state.current())
