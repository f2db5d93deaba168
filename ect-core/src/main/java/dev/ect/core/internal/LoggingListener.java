package dev.ect.core.internal;

import dev.ect.core.LogSafe;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default listener: one log line per verification with jti, iss and the reason; never the token. */
public enum LoggingListener implements VerificationListener {
    INSTANCE;

    private static final Logger LOG = LoggerFactory.getLogger("dev.ect.verification");

    /**
     * Token-derived text for a log line or an error detail (T-11): {@link LogSafe#escapeField}, so
     * control and format characters, the backslash and the space are escaped; at most
     * {@value LogSafe#DEFAULT_MAX_CHARS} characters of input; {@code "-"} for null.
     */
    public static String safe(String s) { return LogSafe.escapeField(s); }

    @Override
    public void onVerification(VerificationEvent e) {
        if (e.accepted()) {
            if (!LOG.isDebugEnabled()) {
                return; // the common case: no formatting at all
            }
            LOG.debug("ECT accepted jti={} iss={} level={} in {} us", safe(e.jti()), safe(e.iss()), e.level(), e.duration().toNanos() / 1000);
        } else if (e.reason().isInfrastructure()) {
            LOG.warn("ECT not verified jti={} iss={} reason={}", safe(e.jti()), safe(e.iss()), e.reason().code());
        } else {
            LOG.info("ECT rejected jti={} iss={} reason={}", safe(e.jti()), safe(e.iss()), e.reason().code());
        }
    }
}
