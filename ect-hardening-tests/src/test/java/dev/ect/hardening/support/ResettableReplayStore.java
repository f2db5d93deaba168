package dev.ect.hardening.support;

import dev.ect.core.replay.CaffeineReplayStore;
import dev.ect.core.replay.ReplayStore;
import java.time.Clock;
import java.time.Instant;

/**
 * The real in-process replay store, emptied on demand: fuzz targets build their verifier or
 * filter once (fast) and reset the store per input (so an input's outcome never depends on the
 * inputs before it).
 */
public final class ResettableReplayStore implements ReplayStore {
    private final Clock clock;
    private final int size;
    private volatile CaffeineReplayStore current;

    public ResettableReplayStore(int size, Clock clock) {
        this.size = size;
        this.clock = clock;
        reset();
    }

    public void reset() { current = new CaffeineReplayStore(size, clock); }

    @Override
    public boolean checkAndRecord(String iss, String wid, String jti, Instant keepUntil) { return current.checkAndRecord(iss, wid, jti, keepUntil); }

    @Override
    public void forget(String iss, String wid, String jti) { current.forget(iss, wid, jti); }
}
