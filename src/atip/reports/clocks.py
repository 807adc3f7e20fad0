"""The clocks of `report deadlines`, by code, with the words a clerk reads for each.

A module of its own, with no import but the catalog's: `atip report --help` lists the codes
without loading the database (tests/qualities/test_startup.py).
"""

from __future__ import annotations

from atip.i18n import N_

# In the order of a file's life.
CLOCKS = {
    "response": N_("response"),
    "extension-notice": N_("last day for the extension notice"),
    "third-party-notice": N_("last day to notify a third party"),
    "observations": N_("third party's observations"),
    "third-party-decision": N_("decision after the third party"),
    "decision": N_("decision"),
    "review": N_("application for review"),
}
