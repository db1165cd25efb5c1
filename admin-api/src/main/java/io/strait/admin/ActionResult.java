package io.strait.admin;

import java.util.List;

/**
 * Immutable. What an admin action ({@code POST /reload}, {@code /drain_listeners}, ...) came to: done (200),
 * refused for a reason the caller can fix, with every error found (400), or not supported by this proxy (501).
 *
 * @param outcome the kind of result, which sets the HTTP status
 * @param message one line for the response body
 * @param errors  every error, one per line after the message (e.g. each config error of a refused reload)
 */
public record ActionResult(Outcome outcome, String message, List<String> errors) {

    /** The kinds of result, with the HTTP status each answers. */
    public enum Outcome {
        /** Done: 200. */
        OK(200),
        /** Refused, e.g. a reload whose configuration has errors: 400, nothing changed. */
        REJECTED(400),
        /** The proxy cannot do this (yet): 501. */
        NOT_IMPLEMENTED(501);

        private final int status;

        Outcome(final int status) {
            this.status = status;
        }

        /** The HTTP status this outcome answers with. */
        public int status() {
            return status;
        }
    }

    /** Copies the error list. */
    public ActionResult {
        errors = List.copyOf(errors);
    }

    /** Done, saying {@code message}. */
    public static ActionResult ok(final String message) {
        return new ActionResult(Outcome.OK, message, List.of());
    }

    /** Refused, saying why in {@code message} and listing {@code errors}. */
    public static ActionResult rejected(final String message, final List<String> errors) {
        return new ActionResult(Outcome.REJECTED, message, errors);
    }

    /** Not supported, saying why. */
    public static ActionResult notImplemented(final String reason) {
        return new ActionResult(Outcome.NOT_IMPLEMENTED, reason, List.of());
    }
}
