"""Public answers vary on ``Accept-Encoding`` only, not on ``Cookie``.

Django's session middleware adds ``Vary: Cookie`` to every answer for which the session was
read, and the sign-in middlewares read it on every request (is this a signed-in member whose
session has ended?). The public page, its JSON and feeds are the same for everyone, so that
header would only make shared caches (a CDN, nginx's ``proxy_cache``) keep one copy per visitor
cookie. ``caching.public_cached`` marks its answers; this middleware, placed before the session
middleware so that it sees the answer after it, takes ``Cookie`` out of their ``Vary`` unless
the answer itself sets a cookie (a session that ended is logged out), which no shared cache
keeps anyway.
"""

PUBLIC_ANSWER = "forewarn_public_answer"


def mark_public(response):
    setattr(response, PUBLIC_ANSWER, True)
    return response


class PublicAnswersVaryByEncodingOnly:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, PUBLIC_ANSWER, False) and not response.cookies:
            kept = [
                name.strip()
                for name in response.get("Vary", "").split(",")
                if name.strip() and name.strip().lower() != "cookie"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            elif "Vary" in response:
                del response["Vary"]
        return response
