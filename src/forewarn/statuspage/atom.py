"""The Atom feeds' document type: its ``updated`` never depends on when it was rendered.

Django's feed generator dates a feed without entries "now", so two renders of the same page
state differ (the web process's and the static copy's, two web processes'). Here the feed is
as new as its newest entry, or, with none, as the page's last change.
"""

from django.utils.feedgenerator import Atom1Feed

from .version import current_version


class StableAtom1Feed(Atom1Feed):
    def latest_post_date(self):
        dates = [
            item["updateddate"] or item["pubdate"]
            for item in self.items
            if item["updateddate"] or item["pubdate"]
        ]
        return max(dates) if dates else current_version()[1]
