/**
 * The access log: one record per request, encoded on the event loop as bytes straight into a preallocated
 * many-to-one ring ({@link io.strait.core.accesslog.AccessLog#offer}, no allocation, never waits: a full ring drops the
 * record and counts {@code access_log.dropped}), and formatted and written by one writer thread per file
 * ({@code strait-access-log}), which reopens the file when it was moved (logrotate).
 *
 * <p>Record layout in the ring (native byte order), written by {@link io.strait.core.accesslog.AccessLogRecord}:
 * <pre>
 *   0                   8                   16                  24                  32                  40
 *   | start, epoch ms   | duration, ns      | upstream svc, ns  | body bytes in     | body bytes out    |
 *   40        44        48   49
 *   | status  | flags   | v  | 7 x ( u16 length | bytes ): method, path, x-forwarded-for, user-agent,
 *                              x-request-id, authority, upstream host
 * </pre>
 * The ring's message type is the line format ({@link io.strait.core.accesslog.AccessLogRecord#TEXT},
 * {@link io.strait.core.accesslog.AccessLogRecord#JSON}), so listeners sharing a file may use different formats.
 */
package io.strait.core.accesslog;
