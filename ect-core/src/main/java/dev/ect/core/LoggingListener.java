package dev.ect.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default listener: one log line per verification with jti, iss and the reason; never the token. */
enum LoggingListener implements VerificationListener {
    INSTANCE;

    private static final Logger LOG = LoggerFactory.getLogger("dev.ect.verification");

    /**
     * Token-derived text for a log line or an error detail (T-11): {@link LogSafe#escapeField}, so
     * control and format characters, the backslash and the space are escaped; at most
     * {@value LogSafe#DEFAULT_MAX_CHARS} characters of input; {@code "-"} for null.
     */
    public static String safe(String s) { return LogSafe.escapeField(s); }

    /** True when {@link #onVerification} of an accepted ECT would do nothing (DEBUG is off): the verifier then makes no event for it. */
    boolean ignoresAccepted() { return !LOG.isDebugEnabled(); }

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

    /** WARN: ids and issuers only (the claimants are listed so an operator can find the squatter). */
    @Override
    public void onSecurityEvent(SecurityEvent e) {
        if (!LOG.isWarnEnabled()) {
            return;
        }
        StringBuilder by = new StringBuilder();
        for (String c : e.claimedBy()) {
            by.append(by.length() == 0 ? "" : ",").append(safe(c));
        }
        LOG.warn("ECT security event {} ({}) jti={} iss={} wid={} task={} claimed_by=[{}] reason={}", e.kind(),
                e.kind().ruleId(), safe(e.jti()), safe(e.iss()), safe(e.wid()), safe(e.taskId()), by, e.reason().code());
    }
}
