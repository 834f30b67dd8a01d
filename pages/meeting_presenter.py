"""The presenter's keys and clock on the projector, in the browser.

Streamlit's button shortcuts ignore keys while a control has focus: after a click on 自动翻页
the Space bar flipped the toggle and → did nothing. This script listens on the window in the
capture phase (before any widget sees the key), takes the focus off the control and clicks
the slide buttons itself, so →/Space/PageDown (a clicker's keys) and ←/PageUp always move
slides. It also keeps the clock in the title bar on the room's time (the browser's, not the
server's), and scales the slide to the screen: `--mt-scale` is the screen's width over the
1920 px the slide is laid out for (at most 1), by which pages/meeting_style.py scales the
slide (title bar and body), so a 1024×768 projector shows the 1920×1080 slide, smaller, whole.
"""

from __future__ import annotations

import json

import streamlit as st

# Keys → the button they press (the buttons' containers are .st-key-<key>).
NEXT_KEYS = ("ArrowRight", " ", "Spacebar", "PageDown")
PREV_KEYS = ("ArrowLeft", "PageUp")
BACK_KEYS = ("Backspace",)
CLOCK_CLASS = "mt-clock"
# The screen width the slide is laid out for; narrower screens show it zoomed out.
SLIDE_WIDTH_PX = 1920

SCRIPT = """
<script>
(() => {
  // st.html is not iframed: this is the app's own document. Installed once per tab.
  if (window.__mtPresenter) return;
  window.__mtPresenter = true;
  const press = {};
  for (const k of %(next)s) press[k] = ".st-key-mt_next button";
  for (const k of %(prev)s) press[k] = ".st-key-mt_prev button";
  for (const k of %(back)s) press[k] = ".st-key-mt_back button";
  window.addEventListener("keydown", (event) => {
    const selector = press[event.key];
    if (!selector || event.altKey || event.ctrlKey || event.metaKey) return;
    const button = document.querySelector(selector);
    // Not in meeting mode (or no drill to leave): the key keeps its usual meaning.
    if (!document.querySelector(".st-key-mt_next") || (!button && event.key === "Backspace"))
      return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const active = document.activeElement;
    if (active && active !== document.body && active.blur) active.blur();
    if (event.repeat || !button || button.disabled) return;
    button.click();
  }, true);
  let scale = 1;
  const fit = () => {
    scale = Math.min(1, window.innerWidth / %(width)d);
    document.documentElement.style.setProperty("--mt-scale", String(scale));
  };
  fit();
  // Streamlit sizes a chart by its box on screen, which the scale shrinks: give each chart
  // on the slide its laid-out size (as at 1920 px) whenever the two differ.
  new MutationObserver(() => {
    if (scale >= 1 || !window.Plotly) return;  // unscaled: Streamlit's sizes are right
    for (const gd of document.querySelectorAll(".st-key-mt_body .js-plotly-plot")) {
      const box = getComputedStyle(gd.parentElement), layout = gd._fullLayout;
      const width = parseFloat(box.width), height = parseFloat(box.height);
      if (!layout || !width || !height) continue;
      if (Math.abs(width - layout.width) > 1 || Math.abs(height - layout.height) > 1)
        window.Plotly.relayout(gd, {width, height});
    }
  }).observe(document.body, {childList: true, subtree: true});
  window.addEventListener("resize", fit);
  const clock = () => {
    const now = new Date();
    const words = String(now.getHours()).padStart(2, "0") + ":" +
      String(now.getMinutes()).padStart(2, "0");
    for (const el of document.querySelectorAll(".%(clock)s"))
      if (el.textContent !== words) el.textContent = words;
  };
  clock();
  setInterval(clock, 1000);
  // A new slide redraws the title bar with the server's time: correct it at once.
  new MutationObserver(clock).observe(document.body, {childList: true, subtree: true});
})();
</script>
"""


def install() -> None:
    """Put the key and clock script on the page (drawn in the hidden container `mt_keys`)."""
    js = SCRIPT % {
        "next": json.dumps(NEXT_KEYS),
        "prev": json.dumps(PREV_KEYS),
        "back": json.dumps(BACK_KEYS),
        "clock": CLOCK_CLASS,
        "width": SLIDE_WIDTH_PX,
    }
    with st.container(key="mt_keys"):
        st.html(js, unsafe_allow_javascript=True)
