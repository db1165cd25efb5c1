package io.strait.core.http;

/**
 * The end of a message's body: the event that follows a request or response head and its body
 * chunks (and the message's {@link HttpTrailers}, if any). A shared singleton; it carries nothing.
 */
public final class HttpEnd {

    /** The only instance. */
    public static final HttpEnd INSTANCE = new HttpEnd();

    private HttpEnd() {
    }

    @Override
    public String toString() {
        return "HttpEnd";
    }
}
