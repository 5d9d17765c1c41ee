"""The yardstick: a Django view that does nothing, served through the same middleware as every page.

Only routed when settings.BENCH_TRIVIAL_VIEW is on (the benchmark turns it on); targets are ratios to it.
"""

from django.http import HttpResponse


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")
