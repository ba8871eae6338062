"""The code an authenticator app would show for a device now (RFC 6238), computed independently."""

import hmac
import struct
import time


def totp(device, at: float | None = None) -> str:
    counter = int(((at if at is not None else time.time()) - device.t0) // device.step)
    digest = hmac.new(device.bin_key, struct.pack(">Q", counter), "sha1").digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**device.digits
    return str(code).zfill(device.digits)
