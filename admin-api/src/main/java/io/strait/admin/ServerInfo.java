package io.strait.admin;

import java.time.Duration;

/**
 * Immutable. What {@code /server_info} says about the process (the state is asked for separately).
 *
 * @param version    Strait's version
 * @param uptime     time since the process started
 * @param jdk        the running JDK's version
 * @param transport  the event loops' transport (epoll, io_uring, nio) and why it was chosen
 * @param eventLoops the number of worker event loops
 */
public record ServerInfo(String version, Duration uptime, String jdk, String transport, int eventLoops) {
}
