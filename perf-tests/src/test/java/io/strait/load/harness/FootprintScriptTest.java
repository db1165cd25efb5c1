package io.strait.load.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** footprint.sh's argument checks (nothing is started for them) and the idle-connection holder it uses. */
class FootprintScriptTest {

    @Test
    void helpNamesTheThreeScenarios() throws Exception {
        final Bash.Result r = Bash.run("./footprint.sh --help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("idle-connections | cold-start | fixed-rate-tail", "--variant");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() throws Exception {
        final Bash.Result unknown = Bash.run("./footprint.sh warm-start");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown scenario 'warm-start'");
        final Bash.Result none = Bash.run("./footprint.sh");
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("which scenario?");
        final Bash.Result candidate = Bash.run("./footprint.sh cold-start --only nginx");
        assertThat(candidate.exitCode()).isEqualTo(1);
        assertThat(candidate.err()).contains("unknown candidate for cold-start: nginx");
        final Bash.Result number = Bash.run("./footprint.sh idle-connections -n many");
        assertThat(number.exitCode()).isEqualTo(1);
        assertThat(number.err()).contains("not a number: many");
    }

    /** The holder against a loopback server answering one 1 KiB response per connection and keeping them open. */
    @Test
    void holderMakesOneRequestPerConnectionAndHoldsThemUntilStdinCloses() throws Exception {
        assumeTrue(Bash.has("python3"), "python3 is not installed");
        final byte[] body = new byte[1024];
        final byte[] response = ("HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        final List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            final Thread acceptor = new Thread(() -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        final Socket s = server.accept();
                        accepted.add(s);
                        final InputStream in = s.getInputStream();
                        final byte[] buf = new byte[1024];
                        int seen = 0;
                        final StringBuilder head = new StringBuilder();
                        while (head.indexOf("\r\n\r\n") < 0 && (seen = in.read(buf)) > 0) {
                            head.append(new String(buf, 0, seen, StandardCharsets.US_ASCII));
                        }
                        final OutputStream out = s.getOutputStream();
                        out.write(response);
                        out.write(body);
                        out.flush();
                    }
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            acceptor.start();
            final Process holder = new ProcessBuilder("python3", "lib/hold-connections.py",
                String.valueOf(server.getLocalPort()), "3").directory(Bash.DIR.toFile()).start();
            final var lines = holder.inputReader(StandardCharsets.UTF_8);
            assertThat(lines.readLine()).isEqualTo("open 3 failed 0");
            acceptor.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(accepted).hasSize(3);
            holder.getOutputStream().close();
            assertThat(lines.readLine()).isEqualTo("lost 0");
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            for (final Socket s : accepted) {
                s.close();
            }
        }
    }
}
