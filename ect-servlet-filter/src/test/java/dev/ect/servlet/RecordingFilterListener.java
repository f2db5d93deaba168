package dev.ect.servlet;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every filter event ({@link EctFilterListener}: outcome, path, status), for assertions on
 * outcomes and counts. Verification events are recorded by ect-testing's {@code RecordingListener}.
 */
final class RecordingFilterListener implements EctFilterListener {
    final List<EctFilterEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(EctFilterEvent event) { events.add(event); }

    List<EctFilterEvent> forJti(String jti) {
        return events.stream().filter(e -> jti.equals(e.jti())).toList();
    }

    List<EctFilterEvent> forPath(String path) {
        return events.stream().filter(e -> path.equals(e.path())).toList();
    }
}
