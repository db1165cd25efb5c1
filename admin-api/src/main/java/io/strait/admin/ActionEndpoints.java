package io.strait.admin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Confined to the admin thread. The endpoints that change something (all {@code POST}): health-check fail/ok,
 * drain, reload, runtime, logging, reset counters, reopen logs, quit.
 */
final class ActionEndpoints {

    /** The levels {@code POST /logging} takes (slf4j's, plus off). */
    static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private final AdminTarget target;
    private final StatsReader stats;
    private final AdminState state;

    ActionEndpoints(final AdminTarget target, final StatsReader stats, final AdminState state) {
        this.target = target;
        this.stats = stats;
        this.state = state;
    }

    AdminResponse healthCheckFail(final AdminRequest r) {
        return healthCheck(true);
    }

    AdminResponse healthCheckOk(final AdminRequest r) {
        return healthCheck(false);
    }

    private AdminResponse healthCheck(final boolean failed) {
        final ActionResult result = target.healthCheckFailed(failed);
        if (result.outcome() != ActionResult.Outcome.REJECTED) {
            // The admin's own /ready follows the flag even when the proxy has nothing more to do about it.
            state.healthCheckFailed(failed);
        }
        return result.outcome() == ActionResult.Outcome.NOT_IMPLEMENTED
            ? AdminResponse.text(200, (failed ? "/ready now answers 503" : "/ready follows the server state again")
                + " (" + result.message() + ")")
            : AdminResponse.of(result);
    }

    AdminResponse drainListeners(final AdminRequest r) {
        return AdminResponse.of(target.drainListeners());
    }

    AdminResponse reload(final AdminRequest r) {
        return AdminResponse.of(target.reload());
    }

    AdminResponse runtimeModify(final AdminRequest r) {
        if (r.params().isEmpty()) {
            return AdminResponse.text(400, "usage: POST /runtime_modify?key1=value1&key2=value2 (or a form body)");
        }
        final Map<String, String> values = new LinkedHashMap<>();
        for (final Map.Entry<String, List<String>> e : r.params().entrySet()) {
            values.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(e.getValue().size() - 1));
        }
        return AdminResponse.of(target.runtimeModify(values));
    }

    AdminResponse logging(final AdminRequest r) {
        if (r.params().isEmpty()) {
            return AdminResponse.text(400, "usage: POST /logging?level=<level> (every logger) or "
                + "/logging?<logger>=<level>; levels: trace, debug, info, warn, error, off");
        }
        final StringBuilder out = new StringBuilder();
        int status = 200;
        for (final Map.Entry<String, List<String>> e : r.params().entrySet()) {
            final String level = e.getValue().isEmpty() ? "" : e.getValue().get(0).toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) {
                return AdminResponse.text(400, "unknown level '" + level + "' for " + e.getKey()
                    + " (expected trace, debug, info, warn, error or off)");
            }
        }
        for (final Map.Entry<String, List<String>> e : r.params().entrySet()) {
            final String logger = e.getKey().equals("level") ? null : e.getKey();
            final ActionResult result = target.setLogLevel(logger, e.getValue().get(0).toLowerCase(Locale.ROOT));
            status = Math.max(status, result.outcome().status());
            out.append(result.message()).append('\n');
        }
        return AdminResponse.text(status, out.toString());
    }

    AdminResponse resetCounters(final AdminRequest r) {
        stats.resetCounters();
        return AdminResponse.text(200, "OK: counters read 0 from now on");
    }

    AdminResponse reopenLogs(final AdminRequest r) {
        return AdminResponse.of(target.reopenLogs());
    }

    AdminResponse quit(final AdminRequest r) {
        return AdminResponse.text(200, "OK: draining and exiting").then(target::quit);
    }
}
