package dev.ect.core.support;

import dev.ect.core.VerificationEvent;
import dev.ect.core.VerificationListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A listener that records every event. */
public final class RecordingListener implements VerificationListener {
    public final List<VerificationEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onVerification(VerificationEvent event) { events.add(event); }

    public VerificationEvent last() { return events.get(events.size() - 1); }
}
