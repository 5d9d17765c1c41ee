# Varnish 7.1 in front of the Newsroom's gunicorn (see README.md beside this file).
#
# The contract with the app (articles/cache.py):
# - cacheable reader responses carry `Cache-Control: public, ..., s-maxage=N` and their dependency
#   keys in an `xkey` header (`a:12 s:3 l:home latest-box`);
# - the app purges with `PURGE /` and `xkey-purge: k1 k2` (hard: never served again) or
#   `xkey-softpurge: k1 k2` (soft: the old copy may be served for at most GRACE while the new one
#   is fetched in the background);
# - `Surrogate-Control: content="ESI/1.0"` on a response turns on ESI for it.
#
# scripts/varnishd.py writes a copy of this file with the two `.host`/`.port` lines of
# `backend default` and the admin path in `sub newsroom_pass` replaced; in production, edit them here.
vcl 4.1;

import std;
import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    # A slow page (a cold sitemap, a big search) must not turn into a 503.
    .first_byte_timeout = 60s;
}

# Who may PURGE. Behind a TLS terminator on this machine every public request also comes from
# 127.0.0.1: vcl_recv therefore refuses PURGE requests that went through a proxy (see there).
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Only `http` and `https` are meaningful; the TLS terminator sets it and we pass it on to Django
    # (SECURE_PROXY_SSL_HEADER) and keep http and https copies apart in vcl_hash.
    if (req.http.X-Forwarded-Proto && req.http.X-Forwarded-Proto !~ "^https?$") {
        unset req.http.X-Forwarded-Proto;
    }
    # varnishd itself has already appended client.ip to X-Forwarded-For (or set it).

    if (req.method == "PURGE") {
        call newsroom_purge;
    }

    # Stale objects are served for at most 2 s after they expire or are soft-purged, whatever
    # grace the object carries (an object may carry more for a sick backend: README.md).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 2s;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    call newsroom_pass;
    if (req.http.Authorization) {
        return (pass);
    }
    # Reader pages are the same for everyone without a session: cookies (analytics, csrftoken)
    # would only split the cache.
    unset req.http.Cookie;
    return (hash);
}

# Requests that are never cached and keep their cookies.
sub newsroom_pass {
    # Django's session cookie: a signed-in editor sees previews, toolbars, drafts.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # The admin lives at ADMIN_URL (default `admin/`): keep this pattern in step with it.
    if (req.url ~ "^/admin/") {
        return (pass);
    }
    if (req.url ~ "^/preview/" || req.url ~ "^/healthz(/|\?|$)") {
        return (pass);
    }
}

sub newsroom_purge {
    if (client.ip !~ purgers) {
        return (synth(405, "PURGE not allowed from " + client.ip));
    }
    # A request forwarded by a proxy (the TLS terminator) carries X-Forwarded-Proto, or an
    # X-Forwarded-For that already had an address before varnishd appended client.ip: it comes
    # from the outside world even though client.ip is local. The app talks to Varnish directly.
    if (req.http.X-Forwarded-Proto || req.http.X-Forwarded-For ~ ",") {
        return (synth(403, "PURGE not allowed through a proxy"));
    }
    if (!req.http.xkey-purge && !req.http.xkey-softpurge) {
        # The app purges by key only; a bare PURGE is refused rather than guessed at.
        return (synth(400, "PURGE needs an xkey-purge or xkey-softpurge header"));
    }
    set req.http.xkey-purged = 0;
    if (req.http.xkey-purge) {
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
    }
    if (req.http.xkey-softpurge) {
        set req.http.xkey-purged = std.integer(req.http.xkey-purged, 0)
            + xkey.softpurge(req.http.xkey-softpurge);
    }
    return (synth(200, "Purged"));
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # Absolute links (feeds, canonical URLs) follow the scheme the reader used.
    hash_data(req.http.X-Forwarded-Proto);
    return (lookup);
}

sub vcl_backend_fetch {
    set bereq.http.Surrogate-Capability = {"varnish="ESI/1.0""};
}

sub vcl_backend_response {
    if (beresp.http.Surrogate-Control ~ {"content="ESI/1.0""}) {
        unset beresp.http.Surrogate-Control;
        set beresp.do_esi = true;
    }

    # Personal or cookie-setting responses are never stored. Varnish's built-in VCL would miss
    # `private` when the response also carries Surrogate-Control, so say it here.
    if (bereq.uncacheable) {
        return (deliver);
    }
    # A response that says nothing about its lifetime is not guessed at (Varnish would keep it for
    # default_ttl): it carries no xkey either, so no purge could reach it.
    if (beresp.http.Set-Cookie
            || (beresp.http.Cache-Control !~ "(?i)max-age" && !beresp.http.Expires)
            || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
            || beresp.http.Vary == "*"
            || beresp.ttl <= 0s) {
        # Hit-for-miss: the next requests go to the backend without waiting for each other,
        # and the first cacheable answer replaces this marker.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # The TTL comes from s-maxage (then max-age, Expires) as Varnish does by default.
    # Grace bounds how long a stale or soft-purged copy may be served while a fresh one is
    # fetched in the background: 2 s, or the backend's stale-while-revalidate when shorter.
    if (beresp.http.Cache-Control !~ "(?i)stale-while-revalidate" || beresp.grace > 2s) {
        set beresp.grace = 2s;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "MISS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The dependency keys are for Varnish; show them only to a local client that asks.
    if (!(req.http.X-Cache-Debug && client.ip ~ purgers)) {
        unset resp.http.xkey;
    }
}

sub vcl_synth {
    if (req.method == "PURGE" && resp.status == 200) {
        set resp.http.xkey-purged = req.http.xkey-purged;
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = req.http.xkey-purged + {" objects purged
"};
        return (deliver);
    }
}
