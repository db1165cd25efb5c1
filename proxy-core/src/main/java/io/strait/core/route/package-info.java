/**
 * Routing: the immutable, compiled {@link io.strait.core.route.RouteTable} that maps a request
 * head to a virtual host, then to the first matching {@link io.strait.core.route.Route}, and that
 * route to a cluster index (or one of several, by weight).
 *
 * <p>A table is compiled once per listener per configuration snapshot, off the event loops, and is
 * then shared by every loop: everything in it is immutable. Matching reads the request head's byte
 * offsets directly and allocates nothing for exact-domain, prefix and path matches. Regexes (route
 * paths, header values) are re2j patterns, linear-time whatever the client sends; a match reuses a
 * per-thread view and matcher ({@code RegexScratch}), leaving only re2j's small per-match objects.
 */
package io.strait.core.route;
