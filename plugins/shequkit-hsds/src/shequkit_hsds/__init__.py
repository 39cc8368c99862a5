"""shequkit-hsds: export community services as Open Referral HSDS 3.0 (开放转介 HSDS 导出).

Install the plugin (``pip install shequkit-hsds``) and shequkit gains two
export-only formats, found through the ``shequkit`` entry point ``hsds``:

* ``hsds-json`` — one page of the HSDS 3.0 API's ``/services`` response, each
  service fully nested (organization, locations, addresses, taxonomy terms);
* ``hsds`` — an HSDS 3.0 tabular data package: a zip of one CSV per HSDS
  table with a Frictionless ``datapackage.json``.

Neither claims a file extension; name the format::

    shequkit convert data.json directory.json --to hsds-json
    shequkit convert data.json directory.zip --to hsds

Personal data (staff names, phones and identity numbers, volunteer leaders,
the person who prepared the return) is never exported. See
``docs/plugins-hsds.md`` in the shequkit repository for the full mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

from shequkit import hookimpl
from shequkit.formats import Codec
from shequkit_hsds._codecs import EXPORT_ONLY, HSDS_VERSION, HsdsJsonCodec, HsdsPackageCodec
from shequkit_hsds._mapping import NAMESPACE, hsds_id

__all__ = [
    "EXPORT_ONLY",
    "HSDS_VERSION",
    "NAMESPACE",
    "HsdsJsonCodec",
    "HsdsPackageCodec",
    "hsds_id",
    "shequkit_formats",
]

__version__ = "0.1.0"


@hookimpl
def shequkit_formats() -> Sequence[Codec]:
    """The two HSDS export formats: ``hsds-json`` and ``hsds``."""
    return [HsdsJsonCodec(), HsdsPackageCodec()]
