"""How large any one input may be, for the models, the console's forms and the API alike.

Pure Python, no Django.

A limit here is a promise to the database and to every reader: no 2 MB description on the
status page, no ``timedelta`` overflow from a minute count of 10^13. The API documents each
bound in its OpenAPI document (``forewarn.api.fields``); the models enforce the same numbers
(``max_length``, validators), so the console refuses what the API refuses.
"""

SLUG = 50  # Django's SlugField
NAME = 200  # names and titles
SHORT_TEXT = 300  # a cause, a reason, a subject line, a quoted source document's name
TEXT = 20_000  # descriptions, Markdown bodies, quoted contract text
TIME_ZONE = 64  # an IANA zone name
EMAIL = 254  # RFC 5321's path limit
URL = 500
PHONE = 40
ITEMS = 500  # entries in a list given at once (slugs, addresses, dates, closures)
RANGES = 100  # opening-hours or peak-hours ranges, notices of a work type

POSITION = 100_000  # an ordering number
COUNT = 10_000_000  # licences and similar counts
MEMBERS = 1_000  # K of a redundant component's N members
DAY_MINUTES = 24 * 60  # a business day is at most a whole day
OBJECTIVE_MINUTES = 366 * 24 * 60  # a restore objective: at most a year
ID = 2**63 - 1  # the largest primary key (a 64-bit integer)
PAGE = 500  # items on one page of a list
OFFSET = 1_000_000_000  # how far into a list a page may start
