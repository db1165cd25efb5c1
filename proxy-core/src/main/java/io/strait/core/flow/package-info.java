/**
 * Flow control between the two sides of a proxied exchange: {@link io.strait.core.flow.ReadGate} decides a
 * channel's auto-read from independent reasons (codec backlog, peer not writable, waiting for an upstream).
 *
 * <p>Threading: confined to the channel's event loop.
 */
package io.strait.core.flow;
