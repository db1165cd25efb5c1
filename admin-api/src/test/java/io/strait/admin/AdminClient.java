package io.strait.admin;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks HTTP/1.1 to an admin server on loopback with the JDK's client. */
final class AdminClient {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final InetSocketAddress address;
    private final String token;

    AdminClient(final InetSocketAddress address, final String token) {
        this.address = address;
        this.token = token;
    }

    AdminClient(final InetSocketAddress address) {
        this(address, null);
    }

    HttpResponse<String> get(final String pathAndQuery) throws IOException, InterruptedException {
        return send(builder(pathAndQuery).GET());
    }

    HttpResponse<String> post(final String pathAndQuery) throws IOException, InterruptedException {
        return send(builder(pathAndQuery).POST(HttpRequest.BodyPublishers.noBody()));
    }

    HttpResponse<String> postForm(final String path, final String form) throws IOException, InterruptedException {
        return send(builder(path).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private HttpRequest.Builder builder(final String pathAndQuery) {
        final HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + address.getPort() + pathAndQuery)).timeout(Duration.ofSeconds(10));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> send(final HttpRequest.Builder b) throws IOException, InterruptedException {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
