"""Fixtures for tests against a real Varnish (deploy/varnish/newsroom.vcl); registered by the root conftest.

    def test_page_is_cached(varnish_factory, live_server_port):
        varnish = varnish_factory(backend_port=live_server_port)

The test is skipped, with the reason, when varnishd, the xkey vmod or a compiling VCL is missing.
"""

import pytest

from scripts.varnishd import VarnishUnavailable, start_varnish


def start_varnish_or_skip(*, backend_port, workdir, **options):
    try:
        return start_varnish(backend_port=backend_port, workdir=workdir, **options)
    except VarnishUnavailable as error:
        pytest.skip(f"Varnish unavailable: {error}")


@pytest.fixture
def varnish_factory(tmp_path):
    """Call with backend_port= (and backend_host=, admin_path=); every Varnish started is stopped afterwards."""
    started = []

    def factory(*, backend_port, **options):
        workdir = tmp_path / f"varnish{len(started)}"
        varnish = start_varnish_or_skip(backend_port=backend_port, workdir=workdir, **options)
        started.append(varnish)
        return varnish

    yield factory
    for varnish in started:
        varnish.stop()
