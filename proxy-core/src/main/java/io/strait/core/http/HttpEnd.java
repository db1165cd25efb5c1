package io.strait.core.http;

/**
 * The end of a message's body: the event that follows a request or response head and its body
 * chunks. A shared singleton; it carries nothing (trailers are not forwarded yet).
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
