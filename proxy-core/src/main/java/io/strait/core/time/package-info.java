/**
 * Time on the request path: {@code NanoClock} (the clock every deadline is read from, so tests can advance one by
 * hand) and {@code LoopTimer} (one lazily re-armed timer per owner on an event loop, which schedules nothing per
 * request on a keep-alive connection).
 *
 * <p>Threading: a clock is thread-safe; a timer is confined to its event loop.
 */
package io.strait.core.time;
