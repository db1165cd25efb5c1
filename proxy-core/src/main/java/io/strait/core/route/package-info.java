/**
 * Routing: the immutable, compiled {@link io.strait.core.route.RouteTable} that maps a request
 * head to a virtual host, then to the first matching {@link io.strait.core.route.Route}, and that
 * route to a cluster index (or one of several, by weight).
 *
 * <p>A table is compiled once per listener per configuration snapshot, off the event loops, and is
 * then shared by every loop: everything in it is immutable. Matching reads the request head's byte
 * offsets directly and allocates nothing for exact-domain, prefix and path matches; regex matches
 * allocate a small {@link java.lang.CharSequence} view and a {@link java.util.regex.Matcher}.
 */
package io.strait.core.route;
