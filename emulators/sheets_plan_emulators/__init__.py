"""Emulators of the outside services sheets-plan speaks to, for its tests, benchmarks and your own:
each is a ``requests`` transport adapter (no socket), strict like the service, checking every request
and answer against the service's published description, and refusing (HTTP 501) what it does not
know. Shipped apart from the product: ``pip install -e emulators`` (the product's test extra does it).

* ``core``: what every emulator shares: the transport adapter, the no-network guard, a clock that
  tests can move, the pace of a rate limit, strict JSON Schema checks.
* ``amocrm``: AmoCRM's API v4 (``AmoEmulator``).
* ``google``: Google Sheets v4 and Drive v3 (``Emulator``), every request checked against Google's
  discovery documents (``google.discovery``), field masks (``google.fieldmask``) and the cassettes
  that replay recorded runs (``google.cassette``).
* ``vk``: VK's API 5.199 (``VkEmulator``), checked against VK's published schema.
* ``telegram``: Telegram's Bot API (``BotApiServer``), checked against aiogram's generated models.
* ``office``: LibreOffice headless: recalculating a workbook (``office.recalc``) and a person's
  edits in Calc over UNO (``office.calc.Office``).
"""
