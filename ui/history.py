"""Browser history: a change of the query string replaces the current entry.

Streamlit (1.67) writes every change of ``st.query_params`` with ``history.pushState``,
so each Next press, slider move or panel choice would add a Back step, and Back would
walk through the stages instead of leaving the page. The script below makes a push to
the *same* path a ``replaceState``; going to another page (a new path) still pushes,
so Back returns to the page before. Static text only: nothing a user types reaches it.
"""

import streamlit as st

_SCRIPT = """
<script>
(() => {
  const h = window.history;
  if (h.__sameRouteReplaces) return;
  const push = h.pushState.bind(h);
  h.pushState = (state, title, url) => {
    const next = new URL(url, window.location.href);
    return next.pathname === window.location.pathname
      ? h.replaceState(state, title, url)
      : push(state, title, url);
  };
  h.__sameRouteReplaces = true;
})();
</script>
"""


def replace_query_changes() -> None:
    st.html(_SCRIPT, unsafe_allow_javascript=True)
