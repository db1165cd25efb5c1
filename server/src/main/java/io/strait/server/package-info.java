/**
 * The launcher: the command line ({@code run}, {@code validate}, {@code demo}, {@code version}), the wiring of a
 * validated configuration into a running {@code ProxyServer}, signal handling and the demo upstreams.
 *
 * <p>Threading: runs on the main thread until the server stops; the data plane runs on its own loops.
 */
package io.strait.server;
