"""例会模式's own session and widget keys. The slide shown is named in the URL as `slide` (a
key, not an index: a drill-down adds or drops slides, and the room stays on the same subject).
"""

W_MEETING_AUTO = "w_meeting_auto"  # auto-advance on/off
W_MEETING_SECONDS = "w_meeting_seconds"  # seconds per slide when auto-advancing
W_MEETING_PERIOD = "w_meeting_period"  # the cover's period picker
S_SLIDE = "s_meeting_slide"  # the slide shown (its key)
S_SLIDE_WRITTEN = "s_meeting_slide_written"  # the slide the app last put in the URL
S_SLIDE_SHOWN_AT = "s_meeting_slide_shown_at"  # when the slide appeared (auto-advance clock)
S_MEETING_TRAIL = "s_meeting_trail"  # scopes drilled down from, to come back to
