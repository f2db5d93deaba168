package dev.ect.testing;

import dev.ect.core.ReasonCode;
import dev.ect.core.SecurityEvent;
import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link VerificationListener} that remembers every event it is told of, in order: each
 * verification (accepted or refused, with its reason code) and each security event (G-07). Give it
 * to the verifier under test ({@code EctVerifier.Builder.listener(..)}), then assert on what the
 * verifier decided without parsing logs. Thread-safe; the lists returned are snapshots.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * EctVerifier v = EctVerifier.builder()...listener(events).build();
 * ... send a forged token ...
 * assertEquals(ReasonCode.INVALID_SIGNATURE, events.last().reason());
 * }</pre>
 */
public final class RecordingListener implements VerificationListener {
    private final List<VerificationEvent> events = new CopyOnWriteArrayList<>();
    private final List<SecurityEvent> securityEvents = new CopyOnWriteArrayList<>();

    @Override
    public void onVerification(VerificationEvent event) { events.add(event); }

    @Override
    public void onSecurityEvent(SecurityEvent event) { securityEvents.add(event); }

    /** Every verification so far, in order. */
    public List<VerificationEvent> events() { return List.copyOf(events); }

    /**
     * The latest verification.
     *
     * @throws IllegalStateException when there was none
     */
    public VerificationEvent last() {
        List<VerificationEvent> all = events();
        if (all.isEmpty()) {
            throw new IllegalStateException("no verification was recorded");
        }
        return all.get(all.size() - 1);
    }

    /** The verifications of the ECT whose {@code jti} is this one (as the token states it). */
    public List<VerificationEvent> forJti(String jti) {
        return events.stream().filter(e -> jti.equals(e.jti())).toList();
    }

    /** The number of accepted verifications. */
    public long accepted() { return events.stream().filter(VerificationEvent::accepted).count(); }

    /** The reason codes of the refusals, in order. */
    public List<ReasonCode> refusals() {
        return events.stream().filter(e -> !e.accepted()).map(VerificationEvent::reason).toList();
    }

    /** The latest refusal's reason code, if any verification was refused. */
    public Optional<ReasonCode> lastRefusal() {
        List<ReasonCode> r = refusals();
        return r.isEmpty() ? Optional.empty() : Optional.of(r.get(r.size() - 1));
    }

    /** Every security event so far ({@link SecurityEvent.Kind}), in order. */
    public List<SecurityEvent> securityEvents() { return List.copyOf(securityEvents); }

    /** Forgets everything recorded. */
    public void clear() {
        events.clear();
        securityEvents.clear();
    }

    @Override
    public String toString() { return "RecordingListener{events=" + events.size() + ", securityEvents=" + securityEvents.size() + "}"; }
}
