"""Permissions-Policy on every answer: Forewarn's pages use no camera, microphone, location or payment.

Django sets the other security headers itself (Content-Security-Policy, nosniff, Referrer-Policy,
X-Frame-Options, Cross-Origin-Opener-Policy; see settings).
"""

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
