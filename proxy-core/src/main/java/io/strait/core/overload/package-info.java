/**
 * The overload manager (Envoy's, reduced to what a proxy needs): resource monitors (heap, direct memory, downstream
 * connections, file descriptors), each action's trigger on their pressure, and the state the event loops read to
 * refuse connections, turn keep-alive off and shed requests; the last-resort reset of the most-buffered connections.
 *
 * <p>Threading: one sampler thread ({@code strait-overload}, {@link io.strait.core.overload.OverloadManager}) reads
 * the monitors every refresh interval (once a second while every pressure is far below its thresholds:
 * {@link io.strait.core.overload.SampleCadence}), decides the actions and publishes them as one volatile int in
 * {@link io.strait.core.overload.OverloadState}; the loops read that int (a plain load on x86) once per accepted
 * connection, request or response, with no lock and no allocation, and count what they refused in their own stats
 * slots. Resets are asked of the connections' own loops ({@code Channel.close()} from the sampler). Nothing here runs
 * on an event loop except {@link io.strait.core.overload.OverloadState}'s checks.
 */
package io.strait.core.overload;
